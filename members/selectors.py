"""Reads on participants shared by views, admin, tasks and later dashboards.

Every member-facing read starts from ``organisations_for(user)``: another company's id is a 404.
"""

import datetime
import enum
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from members.models import (
    Competence,
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationRole,
    Role,
    User,
)

COUNTING_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.ENDED)


def organisations_for(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(roles__user=user)


def organisations_for_navigation(user: User) -> list[Organisation]:
    """The user's organisations, each with ``user_role`` (their role in it) and
    ``is_active_participant`` (today), in one query: the navigation and the permissions of the
    request (``portal.rules``) share it."""
    if not user.is_authenticated:
        return []
    active_today = membership_periods_covering(timezone.localdate()).filter(
        status__in=COUNTING_STATUSES, organisation=OuterRef("pk")
    )
    return list(
        organisations_for(user)
        .annotate(user_role=F("roles__role"), is_active_participant=Exists(active_today))
        .only("id", "name")
    )


def roles_of(user: User) -> QuerySet[OrganisationRole]:
    """The user's places in organisations, with the organisations, by organisation name."""
    return (
        OrganisationRole.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_periods_covering(on: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
    )


@dataclass(frozen=True)
class ParticipantStanding:
    participant_type: str
    status: str


def membership_on(*, organisation: Organisation, on: datetime.date) -> ParticipantStanding | None:
    """Participant type and status of ``organisation`` on date ``on``.

    A period that was active on that date counts as active even if it has ended since; an
    application still pending answers "applied"; otherwise None (not a participant then).
    """
    period = (
        membership_periods_covering(on)
        .filter(organisation=organisation, status__in=COUNTING_STATUSES)
        .order_by("-start_date")
        .first()
    )
    if period is not None:
        return ParticipantStanding(period.participant_type, MembershipStatus.ACTIVE)
    applied = organisation.memberships.filter(
        status=MembershipStatus.APPLIED, start_date__lte=on, end_date__isnull=True
    ).first()
    if applied is not None:
        return ParticipantStanding(applied.participant_type, MembershipStatus.APPLIED)
    return None


def organisations_active_on(
    on: datetime.date | None = None, participant_type: str | None = None
) -> QuerySet[Organisation]:
    """Organisations with a counting membership period on ``on`` (today by default)."""
    periods = membership_periods_covering(on or timezone.localdate()).filter(
        status__in=COUNTING_STATUSES
    )
    if participant_type:
        periods = periods.filter(participant_type=participant_type)
    return Organisation.objects.filter(pk__in=periods.values("organisation_id"))


def directory_participants(on: datetime.date | None = None) -> QuerySet[Organisation]:
    """Active participants with their current period and segments, for the member directory."""
    on = on or timezone.localdate()
    current = membership_periods_covering(on).filter(status__in=COUNTING_STATUSES)
    return (
        organisations_active_on(on)
        .prefetch_related(
            "segments",
            Prefetch("memberships", queryset=current, to_attr="current_periods"),
        )
        .order_by("name")
    )


def competence_listing() -> QuerySet[Competence]:
    """Offers and needs of active participants, for the members-only competence page."""
    return (
        Competence.objects.filter(organisation__in=organisations_active_on())
        .select_related("organisation", "area", "segment")
        .order_by("area__position", "area__slug", "kind", "organisation__name")
    )


def organisation_people(organisation: Organisation) -> QuerySet[OrganisationRole]:
    return organisation.roles.select_related("user").order_by("user__full_name", "user__email")


def invitations_open(organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations neither accepted nor revoked, expired ones included.

    An expired invitation still holds its address's natural key
    (``invitation_one_open_per_address``) until it is revoked.
    """
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    )


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    """The invitations someone can still accept (open and not expired), by address."""
    return invitations_open(organisation).filter(expires_at__gt=timezone.now()).order_by("email")


class MailPurpose(enum.StrEnum):
    """What an organisation is written to about (``organisation_mail_recipients``)."""

    INVOICE = "invoice"
    PAYMENT_REMINDER = "payment-reminder"
    HOUR_REMINDER = "hour-reminder"
    MEETING_NOTICE = "meeting-notice"


# Money matters go to the accounts first; everything else to the people who run the membership.
INVOICE_ADDRESS_FIRST = frozenset({MailPurpose.INVOICE, MailPurpose.PAYMENT_REMINDER})


def organisation_admins_prefetch() -> Prefetch:
    """Prefetch an organisation queryset's admins as ``admin_roles`` for
    ``organisation_mail_recipients``, so writing to many organisations costs one query more."""
    return Prefetch(
        "roles",
        queryset=OrganisationRole.objects.filter(role=Role.ADMIN).select_related("user"),
        to_attr="admin_roles",
    )


def organisation_mail_recipients(organisation: Organisation, purpose: MailPurpose) -> list[str]:
    """Who receives ``organisation``'s mail for ``purpose``: the one rule for every sender.

    - Invoices and payment reminders: the organisation's invoice address as it is today (a
      corrected address is used by a resend and by the next reminder; the invoice document keeps
      the address copied at issue); without one, its administrators.
    - Hour reminders and meeting notices: its administrators; without any, the invoice address,
      so that somebody hears of it.

    Administrators are listed by e-mail address, each once. An empty list means nobody to write
    to: the caller refuses (invoice) or skips (reminders). Uses ``admin_roles`` when the
    organisation was fetched with ``organisation_admins_prefetch()``, else one query.
    """
    invoice_address = [organisation.invoice_email] if organisation.invoice_email else []
    if MailPurpose(purpose) in INVOICE_ADDRESS_FIRST:
        return invoice_address or _admin_addresses(organisation)
    return _admin_addresses(organisation) or invoice_address


def _admin_addresses(organisation: Organisation) -> list[str]:
    admin_roles = getattr(organisation, "admin_roles", None)
    if admin_roles is None:
        admin_roles = organisation.roles.filter(role=Role.ADMIN).select_related("user")
    return sorted({role.user.email for role in admin_roles if role.user.email})
