"""Fee arithmetic and fee schedules: the grid of a year, and a copy of last year's. Who pays the
fee of a year, and how much, is read by ``billing.selectors.fee_plan`` (docs/architecture.md,
invariant 6)."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import FeeAmount, FeeSchedule, FeeScheduleJoinerRule
from billing.money import quantize


def pro_rata(amount: Decimal, *, from_month: int) -> Decimal:
    """The part of a yearly fee for the months from ``from_month`` to December."""
    months = 13 - from_month
    return quantize(amount * months / 12)


def fee_schedule_save_grid(
    *,
    schedule: FeeSchedule,
    amounts: Mapping[tuple[str, str], Decimal | None],
    joiner_fee: str | None = None,
) -> FeeSchedule:
    """Set a schedule's fees as one grid (participant type by size band) and, optionally, what
    members joining during the year pay (``JoinerFee``).

    A cell without an amount has no fee: an organisation of that type and size is skipped by
    a run, with the reason. A frozen schedule (invoices exist for its year) is refused; one
    transaction, so a refused cell leaves the whole grid as it was.
    """
    if schedule.is_frozen:
        raise ValidationError(
            _("The fee schedule for %(year)s is frozen: invoices exist for that year.")
            % {"year": schedule.year},
            code="frozen",
        )
    with transaction.atomic():
        for (participant_type, size_band), amount in amounts.items():
            cell = {"schedule": schedule, "participant_type": participant_type}
            if amount is None:
                for existing in FeeAmount.objects.filter(**cell, size_band=size_band):
                    existing.delete()
                continue
            FeeAmount.objects.update_or_create(
                **cell, size_band=size_band, defaults={"amount": amount}
            )
        if joiner_fee is not None:
            FeeScheduleJoinerRule.objects.update_or_create(
                schedule=schedule, defaults={"fee": joiner_fee}
            )
    return schedule


# The fields a copy leaves out: the row itself, its year, and the board's decision date.
NOT_COPIED = frozenset({"id", "year", "decided_on"})


def fee_schedule_copy(*, source: FeeSchedule, year: int | None = None) -> FeeSchedule:
    """Copy ``source`` (last year's schedule) to ``year`` (the year after it): its terms, every
    fee of the grid and the rule for joiners, as one action. The board's decision date is left
    empty for staff to fill in. A year that already has a schedule is refused."""
    year = source.year + 1 if year is None else year
    if FeeSchedule.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a fee schedule for %(year)s.") % {"year": year}}
        )
    terms = {
        f.name: getattr(source, f.name)
        for f in FeeSchedule._meta.concrete_fields
        if f.name not in NOT_COPIED
    }
    with transaction.atomic():
        copy = FeeSchedule.objects.create(year=year, **terms)
        FeeAmount.objects.bulk_create(
            FeeAmount(
                schedule=copy,
                participant_type=fee.participant_type,
                size_band=fee.size_band,
                amount=fee.amount,
            )
            for fee in source.amounts.all()
        )
        rule = FeeScheduleJoinerRule.objects.filter(schedule=source).first()
        if rule is not None:
            FeeScheduleJoinerRule.objects.create(schedule=copy, fee=rule.fee)
    return copy
