import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import EventKind, RollChange, RollEntry, RollReason, Standing
from meetings.rendering import roll_pdf
from meetings.selectors.roll import (
    roll_changes_since_previous,
    roll_export_header,
    roll_export_rows,
)
from meetings.services.roll import (
    roll_canonical,
    roll_derive,
    roll_entry_change,
    roll_fingerprint,
    roll_freeze,
)
from members.models import ParticipantType
from members.services.memberships import membership_change_type, membership_end
from portal.exports import csv_text
from tests.factories import (
    AnnualMeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    fee_invoice,
    paid,
    participant,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

RECORD_DATE = datetime.date(2027, 2, 1)


def standings(meeting):
    return {
        line.organisation.name: (line.standing, line.reason)
        for line in roll_derive(meeting=meeting)
    }


def test_a_core_company_votes_and_a_supplier_observes():
    participant("Kjerne AS")
    supplier = OrganisationFactory(name="Leverandør AS")
    MembershipFactory(organisation=supplier, participant_type=ParticipantType.SUPPLIER)

    assert standings(AnnualMeetingFactory()) == {
        "Kjerne AS": (Standing.VOTER, RollReason.CORE),
        "Leverandør AS": (Standing.OBSERVER, RollReason.NOT_CORE),
    }


def test_a_change_to_core_the_day_after_the_record_date_does_not_give_the_vote():
    organisation = OrganisationFactory(name="Sen AS")
    MembershipFactory(
        organisation=organisation,
        participant_type=ParticipantType.SUPPLIER,
        start_date=datetime.date(2025, 1, 1),
    )
    membership_change_type(
        organisation=organisation,
        participant_type=ParticipantType.CORE,
        effective_date=RECORD_DATE + datetime.timedelta(days=1),
    )

    assert standings(AnnualMeetingFactory()) == {"Sen AS": (Standing.OBSERVER, RollReason.NOT_CORE)}


def test_a_change_to_core_the_day_before_the_record_date_gives_the_vote():
    organisation = OrganisationFactory(name="Tidlig AS")
    MembershipFactory(
        organisation=organisation,
        participant_type=ParticipantType.SUPPLIER,
        start_date=datetime.date(2025, 1, 1),
    )
    membership_change_type(
        organisation=organisation,
        participant_type=ParticipantType.CORE,
        effective_date=RECORD_DATE - datetime.timedelta(days=1),
    )

    line = roll_derive(meeting=AnnualMeetingFactory())[0]
    assert (line.standing, line.reason, line.participant_type) == (
        Standing.VOTER,
        RollReason.CORE,
        ParticipantType.CORE,
    )


def test_a_change_away_from_core_on_the_day_after_keeps_the_vote_and_the_day_before_loses_it():
    keeps, loses = participant("Beholder AS"), participant("Mister AS")
    membership_change_type(
        organisation=keeps,
        participant_type=ParticipantType.OTHER,
        effective_date=RECORD_DATE + datetime.timedelta(days=1),
    )
    membership_change_type(
        organisation=loses,
        participant_type=ParticipantType.OTHER,
        effective_date=RECORD_DATE - datetime.timedelta(days=1),
    )

    assert standings(AnnualMeetingFactory()) == {
        "Beholder AS": (Standing.VOTER, RollReason.CORE),
        "Mister AS": (Standing.OBSERVER, RollReason.NOT_CORE),
    }


def test_participation_ended_in_the_year_before_the_record_date_is_off_the_roll_with_its_reason():
    ended = participant("Sluttet AS")
    membership_end(organisation=ended, end_date=RECORD_DATE - datetime.timedelta(days=1))
    long_gone = participant("Lenge Siden AS", since=datetime.date(2020, 1, 1))
    membership_end(organisation=long_gone, end_date=datetime.date(2021, 6, 30))
    still_there = participant("Ut Etterpå AS")
    membership_end(organisation=still_there, end_date=RECORD_DATE)

    assert standings(AnnualMeetingFactory()) == {
        "Sluttet AS": (Standing.NONE, RollReason.ENDED),
        "Ut Etterpå AS": (Standing.VOTER, RollReason.CORE),
    }


def test_an_overdue_unpaid_fee_invoice_takes_the_vote_when_the_meeting_says_so():
    organisation = participant("Skylder AS")
    invoice = fee_invoice(organisation)
    assert invoice.due_date < RECORD_DATE

    meeting = AnnualMeetingFactory(overdue_may_vote=False)
    line = roll_derive(meeting=meeting)[0]

    assert (line.standing, line.reason, line.invoice_number) == (
        Standing.OBSERVER,
        RollReason.OVERDUE,
        invoice.document_number,
    )


def test_an_overdue_invoice_paid_before_freezing_keeps_the_vote():
    organisation = participant("Betalte AS")
    paid(fee_invoice(organisation))

    line = roll_derive(meeting=AnnualMeetingFactory(overdue_may_vote=False))[0]

    assert (line.standing, line.reason, line.invoice_number) == (
        Standing.VOTER,
        RollReason.CORE,
        "",
    )


def test_a_partly_paid_overdue_invoice_still_takes_the_vote():
    organisation = participant("Delvis AS")
    invoice = fee_invoice(organisation)
    paid(invoice, amount=invoice.total / 2)

    line = roll_derive(meeting=AnnualMeetingFactory(overdue_may_vote=False))[0]

    assert line.reason == RollReason.OVERDUE


def test_by_default_an_overdue_invoice_does_not_take_the_vote():
    fee_invoice(participant("Skylder AS"))

    assert roll_derive(meeting=AnnualMeetingFactory())[0].standing == Standing.VOTER


def test_an_invoice_due_after_the_record_date_does_not_take_the_vote():
    organisation = participant("Ny Faktura AS")
    fee_invoice(organisation)
    meeting = AnnualMeetingFactory(
        overdue_may_vote=False,
        record_date=datetime.date(2026, 12, 5),
        starts_at=timezone.make_aware(datetime.datetime(2027, 1, 20, 17, 0)),
        year=2026,
    )

    assert roll_derive(meeting=meeting)[0].standing == Standing.VOTER


def test_freezing_stores_the_roll_with_its_fingerprint_and_an_event():
    participant("Kjerne AS")
    supplier = OrganisationFactory(name="Leverandør AS")
    MembershipFactory(organisation=supplier, participant_type=ParticipantType.SUPPLIER)
    meeting = AnnualMeetingFactory()
    staff = UserFactory(is_staff=True)

    roll_freeze(meeting=meeting, actor=staff)

    meeting.refresh_from_db()
    assert meeting.roll_frozen_at is not None
    canonical = roll_canonical(meeting)
    assert meeting.roll_fingerprint == hashlib.sha256(canonical).hexdigest()
    assert RollEntry.objects.filter(meeting=meeting).count() == 2
    lines = canonical.decode().splitlines()
    assert lines == sorted(lines)
    assert f"{supplier.organisation_number};observer;not_core" in lines
    event = meeting.events.get()
    assert (event.kind, event.payload["voters"], event.payload["observers"]) == (
        EventKind.ROLL_FROZEN,
        1,
        1,
    )
    assert event.payload["fingerprint"] == meeting.roll_fingerprint


def test_a_frozen_roll_does_not_follow_later_membership_changes():
    organisation = participant("Kjerne AS")
    meeting = AnnualMeetingFactory(overdue_may_vote=False)
    roll_freeze(meeting=meeting, actor=UserFactory(is_staff=True))
    fingerprint = meeting.roll_fingerprint

    fee_invoice(organisation)  # overdue by the record date, but after freezing

    assert roll_fingerprint(meeting) == fingerprint
    assert RollEntry.objects.get(meeting=meeting).standing == Standing.VOTER


def test_freezing_twice_is_refused():
    meeting = AnnualMeetingFactory()
    roll_freeze(meeting=meeting, actor=UserFactory(is_staff=True))

    with pytest.raises(ValidationError, match="The voting roll was frozen on"):
        roll_freeze(meeting=meeting, actor=UserFactory(is_staff=True))


def test_a_staff_change_needs_a_reason_and_changes_the_fingerprint():
    organisation = participant("Kjerne AS")
    meeting = AnnualMeetingFactory()
    staff = UserFactory(is_staff=True)
    roll_freeze(meeting=meeting, actor=staff)
    before = meeting.roll_fingerprint

    with pytest.raises(ValidationError, match="Say why the voting roll is changed"):
        roll_entry_change(
            meeting=meeting,
            organisation=organisation,
            standing=Standing.OBSERVER,
            reason="  ",
            actor=staff,
        )
    change = roll_entry_change(
        meeting=meeting,
        organisation=organisation,
        standing=Standing.OBSERVER,
        reason="Styret vedtok 3. mars",
        actor=staff,
    )

    meeting.refresh_from_db()
    assert meeting.roll_fingerprint != before
    assert meeting.roll_fingerprint == roll_fingerprint(meeting)
    assert (change.fingerprint_before, change.fingerprint_after) == (
        before,
        meeting.roll_fingerprint,
    )
    assert (change.standing_before, change.standing_after) == (Standing.VOTER, Standing.OBSERVER)
    entry = RollEntry.objects.get(meeting=meeting, organisation=organisation)
    assert (entry.standing, entry.reason, entry.note) == (
        Standing.OBSERVER,
        RollReason.STAFF,
        "Styret vedtok 3. mars",
    )
    last = meeting.events.order_by("-sequence").first()
    assert last.kind == EventKind.ROLL_CHANGED
    assert last.payload["fingerprint"] == meeting.roll_fingerprint


def test_a_staff_change_can_add_an_organisation_missing_from_the_roll():
    meeting = AnnualMeetingFactory()
    staff = UserFactory(is_staff=True)
    roll_freeze(meeting=meeting, actor=staff)
    newcomer = OrganisationFactory()

    change = roll_entry_change(
        meeting=meeting,
        organisation=newcomer,
        standing=Standing.OBSERVER,
        reason="Glemt",
        actor=staff,
    )

    assert change.standing_before == ""
    assert RollChange.objects.get().organisation == newcomer


def test_the_roll_is_not_changed_by_hand_before_it_is_frozen():
    organisation = participant()

    with pytest.raises(ValidationError, match="not frozen yet"):
        roll_entry_change(
            meeting=AnnualMeetingFactory(),
            organisation=organisation,
            standing=Standing.OBSERVER,
            reason="Fordi",
            actor=UserFactory(is_staff=True),
        )


def test_a_change_to_the_same_standing_is_refused():
    organisation = participant("Kjerne AS")
    meeting = AnnualMeetingFactory()
    roll_freeze(meeting=meeting, actor=UserFactory(is_staff=True))

    with pytest.raises(ValidationError, match="already has this standing"):
        roll_entry_change(
            meeting=meeting,
            organisation=organisation,
            standing=Standing.VOTER,
            reason="Fordi",
            actor=UserFactory(is_staff=True),
        )


def test_what_changed_since_last_years_roll():
    stays = participant("Blir AS")
    leaves = participant("Går AS")
    turns = participant("Skifter AS")
    last_year = AnnualMeetingFactory(
        year=2026,
        starts_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 17, 0)),
        record_date=datetime.date(2026, 2, 1),
    )
    roll_freeze(meeting=last_year, actor=UserFactory(is_staff=True))
    membership_end(organisation=leaves, end_date=datetime.date(2026, 6, 30))
    membership_change_type(
        organisation=turns,
        participant_type=ParticipantType.SUPPLIER,
        effective_date=datetime.date(2026, 9, 1),
    )
    new = participant("Ny AS", since=datetime.date(2026, 5, 1))

    comparison = roll_changes_since_previous(AnnualMeetingFactory())

    assert comparison.previous == last_year
    assert [d.organisation for d in comparison.added] == [new]
    assert [(d.organisation, d.after) for d in comparison.removed] == [(leaves, Standing.NONE)]
    assert [(d.organisation, d.before, d.after) for d in comparison.changed] == [
        (turns, Standing.VOTER, Standing.OBSERVER)
    ]
    assert stays not in [d.organisation for d in comparison.added + comparison.changed]


def test_without_a_previous_roll_everyone_is_added():
    organisation = participant()

    comparison = roll_changes_since_previous(AnnualMeetingFactory())

    assert comparison.previous is None
    assert [d.organisation for d in comparison.added] == [organisation]


def test_the_export_rows_carry_standing_reason_and_invoice_and_neutralise_formulas():
    participant("=HYPERLINK(1) AS")
    skylder = participant("Skylder AS")
    invoice = fee_invoice(skylder)

    rows = roll_export_rows(AnnualMeetingFactory(overdue_may_vote=False))
    text = csv_text(roll_export_header(), rows)

    assert rows[1][:2] == [skylder.organisation_number, "Skylder AS"]
    assert rows[1][3:6] == ["Observer", str(RollReason.OVERDUE.label), invoice.document_number]
    assert "'=HYPERLINK(1) AS" in text


def test_the_roll_pdf_prints_the_organisations_and_the_fingerprint():
    participant("Kjerne AS")
    meeting = AnnualMeetingFactory()
    roll_freeze(meeting=meeting, actor=UserFactory(is_staff=True))

    text = pdf_text(roll_pdf(meeting))

    assert "Kjerne AS" in text
    assert meeting.roll_fingerprint[:16] in text.replace(" ", "")
