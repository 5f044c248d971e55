"""The weekly grid: one person's hours on the organisation's activities, seven days at a time."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from activities import selectors
from activities.forms import WeekGridForm
from activities.services.hours import hours_week_save
from activities.views.mixins import OrganisationHoursMixin
from members.models import User
from portal import parsing


def week_monday(value: str | None, today: datetime.date) -> datetime.date:
    """The Monday of ISO week ``2026-W10``; this week's Monday when absent.

    A malformed week, or one outside the calendar the portal keeps, raises ``ValidationError``.
    """
    if not value:
        return today - datetime.timedelta(days=today.weekday())
    return parsing.parse_iso_week(value)


def iso_week(monday: datetime.date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


class WeekGridView(OrganisationHoursMixin, TemplateView):
    template_name = "activities/hour_week.html"

    @cached_property
    def monday(self) -> datetime.date:
        return week_monday(self.request.GET.get("week"), timezone.localdate())

    @cached_property
    def person(self) -> User:
        person_id = self.request.GET.get("person")
        if not person_id or person_id == str(self.request.user.pk):
            return self.request.user
        try:
            person_pk = parsing.parse_integer(person_id, max_value=parsing.INTEGER_MAX)
        except ValidationError:
            raise Http404 from None
        if not self.is_admin:
            raise Http404
        return get_object_or_404(self.people(), pk=person_pk)

    def week_url(self, monday: datetime.date) -> str:
        query = {"week": iso_week(monday)}
        if self.person.pk != self.request.user.pk:
            query["person"] = self.person.pk
        url = reverse("activities:hour_week", kwargs={"pk": self.organisation.pk})
        return f"{url}?{urlencode(query)}"

    def grid(self) -> WeekGridForm:
        sunday = self.monday + datetime.timedelta(days=6)
        return WeekGridForm(
            organisation=self.organisation,
            person=self.person,
            monday=self.monday,
            activities=selectors.activities_open_for_hours(self.organisation).filter(
                start_date__lte=sunday, end_date__gte=self.monday
            ),
            entries=selectors.hour_entries_for(self.organisation).filter(
                person=self.person, date__gte=self.monday, date__lte=sunday
            ),
            locked_periods=selectors.locked_periods().filter(
                start_date__lte=sunday, end_date__gte=self.monday
            ),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("grid", self.grid())
        week = datetime.timedelta(days=7)
        return super().get_context_data(
            monday=self.monday,
            sunday=self.monday + datetime.timedelta(days=6),
            week=iso_week(self.monday),
            week_number=self.monday.isocalendar().week,
            person=self.person,
            people=self.people(),
            this_url=self.week_url(self.monday),
            previous_url=self.week_url(self.monday - week),
            next_url=self.week_url(self.monday + week),
            today=timezone.localdate(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self._refuse_bad_week() or super().get(request, *args, **kwargs)

    def _refuse_bad_week(self):
        """A ``?week=`` that is not a week we keep: say so and show this week instead."""
        try:
            self.monday  # noqa: B018 -- parses ?week=
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            query = {"person": self.request.GET["person"]} if "person" in self.request.GET else {}
            url = reverse("activities:hour_week", kwargs={"pk": self.organisation.pk})
            return redirect(f"{url}?{urlencode(query)}" if query else url)
        return None

    def post(self, request, *args, **kwargs):
        if refused := self._refuse_bad_week():
            return refused
        grid = self.grid()
        grid.bind(request.POST)
        errors = hours_week_save(
            organisation=self.organisation,
            person=self.person,
            cells=grid.week_cells(),
            created_by=request.user,
        )
        if not errors:
            messages.success(request, _("The week is saved."))
            return redirect(self.week_url(self.monday))
        grid.add_errors(errors)
        return self.render_to_response(self.get_context_data(grid=grid))
