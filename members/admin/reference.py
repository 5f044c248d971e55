"""Reference data (segments, competence areas) and the organisations' competence offers/needs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import Competence, CompetenceArea, ValueChainSegment
from portal.admin_audit import AuditlogHistoryAdminMixin


class BilingualNameAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("name_nb", "name_en", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_nb", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("position", "slug")


@admin.register(ValueChainSegment)
class ValueChainSegmentAdmin(BilingualNameAdmin):
    pass


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(BilingualNameAdmin):
    fields = ("name_nb", "name_en", "slug", "position", "description")


@admin.register(Competence)
class CompetenceAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "kind", "area", "segment", "text", "updated")
    list_filter = ("kind", "area", "segment")
    search_fields = ("organisation__name", "text", "area__name_nb", "area__name_en")
    list_select_related = ("organisation", "area", "segment")
    autocomplete_fields = ("organisation",)
    show_auditlog_history_link = True

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj):
        return obj.updated_at
