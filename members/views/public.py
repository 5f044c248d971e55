"""The public application form."""

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from members import services
from members.forms import ApplicationForm
from portal.service_errors import add_service_error


class ApplyView(FormView):
    template_name = "members/apply.html"
    form_class = ApplicationForm

    def post(self, request, *args, **kwargs):
        # A public form that e-mails the secretariat: limit how often one address may post it.
        refused = ratelimit.consume_or_429(request, action="apply")
        return refused or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.application_submit(**form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        return redirect("members:apply_thanks")


class ApplyThanksView(TemplateView):
    template_name = "members/apply_thanks.html"
