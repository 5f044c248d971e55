"""Membership periods: history is kept, so periods change only through the services."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import services
from members.admin.forms import (
    ChangeParticipantTypeForm,
    EndMembershipForm,
    StartMembershipForm,
)
from members.models import Membership, Organisation, ParticipantType
from portal.admin_actions import form_action
from portal.admin_audit import AuditlogHistoryAdminMixin

PERIOD_FIELDS = ("participant_type", "status", "start_date", "end_date")


class MembershipInline(admin.TabularInline):
    """The organisation's membership history, read-only: use the actions to change it."""

    model = Membership
    fields = (*PERIOD_FIELDS, "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("membership history")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


def change_participant_type(modeladmin, request, queryset, organisations):
    def perform(organisation, data):
        services.membership_change_type(
            organisation=organisation,
            participant_type=data["participant_type"],
            effective_date=data["effective_date"],
            note=data["note"],
        )
        return gettext("%(organisation)s is %(type)s from %(date)s.") % {
            "organisation": organisation,
            "type": ParticipantType(data["participant_type"]).label,
            "date": data["effective_date"].isoformat(),
        }

    return form_action(
        modeladmin,
        request,
        queryset,
        objects=organisations,
        form_class=ChangeParticipantTypeForm,
        title=gettext("Change participant type"),
        intro=gettext(
            "The current membership period ends the day before the change; a new period "
            "with the new type starts on that date. The history is kept."
        ),
        submit_label=gettext("Change type"),
        perform=perform,
    )


def start_membership(modeladmin, request, queryset):
    def perform(organisation, data):
        services.membership_start(
            organisation=organisation,
            participant_type=data["participant_type"],
            start_date=data["start_date"],
            note=data["note"],
        )
        return gettext("%(organisation)s is a participant from %(date)s.") % {
            "organisation": organisation,
            "date": data["start_date"].isoformat(),
        }

    return form_action(
        modeladmin,
        request,
        queryset,
        form_class=StartMembershipForm,
        title=gettext("Start membership"),
        submit_label=gettext("Start membership"),
        perform=perform,
    )


def end_membership(modeladmin, request, queryset):
    def perform(organisation, data):
        services.membership_end(
            organisation=organisation, end_date=data["end_date"], note=data["note"]
        )
        return gettext("The membership of %(organisation)s ends on %(date)s.") % {
            "organisation": organisation,
            "date": data["end_date"].isoformat(),
        }

    return form_action(
        modeladmin,
        request,
        queryset,
        form_class=EndMembershipForm,
        title=gettext("End membership"),
        submit_label=gettext("End membership"),
        perform=perform,
    )


@admin.register(Membership)
class MembershipAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", *PERIOD_FIELDS)
    list_filter = ("participant_type", "status", "start_date", "end_date")
    search_fields = ("organisation__name", "organisation__organisation_number")
    list_select_related = ("organisation",)
    date_hierarchy = "start_date"
    fields = ("organisation", *PERIOD_FIELDS, "note")
    actions = ("change_type",)
    show_auditlog_history_link = True

    def get_readonly_fields(self, request, obj=None):
        # Type and dates are history; only the note can be corrected in place.
        return ("organisation", *PERIOD_FIELDS)

    def has_add_permission(self, request):
        # New periods start from the organisation's "Start membership" action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Change participant type of the selected organisations…"),
        permissions=["change"],
    )
    def change_type(self, request, queryset):
        organisations = Organisation.objects.filter(pk__in=queryset.values("organisation_id"))
        return change_participant_type(self, request, queryset, organisations)
