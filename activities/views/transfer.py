"""Hours in and out of the portal: import from CSV or Excel, export to CSV or Excel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.generic import FormView, View

from activities import exports, selectors
from activities.forms import HourImportForm
from activities.services import imports
from activities.views.hours import HourFilterMixin
from activities.views.mixins import OrganisationHoursMixin
from portal.imports import FileRejectedError


class HourImportView(OrganisationHoursMixin, FormView):
    """Admins only: a file's rows may name anyone in the organisation."""

    permission_required = "members.admin_organisation"

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
        except FileRejectedError as rejection:
            return self.render_to_response(
                self.get_context_data(form=form, rejected=rejection.errors, rows=len(rows))
            )
        messages.success(
            self.request,
            ngettext("%(count)d entry is imported.", "%(count)d entries are imported.", count)
            % {"count": count},
        )
        return redirect("activities:hour_list", pk=self.organisation.pk)


class ImportTemplateView(OrganisationHoursMixin, View):
    permission_required = "members.admin_organisation"

    def get(self, request, *args, **kwargs):
        return exports.template_response()


class HourExportView(HourFilterMixin, View):
    """The entries the user may see, with the list's filters applied."""

    def get_base_queryset(self):
        return self.visible_entries()

    def get(self, request, *args, **kwargs):
        file_format = kwargs["file_format"]
        entries = self.get_filterset().qs.order_by("date", "person__email", "pk")
        filename = f"hours-{self.organisation.organisation_number}.{file_format}"
        return exports.hours_response(entries, file_format=file_format, filename=filename)
