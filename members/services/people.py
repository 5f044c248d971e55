"""People and roles in an organisation. An organisation never loses its last admin."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import (
    Organisation,
    OrganisationRole,
    Role,
    User,
)
from members.services.organisations import _lock_organisation


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


def user_set_language(*, user: User, language: str) -> bool:
    """Keep ``language`` as the language of the portal's e-mails to ``user``.

    The language switcher calls this for a signed-in person, so a mail sent later from a worker
    (which cannot read the cookie) is written in it (``portal.mail.mail_language``). A code that
    is not in ``LANGUAGES`` changes nothing. Returns whether the row changed.
    """
    if language not in {code for code, _name in settings.LANGUAGES} or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
