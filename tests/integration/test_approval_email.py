"""Approving an application sends the invitation e-mail through the whole real stack:
on_commit -> Redis broker -> Celery worker process -> SMTP -> the receiver started here.
"""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Invitation, Role
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

MAIL_TIMEOUT = 30


def test_approval_email_reaches_smtp_through_a_real_worker(celery_worker, smtp_receiver):
    staff = UserFactory(is_staff=True)
    application = ApplicationFactory(contact_email="kari.nordmann@soker.example")

    # Outside any transaction: the service commits and its on_commit queues the task for real.
    organisation = services.application_approve(application=application, decided_by=staff)

    received = smtp_receiver.wait_for_mail(MAIL_TIMEOUT)
    celery_worker.assert_alive()
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.role == Role.ADMIN
    assert received.recipients == ["kari.nordmann@soker.example"]
    assert received.message["To"] == "kari.nordmann@soker.example"
    with translation.override(settings.LANGUAGE_CODE):
        expected_subject = render_to_string(
            "members/email/application_approved_subject.txt", {"application": application}
        ).strip()
    assert received.message["Subject"] == expected_subject
    link = settings.SITE_URL.rstrip("/") + reverse(
        "members:invitation_accept", kwargs={"token": invitation.token}
    )
    assert link in received.body
    assert "members.send_application_approved_email" in celery_worker.log
