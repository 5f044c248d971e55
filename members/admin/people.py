"""People in organisations and invitations: roles change through the services."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import services
from members.models import Invitation, OrganisationRole, Role
from portal.admin_actions import apply_to_each
from portal.admin_audit import AuditlogHistoryAdminMixin


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "added")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    actions = ("make_admin", "make_member", "remove")
    show_auditlog_history_link = True

    def get_readonly_fields(self, request, obj=None):
        # An organisation must keep an admin: existing roles change through the actions.
        if obj is not None:
            return ("user", "organisation", "role", "added")
        return ()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("added"), ordering="created_at")
    def added(self, obj):
        return obj.created_at

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = services.person_add(
                organisation=obj.organisation, user=obj.user, role=obj.role
            ).pk

    def _change_role(self, request, queryset, role):
        def perform(organisation_role):
            services.role_change(organisation_role=organisation_role, role=role)
            return gettext("%(person)s is now %(role)s in %(organisation)s.") % {
                "person": organisation_role.user,
                "role": Role(role).label,
                "organisation": organisation_role.organisation,
            }

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Make administrator"), permissions=["change"])
    def make_admin(self, request, queryset):
        self._change_role(request, queryset, Role.ADMIN)

    @admin.action(description=_("Make member"), permissions=["change"])
    def make_member(self, request, queryset):
        self._change_role(request, queryset, Role.MEMBER)

    @admin.action(description=_("Remove from the organisation"), permissions=["change"])
    def remove(self, request, queryset):
        def perform(organisation_role):
            services.person_remove(organisation_role=organisation_role)
            return gettext("%(person)s is removed from %(organisation)s.") % {
                "person": organisation_role.user,
                "organisation": organisation_role.organisation,
            }

        apply_to_each(self, request, queryset, perform)


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("accepted", _("Accepted")),
            ("revoked", _("Revoked")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        unused = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        match self.value():
            case "open":
                return queryset.filter(unused, expires_at__gt=now)
            case "accepted":
                return queryset.filter(accepted_at__isnull=False)
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
            case "expired":
                return queryset.filter(unused, expires_at__lte=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Invitations are sent by organisation admins and approvals; staff can revoke them."""

    list_display = (
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = (InvitationStateFilter, "role")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation", "invited_by")
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    actions = ("revoke",)
    show_auditlog_history_link = True

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected invitations"), permissions=["change"])
    def revoke(self, request, queryset):
        def perform(invitation):
            services.invitation_revoke(invitation=invitation)
            return gettext("The invitation to %(email)s can no longer be used.") % {
                "email": invitation.email
            }

        apply_to_each(self, request, queryset, perform)
