"""The secret ballot stays unlinkable (docs/meetings-secret-ballot.md): what the database, the
admin, the audit log, the event chain and the row metadata hold after a secret poll, and
nothing of it joins a ballot to the organisation or person that cast it."""

import hashlib

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from meetings.models import Ballot, Participation, PollStatus
from meetings.selectors.polls import (
    receipt_list,
    receipt_lookup,
    receipts_canonical,
    receipts_fingerprint,
)
from meetings.services.polls import poll_close, vote_cast
from tests.meetings.voting import motion, open_meeting, staff_user, voter

VOTERS = 20
CHOICES = ["yes", "no", "blank", "yes", "no"] * (VOTERS // 5)


def cast_all(poll, voters) -> list[str]:
    """Every voter casts in turn, each in a transaction of its own; the receipts in cast order."""
    return [
        vote_cast(poll=poll, organisation=v.organisation, user=v.user, choice=choice)
        for v, choice in zip(voters, CHOICES, strict=True)
    ]


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row metadata (xmin, ctid) needs PostgreSQL: set DATABASE_URL")


def ballot_rows(poll) -> list[dict]:
    """Every column of the poll's ballots and PostgreSQL's row metadata, in physical order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text AS row_xmin, ctid::text AS row_ctid, * FROM meetings_ballot "
            "WHERE poll_id = %s ORDER BY ctid",
            [poll.pk],
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def participation_rows(poll) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text AS row_xmin, * FROM meetings_participation WHERE poll_id = %s "
            "ORDER BY cast_at, id",
            [poll.pk],
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_ballot_table_has_no_column_that_could_lead_back_to_a_voter():
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, Ballot._meta.db_table
            )
        }
    assert columns == {"id", "poll_id", "choice", "candidates", "receipt_hash"}
    assert {field.related_model for field in Ballot._meta.get_fields() if field.is_relation} == {
        Ballot._meta.get_field("poll").related_model
    }
    assert not Ballot._meta.ordering
    assert all(
        not f.is_relation or f.related_model is not Ballot for f in Participation._meta.get_fields()
    )


def test_ballots_and_participations_are_out_of_the_audit_log_and_ballots_out_of_the_admin():
    assert not auditlog.contains(Ballot)
    assert not auditlog.contains(Participation)
    assert not admin.site.is_registered(Ballot)


@pytest.mark.django_db(transaction=True)
def test_after_a_secret_poll_nothing_in_the_ballot_rows_joins_a_ballot_to_a_voter(postgresql):
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(VOTERS)]
    poll = motion(meeting, secret=True)
    codes = cast_all(poll, voters)
    cast_order = [receipt_hash(code) for code in codes]

    # While open: every ballot carries the last cast's transaction id, in no cast order.
    during = ballot_rows(poll)
    assert len({row["row_xmin"] for row in during}) == 1
    assert [row["receipt_hash"] for row in during] != cast_order
    ids_during = {row["id"] for row in during}

    poll_close(poll=poll, actor=staff_user())

    ballots = ballot_rows(poll)
    participations = participation_rows(poll)
    assert len(ballots) == len(participations) == VOTERS
    # Only the five columns, and the row metadata that would join them says nothing.
    assert set(ballots[0]) == {
        "row_xmin",
        "row_ctid",
        "id",
        "poll_id",
        "choice",
        "candidates",
        "receipt_hash",
    }
    xmins = {row["row_xmin"] for row in ballots}
    assert len(xmins) == 1
    assert xmins.isdisjoint({row["row_xmin"] for row in participations})
    assert [row["receipt_hash"] for row in ballots] != cast_order  # physical order
    by_id = sorted(ballots, key=lambda row: str(row["id"]))
    assert [row["receipt_hash"] for row in by_id] != cast_order  # id order
    assert ids_during.isdisjoint({row["id"] for row in ballots})  # re-minted with new ids
    # No value of a ballot, apart from the poll and columns the same on every row, is found in
    # any participation column.
    participation_values = {
        str(value)
        for row in participations
        for name, value in row.items()
        if name not in ("poll_id",) and len({str(r[name]) for r in participations}) > 1
    }
    for row in ballots:
        for name, value in row.items():
            if name == "poll_id" or len({str(r[name]) for r in ballots}) == 1:
                continue
            assert str(value) not in participation_values, name
    # Who voted is public; what they chose is not on the participation.
    assert {row["named_choice"] for row in participations} == {""}
    assert {str(row["named_candidates"]) for row in participations} == {"[]"}


@pytest.mark.django_db
def test_the_receipt_list_is_published_sorted_by_hash_with_its_fingerprint_after_close():
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(5)]
    poll = motion(meeting, secret=True)
    codes = [
        vote_cast(poll=poll, organisation=v.organisation, user=v.user, choice=choice)
        for v, choice in zip(voters, CHOICES[:5], strict=True)
    ]
    assert receipt_list(poll) == []
    assert receipt_lookup(poll=poll, code=codes[0]) is None  # only turnout while open

    poll = poll_close(poll=poll, actor=staff_user())

    receipts = receipt_list(poll)
    hashes = [receipt.receipt_hash for receipt in receipts]
    assert hashes == sorted(receipt_hash(code) for code in codes)
    assert poll.receipts_fingerprint == receipts_fingerprint(receipts)
    assert poll.receipts_fingerprint == hashlib.sha256(receipts_canonical(receipts)).hexdigest()
    first = receipts_canonical(receipts).decode().splitlines()[0]
    assert first == f"{hashes[0]}\t{receipts[0].choice}\t"
    for code, choice in zip(codes, CHOICES[:5], strict=True):
        assert receipt_lookup(poll=poll, code=f" {code} ").choice == choice
    assert receipt_lookup(poll=poll, code="not-a-receipt") is None
    assert poll.status == PollStatus.CLOSED


@pytest.mark.django_db
def test_the_audit_log_and_the_event_chain_hold_no_ballot():
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(3)]
    poll = motion(meeting, secret=True)
    codes = [
        vote_cast(poll=poll, organisation=v.organisation, user=v.user, choice="yes") for v in voters
    ]
    poll_close(poll=poll, actor=staff_user())

    ballot_types = ContentType.objects.get_for_models(Ballot, Participation).values()
    assert not LogEntry.objects.filter(content_type__in=ballot_types).exists()
    events = str(list(meeting.events.values_list("payload", flat=True)))
    for ballot in Ballot.objects.all():
        assert str(ballot.pk) not in events
        assert ballot.receipt_hash not in events
    assert all(code not in events for code in codes)
