"""Activity lifecycle: propose, decide, run, complete or cancel, and sign-ups."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityDecision,
    ActivityStatus,
    DecisionOutcome,
    Participation,
)
from activities.validators import participation_open, validate_activity_dates
from members.models import Organisation, OrganisationRole, User
from portal.page_cache import ACTIVITIES, page_cache_bump

ALLOWED_TRANSITIONS = {
    ActivityStatus.APPROVED: {ActivityStatus.RUNNING, ActivityStatus.CANCELLED},
    ActivityStatus.RUNNING: {ActivityStatus.COMPLETED, ActivityStatus.CANCELLED},
    ActivityStatus.PROPOSED: set(),  # decided through activity_decide
    ActivityStatus.COMPLETED: set(),
    ActivityStatus.CANCELLED: set(),
}


def activity_propose(
    *,
    proposed_by: User,
    segments: Iterable = (),
    competence_areas: Iterable = (),
    **fields,
) -> Activity:
    """A member proposes an activity; the steering group decides on it."""
    activity = Activity(proposed_by=proposed_by, status=ActivityStatus.PROPOSED, **fields)
    validate_activity_dates(start_date=activity.start_date, end_date=activity.end_date)
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        activity.segments.set(segments)
        activity.competence_areas.set(competence_areas)
        page_cache_bump(ACTIVITIES)
    return activity


def activity_decide(
    *,
    activity: Activity,
    outcome: str,
    decided_by: User,
    comment: str = "",
    decided_on: datetime.date | None = None,
) -> ActivityDecision:
    """Approve or decline a proposed activity; a declined one is cancelled. Decided once."""
    if outcome not in DecisionOutcome.values:
        raise ValidationError(_("Choose approve or decline."))
    if outcome == DecisionOutcome.DECLINED and not comment.strip():
        raise ValidationError({"comment": _("Say why the activity is declined.")})
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.status != ActivityStatus.PROPOSED:
            raise ValidationError(_("Only a proposed activity can be decided on."))
        decision = ActivityDecision.objects.create(
            activity=activity,
            outcome=outcome,
            decided_by=decided_by,
            decided_on=decided_on or timezone.localdate(),
            comment=comment.strip(),
        )
        activity.status = (
            ActivityStatus.APPROVED
            if outcome == DecisionOutcome.APPROVED
            else ActivityStatus.CANCELLED
        )
        activity.save(update_fields=["status"])
        page_cache_bump(ACTIVITIES)
    return decision


def activity_set_status(*, activity: Activity, status: str) -> Activity:
    """Move an approved activity on: running, then completed; or cancel it."""
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if status not in ALLOWED_TRANSITIONS.get(activity.status, set()):
            raise ValidationError(
                _("An activity that is %(current)s cannot become %(new)s.")
                % {
                    "current": activity.get_status_display().lower(),
                    "new": ActivityStatus(status).label.lower()
                    if status in ActivityStatus.values
                    else status,
                }
            )
        activity.status = status
        activity.save(update_fields=["status"])
        page_cache_bump(ACTIVITIES)
    return activity


def participation_sign_up(
    *, activity: Activity, organisation: Organisation, people: Iterable[User]
) -> Participation:
    """Sign an organisation up for a running activity with the people who take part."""
    people = list(people)
    if not participation_open(activity):
        raise ValidationError(_("Organisations can sign up only for running activities."))
    member_ids = set(
        OrganisationRole.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    if any(person.pk not in member_ids for person in people):
        raise ValidationError(
            {"people": _("Everyone taking part must belong to the organisation.")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    activity=activity, organisation=organisation
                )
        except IntegrityError:
            participation = Participation.objects.get(activity=activity, organisation=organisation)
        participation.people.set(people)
        page_cache_bump(ACTIVITIES)
    return participation


def participation_withdraw(*, participation: Participation) -> None:
    """Withdraw from an activity; refused once hours are logged on it."""
    if participation.activity.hour_entries.filter(
        organisation_id=participation.organisation_id
    ).exists():
        raise ValidationError(
            _("Hours are logged on this activity; delete them before withdrawing.")
        )
    participation.delete()
    page_cache_bump(ACTIVITIES)
