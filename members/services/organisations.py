"""Writes on organisations and company groups, and the row lock an organisation's writes share."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    CompanyGroup,
    MembershipStatus,
    Organisation,
    ValueChainSegment,
)
from members.validators import validate_invoice_data
from portal.page_cache import COMPETENCE, DIRECTORY, page_cache_bump

PROFILE_FIELDS = (
    "name",
    "street_address",
    "postal_code",
    "city",
    "country",
    "invoice_email",
    "invoice_language",
    "buyer_reference",
    "website",
    "size_band",
    "description",
)


INVOICE_DATA_FIELDS = ("street_address", "postal_code", "city", "country", "invoice_email")


def organisation_is_billable(organisation: Organisation) -> bool:
    """Whether ``organisation`` is invoiced for the participation fee: it has a membership
    period that is active and not over, and it pays for itself (not a unit of a company group
    whose parent unit pays for it; ``billing.selectors.fee_plan`` has the same rule)."""
    if organisation.pk is None:
        return False
    group = organisation.group
    if group is not None and not group.units_pay_own_fee and group.parent_id != organisation.pk:
        return False
    return organisation.memberships.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()),
        status=MembershipStatus.ACTIVE,
    ).exists()


def organisation_check_invoice_data(*, organisation: Organisation) -> None:
    """Refuse invoice data that would make a wrong invoice (``validate_invoice_data``): the
    rule the profile page, the admin and the service share. Reads the unsaved values."""
    validate_invoice_data(
        **{name: getattr(organisation, name) for name in INVOICE_DATA_FIELDS},
        billable=organisation_is_billable(organisation),
    )


def organisation_update_profile(
    *,
    organisation: Organisation,
    segments: Iterable[ValueChainSegment] | None = None,
    **fields,
) -> Organisation:
    """Change an organisation's profile. The organisation number is not editable here.

    The invoice data is checked by ``organisation_check_invoice_data``: a billable organisation
    keeps its invoice address and invoice e-mail. Nothing is saved when a field is refused.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation_check_invoice_data(organisation=organisation)
    with transaction.atomic():
        organisation.save()
        if segments is not None:
            organisation.segments.set(segments)
        page_cache_bump(DIRECTORY, COMPETENCE)
    return organisation


def _lock_organisation(organisation: Organisation) -> None:
    """Serialise writes on one organisation's periods and roles."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


# --- Company groups -------------------------------------------------------------------------


def company_group_parent_refusal(
    *, group: CompanyGroup, parent: Organisation | None
) -> ValidationError | None:
    """Why ``parent`` may not be ``group``'s parent unit, or None when it may.

    The parent is one of the group's units, so it must belong to no other group.
    """
    if parent is None or parent.group_id in (None, group.pk):
        return None
    return ValidationError(
        _("%(organisation)s is a unit of another company group (%(group)s).")
        % {"organisation": parent, "group": parent.group},
        code="parent_in_other_group",
    )


def company_group_save(*, group: CompanyGroup) -> CompanyGroup:
    """Save a company group; a parent that belongs to no group becomes a unit of this group.

    A parent in another group is refused (``company_group_parent_refusal``). One transaction,
    the parent row locked so a concurrent change of its group is not overwritten.
    """
    with transaction.atomic():
        parent = None
        if group.parent_id is not None:
            parent = Organisation.objects.select_for_update().get(pk=group.parent_id)
        if refusal := company_group_parent_refusal(group=group, parent=parent):
            raise ValidationError({"parent": refusal})
        group.save()
        if parent is not None and parent.group_id is None:
            parent.group = group
            parent.save(update_fields=["group"])
            group.parent = parent
    return group
