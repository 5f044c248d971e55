import datetime

import pytest
from django.utils import timezone

from activities.models import HourEntry, PeriodConfirmation
from activities.services.reminders import AFTER, BEFORE, hours_reminders_send, reminder_kind
from members.models import Role
from portal.models import OutboundEmail
from tests.factories import (
    OrganisationFactory,
    ReportingPeriodFactory,
    active_organisation,
    member_of,
    taking_part,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _portal_language_english(settings):
    """E-mails and bulk statements use the portal's default language; make it English here."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def period():
    return ReportingPeriodFactory(
        name="2026 Q3",
        start_date=TODAY - datetime.timedelta(days=40),
        end_date=TODAY - datetime.timedelta(days=10),
        deadline=TODAY + datetime.timedelta(days=3),
    )


def test_reminder_kind_follows_the_deadline(period, settings):
    settings.HOURS_REMINDER_DAYS_BEFORE = 7
    deadline = period.deadline
    assert reminder_kind(period, deadline - datetime.timedelta(days=8)) is None
    assert reminder_kind(period, deadline - datetime.timedelta(days=7)) == BEFORE
    assert reminder_kind(period, deadline) == BEFORE
    assert reminder_kind(period, deadline + datetime.timedelta(days=1)) == AFTER
    period.locked_at = timezone.now()
    assert reminder_kind(period, deadline + datetime.timedelta(days=1)) is None


def test_organisations_without_hours_or_confirmation_get_one_reminder_each(
    period, mailoutbox, django_capture_on_commit_callbacks
):
    silent = active_organisation(name="Stille AS")
    silent_admin = member_of(silent, Role.ADMIN, email="admin@stille.no")
    busy = active_organisation(name="Travel AS")
    busy_admin = member_of(busy, Role.ADMIN, email="admin@travel.no")
    activity = taking_part(busy).activity
    HourEntry.objects.create(
        organisation=busy, person=busy_admin, activity=activity, date=period.start_date, hours=2
    )
    done = active_organisation(name="Ferdig AS")
    done_admin = member_of(done, Role.ADMIN)
    PeriodConfirmation.objects.create(
        organisation=done,
        period=period,
        hours=1,
        confirmed_by=done_admin,
        confirmed_by_name="X",
        confirmed_at=timezone.now(),
    )
    OrganisationFactory(name="Ikke medlem AS")

    with django_capture_on_commit_callbacks(execute=True):
        assert hours_reminders_send(today=TODAY) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert hours_reminders_send(today=TODAY) == 0

    received = {tuple(m.to): m for m in mailoutbox}
    assert set(received) == {(silent_admin.email,), (busy_admin.email,)}
    assert "has not logged any in-kind hours for 2026 Q3" in received[(silent_admin.email,)].body
    assert "but they are not confirmed yet" in received[(busy_admin.email,)].body
    assert OutboundEmail.objects.count() == 2


def test_after_the_deadline_one_more_reminder_and_then_no_more(
    period, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = active_organisation()
    member_of(organisation, Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        hours_reminders_send(today=TODAY)
        after = period.deadline + datetime.timedelta(days=1)
        hours_reminders_send(today=after)
        hours_reminders_send(today=after + datetime.timedelta(days=5))
    assert len(mailoutbox) == 2
    assert "The deadline for hours in 2026 Q3 has passed" in mailoutbox[1].subject


def test_an_organisation_without_admins_is_reminded_at_its_invoice_address(
    period, mailoutbox, django_capture_on_commit_callbacks
):
    active_organisation(invoice_email="faktura@uten-admin.no")
    with django_capture_on_commit_callbacks(execute=True):
        hours_reminders_send(today=TODAY)
    assert [m.to for m in mailoutbox] == [["faktura@uten-admin.no"]]
