"""The minutes' versions, for reading: their fingerprints, the officers' approvals and links to
the PDFs (served by the portal's minutes pages, which check who may see a draft). Versions are
drafted with the meeting's action and approved by the officers in the portal, never here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetings.admin.base import ReadOnlyAdmin, ReadOnlyInline
from meetings.models import Minutes, MinutesApproval


def _pdf_link(minutes: Minutes, *, draft: bool) -> str:
    stored = minutes.draft_pdf if draft else minutes.pdf
    if not stored:
        return "–"
    route = "meetings:minutes_draft_pdf" if draft else "meetings:minutes_pdf"
    url = reverse(route, kwargs={"year": minutes.meeting.year, "version": minutes.version})
    suffix = "-utkast" if draft else ""
    return format_html(
        '<a href="{}">protokoll-{}-v{}{}.pdf</a>',
        url,
        minutes.meeting.year,
        minutes.version,
        suffix,
    )


class MinutesApprovalInline(ReadOnlyInline):
    model = MinutesApproval
    fields = ("officer_role", "name", "approved_at")
    readonly_fields = ("officer_role", "name", "approved_at")

    @admin.display(description=_("role"))
    def officer_role(self, obj):
        return obj.officer.get_role_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "meeting", "version", "created_at", "approved_at", "sha256")
    list_filter = ("meeting",)
    list_select_related = ("meeting",)
    fields = (
        "meeting",
        "version",
        "correction_note",
        "created_by",
        "created_at",
        "draft_link",
        "draft_sha256",
        "approved_link",
        "sha256",
        "approved_at",
    )
    readonly_fields = fields
    inlines = (MinutesApprovalInline,)

    @admin.display(description=_("draft"))
    def draft_link(self, obj):
        return _pdf_link(obj, draft=True)

    @admin.display(description=_("approved minutes"))
    def approved_link(self, obj):
        return _pdf_link(obj, draft=False)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "created_by")
