"""Reminders to report and confirm hours before a period's deadline, and once after it."""

import datetime

from django.conf import settings
from django.urls import reverse

from activities.models import ReportingPeriod
from activities.selectors import organisations_to_remind
from members.selectors import (
    MailPurpose,
    organisation_admins_prefetch,
    organisation_mail_recipients,
)
from portal.mail import mail_queue, site_url

BEFORE, AFTER = "before", "after"


def reminder_kind(period: ReportingPeriod, today: datetime.date) -> str | None:
    """Which reminder a period is due for today, if any."""
    if period.is_locked:
        return None
    days_before = datetime.timedelta(days=settings.HOURS_REMINDER_DAYS_BEFORE)
    if period.deadline - days_before <= today <= period.deadline:
        return BEFORE
    if today > period.deadline:
        return AFTER
    return None


def hours_reminders_send(*, today: datetime.date) -> int:
    """Queue today's reminders; returns how many were new.

    Each reminder's outbox key names period, organisation and kind, so running this twice, or
    after a worker died half-way, never sends the same reminder twice. Recipients:
    ``organisation_mail_recipients(..., MailPurpose.HOUR_REMINDER)``.
    """
    queued = 0
    for period in ReportingPeriod.objects.filter(
        locked_at__isnull=True, deadline__gte=today - datetime.timedelta(days=365)
    ):
        kind = reminder_kind(period, today)
        if kind is None:
            continue
        organisations = organisations_to_remind(period).prefetch_related(
            organisation_admins_prefetch()
        )
        for organisation in organisations:
            recipients = organisation_mail_recipients(organisation, MailPurpose.HOUR_REMINDER)
            if not recipients:
                continue
            _email, created = _enqueue(period, organisation, kind, recipients)
            queued += created
    return queued


def _enqueue(period, organisation, kind, recipients):
    context = {
        "period": period,
        "organisation": organisation,
        "kind": kind,
        "logged_nothing": organisation.period_hours == 0,
        "url": site_url(reverse("activities:hours")),
    }
    # Organisation mail: written in Norwegian (portal.mail.mail_language).
    return mail_queue(
        key=f"hours-reminder:period-{period.pk}:org-{organisation.pk}:{kind}",
        recipients=recipients,
        template="activities/email/reminder",
        context=context,
        about=organisation,
    )
