"""Reporting periods: quarters by default, confirmed by companies, locked by the secretariat."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from activities.models import PeriodConfirmation, ReportingPeriod
from activities.selectors import hours_in_period
from members.models import Organisation, User
from portal import parsing, rules

QUARTER_STARTS = ((1, 1), (4, 1), (7, 1), (10, 1))


def reporting_periods_create_quarters(
    *, year: int, deadline_days: int = 30
) -> list[ReportingPeriod]:
    """Create the four quarters of ``year`` (kept if they exist), each with a deadline."""
    periods = []
    for number, (month, day) in enumerate(QUARTER_STARTS, start=1):
        start = datetime.date(year, month, day)
        next_start = (
            datetime.date(year + 1, 1, 1)
            if number == 4
            else datetime.date(year, *QUARTER_STARTS[number])
        )
        end = next_start - datetime.timedelta(days=1)
        period, _created = ReportingPeriod.objects.get_or_create(
            start_date=start,
            defaults={
                "name": f"{year} Q{number}",
                "end_date": end,
                "deadline": end + datetime.timedelta(days=deadline_days),
            },
        )
        periods.append(period)
    return periods


def hours_confirm_period(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    confirmed_by: User,
    expected_hours: Decimal | None = None,
) -> PeriodConfirmation:
    """An organisation admin confirms the company's hours in a period: "we confirm these N hours".

    The confirmation records the total, who confirmed (name kept) and when. ``expected_hours`` is
    the total the admin was shown: if hours changed since, nothing is confirmed. Confirming again
    updates it while the period is open.
    """
    if not rules.allowed(confirmed_by, "activities.confirm_period", organisation):
        raise ValidationError(_("Only an administrator of the organisation can confirm its hours."))
    if period.is_locked:
        raise ValidationError(
            _("The reporting period %(period)s is locked; its hours can no longer be changed.")
            % {"period": period.name}
        )
    total = hours_in_period(organisation, period)
    if not total:
        raise ValidationError(
            _("There are no hours to confirm in %(period)s.") % {"period": period}
        )
    if expected_hours is not None and Decimal(expected_hours) != total:
        raise ValidationError(
            _(
                "The hours changed while you looked: %(period)s now has %(hours)s hours. "
                "Check them and confirm again."
            )
            % {"period": period.name, "hours": number_format(total, 2)},
            code="total_changed",
        )
    values = {
        "hours": total,
        "confirmed_by": confirmed_by,
        "confirmed_by_name": confirmed_by.get_full_name(),
        "confirmed_at": timezone.now(),
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                return PeriodConfirmation.objects.create(
                    organisation=organisation, period=period, **values
                )
        except IntegrityError:
            PeriodConfirmation.objects.filter(organisation=organisation, period=period).update(
                **values
            )
            return PeriodConfirmation.objects.get(organisation=organisation, period=period)


def parse_expected_hours(value) -> Decimal:
    """The total a confirmation form was showing; a clear error when it is missing or garbled."""
    try:
        return parsing.parse_decimal(value, max_digits=10, decimal_places=2, comma=False)
    except ValidationError:
        raise ValidationError(_("The confirmation form is incomplete; reload the page.")) from None


def hours_lock_period(
    *, period: ReportingPeriod, locked_by: User, today: datetime.date | None = None
) -> ReportingPeriod:
    """Lock a period after its deadline: its hours are then frozen for members."""
    today = today or timezone.localdate()
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            return period
        if today <= period.deadline:
            raise ValidationError(
                _("%(period)s can be locked after its deadline (%(deadline)s).")
                % {"period": period.name, "deadline": period.deadline}
            )
        period.locked_at = timezone.now()
        period.locked_by = locked_by
        period.save(update_fields=["locked_at", "locked_by"])
    return period
