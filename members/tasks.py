"""E-mails about applications and invitations. Thin tasks: fetch, then queue in the outbox.

The outbox (``portal.outbox``) sends each once, retries what is worth retrying, and shows
what could not be sent to the secretariat as a failed row.
"""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from members.models import Application, Invitation
from portal.mail import mail_queue


def _send(template: str, context: dict, to: str, *, key: str, about) -> None:
    # Applicants and invitees have no user record yet: written to in Norwegian (mail_language).
    mail_queue(
        key=key,
        recipients=[to],
        template=f"members/email/{template}",
        context=context,
        about=about,
    )


def _invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "members:invitation_accept", kwargs={"token": invitation.token}
    )


@shared_task(name="members.send_invitation_email")
def send_invitation_email(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return
    context = {"invitation": invitation, "url": _invitation_url(invitation)}
    _send(
        "invitation", context, invitation.email, key=f"invitation:{invitation.pk}", about=invitation
    )


@shared_task(name="members.send_application_received_email")
def send_application_received_email(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    context = {"application": application}
    key = f"application:{application.pk}"
    _send(
        "application_received",
        context,
        application.contact_email,
        key=f"{key}:received",
        about=application,
    )
    _send(
        "application_to_secretariat",
        context,
        settings.SECRETARIAT_EMAIL,
        key=f"{key}:to-secretariat",
        about=application,
    )


@shared_task(name="members.send_application_approved_email")
def send_application_approved_email(*, application_id: int, invitation_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if application is None or invitation is None:
        return
    context = {
        "application": application,
        "url": _invitation_url(invitation),
        "invitation": invitation,
    }
    _send(
        "application_approved",
        context,
        application.contact_email,
        key=f"application:{application.pk}:approved:invitation-{invitation.pk}",
        about=application,
    )


@shared_task(name="members.send_application_rejected_email")
def send_application_rejected_email(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    _send(
        "application_rejected",
        {"application": application},
        application.contact_email,
        key=f"application:{application.pk}:rejected",
        about=application,
    )
