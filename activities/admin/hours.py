from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Sum
from django.template.defaultfilters import floatformat
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from activities.exports import hours_response
from activities.models import HourEntry, ReportingPeriod
from activities.selectors import with_lock_state, years_with_entries
from activities.services import hours as services
from members.models import Organisation
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


class YearFilter(admin.SimpleListFilter):
    """The year, offered from the first to the last entry's: two index look-ups, where the
    admin's date hierarchy reads every entry's date to list the years."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(year, year) for year in years_with_entries(HourEntry.objects.all())]

    def queryset(self, request, queryset):
        try:
            year = parse_integer(self.value(), min_value=1, max_value=9999)
        except ValidationError:
            return queryset  # absent, or not a year: every year
        return queryset.filter(date__year=year)


class LockFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("locked", _("In a locked period"))]

    def queryset(self, request, queryset):
        if self.value() not in ("open", "locked"):
            return queryset
        return with_lock_state(queryset).filter(in_locked_period=self.value() == "locked")


def organisation_widget() -> AutocompleteSelect:
    """The admin's search-as-you-type select of organisations (its own autocomplete view)."""
    return AutocompleteSelect(HourEntry._meta.get_field("organisation"), admin.site)


class OrganisationFilter(admin.SimpleListFilter):
    """The organisation, chosen by searching: a list of links to 2,000 organisations would be
    a query and a page of its own."""

    title = _("organisation")
    parameter_name = "organisation"
    template = "admin/activities/organisation_filter.html"

    def lookups(self, request, model_admin):
        return ()  # no list of links; ``choices`` gives the search form

    def has_output(self):
        return True

    def organisation_pk(self) -> int | None:
        try:
            return parse_integer(self.value(), min_value=1, max_value=INTEGER_MAX)
        except ValidationError:
            return None  # absent, or not an id: no organisation chosen

    def queryset(self, request, queryset):
        pk = self.organisation_pk()
        return queryset if pk is None else queryset.filter(organisation_id=pk)

    def choices(self, changelist):
        field = forms.ModelChoiceField(
            queryset=Organisation.objects.all(), widget=organisation_widget(), required=False
        )
        selected = self.organisation_pk()
        yield {
            "field": field.widget.render(self.parameter_name, selected),
            "hidden": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in (self.parameter_name, PAGE_VAR)
            ],
            "selected": selected is not None,
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }


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


class EstimatedCountPaginator(Paginator):
    """The unfiltered list's count from PostgreSQL's statistics (as of the last ``ANALYZE``)
    once the table is large: counting a million rows exactly on every visit only to number the
    pages costs more than the page itself. Filtered lists, and small tables, are counted."""

    exact_below = 100_000

    @cached_property
    def count(self) -> int:
        query = self.object_list.query  # type: ignore[attr-defined]  # the admin passes a QuerySet
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [query.model._meta.db_table],
                )
                (estimate,) = cursor.fetchone()
            if estimate >= self.exact_below:
                return estimate
        return super().count


def _is_narrowed(changelist) -> bool:
    """A filter or a search."""
    return bool(changelist.has_active_filters or changelist.query)


@admin.register(HourEntry)
class HourEntryAdmin(admin.ModelAdmin):
    """Staff corrections go through the hour services (locked periods allowed) and are audited."""

    form = HourEntryAdminForm
    list_display = ("date", "organisation", "person", "activity", "hours", "description")
    list_filter = (YearFilter, PeriodFilter, LockFilter, "activity", OrganisationFilter)
    search_fields = ("organisation__name", "person__email", "person__full_name", "activity__title")
    list_select_related = ("organisation", "person", "activity")
    autocomplete_fields = ("organisation", "person", "activity")
    actions = ("export_csv",)
    # A million entries: the page counts the filtered rows once, never all of them again.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @property
    def media(self):
        return super().media + organisation_widget().media

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and _is_narrowed(changelist):
            # Summing every entry of the network would read the whole table on each visit.
            total = changelist.queryset.aggregate(total=Sum("hours"))["total"] or 0
            response.context_data["title"] = _("Hour entries (total %(total)s hours)") % {
                "total": floatformat(total, "-2g")  # the same on every database
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
        return hours_response(queryset, file_format="csv", filename="hours.csv")
