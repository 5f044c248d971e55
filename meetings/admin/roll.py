"""The voting roll as frozen, its changes by staff (with a reason) and the notice's dispatch
log. Entries are derived, never typed: the one change is the action, through the service."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.admin.base import ReadOnlyAdmin
from meetings.admin.forms import RollChangeForm
from meetings.models import NoticeRecipient, RollChange, RollEntry, Standing
from meetings.services.roll import roll_entry_change
from portal.admin_actions import form_action


@admin.register(RollEntry)
class RollEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "meeting",
        "standing",
        "reason",
        "participant_type",
        "invoice_number",
        "note",
    )
    list_filter = ("meeting", "standing", "reason")
    search_fields = ("organisation__name", "organisation__organisation_number")
    list_select_related = ("organisation", "meeting")
    actions = ("change_standing",)

    def has_change_permission(self, request, obj=None):
        # An entry's page is view-only; the changelist's action needs the permission.
        return obj is None and request.user.has_perm("meetings.change_rollentry")

    @admin.action(description=_("Change the standing, with a reason…"), permissions=["change"])
    def change_standing(self, request, queryset):
        def perform(entry, data):
            roll_entry_change(
                meeting=entry.meeting,
                organisation=entry.organisation,
                standing=data["standing"],
                reason=data["reason"],
                actor=request.user,
            )
            entry.meeting.refresh_from_db(fields=["roll_fingerprint"])
            return gettext(
                "%(organisation)s now has the standing %(standing)s; new fingerprint %(fp)s."
            ) % {
                "organisation": entry.organisation,
                "standing": Standing(data["standing"]).label.lower(),
                "fp": entry.meeting.roll_fingerprint,
            }

        return form_action(
            self,
            request,
            queryset.select_related("meeting", "organisation"),
            form_class=RollChangeForm,
            title=gettext("Change the voting roll"),
            intro=gettext(
                "The change is recorded with your name and the reason, and changes the roll's "
                "fingerprint."
            ),
            submit_label=gettext("Change the standing"),
            perform=perform,
        )


@admin.register(RollChange)
class RollChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "meeting",
        "standing_before",
        "standing_after",
        "reason",
        "changed_by",
        "changed_at",
    )
    list_filter = ("meeting",)
    search_fields = ("organisation__name", "reason")
    list_select_related = ("organisation", "meeting", "changed_by")


@admin.register(NoticeRecipient)
class NoticeRecipientAdmin(ReadOnlyAdmin):
    """The dispatch log: who got the notice, when, and what became of the e-mail."""

    list_display = ("organisation", "email", "meeting", "queued_at", "delivery", "sent_at")
    list_filter = ("meeting",)
    search_fields = ("organisation__name", "email")
    list_select_related = ("organisation", "meeting", "outbound_email")

    @admin.display(description=_("delivery"))
    def delivery(self, obj):
        email = obj.outbound_email
        return email.get_status_display() if email else "–"

    @admin.display(description=_("sent"))
    def sent_at(self, obj):
        email = obj.outbound_email
        return email.sent_at if email and email.sent_at else "–"
