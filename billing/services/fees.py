"""Who pays the participation fee of a year, and how much (DESIGN.md invariant 6)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from billing.models import FeeSchedule, Invoice, InvoiceStatus
from members.models import CompanyGroup, Membership, MembershipStatus, Organisation

CENT = Decimal("0.01")


@dataclass
class Billable:
    organisation: Organisation
    participant_type: str
    amount: Decimal
    units: list[Organisation] = field(default_factory=list)


@dataclass
class Skipped:
    organisation: Organisation
    reason: str


@dataclass
class FeePlan:
    schedule: FeeSchedule
    billable: list[Billable] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.billable), Decimal(0))


def periods_in_year(year: int):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start),
        start_date__lte=end,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.ENDED],
    )


def fee_plan(*, year: int) -> FeePlan:
    """Who gets which amount for ``year``, and who is skipped and why.

    Billable: organisations with an active membership in the year, by the participant type of
    their latest period in it. In a company group whose board decided per-unit fees every unit
    pays; otherwise only the parent unit, whose invoice lists the group's other units.
    """
    schedule = FeeSchedule.objects.prefetch_related("amounts").get(year=year)
    amounts = {(a.participant_type, a.size_band): a.amount for a in schedule.amounts.all()}
    latest_type: dict[int, str] = {}
    for period in periods_in_year(year).order_by("start_date"):
        latest_type[period.organisation_id] = period.participant_type
    organisations = Organisation.objects.filter(pk__in=latest_type).select_related("group")
    groups = {group.pk: group for group in CompanyGroup.objects.select_related("parent").all()}
    invoiced = set(
        Invoice.objects.filter(kind="invoice", fee_year=year)
        .exclude(status=InvoiceStatus.CREDITED)
        .values_list("organisation_id", flat=True)
    )
    plan = FeePlan(schedule=schedule)
    units_by_parent: dict[int, list[Organisation]] = {}
    for organisation in sorted(organisations, key=lambda o: o.name):
        group = groups.get(organisation.group_id)
        if group is not None and not group.units_pay_own_fee and group.parent_id != organisation.pk:
            if group.parent_id in latest_type:
                units_by_parent.setdefault(group.parent_id, []).append(organisation)
                reason = _("Paid through the group's parent unit, %(parent)s.")
                plan.skipped.append(Skipped(organisation, reason % {"parent": group.parent}))
            else:
                reason = _("The group's parent unit %(parent)s is not an active participant.")
                plan.skipped.append(Skipped(organisation, reason % {"parent": group.parent}))
            continue
        if organisation.pk in invoiced:
            plan.skipped.append(Skipped(organisation, _("Already invoiced for this year.")))
            continue
        amount = amounts.get((latest_type[organisation.pk], organisation.size_band))
        if amount is None:
            plan.skipped.append(
                Skipped(organisation, _("No fee in the schedule for its type and size."))
            )
            continue
        plan.billable.append(Billable(organisation, latest_type[organisation.pk], amount))
    for item in plan.billable:
        item.units = units_by_parent.get(item.organisation.pk, [])
    return plan


def pro_rata(amount: Decimal, *, from_month: int) -> Decimal:
    """The part of a yearly fee for the months from ``from_month`` to December."""
    months = 13 - from_month
    return (amount * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)
