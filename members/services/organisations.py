"""Writes on organisations and company groups, and the row lock an organisation's writes share."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import (
    CompanyGroup,
    Organisation,
    ValueChainSegment,
)

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
