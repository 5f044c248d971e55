"""Representatives, proxies and presence, for the secretariat to read; they change through the
member pages and the check-in (services), never here."""

from django.contrib import admin

from meetings.admin.base import ReadOnlyAdmin
from meetings.models import Presence, Proxy, Representative


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "meeting", "user", "deputy", "named_by", "named_at")
    list_filter = ("meeting",)
    search_fields = ("organisation__name", "user__email", "user__full_name")
    list_select_related = ("organisation", "meeting", "user", "deputy", "named_by")


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ("giver", "holder", "meeting", "given_at", "withdrawn_at")
    list_filter = ("meeting",)
    search_fields = ("giver__name", "holder__name")
    list_select_related = ("giver", "holder", "meeting")


@admin.register(Presence)
class PresenceAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "meeting", "user", "checked_in_at", "checked_out_at")
    list_filter = ("meeting",)
    search_fields = ("organisation__name", "user__email", "user__full_name")
    list_select_related = ("organisation", "meeting", "user")
