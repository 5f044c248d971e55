"""Staff changes to members and memberships leave an audit record (who, when, what)."""

from auditlog.registry import auditlog

from members import models

# Many-to-many changes are logged too: segments are part of a profile, and permissions matter.
M2M_FIELDS = {
    models.User: ("groups", "user_permissions"),
    models.Organisation: ("segments",),
    models.Application: ("segments",),
}

for model in (
    models.User,
    models.Organisation,
    models.CompanyGroup,
    models.Membership,
    models.OrganisationRole,
    models.Invitation,
    models.Application,
    models.Competence,
    models.ValueChainSegment,
    models.CompetenceArea,
):
    auditlog.register(
        model,
        exclude_fields=["password", "last_login", "token"],
        m2m_fields=M2M_FIELDS.get(model),
    )
