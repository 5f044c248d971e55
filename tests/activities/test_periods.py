import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities.models import PeriodConfirmation, ReportingPeriod
from activities.services import hours, periods
from members.models import Role
from tests.factories import OrganisationFactory, ReportingPeriodFactory, member_of, taking_part

pytestmark = pytest.mark.django_db


def test_quarters_cover_the_year_without_gaps_and_are_created_once():
    created = periods.reporting_periods_create_quarters(year=2026, deadline_days=20)
    periods.reporting_periods_create_quarters(year=2026)
    assert ReportingPeriod.objects.count() == 4
    assert [(p.name, p.start_date, p.end_date) for p in created] == [
        ("2026 Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ("2026 Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        ("2026 Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        ("2026 Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ]
    assert created[0].deadline == datetime.date(2026, 4, 20)


@pytest.fixture
def logged():
    organisation = OrganisationFactory()
    admin = member_of(organisation, Role.ADMIN, full_name="Siri Admin")
    activity = taking_part(organisation).activity
    period = ReportingPeriodFactory()
    for day, amount in ((0, "3"), (1, "4.5")):
        hours.hour_entry_create(
            organisation=organisation,
            person=admin,
            activity=activity,
            date=period.start_date + datetime.timedelta(days=day),
            hours=amount,
        )
    return organisation, admin, period


def test_admin_confirms_the_total_with_name_and_time(logged):
    organisation, admin, period = logged
    confirmation = periods.hours_confirm_period(
        organisation=organisation, period=period, confirmed_by=admin
    )
    assert confirmation.hours == Decimal("7.5")
    assert confirmation.confirmed_by_name == "Siri Admin"
    assert confirmation.confirmed_at is not None


def test_a_plain_member_cannot_confirm(logged):
    organisation, _admin, period = logged
    with pytest.raises(ValidationError, match="Only an administrator"):
        periods.hours_confirm_period(
            organisation=organisation, period=period, confirmed_by=member_of(organisation)
        )


def test_lock_only_after_the_deadline_and_then_confirmation_is_closed(logged):
    organisation, admin, period = logged
    with pytest.raises(ValidationError, match="can be locked after its deadline"):
        periods.hours_lock_period(period=period, locked_by=admin, today=period.deadline)
    periods.hours_lock_period(
        period=period, locked_by=admin, today=period.deadline + datetime.timedelta(days=1)
    )
    period.refresh_from_db()
    assert period.is_locked
    with pytest.raises(ValidationError, match="is locked"):
        periods.hours_confirm_period(organisation=organisation, period=period, confirmed_by=admin)


def test_confirmation_of_a_total_that_changed_meanwhile_is_refused(logged):
    organisation, admin, period = logged
    with pytest.raises(ValidationError) as error:
        periods.hours_confirm_period(
            organisation=organisation, period=period, confirmed_by=admin, expected_hours="7"
        )
    assert error.value.code == "total_changed"
    assert not PeriodConfirmation.objects.exists()
    periods.hours_confirm_period(
        organisation=organisation, period=period, confirmed_by=admin, expected_hours="7.50"
    )
    assert PeriodConfirmation.objects.get().hours == Decimal("7.5")
