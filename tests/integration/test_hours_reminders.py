"""Hour reminders on the real stack: the job queued twice to a real worker sends each once."""

import datetime
import time

import pytest
from django.utils import timezone

from activities.tasks import send_hours_reminders
from members.models import Role
from portal.models import EmailStatus, OutboundEmail
from tests.factories import ReportingPeriodFactory, active_organisation, member_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAIL_TIMEOUT = 30


def test_reminder_job_run_twice_sends_each_reminder_once(celery_worker, smtp_receiver):
    today = timezone.localdate()
    ReportingPeriodFactory(
        name="Kvartalet",
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=2),
    )
    admins = []
    for name in ("Alfa AS", "Beta AS", "Gamma AS"):
        organisation = active_organisation(name=name)
        admins.append(member_of(organisation, Role.ADMIN).email)

    send_hours_reminders.delay()
    send_hours_reminders.delay()

    received = [smtp_receiver.wait_for_mail(MAIL_TIMEOUT) for _ in admins]
    assert sorted(mail.recipients[0] for mail in received) == sorted(admins)
    deadline = time.monotonic() + MAIL_TIMEOUT
    while (
        time.monotonic() < deadline
        and OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists()
    ):
        time.sleep(0.2)
    time.sleep(2)  # room for a duplicate to arrive, were there one
    assert smtp_receiver.pending() == 0
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == len(admins)
    celery_worker.assert_alive()
