"""The secretariat's invoice runs: choose a year, preview the fee plan, confirm into a job."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from billing.forms import RunConfirmForm, RunYearForm
from billing.models import Invoice, InvoiceRun
from billing.services import runs
from members.models import ParticipantType
from portal.permissions import StaffRequiredMixin
from portal.service_errors import add_service_error, message_text

RECENT_RUNS = 20


def render_run_list(request, form: RunYearForm):
    recent = InvoiceRun.objects.select_related("job", "started_by").order_by("-created_at", "-pk")[
        :RECENT_RUNS
    ]
    this_year = timezone.localdate().year
    context = {
        "form": form,
        "runs": recent,
        # The year choices are the years with a schedule: no query of its own.
        "missing_year": None
        if str(this_year) in dict(getattr(form.fields["year"], "choices", ()))
        else this_year,
    }
    return render(request, "billing/run_list.html", context)


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
            preview = runs.run_preview(year=year)
        except ValidationError as error:
            add_service_error(form, error)
            return render_run_list(request, form)
        plan = preview.plan
        for item in plan.billable:
            item.participant_type_label = ParticipantType(item.participant_type).label
        confirm_form = RunConfirmForm(
            initial={"year": year, "fingerprint": runs.plan_fingerprint(plan)},
            joiners=preview.joiners,
            joiner_fee=preview.joiner_fee,
        )
        for joiner in preview.joiners:
            joiner.choice = confirm_form[confirm_form.joiner_field_name(joiner.organisation.pk)]
        context = {
            "form": form,
            "year": year,
            "plan": plan,
            "preview": preview,
            "confirm_form": confirm_form,
        }
        return render(request, "billing/run_preview.html", context)


class RunConfirmView(StaffRequiredMixin, FormView):
    """POST only: record the run, queue its job and go to the job's progress page at once."""

    http_method_names = ["post"]
    form_class = RunConfirmForm

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        try:
            run = runs.invoice_run_start(
                year=year,
                started_by=self.request.user,
                fingerprint=form.cleaned_data["fingerprint"],
                joiner_fees=form.joiner_fees(),
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


class RunDetailView(StaffRequiredMixin, TemplateView):
    """A run's outcome: the invoices it made and the organisations it skipped, and why."""

    template_name = "billing/run_detail.html"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(
            InvoiceRun.objects.select_related("job", "started_by"), pk=kwargs["pk"]
        )
        outcome = (run.job.params.get("outcome") if run.job else None) or {}
        invoices = Invoice.objects.filter(pk__in=outcome.get("invoice_ids", [])).order_by("number")
        return super().get_context_data(
            run=run,
            job=run.job,
            finished=run.job is not None and "outcome" in run.job.params,
            invoices=invoices,
            skipped=outcome.get("skipped", []),
            not_sent=outcome.get("not_sent", []),
            failed=outcome.get("failed", []),
            **kwargs,
        )
