"""An organisation's hours: the list with filters and totals, one entry's form, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from activities import selectors
from activities.filters import HourEntryFilter
from activities.forms import HourEntryForm, hours_text
from activities.models import HourEntry
from activities.paging import HourPaginator
from activities.services import hours as services
from activities.views.mixins import OrganisationHoursMixin
from members.views.organisations import OrganisationChoiceView
from portal import rules
from portal.list_views import FilteredListMixin
from portal.service_errors import add_service_error


class HoursHomeView(OrganisationChoiceView):
    """``activities:hours``: straight to the user's organisation, or a choice of several."""

    template_name = "activities/hours_home.html"
    organisation_url = "activities:hour_list"


class HourFilterMixin(OrganisationHoursMixin, FilteredListMixin):
    """The hours the user may see, narrowed by the list's filters (the list and its export)."""

    filterset_class = HourEntryFilter

    def get_filterset_kwargs(self):
        return {
            "activities": selectors.activities_open_for_hours(self.organisation),
            "people": self.people(),
        }


class HourListView(HourFilterMixin, ListView):
    template_name = "activities/hour_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.with_lock_state(self.visible_entries())

    @cached_property
    def totals(self) -> dict:
        """The filtered entries' hours and count: the summary line and the paginator's count."""
        return self.filterset.qs.aggregate(hours=Sum("hours"), entries=Count("pk"))

    def paginate_queryset(self, queryset, page_size):
        paginator = HourPaginator(queryset, page_size, count=self.totals["entries"])
        query = self.request.GET
        try:
            page = paginator.page_at(
                query.get("page") or 1, after=query.get("after"), before=query.get("before")
            )
        except InvalidPage as error:
            raise Http404(_("That page does not exist.")) from error
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = {"totals": self.totals}
        if self.is_admin:
            today = timezone.localdate()
            context.update(
                periods=selectors.periods_with_confirmations(self.organisation, today),
                over_limit=list(selectors.people_over_yearly_limit(today.year, self.organisation)),
                limit_year=today.year,
                statement_years=selectors.years_with_entries(self.visible_entries()),
            )
        return super().get_context_data(**context, **kwargs)


class HourFormMixin(OrganisationHoursMixin):
    template_name = "activities/hour_form.html"
    form_class = HourEntryForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "activities": selectors.activities_open_for_hours(self.organisation),
            "people": self.people(),
        }

    def entry_arguments(self, form) -> dict:
        data = form.cleaned_data
        return {
            "person": data.get("person") or self.request.user,
            "activity": data["activity"],
            "date": data["date"],
            "hours": data["hours"],
            "description": data["description"],
        }

    def hour_list(self):
        return redirect("activities:hour_list", pk=self.organisation.pk)


class HourCreateView(HourFormMixin, FormView):
    def get_initial(self):
        initial = {"person": self.request.user, "date": timezone.localdate()}
        for name in ("activity", "date"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def form_valid(self, form):
        try:
            entry = services.hour_entry_create(
                organisation=self.organisation,
                created_by=self.request.user,
                **self.entry_arguments(form),
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(hours)s hours on %(activity)s are saved.")
            % {"hours": hours_text(entry.hours), "activity": entry.activity},
        )
        if "another" in self.request.POST:
            url = reverse("activities:hour_create", kwargs={"pk": self.organisation.pk})
            return redirect(f"{url}?activity={entry.activity_id}&date={entry.date.isoformat()}")
        return self.hour_list()


class EntryMixin(HourFormMixin):
    """One entry of the organisation (URL kwarg ``entry_pk``) that the user may see, else 404.

    An entry in a locked period is shown read-only with the service's message; a change is
    still sent to the service, which refuses it.
    """

    @cached_property
    def entry(self) -> HourEntry:
        entry = get_object_or_404(
            selectors.hour_entries_for(self.organisation), pk=self.kwargs["entry_pk"]
        )
        if not rules.allowed(self.request.user, "activities.view_hour_entry", entry):
            raise Http404
        return entry

    @cached_property
    def locked_message(self) -> str | None:
        period = services.locked_period_on(self.entry.date)
        return services.locked_message(period) if period is not None else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entry=self.entry, locked_message=self.locked_message, **kwargs
        )


class HourEditView(EntryMixin, FormView):
    def get_initial(self):
        entry = self.entry
        return {
            "person": entry.person,
            "activity": entry.activity,
            "date": entry.date,
            "hours": hours_text(entry.hours),
            "description": entry.description,
        }

    def form_valid(self, form):
        try:
            services.hour_entry_update(entry=self.entry, **self.entry_arguments(form))
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The entry is saved."))
        return self.hour_list()


class HourDeleteView(EntryMixin, TemplateView):
    template_name = "activities/hour_delete.html"

    def post(self, request, *args, **kwargs):
        try:
            services.hour_entry_delete(entry=self.entry)
        except ValidationError as error:
            context = self.get_context_data(error=" ".join(error.messages))
            return render(request, self.template_name, context)
        messages.success(request, _("The entry is deleted."))
        return self.hour_list()
