"""The steering group's page: decide on proposed activities."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from activities.forms import DecisionForm
from activities.models import Activity, ActivityDecision, ActivityStatus, DecisionOutcome
from activities.services import activities as services
from portal.permissions import SteeringGroupMixin
from portal.service_errors import add_service_error

RECENT_DECISIONS = 10


def decision_prefix(activity: Activity) -> str:
    return f"activity-{activity.pk}"


class SteeringActivitiesView(SteeringGroupMixin, TemplateView):
    """Proposed activities, each with its approve / decline form, and the latest decisions."""

    template_name = "activities/steering.html"

    def get_context_data(self, *, bound_form: DecisionForm | None = None, **kwargs):
        proposals = list(
            Activity.objects.filter(status=ActivityStatus.PROPOSED)
            .select_related("proposed_by", "owner")
            .prefetch_related("segments")
            .order_by("start_date", "title")
        )
        for activity in proposals:
            prefix = decision_prefix(activity)
            activity.decision_form = (
                bound_form
                if bound_form is not None and bound_form.prefix == prefix
                else DecisionForm(prefix=prefix)
            )
        decisions = ActivityDecision.objects.select_related("activity", "decided_by").order_by(
            "-decided_on", "-created_at"
        )[:RECENT_DECISIONS]
        return super().get_context_data(proposals=proposals, decisions=decisions, **kwargs)


class ActivityDecideView(SteeringActivitiesView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        activity = get_object_or_404(Activity, pk=kwargs["activity_pk"])
        form = DecisionForm(request.POST, prefix=decision_prefix(activity))
        if form.is_valid():
            try:
                services.activity_decide(
                    activity=activity,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                    decided_by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                done = (
                    _("%(activity)s is approved.")
                    if form.cleaned_data["outcome"] == DecisionOutcome.APPROVED
                    else _("%(activity)s is declined.")
                )
                messages.success(request, done % {"activity": activity})
                return redirect("activities:steering")
        if activity.status != ActivityStatus.PROPOSED:
            # Decided meanwhile (by someone else): it is no longer on the page to show errors.
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect("activities:steering")
        return self.render_to_response(self.get_context_data(bound_form=form))
