"""Every write on participants that carries a business rule. One function per use case.

One module per subdomain; every public name is re-exported here, so
``from members import services`` and ``from members.services import x`` keep working.
"""

from members.services.applications import (
    application_approve,
    application_reject,
    application_submit,
)
from members.services.competence import competence_delete, competence_save
from members.services.invitations import (
    invitation_accept,
    invitation_address_refusal,
    invitation_create,
    invitation_revoke,
)
from members.services.memberships import (
    membership_change_type,
    membership_end,
    membership_start,
)
from members.services.organisations import (
    PROFILE_FIELDS,
    company_group_parent_refusal,
    company_group_save,
    organisation_check_invoice_data,
    organisation_is_billable,
    organisation_update_profile,
)
from members.services.people import person_add, person_remove, role_change, user_set_language

__all__ = [
    "PROFILE_FIELDS",
    "application_approve",
    "application_reject",
    "application_submit",
    "company_group_parent_refusal",
    "company_group_save",
    "competence_delete",
    "competence_save",
    "invitation_accept",
    "invitation_address_refusal",
    "invitation_create",
    "invitation_revoke",
    "membership_change_type",
    "membership_end",
    "membership_start",
    "organisation_check_invoice_data",
    "organisation_is_billable",
    "organisation_update_profile",
    "person_add",
    "person_remove",
    "role_change",
    "user_set_language",
]
