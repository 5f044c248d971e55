"""Plain-text e-mail: one way to render it and queue it, and the embedded default's backend.

Every e-mail the portal sends is plain text, rendered by ``mail_render`` with the "text"
template engine (autoescape off, see TEMPLATES in settings), so a name such as
"O'Brien & Sønn <AS>" arrives as written, not as "O&#x27;Brien &amp; Sønn &lt;AS&gt;". An HTML
part, should one be added, must be rendered with the default (escaping) engine.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.template import engines
from django.utils import translation

from portal.models import OutboundEmail
from portal.outbox import email_enqueue

TEXT_ENGINE = "text"


def mail_render(*, template: str, context: dict) -> tuple[str, str]:
    """Subject and body of ``<template>_subject.txt`` and ``<template>.txt``, not HTML-escaped.

    Rendered in the portal's default language. The subject is stripped, nothing more: a line
    break that a name carries into it is refused when the message is built (a failed outbox row).
    """
    engine = engines[TEXT_ENGINE]
    with translation.override(settings.LANGUAGE_CODE):
        subject = engine.get_template(f"{template}_subject.txt").render(context).strip()
        body = engine.get_template(f"{template}.txt").render(context)
    return subject, body


def mail_queue(
    *,
    key: str,
    recipients: list[str],
    template: str,
    context: dict,
    attachments: list[dict] | None = None,
) -> tuple[OutboundEmail, bool]:
    """Render ``template`` (see ``mail_render``) and queue it once under ``key`` in the outbox."""
    subject, body = mail_render(template=template, context=context)
    return email_enqueue(
        key=key, recipients=recipients, subject=subject, body=body, attachments=attachments
    )


class ConsoleAndFileBackend(BaseEmailBackend):
    """The embedded default's mail backend: print each message and keep it as a file."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.console = ConsoleBackend(fail_silently=fail_silently, **kwargs)
        self.file = FileBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages):
        self.console.send_messages(email_messages)
        return self.file.send_messages(email_messages)
