from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from activities.models import PeriodConfirmation, ReportingPeriod
from activities.services import periods as services
from activities.services import reminders
from portal.admin_actions import apply_to_each
from portal.forms import PortalForm


class QuartersForm(PortalForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "end_date", "deadline", "locked_at", "locked_by")
    list_filter = ("locked_at",)
    list_select_related = ("locked_by",)
    readonly_fields = ("locked_at", "locked_by")
    actions = ("lock", "send_reminders_now")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return ("name", "start_date", "end_date", "deadline", "locked_at", "locked_by")
        return self.readonly_fields

    @admin.action(description=_("Lock the selected periods"), permissions=["change"])
    def lock(self, request, queryset):
        def perform(period):
            services.hours_lock_period(period=period, locked_by=request.user)
            return gettext("%(period)s is locked.") % {"period": period}

        apply_to_each(self, request, queryset, perform)

    @admin.action(description=_("Send due reminders now"), permissions=["change"])
    def send_reminders_now(self, request, queryset):
        count = reminders.hours_reminders_send(today=timezone.localdate())
        self.message_user(
            request,
            ngettext("%(count)d reminder queued.", "%(count)d reminders queued.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(PeriodConfirmation)
class PeriodConfirmationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "period", "hours", "confirmed_by_name", "confirmed_at")
    list_filter = ("period",)
    search_fields = ("organisation__name", "confirmed_by_name")
    list_select_related = ("organisation", "period")
    readonly_fields = (
        "organisation",
        "period",
        "hours",
        "confirmed_by",
        "confirmed_by_name",
        "confirmed_at",
    )

    def has_add_permission(self, request):
        return False
