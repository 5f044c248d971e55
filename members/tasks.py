"""E-mails about applications and invitations. Thin tasks: fetch, render, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.models import Application, Invitation

RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


def _send(template: str, context: dict, to: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"members/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def _invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "members:invitation_accept", kwargs={"token": invitation.token}
    )


@shared_task(name="members.send_invitation_email", **RETRY)
def send_invitation_email(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return
    context = {"invitation": invitation, "url": _invitation_url(invitation)}
    _send("invitation", context, invitation.email)


@shared_task(name="members.send_application_received_email", **RETRY)
def send_application_received_email(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    context = {"application": application}
    _send("application_received", context, application.contact_email)
    _send("application_to_secretariat", context, settings.SECRETARIAT_EMAIL)


@shared_task(name="members.send_application_approved_email", **RETRY)
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
    _send("application_approved", context, application.contact_email)


@shared_task(name="members.send_application_rejected_email", **RETRY)
def send_application_rejected_email(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    _send("application_rejected", {"application": application}, application.contact_email)
