"""Staff changes to members and memberships leave an audit record (who, when, what)."""

from auditlog.registry import auditlog

from members import models

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
    auditlog.register(model, exclude_fields=["password", "last_login", "token"])
