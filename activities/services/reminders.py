"""Reminders to report and confirm hours before a period's deadline, and once after it."""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from activities.models import ReportingPeriod
from activities.selectors import organisations_to_remind
from members.models import OrganisationRole, Role
from portal.mail import mail_queue

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
    after a worker died half-way, never sends the same reminder twice.
    """
    queued = 0
    for period in ReportingPeriod.objects.filter(
        locked_at__isnull=True, deadline__gte=today - datetime.timedelta(days=365)
    ):
        kind = reminder_kind(period, today)
        if kind is None:
            continue
        admins = OrganisationRole.objects.filter(role=Role.ADMIN).select_related("user")
        organisations = organisations_to_remind(period).prefetch_related(
            Prefetch("roles", queryset=admins, to_attr="admin_roles")
        )
        for organisation in organisations:
            recipients = [role.user.email for role in organisation.admin_roles]
            recipients = recipients or [organisation.invoice_email] * bool(
                organisation.invoice_email
            )
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
        "url": settings.SITE_URL.rstrip("/") + reverse("activities:hours"),
    }
    return mail_queue(
        key=f"hours-reminder:period-{period.pk}:org-{organisation.pk}:{kind}",
        recipients=recipients,
        template="activities/email/reminder",
        context=context,
    )
