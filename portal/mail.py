"""Plain-text e-mail: one way to render it and queue it, and the embedded default's backend.

Every e-mail the portal sends is plain text, rendered by ``mail_render`` with the "text"
template engine (autoescape off, see TEMPLATES in settings), so a name such as
"O'Brien & Sønn <AS>" arrives as written, not as "O&#x27;Brien &amp; Sønn &lt;AS&gt;". An HTML
part, should one be added, must be rendered with the default (escaping) engine.
"""

import sys

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import models
from django.template import engines
from django.utils import translation

from portal.models import OutboundEmail
from portal.outbox import email_enqueue

TEXT_ENGINE = "text"


def mail_language(recipient=None) -> str:
    """The language a mail to ``recipient`` is written in.

    The rule: Norwegian (``LANGUAGE_CODE``) unless the user record says otherwise, in its
    ``language`` field: the language a signed-in person last chose with the switcher
    (``members.services.user_set_language``; the cookie alone cannot reach a worker).
    Organisation mail (``members.selectors.organisation_mail_recipients``: invoices, reminders,
    notices) is written in Norwegian, even when it reaches the administrators' own addresses;
    so are mails to people without an account yet (applicants, invitees).
    """
    chosen = getattr(recipient, "language", "") or ""
    languages = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in languages else settings.LANGUAGE_CODE


def mail_render(
    *,
    template: str,
    context: dict,
    language: str | None = None,
    subject_template: str | None = None,
    subject_prefix: str = "",
) -> tuple[str, str]:
    """Subject and body of ``<template>_subject.txt`` and ``<template>.txt``, not HTML-escaped.

    Rendered in ``language`` (see ``mail_language``; the portal's default without one).
    ``subject_template`` names the subject's template when it is not ``<template>_subject.txt``
    (allauth's ``<prefix>_subject.txt`` beside ``<prefix>_message.txt``). The subject is
    stripped and prefixed, nothing more: a line break that a name carries into it is refused
    when the message is built (a failed outbox row).
    """
    engine = engines[TEXT_ENGINE]
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = engine.get_template(subject_template or f"{template}_subject.txt")
        body = engine.get_template(f"{template}.txt").render(context)
        subject = subject_prefix + subject.render(context).strip()
    return subject, body


def mail_queue(
    *,
    key: str,
    recipients: list[str],
    template: str,
    context: dict,
    about: models.Model | None,
    attachments: list[dict] | None = None,
    language: str | None = None,
    subject_template: str | None = None,
    subject_prefix: str = "",
) -> tuple[OutboundEmail, bool]:
    """The one way to send an e-mail: render ``template`` and queue it once under ``key``.

    ``about`` is the record the mail is about (``OutboundEmail.about``; None only for a mail
    about nothing stored, such as one to the secretariat about the site); ``language`` is the
    recipient's (``mail_language``), Norwegian without one; ``subject_template`` and
    ``subject_prefix`` as in ``mail_render``. Links in ``context`` and in the
    templates are built on ``SITE_URL`` (``site_url``), never on a request's host. Returns
    ``(row, created)``; the same key twice is one e-mail. Runs inside the caller's transaction:
    the send task is queued after commit.
    """
    subject, body = mail_render(
        template=template,
        context=context,
        language=language,
        subject_template=subject_template,
        subject_prefix=subject_prefix,
    )
    return email_enqueue(
        key=key,
        recipients=recipients,
        subject=subject,
        body=body,
        attachments=attachments,
        about=about,
    )


def site_url(path: str = "/") -> str:
    """``path`` on the portal's public address (``SITE_URL``): for every link in an e-mail."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


class ConsoleAndFileBackend(BaseEmailBackend):
    """The embedded default's mail backend: keep each message whole as a file in
    ``EMAIL_FILE_PATH`` and print one line about it, so a newcomer sees that mail went out
    without a terminal full of attached PDFs."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.file = FileBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages):
        sent = self.file.send_messages(email_messages)
        folder = settings.EMAIL_FILE_PATH
        for message in email_messages:
            attached = f", {len(message.attachments)} attachment(s)" if message.attachments else ""
            sys.stdout.write(
                f"Mail to {', '.join(message.to)}: {message.subject}{attached} (in {folder})\n"
            )
        return sent
