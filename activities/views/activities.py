"""The members-only activity list and detail, proposals, and organisations signing up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View

from activities import selectors
from activities.filters import ActivityFilter
from activities.forms import ActivityProposeForm, ParticipationForm
from activities.models import Activity, Participation
from activities.services import activities as services
from activities.validators import participation_open
from members.models import Role, User
from members.selectors import organisations_for
from portal import page_cache, rules
from portal.list_views import FilteredListMixin
from portal.permissions import MembersOnlyMixin, OrganisationPermissionMixin
from portal.service_errors import add_service_error, message_text


class ActivityListView(
    MembersOnlyMixin, page_cache.CachedFirstPageMixin, FilteredListMixin, ListView
):
    page_cache_name = page_cache.ACTIVITIES
    template_name = "activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 20
    filterset_class = ActivityFilter

    def get_base_queryset(self):
        return (
            selectors.activities_visible()
            .prefetch_related("segments")
            .order_by("-start_date", "title", "pk")
        )


class ActivityDetailView(MembersOnlyMixin, DetailView):
    """A cancelled (or declined) activity opens only for those it concerns; others 404."""

    permission_required = "activities.view_activity"
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"
    pk_url_kwarg = "activity_pk"

    def get_permission_object(self):
        return self.get_object()

    @cached_property
    def _object(self) -> Activity:
        return super().get_object()

    def get_object(self, queryset=None):
        return self._object

    def get_queryset(self):
        participations = Participation.objects.select_related("organisation").order_by(
            "organisation__name"
        )
        return Activity.objects.select_related(
            "owner", "coordinator", "decision", "decision__decided_by"
        ).prefetch_related(
            "segments",
            "competence_areas",
            Prefetch("participations", queryset=participations, to_attr="participation_list"),
        )

    def get_context_data(self, **kwargs):
        activity = self.object
        by_organisation = {p.organisation_id: p for p in activity.participation_list}
        # For each organisation the user administers: its participation, if signed up. The
        # user's organisations are loaded once per request (portal.rules).
        my_organisations = [
            (organisation, by_organisation.get(organisation.pk))
            for organisation in rules.organisations_of(self.request.user)
            if organisation.user_role == Role.ADMIN
        ]
        return super().get_context_data(
            participations=activity.participation_list,
            my_organisations=my_organisations,
            can_sign_up=participation_open(activity),
            **kwargs,
        )


class ActivityProposeView(MembersOnlyMixin, FormView):
    template_name = "activities/activity_propose.html"
    form_class = ActivityProposeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisations": organisations_for(self.request.user).order_by("name"),
        }

    def form_valid(self, form):
        try:
            activity = services.activity_propose(
                proposed_by=self.request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. The steering group will decide on the proposal."),
        )
        return redirect("activities:detail", activity_pk=activity.pk)


class ParticipationMixin(OrganisationPermissionMixin):
    """An organisation admin's sign-up for one activity (URL kwargs ``pk``, ``activity_pk``)."""

    permission_required = "members.admin_organisation"

    @cached_property
    def activity(self) -> Activity:
        return get_object_or_404(Activity, pk=self.kwargs["activity_pk"])

    @cached_property
    def participation(self) -> Participation | None:
        return Participation.objects.filter(
            activity=self.activity, organisation=self.organisation
        ).first()

    def activity_page(self):
        return redirect("activities:detail", activity_pk=self.activity.pk)


class ParticipationView(ParticipationMixin, FormView):
    """Sign the organisation up, or change who takes part."""

    template_name = "activities/participation_form.html"
    form_class = ParticipationForm

    def get_form_kwargs(self):
        people = User.objects.filter(organisation_roles__organisation=self.organisation).order_by(
            "full_name", "email"
        )
        return {**super().get_form_kwargs(), "people": people}

    def get_initial(self):
        if self.participation is None:
            return {}
        return {"people": list(self.participation.people.all())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            activity=self.activity, participation=self.participation, **kwargs
        )

    def form_valid(self, form):
        try:
            services.participation_sign_up(
                activity=self.activity,
                organisation=self.organisation,
                people=form.cleaned_data["people"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(organisation)s takes part in %(activity)s.")
            % {"organisation": self.organisation, "activity": self.activity},
        )
        return self.activity_page()


class ParticipationWithdrawView(ParticipationMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.participation is None:
            return self.activity_page()
        try:
            services.participation_withdraw(participation=self.participation)
        except ValidationError as error:
            messages.error(request, message_text(error))
            return self.activity_page()
        messages.success(
            request,
            _("%(organisation)s no longer takes part in %(activity)s.")
            % {"organisation": self.organisation, "activity": self.activity},
        )
        return self.activity_page()
