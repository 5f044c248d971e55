"""``seed_scale`` at a small scale: every hour rule holds (checked in SQL over all rows),
invoice numbers run without gaps per series, a second run is refused, the same seed builds
the same rows. PostgreSQL only: the generator loads with COPY."""

import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.conf import global_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from members.models import User
from portal.scale.plan import PASSWORD, STAFF_EMAIL, TODAY, Scale
from tests.conftest import restore_reference_data
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.concurrency]

ORGANISATIONS = 50


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("seed_scale loads with COPY and needs PostgreSQL: set DATABASE_URL")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_scale", organisations=ORGANISATIONS, stdout=out)
    return out.getvalue()


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One network for the tests that only read it (seeding takes a few seconds); its
    fingerprint. Committed, so the database is wiped again afterwards."""
    _postgresql_only()
    with django_db_blocker.unblock():
        wipe()
        seed()
        prints = fingerprint()
    yield prints
    with django_db_blocker.unblock():
        wipe()


@pytest.fixture
def empty_database(transactional_db):
    _postgresql_only()
    wipe()


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# Each query counts the rows that break a rule; every one must find none.
HOUR_RULES = {
    "quarter hours, more than 0 and at most 24": """
        SELECT count(*) FROM activities_hourentry
        WHERE hours <= 0 OR hours > 24 OR hours * 4 <> trunc(hours * 4)""",
    "at most 24 hours a person a day, across organisations": """
        SELECT count(*) FROM (
            SELECT 1 FROM activities_hourentry GROUP BY person_id, date HAVING sum(hours) > 24
        ) AS days""",
    "inside the activity's dates and not in the future": """
        SELECT count(*) FROM activities_hourentry h
        JOIN activities_activity a ON a.id = h.activity_id
        WHERE h.date < a.start_date OR h.date > a.end_date OR h.date > %(today)s""",
    "the organisation takes part in the activity": """
        SELECT count(*) FROM activities_hourentry h WHERE NOT EXISTS (
            SELECT 1 FROM activities_participation p
            WHERE p.activity_id = h.activity_id AND p.organisation_id = h.organisation_id)""",
    "the person belongs to the organisation": """
        SELECT count(*) FROM activities_hourentry h WHERE NOT EXISTS (
            SELECT 1 FROM members_organisationrole r
            WHERE r.user_id = h.person_id AND r.organisation_id = h.organisation_id)""",
    "a locked period's hours are confirmed, with their total": """
        SELECT count(*) FROM (
            SELECT h.organisation_id, p.id AS period_id, sum(h.hours) AS total
            FROM activities_hourentry h
            JOIN activities_reportingperiod p ON h.date BETWEEN p.start_date AND p.end_date
            WHERE p.locked_at IS NOT NULL GROUP BY 1, 2
        ) AS locked
        LEFT JOIN activities_periodconfirmation c
            ON c.organisation_id = locked.organisation_id AND c.period_id = locked.period_id
        WHERE c.hours IS DISTINCT FROM locked.total""",
    "a confirmation confirms what was logged": """
        SELECT count(*) FROM activities_periodconfirmation c
        JOIN activities_reportingperiod p ON p.id = c.period_id
        WHERE c.hours <> (SELECT coalesce(sum(hours), 0) FROM activities_hourentry h
            WHERE h.organisation_id = c.organisation_id
            AND h.date BETWEEN p.start_date AND p.end_date)""",
}


@pytest.mark.django_db
def test_the_hours_follow_every_rule(seeded):
    scale = Scale(organisations=ORGANISATIONS)
    assert scalar("SELECT count(*) FROM activities_hourentry") == scale.hour_entries
    assert scalar("SELECT count(*) FROM activities_reportingperiod WHERE locked_at IS NOT NULL")
    broken = {rule: scalar(sql, {"today": TODAY}) for rule, sql in HOUR_RULES.items()}
    assert broken == dict.fromkeys(HOUR_RULES, 0)


@pytest.mark.django_db
def test_invoice_numbers_run_without_gaps_in_each_series(seeded):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.code, count(i.id), min(i.number), max(i.number), s.last_number,
                   count(DISTINCT i.number)
               FROM billing_numberseries s JOIN billing_invoice i ON i.series_id = s.id
               GROUP BY s.code, s.last_number ORDER BY s.code"""
        )
        series = cursor.fetchall()
        # Numbered in the order of issue: a later number is never issued earlier.
        cursor.execute(
            """SELECT count(*) FROM billing_invoice a JOIN billing_invoice b
               ON a.series_id = b.series_id AND b.number = a.number + 1
               WHERE b.issue_date < a.issue_date"""
        )
        (out_of_order,) = cursor.fetchone()
    assert [code for code, *_rest in series] == ["credit_note", "invoice"]
    for _code, count, first, last, last_number, distinct in series:
        assert (first, last, last_number, distinct) == (1, count, count, count)
    assert out_of_order == 0
    # Every credit note credits an invoice of the same organisation, by its whole total.
    assert (
        scalar(
            """SELECT count(*) FROM billing_invoice n JOIN billing_invoice i ON i.id = n.credits_id
           WHERE n.kind = 'credit_note' AND (n.total <> -i.total
               OR n.organisation_id <> i.organisation_id OR i.status <> 'credited')"""
        )
        == 0
    )
    # A paid invoice's payments add up to its total.
    assert (
        scalar(
            """SELECT count(*) FROM billing_invoice i WHERE i.status = 'paid' AND i.total <>
           (SELECT sum(amount) FROM billing_payment p WHERE p.invoice_id = i.id)"""
        )
        == 0
    )


@pytest.mark.django_db
def test_people_sign_in_with_the_printed_password(seeded, client, settings):
    # The network was hashed with the project's hasher, before the tests' fast one applied.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    address = EmailAddress.objects.get(email="person0-0@scale.example.no")
    assert (address.verified, address.primary) == (True, True)
    assert EmailAddress.objects.filter(verified=True).count() == Scale(ORGANISATIONS).users
    member = User.objects.get(email="person1-0@scale.example.no")
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert staff.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_meetings_have_their_rolls_and_votes(seeded):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT m.status, m.roll_frozen_at IS NOT NULL, count(r.id)
               FROM meetings_annualmeeting m JOIN meetings_rollentry r ON r.meeting_id = m.id
               GROUP BY m.id ORDER BY m.year"""
        )
        meetings = cursor.fetchall()
        cursor.execute(
            """SELECT p.status, p.secret, (p.result->>'cast')::int,
                   (SELECT count(*) FROM meetings_ballot b WHERE b.poll_id = p.id),
                   (SELECT count(*) FROM meetings_participation v WHERE v.poll_id = p.id)
               FROM meetings_poll p ORDER BY p.id"""
        )
        polls = cursor.fetchall()
    assert [(status, frozen) for status, frozen, _n in meetings] == [
        ("closed", True),
        ("notice_sent", True),
    ]
    assert all(entries >= ORGANISATIONS - 5 for *_rest, entries in meetings)
    assert [(status, secret) for status, secret, *_rest in polls] == [
        ("closed", False),
        ("closed", True),
    ]
    for _status, _secret, cast, ballots, participations in polls:
        assert ballots == participations > 0
        assert 0 < cast <= ballots


@pytest.mark.django_db
def test_a_second_run_is_refused_and_leaves_the_rows_alone(seeded):
    entries = scalar("SELECT count(*) FROM activities_hourentry")
    with pytest.raises(CommandError, match="already holds data"):
        seed()
    assert scalar("SELECT count(*) FROM activities_hourentry") == entries


@pytest.mark.django_db(transaction=True)
def test_a_database_with_anything_else_in_it_is_refused(empty_database):
    OrganisationFactory()
    with pytest.raises(CommandError, match=r"already holds data \(members.Organisation"):
        seed()
    assert scalar("SELECT count(*) FROM members_user") == 0


FINGERPRINTS = {
    "organisations": "SELECT md5(string_agg(concat_ws('|', id, name, organisation_number, "
    "group_id, size_band), ',' ORDER BY id)) FROM members_organisation",
    "memberships": "SELECT md5(string_agg(concat_ws('|', organisation_id, participant_type, "
    "status, start_date, end_date), ',' ORDER BY id)) FROM members_membership",
    "people": "SELECT md5(string_agg(concat_ws('|', id, email, full_name), ',' ORDER BY id)) "
    "FROM members_user",
    "hours": "SELECT md5(string_agg(concat_ws('|', id, organisation_id, person_id, activity_id, "
    "date, hours), ',' ORDER BY id)) FROM activities_hourentry",
    "confirmations": "SELECT md5(string_agg(concat_ws('|', organisation_id, hours), ',' "
    "ORDER BY id)) FROM activities_periodconfirmation",
    "invoices": "SELECT md5(string_agg(concat_ws('|', id, kind, number, organisation_id, "
    "issue_date, total, status, kid, credits_id), ',' ORDER BY id)) FROM billing_invoice",
    "payments": "SELECT md5(string_agg(concat_ws('|', invoice_id, amount, paid_on), ',' "
    "ORDER BY id)) FROM billing_payment",
    "roll": "SELECT md5(string_agg(concat_ws('|', organisation_id, standing, reason), ',' "
    "ORDER BY meeting_id, organisation_id)) FROM meetings_rollentry",
}


def fingerprint() -> dict[str, str]:
    return {name: scalar(sql) for name, sql in FINGERPRINTS.items()}


def hour_table_schema() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = 'activities_hourentry'::regclass
               UNION SELECT indexname, indexdef FROM pg_indexes
               WHERE tablename = 'activities_hourentry' ORDER BY 1"""
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_builds_the_same_rows(empty_database):
    schema = hour_table_schema()
    output = seed()
    # The hour table's keys and indexes, dropped for the load, are back as they were.
    assert hour_table_schema() == schema
    assert sum("FOREIGN KEY" in definition for _name, definition in schema) == 4
    first = fingerprint()
    wipe()
    seed()
    assert fingerprint() == first
    assert "hour entries" in output
    assert PASSWORD in output
    assert scalar("SELECT sum(hours) FROM activities_hourentry") > Decimal(0)
