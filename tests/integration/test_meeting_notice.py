"""The notice on the real stack: a real Celery worker renders the agenda, queues one e-mail per
organisation and address, and the SMTP receiver gets each exactly once, with the agenda
attached, even when the task is delivered twice."""

import time

import pytest
from django.conf import settings

from meetings import tasks
from meetings.models import EventKind, MeetingStatus, NoticeRecipient
from meetings.services.notice import notice_send_start
from members.models import ParticipantType, Role
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
from tests.pdf import pdf_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAIL_TIMEOUT = 60


@pytest.fixture
def shared_media(monkeypatch, settings):
    """The worker stores the agenda where this process can read it back."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}.")


def test_the_notice_reaches_every_admin_once_through_a_real_worker(
    shared_media, celery_worker, smtp_receiver
):
    core = participant("Kjerne AS")
    core_admins = [member_of(core, Role.ADMIN).email for _ in range(2)]
    supplier = OrganisationFactory(name="Leverandør AS")
    MembershipFactory(organisation=supplier, participant_type=ParticipantType.SUPPLIER)
    supplier_admin = member_of(supplier, Role.ADMIN).email
    meeting = AnnualMeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Valg av styre")
    addresses = sorted([*core_admins, supplier_admin])

    job = notice_send_start(meeting=meeting, actor=UserFactory(is_staff=True))
    tasks.send_notice.delay(job_id=job.pk)  # the same task delivered a second time

    received = [smtp_receiver.wait_for_mail(MAIL_TIMEOUT) for _ in addresses]
    wait_until(lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, MAIL_TIMEOUT, "the job")
    wait_until(
        lambda: not OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists(),
        MAIL_TIMEOUT,
        "every outbox row sent",
    )
    time.sleep(2)  # room for a duplicate to arrive, were there one

    assert smtp_receiver.pending() == 0
    assert sorted(mail.recipients[0] for mail in received) == addresses
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICE_SENT
    for mail in received:
        assert meeting.roll_fingerprint in mail.body
        (attachment,) = list(mail.message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert "Valg av styre" in pdf_text(attachment.get_content())
    log = NoticeRecipient.objects.filter(meeting=meeting).select_related("outbound_email")
    assert sorted(r.email for r in log) == addresses
    assert all(r.outbound_email.status == EmailStatus.SENT for r in log)
    assert meeting.events.filter(kind=EventKind.NOTICE_SENT).count() == 1
    assert str(settings.MEDIA_ROOT) in str(meeting.notice_agenda.path)
    celery_worker.assert_alive()
