"""The secretariat's invoice runs: choose a year, preview the fee plan, confirm into a job."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from billing import selectors
from billing.forms import RunConfirmForm, RunYearForm
from billing.models import InvoiceRun
from billing.services import runs
from members.models import ParticipantType
from portal.permissions import StaffRequiredMixin
from portal.service_errors import add_service_error, message_text

RECENT_RUNS = 20


def render_run_list(request, form: RunYearForm):
    recent = InvoiceRun.objects.select_related("job", "started_by").order_by("-created_at", "-pk")[
        :RECENT_RUNS
    ]
    return render(request, "billing/run_list.html", {"form": form, "runs": recent})


class RunListView(StaffRequiredMixin, View):
    """Recent runs with their progress and outcome, and the year to preview a new one for."""

    def get(self, request, *args, **kwargs):
        return render_run_list(request, RunYearForm())


class RunPreviewView(StaffRequiredMixin, View):
    """Who gets which amount and who is skipped and why; the confirmation button below."""

    def get(self, request, *args, **kwargs):
        form = RunYearForm(request.GET)
        if not form.is_valid():
            return render_run_list(request, form)
        year = form.cleaned_data["year"]
        try:
            plan = selectors.run_plan(year=year)
        except ValidationError as error:
            add_service_error(form, error)
            return render_run_list(request, form)
        for item in plan.billable:
            item.participant_type_label = ParticipantType(item.participant_type).label
        confirm_form = RunConfirmForm(
            initial={"year": year, "fingerprint": runs.plan_fingerprint(plan)}
        )
        context = {"form": form, "year": year, "plan": plan, "confirm_form": confirm_form}
        return render(request, "billing/run_preview.html", context)


class RunConfirmView(StaffRequiredMixin, FormView):
    """POST only: start the run and go to its progress page."""

    http_method_names = ["post"]
    form_class = RunConfirmForm

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        try:
            run = runs.invoice_run_start(
                year=year,
                started_by=self.request.user,
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ValidationError as error:
            messages.error(self.request, message_text(error))
            return redirect(f"{reverse('billing:run_preview')}?year={year}")
        messages.success(
            self.request, _("The invoice run for %(year)s is started.") % {"year": year}
        )
        return redirect("portal:job", pk=run.job_id)

    def form_invalid(self, form):
        messages.error(self.request, _("Choose the year again and confirm the new preview."))
        return redirect("billing:runs")
