"""An organisation admin's page for the meeting: its standing, its voting representative and
deputy, the proxy it gives (or withdraws) and the proxies it holds. The services decide who
may be named and which proxy is allowed; each refusal shows at the form, nothing saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meetings.forms import ProxyForm, RepresentativeForm
from meetings.models import Proxy, Representative, Standing
from meetings.selectors.meetings import proxies_held_by, proxy_given_by, representative_of
from meetings.selectors.roll import roll_lines
from meetings.services import representation as services
from meetings.views.mixins import MeetingOrganisationMixin
from meetings.views.standing import standings_of
from members.models import Organisation, User
from portal.service_errors import add_service_error, message_text

REPRESENTATIVE, PROXY = "representative", "proxy"


class RepresentationMixin(MeetingOrganisationMixin):
    def representation_page(self):
        return redirect("meetings:representation", year=self.meeting.year, pk=self.organisation.pk)


class RepresentationView(RepresentationMixin, TemplateView):
    template_name = "meetings/representation.html"

    @cached_property
    def representative(self) -> Representative | None:
        return representative_of(self.meeting, self.organisation)

    def people(self):
        return User.objects.filter(organisation_roles__organisation=self.organisation).order_by(
            "full_name", "email"
        )

    def holders(self):
        """The other voting organisations on the roll, by name."""
        voters = [
            line.organisation.pk
            for line in roll_lines(self.meeting)
            if line.standing == Standing.VOTER and line.organisation.pk != self.organisation.pk
        ]
        return Organisation.objects.filter(pk__in=voters).order_by("name")

    def representative_form(self, data=None) -> RepresentativeForm:
        initial = {}
        if self.representative is not None:
            initial = {"user": self.representative.user, "deputy": self.representative.deputy}
        return RepresentativeForm(
            data, people=self.people(), initial=initial, prefix=REPRESENTATIVE
        )

    def proxy_form(self, data=None) -> ProxyForm:
        return ProxyForm(data, holders=self.holders(), prefix=PROXY)

    def get_context_data(self, **kwargs):
        meeting, organisation = self.meeting, self.organisation
        kwargs.setdefault("representative_form", self.representative_form())
        kwargs.setdefault("proxy_form", self.proxy_form())
        return super().get_context_data(
            standing=standings_of(meeting, [organisation]).get(organisation.pk),
            representative=self.representative,
            proxy_given=proxy_given_by(meeting, organisation),
            proxies_held=list(proxies_held_by(meeting, organisation)),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == PROXY:
            return self.give_proxy(self.proxy_form(request.POST))
        return self.name_representative(self.representative_form(request.POST))

    def name_representative(self, form: RepresentativeForm):
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(representative_form=form))
        try:
            services.representative_name(
                meeting=self.meeting,
                organisation=self.organisation,
                user=form.cleaned_data["user"],
                deputy=form.cleaned_data["deputy"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_to_response(self.get_context_data(representative_form=form))
        messages.success(self.request, _("The voting representative is saved."))
        return self.representation_page()

    def give_proxy(self, form: ProxyForm):
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(proxy_form=form))
        try:
            proxy = services.proxy_give(
                meeting=self.meeting,
                giver=self.organisation,
                holder=form.cleaned_data["holder"],
                instruction=form.cleaned_data["instruction"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_to_response(self.get_context_data(proxy_form=form))
        messages.success(
            self.request,
            _("%(holder)s now holds your organisation's proxy.") % {"holder": proxy.holder},
        )
        return self.representation_page()


class ProxyWithdrawView(RepresentationMixin, View):
    """Withdraw the organisation's standing proxy (URL kwarg ``proxy_pk``); another
    organisation's proxy is a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proxy = get_object_or_404(
            Proxy, pk=kwargs["proxy_pk"], meeting=self.meeting, giver=self.organisation
        )
        try:
            services.proxy_withdraw(proxy=proxy, actor=request.user)
        except ValidationError as error:
            messages.error(request, message_text(error))
            return self.representation_page()
        messages.success(request, _("The proxy is withdrawn."))
        return self.representation_page()
