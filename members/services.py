"""Every write on participants that carries a business rule. One function per use case."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    Application,
    ApplicationStatus,
    Competence,
    CompetenceArea,
    CompetenceKind,
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationRole,
    ParticipantType,
    Role,
    User,
    ValueChainSegment,
)
from members.validators import normalise_organisation_number

# --- Organisations --------------------------------------------------------------------------

PROFILE_FIELDS = (
    "name",
    "street_address",
    "postal_code",
    "city",
    "invoice_email",
    "website",
    "size_band",
    "description",
)


def organisation_update_profile(
    *,
    organisation: Organisation,
    segments: Iterable[ValueChainSegment] | None = None,
    **fields,
) -> Organisation:
    """Change an organisation's public profile. The organisation number is not editable here."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        if segments is not None:
            organisation.segments.set(segments)
    return organisation


# --- Membership periods ---------------------------------------------------------------------


def membership_start(
    *,
    organisation: Organisation,
    participant_type: str,
    start_date: datetime.date,
    note: str = "",
) -> Membership:
    """Open an active membership period. An organisation has at most one open period."""
    if participant_type not in ParticipantType.values:
        raise ValidationError(_("Unknown participant type."))
    with transaction.atomic():
        _lock_organisation(organisation)
        if _open_period(organisation) is not None:
            raise ValidationError(_("This organisation already has an open membership period."))
        last = organisation.memberships.filter(end_date__isnull=False).order_by("-end_date").first()
        if last is not None and last.end_date >= start_date:
            raise ValidationError(
                _("A new membership period must start after the previous one ended (%(date)s).")
                % {"date": last.end_date.isoformat()}
            )
        return Membership.objects.create(
            organisation=organisation,
            participant_type=participant_type,
            status=MembershipStatus.ACTIVE,
            start_date=start_date,
            note=note,
        )


def membership_change_type(
    *,
    organisation: Organisation,
    participant_type: str,
    effective_date: datetime.date,
    note: str = "",
) -> Membership:
    """End the open period the day before ``effective_date`` and open one with the new type.

    Keeps the history answerable: who was a core company on any date stays true afterwards.
    """
    if participant_type not in ParticipantType.values:
        raise ValidationError(_("Unknown participant type."))
    with transaction.atomic():
        _lock_organisation(organisation)
        current = _open_period(organisation)
        if current is None or current.status != MembershipStatus.ACTIVE:
            raise ValidationError(_("Only an active membership can change participant type."))
        if current.participant_type == participant_type:
            raise ValidationError(_("The organisation already has this participant type."))
        if effective_date <= current.start_date:
            raise ValidationError(
                _("The change must take effect after the current period started (%(date)s).")
                % {"date": current.start_date.isoformat()}
            )
        current.end_date = effective_date - datetime.timedelta(days=1)
        current.status = MembershipStatus.ENDED
        current.save(update_fields=["end_date", "status"])
        return Membership.objects.create(
            organisation=organisation,
            participant_type=participant_type,
            status=MembershipStatus.ACTIVE,
            start_date=effective_date,
            note=note,
        )


def membership_end(
    *, organisation: Organisation, end_date: datetime.date, note: str = ""
) -> Membership:
    """End the organisation's active membership on ``end_date`` (the last day it counts)."""
    with transaction.atomic():
        _lock_organisation(organisation)
        current = _open_period(organisation)
        if current is None or current.status != MembershipStatus.ACTIVE:
            raise ValidationError(_("This organisation has no active membership to end."))
        if end_date < current.start_date:
            raise ValidationError(_("A membership cannot end before it started."))
        current.end_date = end_date
        current.status = MembershipStatus.ENDED
        if note:
            current.note = note
        current.save(update_fields=["end_date", "status", "note"])
        return current


def _open_period(organisation: Organisation) -> Membership | None:
    return organisation.memberships.filter(
        end_date__isnull=True, status__in=[MembershipStatus.APPLIED, MembershipStatus.ACTIVE]
    ).first()


def _lock_organisation(organisation: Organisation) -> None:
    """Serialise writes on one organisation's periods and roles."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


# --- People and roles -----------------------------------------------------------------------


def role_change(*, organisation_role: OrganisationRole, role: str) -> OrganisationRole:
    """Change a person's role. The organisation's last admin cannot be demoted."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    with transaction.atomic():
        _lock_organisation(organisation_role.organisation)
        organisation_role.refresh_from_db()
        if organisation_role.role == Role.ADMIN and role != Role.ADMIN:
            _ensure_another_admin(organisation_role)
        organisation_role.role = role
        organisation_role.save(update_fields=["role"])
    return organisation_role


def person_remove(*, organisation_role: OrganisationRole) -> None:
    """Remove a person from an organisation. The organisation's last admin stays."""
    with transaction.atomic():
        _lock_organisation(organisation_role.organisation)
        organisation_role.refresh_from_db()
        if organisation_role.role == Role.ADMIN:
            _ensure_another_admin(organisation_role)
        organisation_role.delete()


def _ensure_another_admin(organisation_role: OrganisationRole) -> None:
    others = OrganisationRole.objects.filter(
        organisation_id=organisation_role.organisation_id, role=Role.ADMIN
    ).exclude(pk=organisation_role.pk)
    if not others.exists():
        raise ValidationError(
            _(
                "An organisation must keep at least one administrator. Make someone else "
                "administrator first."
            ),
            code="last_admin",
        )


def person_add(*, organisation: Organisation, user: User, role: str) -> OrganisationRole:
    """Give a user a role in an organisation, or keep the role they already have."""
    organisation_role, _created = OrganisationRole.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return organisation_role


# --- Invitations ----------------------------------------------------------------------------


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str = Role.MEMBER,
    invited_by: User | None = None,
) -> Invitation:
    """Invite someone by e-mail. The e-mail is sent by Celery after the transaction commits.

    A new invitation replaces the open ones to the same address (they are revoked), so at most
    one invitation per address and organisation is open; the database enforces that too
    (``invitation_one_open_per_address``). When two invitations to one address race, the
    second INSERT fails: the invitation the first one made is returned if it is the same
    (same role, so no second e-mail), else the second is refused with a clear message. One
    transaction (a savepoint inside a caller's).
    """
    from members import tasks

    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if OrganisationRole.objects.filter(organisation=organisation, user__email=email).exists():
        raise ValidationError(
            {"email": _("This person already belongs to the organisation.")}, code="already_member"
        )
    open_ones = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    try:
        with transaction.atomic():
            open_ones.update(revoked_at=timezone.now())
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                invited_by=invited_by,
                expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
            )
            transaction.on_commit(
                lambda: tasks.send_invitation_email.delay(invitation_id=invitation.pk)
            )
    except IntegrityError:
        # A concurrent invitation to the same address committed first.
        existing = open_ones.first()
        if existing is not None and existing.role == role:
            return existing
        raise ValidationError(
            {"email": _("An invitation to this address is already open for this organisation.")},
            code="invitation_open",
        ) from None
    return invitation


def invitation_address_refusal(*, invitation: Invitation, user: User) -> ValidationError | None:
    """Why ``user`` may not accept ``invitation``, or None when they may.

    The link is a bearer token that may be forwarded, so the account must own the invited
    address: one of its addresses, verified, equal to the invited one (case-insensitively).
    """
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
    if any(address.verified for address in addresses):
        return None
    if addresses:
        return ValidationError(
            _("Confirm the address %(email)s before you accept the invitation sent to it."),
            code="address_unverified",
            params={"email": invitation.email},
        )
    return ValidationError(
        _("This invitation is for %(email)s. Sign in with that address to accept it."),
        code="address_mismatch",
        params={"email": invitation.email},
    )


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str | None = None,
) -> OrganisationRole:
    """Use an invitation once, before it expires, for the invited address only.

    A signed-in ``user`` joins with their account only if it has the invited address verified
    (``invitation_address_refusal``); otherwise an account is created for the invited address
    with ``full_name`` and ``password``, its e-mail counted as verified because the link reached
    that inbox. One transaction, the invitation row locked.
    """
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token=token).select_related(None).first()
        )
        if invitation is None or not invitation.is_usable:
            raise ValidationError(
                _("This invitation is no longer valid. Ask your organisation for a new one."),
                code="invitation_unusable",
            )
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _("An account with this e-mail address exists. Sign in to accept."),
                    code="account_exists",
                )
            user = User.objects.create_user(
                email=invitation.email, password=password, full_name=full_name
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif refusal := invitation_address_refusal(invitation=invitation, user=user):
            raise refusal
        organisation_role = person_add(
            organisation=invitation.organisation, user=user, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return organisation_role


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- Applications ---------------------------------------------------------------------------


def application_submit(*, segments: Iterable[ValueChainSegment] = (), **fields) -> Application:
    """Record a company's application to join and tell the secretariat."""
    from members import tasks

    application = Application(**fields)
    application.organisation_number = normalise_organisation_number(application.organisation_number)
    application.full_clean()
    if Organisation.objects.filter(organisation_number=application.organisation_number).exists():
        raise ValidationError(
            {"organisation_number": _("This organisation already takes part in the network.")}
        )
    if Application.objects.filter(
        organisation_number=application.organisation_number, status=ApplicationStatus.PENDING
    ).exists():
        raise ValidationError(
            {"organisation_number": _("An application for this organisation is being handled.")}
        )
    with transaction.atomic():
        application.save()
        application.segments.set(segments)
        transaction.on_commit(
            lambda: tasks.send_application_received_email.delay(application_id=application.pk)
        )
    return application


def application_approve(
    *, application: Application, decided_by: User, start_date: datetime.date | None = None
) -> Organisation:
    """Approve a pending application.

    Creates the organisation, its first membership period and an admin invitation for the
    contact person, all in one transaction; the approval e-mail goes out after commit.
    """
    from members import tasks

    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.PENDING:
            raise ValidationError(_("Only a pending application can be approved."))
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=application.name,
                    organisation_number=application.organisation_number,
                    street_address=application.street_address,
                    postal_code=application.postal_code,
                    city=application.city,
                    invoice_email=application.invoice_email,
                    website=application.website,
                    size_band=application.size_band,
                    description=application.description,
                )
        except IntegrityError:
            raise ValidationError(
                _("An organisation with organisation number %(number)s already exists.")
                % {"number": application.organisation_number}
            ) from None
        organisation.segments.set(application.segments.all())
        membership_start(
            organisation=organisation,
            participant_type=application.requested_type,
            start_date=start_date or timezone.localdate(),
            note=_("Approved application"),
        )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=application.contact_email.lower(),
            role=Role.ADMIN,
            invited_by=decided_by,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        application.status = ApplicationStatus.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = decided_by
        application.organisation = organisation
        application.save(update_fields=["status", "decided_at", "decided_by", "organisation"])
        transaction.on_commit(
            lambda: tasks.send_application_approved_email.delay(
                application_id=application.pk, invitation_id=invitation.pk
            )
        )
    return organisation


def application_reject(*, application: Application, decided_by: User, reason: str) -> Application:
    """Reject a pending application with a reason that is sent to the contact person."""
    from members import tasks

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the rejection.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.PENDING:
            raise ValidationError(_("Only a pending application can be rejected."))
        application.status = ApplicationStatus.REJECTED
        application.rejection_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = decided_by
        application.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        transaction.on_commit(
            lambda: tasks.send_application_rejected_email.delay(application_id=application.pk)
        )
    return application


# --- Competence -----------------------------------------------------------------------------


def competence_save(
    *,
    organisation: Organisation,
    kind: str,
    area: CompetenceArea,
    text: str,
    segment: ValueChainSegment | None = None,
) -> Competence:
    """Record or update what an organisation offers or needs in one competence area."""
    if kind not in CompetenceKind.values:
        raise ValidationError(_("Choose offer or need."))
    competence = Competence.objects.filter(
        organisation=organisation, kind=kind, area=area
    ).first() or Competence(organisation=organisation, kind=kind, area=area)
    competence.text = text
    competence.segment = segment
    competence.full_clean()
    competence.save()
    return competence


def competence_delete(*, competence: Competence) -> None:
    competence.delete()
