from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.admin.forms import PortalUserChangeForm, PortalUserCreationForm
from members.models import OrganisationRole, User
from portal.admin_audit import AuditlogHistoryAdminMixin


class MembershipsOfUserInline(admin.TabularInline):
    model = OrganisationRole
    fields = ("organisation", "role")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("organisations")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")


@admin.register(User)
class UserAdmin(AuditlogHistoryAdminMixin, DjangoUserAdmin):
    """Users sign in with their e-mail address; there is no username."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = (
        "email",
        "full_name",
        "is_staff",
        "is_steering_group",
        "is_active",
        "last_login",
    )
    list_filter = ("is_staff", "is_steering_group", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name", "phone")
    ordering = ("email",)
    inlines = (MembershipsOfUserInline,)
    show_auditlog_history_link = True
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "language")}),
        (
            _("Roles and permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_steering_group",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()
