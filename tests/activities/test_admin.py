import csv
import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityStatus, HourEntry, ReportingPeriod
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    ReportingPeriodFactory,
    member_of,
    taking_part,
)
from tests.helpers import messages_of, run_action

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def test_lock_action_locks_a_period_past_its_deadline_only(staff_client):
    past = ReportingPeriodFactory(name="Gammel")
    current = ReportingPeriodFactory(
        name="Nå",
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    response = run_action(staff_client, ReportingPeriod, "lock", [past, current])
    past.refresh_from_db()
    current.refresh_from_db()
    assert past.is_locked
    assert not current.is_locked
    text = " ".join(messages_of(response))
    assert "Gammel is locked." in text
    assert "can be locked after its deadline" in text


def test_staff_correction_in_a_locked_period_is_saved_and_audited(staff_client):
    organisation = OrganisationFactory()
    person = member_of(organisation)
    activity = taking_part(organisation).activity
    period = ReportingPeriodFactory(locked_at=timezone.now())
    entry = HourEntry.objects.create(
        organisation=organisation,
        person=person,
        activity=activity,
        date=period.start_date,
        hours=2,
    )
    url = reverse("admin:activities_hourentry_change", args=[entry.pk])
    response = staff_client.post(
        url,
        {
            "person": person.pk,
            "activity": activity.pk,
            "date": period.start_date.isoformat(),
            "hours": "3.5",
            "description": "Rettet av sekretariatet",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("3.5")
    log = LogEntry.objects.get_for_object(entry).filter(action=LogEntry.Action.UPDATE).get()
    assert log.actor is not None
    assert log.actor.is_staff
    assert log.changes_dict["hours"] == ["2.00", "3.5"]


def test_staff_correction_still_obeys_the_hour_rules(staff_client):
    organisation = OrganisationFactory()
    person = member_of(organisation)
    activity = taking_part(organisation).activity
    response = staff_client.post(
        reverse("admin:activities_hourentry_add"),
        {
            "organisation": organisation.pk,
            "person": person.pk,
            "activity": activity.pk,
            "date": YESTERDAY.isoformat(),
            "hours": "1.1",
        },
    )
    assert response.status_code == 200
    assert "Hours are counted in quarter hours" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_export_action_gives_the_selected_entries_as_csv(staff_client):
    organisation = OrganisationFactory(name="Celleverket AS")
    person = member_of(organisation, email="ola@celle.no")
    activity = taking_part(organisation).activity
    entry = HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=YESTERDAY, hours=2
    )
    response = run_action(staff_client, HourEntry, "export_csv", [entry])
    lines = list(csv.reader(io.StringIO(response.getvalue().decode()), delimiter=";"))
    assert lines[0][:4] == ["date", "email", "activity_id", "hours"]
    assert lines[1][:4] == [YESTERDAY.isoformat(), "ola@celle.no", str(activity.pk), "2.00"]
    assert lines[1][-1] == "Celleverket AS"


def test_declining_a_proposal_in_admin_asks_for_a_comment(staff_client):
    activity = ActivityFactory(status=ActivityStatus.PROPOSED)
    response = run_action(staff_client, Activity, "decline", [activity], apply="1", comment="")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PROPOSED
    assert "Say why the activity is declined." in " ".join(messages_of(response))
    run_action(staff_client, Activity, "decline", [activity], apply="1", comment="Dobbelt")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


@pytest.mark.parametrize("rows", [1, 6])
def test_hour_entry_changelist_query_count_does_not_grow(
    staff_client, django_assert_num_queries, rows
):
    organisation = OrganisationFactory()
    activity = taking_part(organisation).activity
    for _ in range(rows):
        HourEntry.objects.create(
            organisation=organisation,
            person=member_of(organisation),
            activity=activity,
            date=YESTERDAY,
            hours=1,
        )
    ReportingPeriodFactory()
    url = reverse("admin:activities_hourentry_changelist")
    # No count of the whole table besides the filtered one, no total unless filtered, no list
    # of every organisation for the filter (it searches as you type), and the years from the
    # first and last date instead of a date hierarchy over every entry. On PostgreSQL the
    # table's statistics are read first (a small table is then counted as well).
    with django_assert_num_queries(7 + (connection.vendor == "postgresql")):
        assert staff_client.get(url).status_code == 200


def test_hour_entry_filter_separates_open_and_locked_periods(staff_client):
    organisation = OrganisationFactory()
    person = member_of(organisation)
    activity = taking_part(organisation).activity
    period = ReportingPeriodFactory(locked_at=timezone.now())
    locked = HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=period.start_date, hours=1
    )
    open_entry = HourEntry.objects.create(
        organisation=organisation, person=person, activity=activity, date=YESTERDAY, hours=2
    )
    url = reverse("admin:activities_hourentry_changelist")
    shown = {
        value: list(staff_client.get(url, {"locked": value}).context["cl"].result_list)
        for value in ("open", "locked")
    }
    assert shown == {"open": [open_entry], "locked": [locked]}
