import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from meetings import tasks
from meetings.models import EventKind, MeetingStatus, NoticeRecipient, RollEntry, Standing
from meetings.selectors.meetings import notice_dispatch_log
from meetings.services.notice import NOTICE_JOB, notice_send_execute, notice_send_start
from members.models import ParticipantType, Role
from members.services.memberships import membership_end
from portal.mail import site_url
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail
from tests.factories import (
    AgendaItemFactory,
    AnnualMeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    member_of,
    participant,
)
from tests.helpers import in_norwegian
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def network():
    """A core company with two admins, a supplier with one, an admin-less core company."""
    core = participant("Kjerne AS")
    member_of(core, Role.ADMIN, email="a@kjerne.no")
    member_of(core, Role.ADMIN, email="b@kjerne.no")
    member_of(core, Role.MEMBER, email="medlem@kjerne.no")
    supplier = OrganisationFactory(name="Leverandør AS")
    MembershipFactory(organisation=supplier, participant_type=ParticipantType.SUPPLIER)
    member_of(supplier, Role.ADMIN, email="admin@leverandor.no")
    lonely = participant("Ensom AS", invoice_email="faktura@ensom.no")
    return core, supplier, lonely


def soon_meeting(**fields):
    """A meeting 18 days from today: a notice sent now is late (28 days' notice)."""
    starts = timezone.now() + datetime.timedelta(days=18)
    return AnnualMeetingFactory(
        year=starts.year,
        starts_at=starts,
        record_date=timezone.localdate() - datetime.timedelta(days=1),
        **fields,
    )


def test_a_late_notice_is_refused_with_the_deadline_it_missed(staff):
    meeting = soon_meeting()

    with pytest.raises(ValidationError) as refused:
        notice_send_start(meeting=meeting, actor=staff)

    message = refused.value.message_dict["late_reason"][0]
    assert "The notice is late: to give 28 days' notice it had to go out by" in message
    assert meeting.notice_due.strftime("%d.%m.%Y") in message
    meeting.refresh_from_db()
    assert (meeting.status, meeting.roll_frozen_at) == (MeetingStatus.DRAFT, None)
    assert not Job.objects.exists()


def test_a_late_notice_goes_out_when_staff_record_why(staff, django_capture_on_commit_callbacks):
    meeting = soon_meeting()

    with django_capture_on_commit_callbacks(execute=True):
        notice_send_start(meeting=meeting, actor=staff, late_reason="Styret ble enige i går.")

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICE_SENT
    assert meeting.notice_late_reason == "Styret ble enige i går."


def test_a_notice_in_time_keeps_no_late_reason(staff):
    meeting = AnnualMeetingFactory()

    notice_send_start(meeting=meeting, actor=staff, late_reason="Unødvendig")

    meeting.refresh_from_db()
    assert meeting.notice_late_reason == ""


def test_the_notice_freezes_the_roll_and_starts_a_job(staff, network):
    meeting = AnnualMeetingFactory()

    job = notice_send_start(meeting=meeting, actor=staff)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICE_SENT
    assert meeting.roll_frozen_at is not None
    assert len(meeting.roll_fingerprint) == 64
    assert (job.kind, job.params, job.total) == (NOTICE_JOB, {"meeting_id": meeting.pk}, 3)
    assert RollEntry.objects.filter(meeting=meeting).count() == 3


def test_a_second_notice_is_refused(staff):
    meeting = AnnualMeetingFactory()
    notice_send_start(meeting=meeting, actor=staff)

    with pytest.raises(ValidationError, match="already been sent"):
        notice_send_start(meeting=meeting, actor=staff)


def test_every_admin_of_every_participant_gets_one_notice_with_the_agenda(
    staff, network, django_capture_on_commit_callbacks
):
    meeting = AnnualMeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Godkjenning av årsregnskapet")

    with django_capture_on_commit_callbacks(execute=True):
        job = notice_send_start(meeting=meeting, actor=staff)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (3, 3)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@kjerne.no",
        "admin@leverandor.no",
        "b@kjerne.no",
        "faktura@ensom.no",
    ]
    assert all(len(m.to) == 1 for m in mail.outbox)
    meeting.refresh_from_db()
    by_address = {m.to[0]: m for m in mail.outbox}
    voter, observer = by_address["a@kjerne.no"], by_address["admin@leverandor.no"]
    # Written in the recipients' language: Norwegian for an organisation's admins.
    voting = in_norwegian("%(organisation)s has the right to vote.")
    assert voting % {"organisation": "Kjerne AS"} in voter.body
    reason = in_norwegian("Reason: %(reason)s") % {
        "reason": in_norwegian("Core company on the record date")
    }
    assert reason in voter.body
    observing = in_norwegian("%(organisation)s takes part as an observer.")
    assert observing % {"organisation": "Leverandør AS"} in observer.body
    for message in (voter, observer):
        assert meeting.roll_fingerprint in message.body
        assert site_url("/meetings/2027/") in message.body
        due = in_norwegian("Proposals for the agenda are due by %(date)s.")
        assert due.split("%(date)s")[0] in message.body
        filename, content, mimetype = message.attachments[0]
        assert (filename, mimetype) == ("arsmote-2027-sakliste.pdf", "application/pdf")
        assert "Godkjenning av årsregnskapet" in pdf_text(content)
    assert default_storage.exists(meeting.notice_agenda.name)
    event = meeting.events.get(kind=EventKind.NOTICE_SENT)
    assert (event.payload["organisations"], event.payload["addresses"]) == (3, 4)


def test_each_address_is_written_to_once_when_the_task_runs_twice(staff, network):
    meeting = AnnualMeetingFactory()
    job = notice_send_start(meeting=meeting, actor=staff)

    notice_send_execute(job_id=job.pk)
    # A worker that died after the mails were queued: the broker hands the task out again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    tasks.send_notice(job_id=job.pk)
    notice_send_execute(job_id=job.pk)  # finished: left alone

    assert OutboundEmail.objects.count() == 4
    assert NoticeRecipient.objects.filter(meeting=meeting).count() == 4
    assert meeting.events.filter(kind=EventKind.NOTICE_SENT).count() == 1
    assert set(OutboundEmail.objects.values_list("about_id", flat=True)) == {meeting.pk}


def test_the_dispatch_log_links_each_address_to_its_outbox_row(
    staff, network, django_capture_on_commit_callbacks
):
    meeting = AnnualMeetingFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notice_send_start(meeting=meeting, actor=staff)

    log = list(notice_dispatch_log(meeting))
    assert [(r.organisation.name, r.email) for r in log] == [
        ("Ensom AS", "faktura@ensom.no"),
        ("Kjerne AS", "a@kjerne.no"),
        ("Kjerne AS", "b@kjerne.no"),
        ("Leverandør AS", "admin@leverandor.no"),
    ]
    assert all(r.outbound_email.status == EmailStatus.SENT for r in log)
    assert all(r.outbound_email.recipients == [r.email] for r in log)


def test_organisations_off_the_roll_get_no_notice(staff, django_capture_on_commit_callbacks):
    gone = participant("Sluttet AS")
    member_of(gone, Role.ADMIN, email="admin@sluttet.no")
    membership_end(organisation=gone, end_date=datetime.date(2026, 12, 31))
    meeting = AnnualMeetingFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notice_send_start(meeting=meeting, actor=staff)

    assert RollEntry.objects.get(meeting=meeting).standing == Standing.NONE
    assert mail.outbox == []
