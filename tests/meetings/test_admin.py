import datetime
import hashlib
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Ballot,
    MeetingStatus,
    Minutes,
    OfficerRole,
    Participation,
    Proposal,
    ProposalStatus,
    RollChange,
    RollEntry,
    Standing,
)
from meetings.services.minutes import minutes_approve, minutes_draft
from meetings.services.notice import notice_send_execute
from meetings.services.presence import check_in
from meetings.services.proposals import proposal_submit
from meetings.services.representation import proxy_give
from meetings.services.roll import roll_entry_change
from portal.models import Job
from tests.factories import (
    AgendaItemFactory,
    AnnualMeetingFactory,
    PollFactory,
    UserFactory,
)
from tests.helpers import change_page, changelist, messages_of, run_action
from tests.meetings.meeting_helpers import noticed, opened, represented, voter
from tests.meetings.minutes_helpers import held_meeting

pytestmark = pytest.mark.django_db


def inline_management(**totals):
    data = {}
    for prefix in ("agenda", "documents", "officers"):
        data[f"{prefix}-TOTAL_FORMS"] = str(totals.get(prefix, 0))
        data[f"{prefix}-INITIAL_FORMS"] = str(totals.get(prefix, 0))
    return data


def meeting_form(meeting, **changes):
    data = {
        "year": meeting.year,
        "starts_at_0": "2027-03-10",
        "starts_at_1": "17:00:00",
        "place": meeting.place,
        "online_link": "",
        "record_date": meeting.record_date.isoformat(),
        "mode": meeting.mode,
        "notice_period_days": 28,
        "proposals_deadline_days": 14,
        "documents_deadline_days": 7,
        "proxies_allowed": "on",
        "proxy_limit": 1,
        "proxies_count_in_elections": "on",
        "overdue_may_vote": "on",
        "quorum_rule": "none",
        **inline_management(),
    }
    data.update(changes)
    return data


def test_a_staff_change_to_a_meeting_is_audited_with_who_when_and_what(staff_client, staff):
    meeting = AnnualMeetingFactory(place="Eyde-huset, Arendal")
    before = timezone.now()

    response = staff_client.post(change_page(meeting), meeting_form(meeting, place="Kristiansand"))

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get_for_object(meeting).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff
    assert entry.timestamp >= before
    assert entry.changes_dict["place"] == ["Eyde-huset, Arendal", "Kristiansand"]


def test_a_staff_change_of_the_roll_is_audited(staff_client, staff):
    alfa = voter("Alfa AS")
    meeting = noticed()
    entry = RollEntry.objects.get(meeting=meeting, organisation=alfa)

    run_action(
        staff_client,
        RollEntry,
        "change_standing",
        [entry],
        apply="yes",
        standing=Standing.OBSERVER,
        reason="Vedtak i styret",
    )

    change = RollChange.objects.get()
    assert (change.changed_by, change.reason) == (staff, "Vedtak i styret")
    log = LogEntry.objects.get_for_object(entry).get(action=LogEntry.Action.UPDATE)
    assert log.actor == staff
    assert log.changes_dict["standing"] == [Standing.VOTER, Standing.OBSERVER]


def test_the_settings_are_read_only_once_the_notice_is_sent(staff_client):
    meeting = noticed()

    staff_client.post(
        change_page(meeting), meeting_form(meeting, proxy_limit=3, place="Kristiansand")
    )

    meeting.refresh_from_db()
    assert (meeting.proxy_limit, meeting.place) == (1, "Kristiansand")


def test_the_roll_change_action_asks_for_a_reason_first(staff_client):
    voter("Alfa AS")
    meeting = noticed()
    entry = RollEntry.objects.get(meeting=meeting)

    page = run_action(staff_client, RollEntry, "change_standing", [entry])
    refused = run_action(
        staff_client, RollEntry, "change_standing", [entry], apply="yes", standing="observer"
    )

    assert page.status_code == 200
    assert "Change the voting roll" in page.content.decode()
    assert "Say why the voting roll is changed." in refused.content.decode()
    assert not RollChange.objects.exists()


def test_the_notice_action_refuses_a_late_notice_and_sends_it_with_a_reason(
    staff_client, django_capture_on_commit_callbacks
):
    voter("Alfa AS")
    starts = timezone.now() + datetime.timedelta(days=10)
    meeting = AnnualMeetingFactory(
        year=starts.year, starts_at=starts, record_date=timezone.localdate()
    )

    late = run_action(staff_client, AnnualMeeting, "send_notice", [meeting], apply="yes")
    with django_capture_on_commit_callbacks(execute=True):
        sent = run_action(
            staff_client,
            AnnualMeeting,
            "send_notice",
            [meeting],
            apply="yes",
            late_reason="Ny dato vedtatt",
        )

    assert any("The notice is late" in m for m in messages_of(late))
    assert any("is being sent" in m for m in messages_of(sent))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notice_late_reason) == (
        MeetingStatus.NOTICE_SENT,
        "Ny dato vedtatt",
    )
    assert Job.objects.get().params == {"meeting_id": meeting.pk}


def test_freeze_open_and_close_through_the_actions(staff_client):
    meeting = AnnualMeetingFactory()

    run_action(staff_client, AnnualMeeting, "freeze_roll", [meeting])
    refused = run_action(staff_client, AnnualMeeting, "open_meeting", [meeting])
    meeting.refresh_from_db()
    assert meeting.roll_frozen_at is not None
    assert any("Send the notice before the meeting opens." in m for m in messages_of(refused))

    noticed(meeting)
    run_action(staff_client, AnnualMeeting, "open_meeting", [meeting])
    run_action(staff_client, AnnualMeeting, "close_meeting", [meeting])

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED


def test_proposals_are_placed_on_the_agenda_or_answered_through_the_actions(staff_client):
    alfa = voter("Alfa AS")
    meeting = AnnualMeetingFactory()
    first, second = (
        proposal_submit(meeting=meeting, organisation=alfa, title=t, text="…", actor=alfa.admin)
        for t in ("Første", "Andre")
    )

    run_action(staff_client, Proposal, "place_on_agenda", [first], apply="yes", kind="decision")
    run_action(staff_client, Proposal, "answer", [second], apply="yes", answer="Nei takk.")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ProposalStatus.ON_AGENDA
    assert AgendaItem.objects.get(meeting=meeting).title == "Første"
    assert (second.status, second.answer) == (ProposalStatus.ANSWERED, "Nei takk.")


def test_ballots_and_participations_are_not_in_the_admin():
    assert Ballot not in admin.site._registry
    assert Participation not in admin.site._registry


def meetings_world(staff):
    """One row of every meetings model the administration lists (the hostile-input test of every
    admin page is tests/fuzz/test_admin_forms.py, whose world has these rows too)."""
    alfa, beta = voter("Alfa AS"), voter("Beta AS")
    meeting = noticed()
    notice_send_execute(job_id=Job.objects.get().pk)  # the job's task, which waits for commit
    item = AgendaItemFactory(meeting=meeting, kind="election", seats=1)
    item.candidates.create(name="Kari Nordmann")
    PollFactory(item=item)
    rep = represented(meeting, alfa).user
    proxy_give(meeting=meeting, giver=beta, holder=alfa, actor=beta.admin)
    proposal_submit(meeting=meeting, organisation=alfa, title="Forslag", text="…", actor=rep)
    opened(meeting)
    check_in(meeting=meeting, organisation=alfa, user=rep, actor=rep)
    watcher = voter("Gamma AS")
    roll_entry_change(
        meeting=meeting,
        organisation=watcher,
        standing=Standing.OBSERVER,
        reason="Kom til etter frysing",
        actor=staff,
    )
    minutes_draft(meeting=held_meeting(year=meeting.year - 1), actor=staff)
    return SimpleNamespace(staff=staff)


MEETING_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label == "meetings"
)


def test_the_admin_lists_answer_in_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    meetings_world(UserFactory(is_staff=True, is_superuser=True))
    for label in MEETING_MODELS:
        model = next(m for m in admin.site._registry if m._meta.label == label)
        with django_assert_max_num_queries(20):
            assert staff_client.get(changelist(model)).status_code == 200


# The minutes from the admin ---------------------------------------------------------------------


def approved(minutes):
    for officer in minutes.meeting.officers.select_related("user"):
        minutes_approve(minutes=minutes, user=officer.user)
    minutes.refresh_from_db()
    return minutes


def test_the_minutes_action_drafts_a_version_of_a_closed_meeting(staff_client, staff):
    meeting = held_meeting()

    page = run_action(staff_client, AnnualMeeting, "draft_minutes", [meeting])
    drafted = run_action(staff_client, AnnualMeeting, "draft_minutes", [meeting], apply="yes")

    assert page.status_code == 200
    assert "What this version corrects" in page.content.decode()
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.version, minutes.created_by, minutes.correction_note) == (1, staff, "")
    with minutes.draft_pdf.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == minutes.draft_sha256
    assert any(
        "Version 1 of the minutes" in m and f"/meetings/{meeting.year}/minutes/" in m
        for m in messages_of(drafted)
    )


def test_a_correction_of_approved_minutes_needs_its_note_and_becomes_a_new_version(staff_client):
    meeting = held_meeting()
    first = approved(minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True)))

    refused = run_action(staff_client, AnnualMeeting, "draft_minutes", [meeting], apply="yes")
    run_action(
        staff_client,
        AnnualMeeting,
        "draft_minutes",
        [meeting],
        apply="yes",
        correction_note="Rettet navnet på en representant.",
    )

    assert any("must say what it corrects" in m for m in messages_of(refused))
    second = Minutes.objects.get(meeting=meeting, version=2)
    assert second.correction_note == "Rettet navnet på en representant."
    assert second.approved_at is None
    kept = Minutes.objects.get(pk=first.pk)
    assert (kept.sha256, kept.approved_at) == (first.sha256, first.approved_at)


def test_the_minutes_action_refuses_a_meeting_that_has_not_closed(staff_client):
    meeting = opened()

    refused = run_action(staff_client, AnnualMeeting, "draft_minutes", [meeting], apply="yes")

    assert any("once the meeting is closed" in m for m in messages_of(refused))
    assert not Minutes.objects.exists()


def test_the_minutes_admin_shows_fingerprints_approvals_and_links_to_the_pdfs(staff_client):
    meeting = held_meeting()
    minutes = approved(minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True)))

    page = staff_client.get(change_page(minutes))
    listing = staff_client.get(changelist(Minutes), {"meeting__id__exact": meeting.pk})
    meeting_page = staff_client.get(change_page(meeting)).content.decode()

    html = page.content.decode()
    assert page.status_code == 200
    assert minutes.sha256 in html
    assert minutes.draft_sha256 in html
    for approval in minutes.approvals.all():
        assert approval.name in html
    assert "Chair of the meeting" in html
    pdf = f"/meetings/{meeting.year}/minutes/1/minutes.pdf"
    draft = f"/meetings/{meeting.year}/minutes/1/draft.pdf"
    assert f'href="{pdf}"' in html
    assert f'href="{draft}"' in html
    served = staff_client.get(pdf)
    assert served["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == minutes.sha256
    assert minutes.sha256 in listing.content.decode()
    assert f"?meeting__id__exact={meeting.pk}" in meeting_page
    assert "1 version" in meeting_page


def test_the_minutes_cannot_be_added_changed_or_deleted_in_the_admin(staff_client):
    minutes = minutes_draft(meeting=held_meeting(), actor=UserFactory(is_staff=True))
    url = change_page(minutes)

    added = staff_client.get(reverse("admin:meetings_minutes_add"))
    staff_client.post(url, {"correction_note": "Endret i admin", "draft_sha256": "0" * 64})
    deleted = staff_client.post(reverse("admin:meetings_minutes_delete", args=[minutes.pk]))

    assert added.status_code == 403
    assert deleted.status_code == 403
    kept = Minutes.objects.get(pk=minutes.pk)
    assert (kept.correction_note, kept.draft_sha256) == ("", minutes.draft_sha256)


def test_the_officers_are_entered_on_the_closed_meeting_as_an_inline(staff_client):
    meeting = held_meeting(officers=False)
    chair, signer = UserFactory(full_name="Liv Strand"), UserFactory(full_name="Jon Aasen")

    response = staff_client.post(
        change_page(meeting),
        {
            **meeting_form(meeting),
            "officers-TOTAL_FORMS": "2",
            "officers-INITIAL_FORMS": "0",
            "officers-0-role": OfficerRole.CHAIR,
            "officers-0-user": chair.pk,
            "officers-1-role": OfficerRole.CO_SIGNER,
            "officers-1-user": signer.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(meeting.officers.values_list("user", "role")) == {
        (chair.pk, OfficerRole.CHAIR),
        (signer.pk, OfficerRole.CO_SIGNER),
    }


def test_the_minutes_pages_answer_in_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    meeting = held_meeting()
    minutes = approved(minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True)))
    minutes_draft(meeting=meeting, actor=UserFactory(is_staff=True), correction_note="Rettelse")

    for url in (changelist(Minutes), change_page(minutes), change_page(meeting)):
        with django_assert_max_num_queries(25):
            assert staff_client.get(url).status_code == 200
