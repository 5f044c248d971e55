import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import FeeAmount, FeeSchedule, FeeScheduleJoinerRule, JoinerFee
from billing.selectors import fee_plan
from billing.services.fees import pro_rata
from members.models import CompanyGroup, ParticipantType, SizeBand
from tests.billing.invoicing import grid_data
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.helpers import change_page, messages_of, run_action

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


# --- The schedule as one grid, and the copy of last year's -------------------------------------


def test_a_new_schedule_is_entered_as_one_grid(staff_client):
    add = reverse("admin:billing_feeschedule_add")
    page = staff_client.get(add, {"year": 2027}).content.decode()
    assert page.count('name="fee_') == len(ParticipantType) * len(SizeBand)
    assert 'value="2027"' in page
    fees = {
        ("core", "1-9"): "8000",
        ("core", "250+"): "40000",
        ("supplier", "10-49"): "6000.50",
    }
    response = staff_client.post(add, grid_data(2027, fees, joiner_fee="pro_rata"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    schedule = FeeSchedule.objects.get(year=2027)
    stored = {(a.participant_type, a.size_band): a.amount for a in schedule.amounts.all()}
    assert stored == {
        ("core", "1-9"): Decimal("8000"),
        ("core", "250+"): Decimal("40000"),
        ("supplier", "10-49"): Decimal("6000.50"),
    }
    assert schedule.joiner_rule.fee == JoinerFee.PRO_RATA


def test_the_grid_shows_the_stored_fees_and_an_emptied_cell_removes_the_fee(staff_client):
    schedule = fee_schedule(2027, amount=Decimal("10000"))
    page = staff_client.get(change_page(schedule)).content.decode()
    assert page.count('value="10000.00"') == len(ParticipantType) * len(SizeBand)

    fees = {(t, b): "10000" for t in ParticipantType.values for b in SizeBand.values}
    fees[("other", "1-9")] = ""
    fees[("core", "10-49")] = "12000"
    response = staff_client.post(change_page(schedule), grid_data(2027, fees))

    assert response.status_code == 302
    stored = {(a.participant_type, a.size_band): a.amount for a in schedule.amounts.all()}
    assert ("other", "1-9") not in stored
    assert stored[("core", "10-49")] == Decimal("12000")
    assert len(stored) == len(ParticipantType) * len(SizeBand) - 1


def test_a_negative_or_malformed_fee_is_a_field_error_and_nothing_is_saved(staff_client):
    schedule = fee_schedule(2027, amount=Decimal("10000"))
    response = staff_client.post(
        change_page(schedule),
        grid_data(2027, {("core", "1-9"): "-5", ("core", "10-49"): "1e3"}),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"fee_core_0", "fee_core_1"} <= set(errors)
    assert {a.amount for a in schedule.amounts.all()} == {Decimal("10000")}


def test_a_frozen_schedule_shows_its_fees_without_the_grid(staff_client):
    from tests.factories import fee_invoice

    invoice = fee_invoice()
    page = staff_client.get(change_page(FeeSchedule.objects.get(year=invoice.fee_year)))
    content = page.content.decode()
    assert page.status_code == 200
    assert 'name="fee_' not in content
    assert "10000" in content


def test_copying_last_years_schedule_is_one_action(staff_client):
    last = fee_schedule(2026, amount=Decimal("9000"), days_to_due=14)
    last.decided_on = datetime.date(2025, 11, 20)
    last.save()
    FeeScheduleJoinerRule.objects.create(schedule=last, fee=JoinerFee.PRO_RATA)

    response = run_action(staff_client, FeeSchedule, "copy_to_next_year", [last])

    assert response.status_code == 302
    copy = FeeSchedule.objects.get(year=2027)
    assert (copy.days_to_due, copy.vat_rate, copy.decided_on) == (14, last.vat_rate, None)
    assert {a.amount for a in copy.amounts.all()} == {Decimal("9000")}
    assert copy.amounts.count() == last.amounts.count()
    assert copy.joiner_rule.fee == JoinerFee.PRO_RATA
    assert "The fee schedule for 2027 is made from the year before" in messages_of(response)[0]


def test_copying_to_a_year_that_has_a_schedule_is_refused(staff_client):
    last = fee_schedule(2026)
    fee_schedule(2027, amount=Decimal("1"))
    response = run_action(staff_client, FeeSchedule, "copy_to_next_year", [last])
    assert messages_of(response) == ["There is already a fee schedule for 2027."]
    assert {a.amount for a in FeeSchedule.objects.get(year=2027).amounts.all()} == {Decimal("1")}


def test_the_grid_service_refuses_a_frozen_schedule():
    from django.core.exceptions import ValidationError

    from billing.services.fees import fee_schedule_save_grid
    from tests.factories import fee_invoice

    invoice = fee_invoice()
    schedule = FeeSchedule.objects.get(year=invoice.fee_year)
    with pytest.raises(ValidationError, match="frozen"):
        fee_schedule_save_grid(schedule=schedule, amounts={("core", "1-9"): Decimal(1)})
