"""Hours in and out of the portal: import from CSV or Excel, export to CSV or Excel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.generic import FormView, View

from activities import exports, selectors
from activities.filters import HourEntryFilter
from activities.forms import HourImportForm
from activities.services import imports
from activities.views.mixins import OrganisationHoursAdminMixin, OrganisationHoursMixin

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment(content, *, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class HourImportView(OrganisationHoursAdminMixin, FormView):
    """Admins only: a file's rows may name anyone in the organisation."""

    template_name = "activities/hour_import.html"
    form_class = HourImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            activities=selectors.activities_open_for_hours(self.organisation),
            **kwargs,
        )

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            rows = imports.read_rows(content=upload.read(), filename=upload.name)
            count = imports.hours_import(
                organisation=self.organisation, rows=rows, created_by=self.request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        except imports.ImportRejectedError as rejection:
            return self.render_to_response(
                self.get_context_data(form=form, rejected=rejection.errors, rows=len(rows))
            )
        messages.success(
            self.request,
            ngettext("%(count)d entry is imported.", "%(count)d entries are imported.", count)
            % {"count": count},
        )
        return redirect("activities:hour_list", pk=self.organisation.pk)


class ImportTemplateView(OrganisationHoursAdminMixin, View):
    def get(self, request, *args, **kwargs):
        return attachment(
            exports.template_csv(), file_format="csv", filename="hours-import-template.csv"
        )


class HourExportView(OrganisationHoursMixin, View):
    """The entries the user may see, with the list's filters applied."""

    def get(self, request, *args, **kwargs):
        file_format = kwargs["file_format"]
        filterset = HourEntryFilter(
            request.GET or None,
            queryset=self.visible_entries().select_related("organisation"),
            activities=selectors.activities_open_for_hours(self.organisation),
            people=self.people(),
        )
        entries = filterset.qs.order_by("date", "person__email", "pk")
        content = (
            exports.hours_csv(entries) if file_format == "csv" else exports.hours_xlsx(entries)
        )
        filename = f"hours-{self.organisation.organisation_number}.{file_format}"
        return attachment(content, file_format=file_format, filename=filename)
