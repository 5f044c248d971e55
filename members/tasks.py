"""E-mails about applications and invitations. Thin tasks: fetch, then queue in the outbox.

The outbox (``portal.outbox``) sends each once, retries what is worth retrying, and shows
what could not be sent to the secretariat as a failed row.

Tasks are leaves: services import this module at the top to queue work, so each task imports
its models and the mail service inside its body, when it runs.
"""

from typing import TYPE_CHECKING

from celery import shared_task
from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from members.models import Invitation


def _send(template: str, context: dict, to: str, *, key: str, about) -> None:
    from members.models import User  # noqa: PLC0415 -- leaf: services import tasks
    from portal.mail import mail_language, mail_queue  # noqa: PLC0415 -- leaf: see above

    # In the language of the person with that address (mail_language); applicants and invitees
    # without an account yet, and the secretariat's address, are written to in Norwegian.
    mail_queue(
        key=key,
        recipients=[to],
        template=f"members/email/{template}",
        context=context,
        about=about,
        language=mail_language(User.objects.filter(email__iexact=to).first()),
    )


def _invitation_url(invitation: "Invitation") -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "members:invitation_accept", kwargs={"token": invitation.token}
    )


@shared_task(name="members.send_invitation_email")
def send_invitation_email(*, invitation_id: int) -> None:
    from members.models import Invitation  # noqa: PLC0415 -- leaf: services import tasks

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
    from members.models import Application  # noqa: PLC0415 -- leaf: services import tasks

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
    from members.models import Application, Invitation  # noqa: PLC0415 -- leaf: see above

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
    from members.models import Application  # noqa: PLC0415 -- leaf: services import tasks

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
