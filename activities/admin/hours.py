from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from activities.exports import hours_response
from activities.models import HourEntry, ReportingPeriod
from activities.selectors import with_lock_state
from activities.services import hours as services
from portal.forms import PortalModelForm
from portal.parsing import INTEGER_MAX, parse_integer


class PeriodFilter(admin.SimpleListFilter):
    title = _("reporting period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [(period.pk, period.name) for period in ReportingPeriod.objects.all()]

    def queryset(self, request, queryset):
        try:
            pk = parse_integer(self.value(), min_value=1, max_value=INTEGER_MAX)
        except ValidationError:
            return queryset  # absent, or not an id: no period chosen
        period = ReportingPeriod.objects.filter(pk=pk).first()
        if period is None:
            return queryset
        return queryset.filter(date__gte=period.start_date, date__lte=period.end_date)


class LockFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("locked", _("In a locked period"))]

    def queryset(self, request, queryset):
        if self.value() not in ("open", "locked"):
            return queryset
        return with_lock_state(queryset).filter(in_locked_period=self.value() == "locked")


class HourEntryAdminForm(PortalModelForm):
    class Meta:
        model = HourEntry
        fields = ("organisation", "person", "activity", "date", "hours", "description")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = services.EntryData(
            cleaned.get("organisation") or self.instance.organisation,
            cleaned["person"],
            cleaned["activity"],
            cleaned["date"],
            cleaned["hours"],
            cleaned.get("description", ""),
        )
        other = services.person_hours_on(
            data.person, data.date, excluding=self.instance if self.instance.pk else None
        )
        for field, messages in services.entry_errors(
            data, other_hours_that_day=other, as_staff=True
        ).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


@admin.register(HourEntry)
class HourEntryAdmin(admin.ModelAdmin):
    """Staff corrections go through the hour services (locked periods allowed) and are audited."""

    form = HourEntryAdminForm
    list_display = ("date", "organisation", "person", "activity", "hours", "description")
    list_filter = (PeriodFilter, LockFilter, "activity", "organisation")
    search_fields = ("organisation__name", "person__email", "person__full_name", "activity__title")
    list_select_related = ("organisation", "person", "activity")
    autocomplete_fields = ("organisation", "person", "activity")
    date_hierarchy = "date"
    actions = ("export_csv",)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            total = changelist.queryset.aggregate(total=Sum("hours"))["total"] or 0
            response.context_data["title"] = _("Hour entries (total %(total)s hours)") % {
                "total": total
            }
        return response

    def save_model(self, request, obj, form, change):
        fields = {key: form.cleaned_data[key] for key in ("activity", "date", "hours", "person")}
        fields["description"] = form.cleaned_data.get("description", "")
        if change:
            saved = services.hour_entry_update(entry=obj, as_staff=True, **fields)
        else:
            saved = services.hour_entry_create(
                organisation=form.cleaned_data["organisation"],
                created_by=request.user,
                as_staff=True,
                **fields,
            )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.hour_entry_delete(entry=obj, as_staff=True)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.hour_entry_delete(entry=entry, as_staff=True)

    @admin.action(description=_("Export the selected entries to CSV"))
    def export_csv(self, request, queryset):
        entries = queryset.select_related("person", "activity", "organisation")
        return hours_response(entries, file_format="csv", filename="hours.csv")
