"""An organisation admin confirms the company's hours in a reporting period."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from activities import selectors
from activities.forms import hours_text
from activities.models import PeriodConfirmation, ReportingPeriod
from activities.services import periods as services
from activities.views.mixins import OrganisationHoursMixin


class PeriodConfirmView(OrganisationHoursMixin, TemplateView):
    """Shows the period's total ("we confirm these N hours") and records the confirmation."""

    permission_required = "activities.confirm_period"

    template_name = "activities/period_confirm.html"

    @cached_property
    def period(self) -> ReportingPeriod:
        return get_object_or_404(ReportingPeriod, pk=self.kwargs["period_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            period=self.period,
            total=selectors.hours_in_period(self.organisation, self.period),
            confirmation=PeriodConfirmation.objects.filter(
                organisation=self.organisation, period=self.period
            ).first(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            confirmation = services.hours_confirm_period(
                organisation=self.organisation,
                period=self.period,
                confirmed_by=request.user,
                expected_hours=services.parse_expected_hours(request.POST.get("hours")),
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(error=" ".join(error.messages)))
        messages.success(
            request,
            _("You confirmed %(hours)s hours in %(period)s.")
            % {"hours": hours_text(confirmation.hours), "period": self.period},
        )
        url = reverse("activities:hour_list", kwargs={"pk": self.organisation.pk})
        return redirect(f"{url}#periods")
