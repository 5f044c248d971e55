from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityDecision, ActivityStatus, Participation
from activities.services import activities as services
from portal.admin_actions import apply_to_each, form_action
from portal.admin_audit import AuditlogHistoryAdminMixin
from portal.forms import PortalForm


class DecisionForm(PortalForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ("organisation", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("organisation",)


class DecisionInline(admin.StackedInline):
    model = ActivityDecision
    extra = 0
    can_delete = False
    readonly_fields = ("outcome", "decided_by", "decided_on", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "status", "start_date", "end_date", "owner", "coordinator")
    list_filter = ("status", "kind", "segments", "competence_areas")
    search_fields = ("title", "description", "owner__name")
    list_select_related = ("owner", "coordinator")
    date_hierarchy = "start_date"
    filter_horizontal = ("segments", "competence_areas")
    autocomplete_fields = ("owner", "coordinator", "proposed_by")
    readonly_fields = ("status",)
    inlines = (DecisionInline, ParticipationInline)
    actions = ("approve", "decline", "start", "complete", "cancel")
    show_auditlog_history_link = True

    @admin.action(description=_("Approve the selected proposals…"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, "approved", _("Approve"))

    @admin.action(description=_("Decline the selected proposals…"), permissions=["change"])
    def decline(self, request, queryset):
        return self._decide(request, queryset, "declined", _("Decline"))

    def _decide(self, request, queryset, outcome, label):
        def perform(activity, data):
            services.activity_decide(
                activity=activity, outcome=outcome, decided_by=request.user, comment=data["comment"]
            )
            return gettext("%(activity)s: decision recorded.") % {"activity": activity}

        return form_action(
            self,
            request,
            queryset,
            form_class=DecisionForm,
            title=label,
            submit_label=label,
            perform=perform,
        )

    def _move(self, request, queryset, status):
        def perform(activity):
            services.activity_set_status(activity=activity, status=status)
            return gettext("%(activity)s is now %(status)s.") % {
                "activity": activity,
                "status": ActivityStatus(status).label.lower(),
            }

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Mark as running"), permissions=["change"])
    def start(self, request, queryset):
        self._move(request, queryset, ActivityStatus.RUNNING)

    @admin.action(description=_("Mark as completed"), permissions=["change"])
    def complete(self, request, queryset):
        self._move(request, queryset, ActivityStatus.COMPLETED)

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        self._move(request, queryset, ActivityStatus.CANCELLED)
