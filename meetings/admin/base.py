"""Shared pieces of the meetings admin."""

from django.contrib import admin

from portal.admin_audit import AuditlogHistoryAdminMixin


class ReadOnlyAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Rows written only by the services: listed and shown, never added, edited or deleted."""

    show_auditlog_history_link = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
