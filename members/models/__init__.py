"""Participants of the network: organisations, company groups, membership periods, people.

State transitions (membership periods, roles, invitations, applications) happen only through
``members.services``; these models hold data and database-level guarantees. One module per
subdomain; every model is re-exported here, so ``from members.models import X`` and the
migrations' ``members.models.UserManager`` / ``members.models._new_token`` keep working.
"""

from members.models.applications import Application, ApplicationStatus
from members.models.competence import Competence, CompetenceKind
from members.models.invitations import Invitation, _new_token
from members.models.memberships import Membership, MembershipStatus
from members.models.organisations import (
    CompanyGroup,
    InvoiceLanguage,
    Organisation,
    ParticipantType,
    SizeBand,
)
from members.models.people import OrganisationRole, Role, User, UserManager
from members.models.reference import BilingualName, CompetenceArea, ValueChainSegment

__all__ = [
    "Application",
    "ApplicationStatus",
    "BilingualName",
    "CompanyGroup",
    "Competence",
    "CompetenceArea",
    "CompetenceKind",
    "Invitation",
    "InvoiceLanguage",
    "Membership",
    "MembershipStatus",
    "Organisation",
    "OrganisationRole",
    "ParticipantType",
    "Role",
    "SizeBand",
    "User",
    "UserManager",
    "ValueChainSegment",
    "_new_token",
]
