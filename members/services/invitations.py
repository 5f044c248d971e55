"""Invitations: create, accept (bound to the invited, verified address), revoke."""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import selectors, tasks
from members.models import (
    Invitation,
    Organisation,
    OrganisationRole,
    Role,
    User,
)
from members.services.people import person_add
from portal.queue import enqueue_after_commit


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str = Role.MEMBER,
    invited_by: User | None = None,
    notify: bool = True,
) -> Invitation:
    """Invite someone by e-mail. The e-mail is sent by Celery after the transaction commits.

    A new invitation replaces the open ones to the same address (they are revoked), so at most
    one invitation per address and organisation is open; the database enforces that too
    (``invitation_one_open_per_address``). When two invitations to one address race, the
    second INSERT fails: the invitation the first one made is returned if it is the same
    (same role, so no second e-mail), else the second is refused with a clear message. One
    transaction (a savepoint inside a caller's). With ``notify=False`` no e-mail is queued
    (the demo seed's fictional addresses).
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if OrganisationRole.objects.filter(organisation=organisation, user__email=email).exists():
        raise ValidationError(
            {"email": _("This person already belongs to the organisation.")}, code="already_member"
        )
    open_ones = selectors.invitations_open(organisation).filter(email__iexact=email)
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
            if notify:
                enqueue_after_commit(tasks.send_invitation_email, invitation_id=invitation.pk)
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
