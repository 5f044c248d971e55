"""What the hour pages add to ``portal.permissions.OrganisationPermissionMixin``: which entries
the user sees and whom they may log hours for."""

from django.db.models import QuerySet

from activities import selectors
from activities.models import HourEntry
from members.models import User
from portal.permissions import OrganisationPermissionMixin


class OrganisationHoursMixin(OrganisationPermissionMixin):
    """An organisation's hour pages (URL kwarg ``pk``), for the people of that organisation.

    Admins see and change everyone's entries; a plain member only their own
    (``activities.view_hour_entry``). Another organisation's id, or an entry the user may not
    see, is a 404.
    """

    permission_required = "members.view_organisation"

    def visible_entries(self) -> QuerySet[HourEntry]:
        entries = selectors.hour_entries_for(self.organisation)
        return entries if self.is_admin else entries.filter(person=self.request.user)

    def people(self) -> QuerySet[User] | None:
        """Whom the user may log hours for (``activities.log_hours_for``): None for a plain
        member (only themselves)."""
        if not self.is_admin:
            return None
        return User.objects.filter(organisation_roles__organisation=self.organisation).order_by(
            "full_name", "email"
        )
