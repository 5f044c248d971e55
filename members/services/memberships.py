"""Membership periods: open, change type, end. At most one open period per organisation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import (
    Membership,
    MembershipStatus,
    Organisation,
    ParticipantType,
)
from members.services.organisations import _lock_organisation
from portal.page_cache import COMPETENCE, DIRECTORY, page_cache_bump


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
        membership = Membership.objects.create(
            organisation=organisation,
            participant_type=participant_type,
            status=MembershipStatus.ACTIVE,
            start_date=start_date,
            note=note,
        )
        page_cache_bump(DIRECTORY, COMPETENCE)
        return membership


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
        membership = Membership.objects.create(
            organisation=organisation,
            participant_type=participant_type,
            status=MembershipStatus.ACTIVE,
            start_date=effective_date,
            note=note,
        )
        page_cache_bump(DIRECTORY, COMPETENCE)
        return membership


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
        page_cache_bump(DIRECTORY, COMPETENCE)
        return current


def _open_period(organisation: Organisation) -> Membership | None:
    return organisation.memberships.filter(
        end_date__isnull=True, status__in=[MembershipStatus.APPLIED, MembershipStatus.ACTIVE]
    ).first()
