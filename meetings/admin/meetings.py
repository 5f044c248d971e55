"""Annual meetings and their agenda. The settings are edited while the meeting is a draft; the
status changes only through the actions (freeze roll, send notice, open, close, draft the
minutes)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from meetings.admin.base import ReadOnlyAdmin
from meetings.admin.forms import MinutesDraftForm, NoticeForm
from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Candidate,
    MeetingDocument,
    MeetingEvent,
    MeetingOfficer,
    MeetingStatus,
    Poll,
)
from meetings.services.lifecycle import meeting_close, meeting_open
from meetings.services.minutes import minutes_draft
from meetings.services.notice import notice_send_start
from meetings.services.roll import roll_freeze
from portal.admin_actions import apply_to_each, form_action
from portal.admin_audit import AuditlogHistoryAdminMixin

RECORD_FIELDS = (
    "status",
    "roll_frozen_at",
    "roll_fingerprint",
    "notice_sent_at",
    "notice_late_reason",
    "notice_agenda",
    "opened_at",
    "closed_at",
    "created_at",
)
# Shown with the record, never a form field.
LINKS = ("minutes_versions",)
# Still editable once the notice has gone out: where and how to join, the written window.
EDITABLE_AFTER_NOTICE = ("place", "online_link", "written_opens_at", "written_closes_at")
CLOSED = (MeetingStatus.CLOSED, MeetingStatus.MINUTES_APPROVED)


def _is_draft(meeting) -> bool:
    return meeting is None or meeting.status == MeetingStatus.DRAFT


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ("position", "kind", "title", "majority_rule", "seats", "item_link")
    readonly_fields = ("item_link",)
    extra = 0
    show_change_link = True

    @admin.display(description=_("candidates and poll"))
    def item_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:meetings_agendaitem_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Open the item"))

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.status not in CLOSED

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status not in CLOSED

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == MeetingStatus.DRAFT


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    fields = ("title", "file", "uploaded_at")
    readonly_fields = ("uploaded_at",)
    extra = 0


class MeetingOfficerInline(admin.TabularInline):
    model = MeetingOfficer
    fields = ("role", "user")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(AnnualMeeting)
class AnnualMeetingAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("year", "starts_at", "mode", "status", "record_date", "roll_frozen_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("status", "mode")
    search_fields = ("year", "place")
    show_auditlog_history_link = True
    inlines = (AgendaItemInline, MeetingDocumentInline, MeetingOfficerInline)
    actions = ("freeze_roll", "send_notice", "open_meeting", "close_meeting", "draft_minutes")
    fieldsets = (
        (None, {"fields": ("year", "starts_at", "place", "online_link", "record_date", "mode")}),
        (_("Written meeting"), {"fields": ("written_opens_at", "written_closes_at")}),
        (
            _("Deadlines"),
            {
                "fields": (
                    "notice_period_days",
                    "proposals_deadline_days",
                    "documents_deadline_days",
                )
            },
        ),
        (
            _("Proxies and voting"),
            {
                "fields": (
                    "proxies_allowed",
                    "proxy_limit",
                    "proxies_count_in_elections",
                    "overdue_may_vote",
                    "quorum_rule",
                    "quorum_minimum",
                    "quorum_share",
                )
            },
        ),
        (_("Record"), {"fields": RECORD_FIELDS + LINKS}),
    )

    def get_readonly_fields(self, request, obj=None):
        if _is_draft(obj):
            return RECORD_FIELDS + LINKS
        editable = () if obj.status in CLOSED else EDITABLE_AFTER_NOTICE
        return [f.name for f in AnnualMeeting._meta.fields if f.name not in editable] + [
            "created_at",
            *LINKS,
        ]

    @admin.display(description=_("minutes"))
    def minutes_versions(self, obj):
        versions = obj.minutes.count() if obj is not None and obj.pk else 0
        if not versions:
            return "–"
        url = reverse("admin:meetings_minutes_changelist")
        return format_html(
            '<a href="{}?meeting__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("%(n)s version", "%(n)s versions", versions) % {"n": versions},
        )

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Freeze the voting roll"), permissions=["change"])
    def freeze_roll(self, request, queryset):
        def perform(meeting):
            roll_freeze(meeting=meeting, actor=request.user)
            return gettext("The voting roll of %(meeting)s is frozen; fingerprint %(fp)s.") % {
                "meeting": meeting,
                "fp": meeting.roll_fingerprint,
            }

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Send the notice…"), permissions=["change"])
    def send_notice(self, request, queryset):
        def perform(meeting, data):
            job = notice_send_start(
                meeting=meeting, actor=request.user, late_reason=data["late_reason"]
            )
            return gettext("The notice of %(meeting)s is being sent; follow it at %(url)s.") % {
                "meeting": meeting,
                "url": reverse("portal:job", args=[job.pk]),
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=NoticeForm,
            title=gettext("Send the notice"),
            intro=gettext(
                "The voting roll is frozen (if it is not yet) and every active participant's "
                "administrators get the notice with the agenda attached, each address once."
            ),
            submit_label=gettext("Send the notice"),
            perform=perform,
        )

    @admin.action(description=_("Open the meeting"), permissions=["change"])
    def open_meeting(self, request, queryset):
        def perform(meeting):
            meeting_open(meeting=meeting, actor=request.user)
            return gettext("%(meeting)s is open.") % {"meeting": meeting}

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Close the meeting"), permissions=["change"])
    def close_meeting(self, request, queryset):
        def perform(meeting):
            meeting_close(meeting=meeting, actor=request.user)
            return gettext("%(meeting)s is closed.") % {"meeting": meeting}

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Draft the minutes…"), permissions=["change"])
    def draft_minutes(self, request, queryset):
        def perform(meeting, data):
            minutes = minutes_draft(
                meeting=meeting, actor=request.user, correction_note=data["correction_note"]
            )
            return gettext(
                "Version %(version)s of the minutes of %(meeting)s is drafted; the chair and "
                "the co-signers approve it at %(url)s."
            ) % {
                "version": minutes.version,
                "meeting": meeting,
                "url": reverse("meetings:minutes", kwargs={"year": meeting.year}),
            }

        return form_action(
            self,
            request,
            queryset,
            form_class=MinutesDraftForm,
            title=gettext("Draft the minutes"),
            intro=gettext(
                "The minutes of a closed meeting are drafted as a PDF from what the portal "
                "recorded. Once a version is approved, a correction is a new version that says "
                "what it corrects."
            ),
            submit_label=gettext("Draft the minutes"),
            perform=perform,
        )


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ("position", "name", "organisation")
    autocomplete_fields = ("organisation",)
    extra = 0


class PollInline(admin.StackedInline):
    """The item's poll: secret or named is chosen before it opens; the rest is its record."""

    model = Poll
    fields = ("secret", "status", "opened_at", "closed_at", "draw_seed", "receipts_fingerprint")
    readonly_fields = ("status", "opened_at", "closed_at", "draw_seed", "receipts_fingerprint")
    extra = 0
    max_num = 1
    can_delete = False


@admin.register(AgendaItem)
class AgendaItemAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "meeting", "kind", "majority_rule", "seats")
    list_filter = ("meeting", "kind")
    search_fields = ("title",)
    list_select_related = ("meeting",)
    show_auditlog_history_link = True
    fields = ("meeting", "position", "kind", "title", "description", "majority_rule", "seats")
    inlines = (CandidateInline, PollInline)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("meeting",)


@admin.register(MeetingEvent)
class MeetingEventAdmin(ReadOnlyAdmin):
    """The meeting's hash chain, for reading."""

    list_display = ("meeting", "sequence", "kind", "at", "actor", "hash")
    list_filter = ("meeting", "kind")
    list_select_related = ("meeting", "actor")
