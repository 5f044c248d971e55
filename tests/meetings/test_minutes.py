import hashlib
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from meetings.models import (
    EventKind,
    MeetingMode,
    MeetingOfficer,
    MeetingStatus,
    Minutes,
    MinutesApproval,
    OfficerRole,
)
from meetings.selectors.minutes import minutes_latest, minutes_record, minutes_signatures
from meetings.services.events import chain_head, chain_verify
from meetings.services.minutes import minutes_approve, minutes_draft
from tests.factories import AnnualMeetingFactory, UserFactory
from tests.meetings.minutes_helpers import CANDIDATES, OBSERVER, VOTERS, held_meeting
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def nb(text: str) -> str:
    """A label as the minutes print it: in the meeting's language."""
    with translation.override("nb"):
        return gettext(text)


def officers(meeting) -> tuple[MeetingOfficer, MeetingOfficer, MeetingOfficer]:
    chair = meeting.officers.get(role=OfficerRole.CHAIR)
    first, second = meeting.officers.filter(role=OfficerRole.CO_SIGNER).order_by("pk")
    return chair, first, second


def approve_all(minutes):
    for officer in officers(minutes.meeting):
        minutes_approve(minutes=minutes, user=officer.user)
    minutes.refresh_from_db()
    return minutes


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def refused(message_part: str, **kwargs):
    with pytest.raises(ValidationError) as error:
        minutes_approve(**kwargs)
    assert any(message_part in message for message in error.value.messages), error.value.messages


# Drafting --------------------------------------------------------------------------------------


def test_the_draft_prints_the_whole_record_of_the_meeting():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True))
    text = pdf_text(stored(minutes.draft_pdf))

    assert minutes.version == 1
    assert minutes.draft_sha256 == hashlib.sha256(stored(minutes.draft_pdf)).hexdigest()
    # the network, date and place
    assert "Battery Norway" in text
    assert "Eyde-huset, Arendal" in text
    assert "12.03.2026" in text or "12. mars 2026" in text
    # lawful notice: sent, the period and its due date, the dispatch log with a failure
    assert nb("2. Lawfully convened") in text
    assert "05.02.2026" in text  # notice sent
    assert "12.02.2026" in text  # due date: 28 days before 12 March
    assert text.count(nb("Delivered")) == 4
    assert nb("Failed") in text
    for name in (*VOTERS, OBSERVER):
        assert name in text
    # the roll and its fingerprint
    assert meeting.roll_fingerprint
    assert meeting.roll_fingerprint in text
    # attendance with intervals: one organisation left and came back
    assert "16:58–18:10" in text
    assert "18:25–19:30" in text
    assert "Lars Øien" in text
    assert "Nora Vik" in text
    # proxies: the standing one with its instruction, the withdrawn one as withdrawn
    assert nb("Withdrawn") in text
    # every item with its result sentence and the rule it was decided by
    assert "Vedtatt med 3 av 4 avgitte stemmer; krav: simpelt flertall." in text
    assert "Vedtatt med 2 av 3 avgitte stemmer; krav: to tredjedeler." in text
    assert nb("Two thirds of votes cast") in text
    assert "Årsberetningen ble tatt til orientering." in text
    # the election, the board as it now stands, the draw's seed, the receipt fingerprints
    for name in CANDIDATES:
        assert name in text
    assert nb("7. Elections: the board as it now stands") in text
    assert "Kari Nordmann, Ola Hansen" in text
    polls = [item.poll for item in meeting.agenda.filter(poll__isnull=False)]
    seeds = [poll.draw_seed for poll in polls if poll.draw_seed]
    assert len(seeds) == 1
    assert seeds[0] in text
    fingerprints = [poll.receipts_fingerprint for poll in polls if poll.secret]
    assert len(fingerprints) == 2
    assert all(f in text for f in fingerprints)
    # the officers' signature block
    for officer in officers(meeting):
        assert str(officer.user) in text
    assert nb("Draft for approval by the officers") in text


def test_the_printed_chain_head_is_the_chains_last_link():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True))
    head = chain_head(meeting)
    assert head != "0" * 64
    assert head in pdf_text(stored(minutes.draft_pdf))
    assert chain_verify(meeting)


def test_a_named_poll_lists_the_votes_by_name_and_a_secret_one_does_not():
    meeting = held_meeting()
    text = pdf_text(stored(minutes_draft(meeting=meeting, actor=UserFactory()).draft_pdf))
    named = text.split(nb("Named votes"))
    assert len(named) == 2  # only the accounts' poll is named
    assert VOTERS[2] + ": " + nb("No") in named[1]


def test_a_written_meeting_prints_the_link_and_who_took_part_without_check_in():
    meeting = held_meeting(year=2025, mode=MeetingMode.WRITTEN)
    text = pdf_text(stored(minutes_draft(meeting=meeting, actor=UserFactory()).draft_pdf))
    assert "https://mote.example.no/arsmote" in text
    assert nb("Polls taken part in") in text
    assert "16:58" not in text


def test_minutes_are_only_drafted_for_a_closed_meeting():
    for status in (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.OPEN):
        meeting = AnnualMeetingFactory(status=status)
        with pytest.raises(ValidationError, match="once the meeting is closed"):
            minutes_draft(meeting=meeting, actor=UserFactory())
    assert not Minutes.objects.exists()


def test_a_draft_without_officers_says_they_are_not_appointed():
    meeting = held_meeting(officers=False)
    text = pdf_text(stored(minutes_draft(meeting=meeting, actor=UserFactory()).draft_pdf))
    assert nb("The chair and the two co-signers have not been appointed yet.") in text


# Approving -------------------------------------------------------------------------------------


def test_approval_by_the_chair_and_both_co_signers_makes_the_record():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True))
    chair, first, second = officers(meeting)
    minutes_approve(minutes=minutes, user=first.user)
    minutes_approve(minutes=minutes, user=chair.user)
    minutes.refresh_from_db()
    meeting.refresh_from_db()
    assert (minutes.sha256, minutes.approved_at, meeting.status) == ("", None, MeetingStatus.CLOSED)
    assert minutes_record(meeting) is None

    approval = minutes_approve(minutes=minutes, user=second.user)
    minutes.refresh_from_db()
    meeting.refresh_from_db()
    pdf = stored(minutes.pdf)
    assert minutes.sha256 == hashlib.sha256(pdf).hexdigest()
    assert minutes.approved_at == approval.approved_at
    assert meeting.status == MeetingStatus.MINUTES_APPROVED
    assert minutes_record(meeting) == minutes
    event = meeting.events.order_by("-sequence").first()
    assert event.kind == EventKind.MINUTES_APPROVED
    assert event.payload == {"version": 1, "sha256": minutes.sha256}
    assert event.actor == second.user
    assert chain_verify(meeting)

    text = pdf_text(pdf)
    assert minutes.draft_sha256 in text
    for signature in minutes_signatures(minutes):
        assert signature.approved_at is not None
        assert signature.name in text
    assert text.count(nb("Approved by %(name)s %(when)s").split("%")[0].strip()) == 3
    # the same body as the draft the officers approved
    assert "Vedtatt med 2 av 3 avgitte stemmer; krav: to tredjedeler." in text
    assert event.previous_hash in text  # the head when drafted


def test_the_approval_records_the_name_as_it_is_now():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    chair = officers(meeting)[0]
    chair.user.full_name = "Liv Strand-Olsen"
    chair.user.save()
    approval = minutes_approve(minutes=minutes, user=chair.user)
    chair.user.full_name = "Liv Olsen"
    chair.user.save()
    approval.refresh_from_db()
    assert approval.name == "Liv Strand-Olsen"
    assert approval.officer == chair


def test_the_approved_pdf_prints_the_drafted_body_even_if_a_row_changes_later():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    meeting.agenda.filter(position=1).update(outcome="Endret etterpå.")
    minutes = approve_all(minutes)
    text = pdf_text(stored(minutes.pdf))
    assert "Årsberetningen ble tatt til orientering." in text
    assert "Endret etterpå." not in text


def test_someone_who_is_not_an_officer_cannot_approve():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    staff = UserFactory(is_staff=True, is_superuser=True)
    refused("Only the chair and the co-signers", minutes=minutes, user=staff)
    assert not MinutesApproval.objects.exists()


def test_an_officer_approves_a_version_once():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    chair = officers(meeting)[0]
    minutes_approve(minutes=minutes, user=chair.user)
    refused("already approved this version", minutes=minutes, user=chair.user)
    assert MinutesApproval.objects.count() == 1


def test_only_the_latest_version_can_be_approved():
    meeting = held_meeting()
    first = minutes_draft(meeting=meeting, actor=UserFactory())
    minutes_draft(meeting=meeting, actor=UserFactory())
    refused("older version", minutes=first, user=officers(meeting)[0].user)


def test_minutes_are_approved_only_once_the_meeting_is_closed():
    meeting = held_meeting()
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    type(meeting).objects.filter(pk=meeting.pk).update(status=MeetingStatus.OPEN)
    refused("once the meeting is closed", minutes=minutes, user=officers(meeting)[0].user)


def test_approval_waits_until_a_chair_and_two_co_signers_are_appointed():
    meeting = held_meeting(officers=False)
    minutes = minutes_draft(meeting=meeting, actor=UserFactory())
    chair = MeetingOfficer.objects.create(
        meeting=meeting, user=UserFactory(), role=OfficerRole.CHAIR
    )
    MeetingOfficer.objects.create(meeting=meeting, user=UserFactory(), role=OfficerRole.CO_SIGNER)
    refused("a chair and two co-signers are appointed", minutes=minutes, user=chair.user)


def test_a_version_already_approved_takes_no_more_approvals():
    meeting = held_meeting()
    minutes = approve_all(minutes_draft(meeting=meeting, actor=UserFactory()))
    late = MeetingOfficer.objects.create(
        meeting=meeting, user=UserFactory(), role=OfficerRole.CO_SIGNER
    )
    refused("already approved", minutes=minutes, user=late.user)


# Corrections -----------------------------------------------------------------------------------


def test_a_correction_is_a_new_version_and_leaves_the_record_byte_identical():
    meeting = held_meeting()
    first = approve_all(minutes_draft(meeting=meeting, actor=UserFactory()))
    record, draft = stored(first.pdf), stored(first.draft_pdf)
    meeting.refresh_from_db()

    with pytest.raises(ValidationError, match="must say what it corrects"):
        minutes_draft(meeting=meeting, actor=UserFactory())
    correction = minutes_draft(
        meeting=meeting, actor=UserFactory(), correction_note="Feil navn på varamedlem."
    )
    assert correction.version == 2
    assert minutes_latest(meeting) == correction
    assert "Feil navn på varamedlem." in pdf_text(stored(correction.draft_pdf))
    # the record stays the earlier version until the correction is approved
    assert minutes_record(meeting) == first
    approve_all(correction)

    first.refresh_from_db()
    assert stored(first.pdf) == record
    assert stored(first.draft_pdf) == draft
    assert first.sha256 == hashlib.sha256(record).hexdigest()
    assert first.pdf.name != correction.pdf.name
    assert minutes_record(meeting) == correction
    kinds = list(
        meeting.events.filter(kind=EventKind.MINUTES_APPROVED).values_list("payload", flat=True)
    )
    assert [payload["version"] for payload in kinds] == [1, 2]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED


# The page as printed ---------------------------------------------------------------------------


def test_the_first_page_renders_to_an_image(tmp_path):
    meeting = held_meeting()
    minutes = approve_all(minutes_draft(meeting=meeting, actor=UserFactory()))
    path = tmp_path / "minutes.pdf"
    path.write_bytes(stored(minutes.pdf))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    assert all(page.stat().st_size > 5000 for page in pages)
