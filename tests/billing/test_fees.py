import datetime
from decimal import Decimal

import pytest

from billing.models import FeeAmount
from billing.selectors import fee_plan
from billing.services.fees import pro_rata
from members.models import CompanyGroup, ParticipantType, SizeBand
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2026, 1, 1)


def member(name, participant_type=ParticipantType.CORE, start=JAN_1, **fields):
    organisation = OrganisationFactory(name=name, **fields)
    MembershipFactory(
        organisation=organisation, participant_type=participant_type, start_date=start
    )
    return organisation


def test_active_members_pay_by_type_and_size_and_others_are_skipped_with_a_reason():
    schedule = fee_schedule(2026)
    FeeAmount.objects.filter(
        schedule=schedule, participant_type="supplier", size_band=SizeBand.SMALL
    ).update(amount=Decimal("5000"))
    member("A Kjerne AS")
    member("B Leverandør AS", ParticipantType.SUPPLIER)
    member("C Uten Størrelse AS", size_band="")
    member("D Slutter AS", start=datetime.date(2027, 1, 1))
    plan = fee_plan(year=2026)
    assert [(b.organisation.name, b.amount) for b in plan.billable] == [
        ("A Kjerne AS", Decimal("10000")),
        ("B Leverandør AS", Decimal("5000")),
    ]
    assert [(s.organisation.name, s.reason) for s in plan.skipped] == [
        ("C Uten Størrelse AS", "No fee in the schedule for its type and size.")
    ]


def test_a_group_paying_per_unit_bills_every_unit():
    fee_schedule(2026)
    parent, unit = member("Konsern ASA"), member("Datter AS")
    group = CompanyGroup.objects.create(name="Konsernet", parent=parent, units_pay_own_fee=True)
    parent.group = unit.group = group
    parent.save()
    unit.save()
    assert [b.organisation for b in fee_plan(year=2026).billable] == [unit, parent]


def test_otherwise_only_the_parent_pays_and_lists_the_units():
    fee_schedule(2026)
    parent, unit = member("Konsern ASA"), member("Datter AS")
    group = CompanyGroup.objects.create(name="Konsernet", parent=parent, units_pay_own_fee=False)
    parent.group = unit.group = group
    parent.save()
    unit.save()
    plan = fee_plan(year=2026)
    assert [(b.organisation, b.units) for b in plan.billable] == [(parent, [unit])]
    assert [(s.organisation, s.reason) for s in plan.skipped] == [
        (unit, "Paid through the group's parent unit, Konsern ASA.")
    ]


@pytest.mark.parametrize(
    ("month", "expected"), [(1, "12000.00"), (7, "6000.00"), (12, "1000.00"), (11, "2000.00")]
)
def test_pro_rata_by_month(month, expected):
    assert pro_rata(Decimal("12000"), from_month=month) == Decimal(expected)
