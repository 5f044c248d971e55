import datetime

import pytest
from django.core.exceptions import ValidationError

from activities.models import ActivityStatus, Participation
from activities.services import activities, hours
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def proposal(**fields):
    values = {
        "title": "Batterisikkerhet i havbruk",
        "kind": "workshop",
        "start_date": datetime.date(2026, 3, 1),
        "end_date": datetime.date(2026, 3, 2),
    }
    return activities.activity_propose(proposed_by=UserFactory(), **{**values, **fields})


def test_a_proposal_waits_for_the_steering_group():
    assert proposal().status == ActivityStatus.PROPOSED


def test_a_proposal_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as error:
        proposal(end_date=datetime.date(2026, 2, 1))
    assert error.value.message_dict["end_date"] == ["The activity cannot end before it starts."]


def test_approval_records_the_decision_and_moves_the_status():
    activity = proposal()
    decider = UserFactory(is_steering_group=True)
    decision = activities.activity_decide(
        activity=activity, outcome="approved", decided_by=decider, comment="Godt forslag"
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED
    assert (decision.decided_by, decision.comment) == (decider, "Godt forslag")


def test_declining_needs_a_comment_and_cancels_the_activity():
    activity = proposal()
    with pytest.raises(ValidationError, match="Say why"):
        activities.activity_decide(activity=activity, outcome="declined", decided_by=UserFactory())
    activities.activity_decide(
        activity=activity, outcome="declined", decided_by=UserFactory(), comment="Overlapper"
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


def test_an_activity_is_decided_once():
    activity = proposal()
    activities.activity_decide(activity=activity, outcome="approved", decided_by=UserFactory())
    with pytest.raises(ValidationError, match="Only a proposed activity"):
        activities.activity_decide(
            activity=activity, outcome="declined", decided_by=UserFactory(), comment="x"
        )


def test_status_moves_forward_only():
    activity = ActivityFactory(status=ActivityStatus.APPROVED)
    activities.activity_set_status(activity=activity, status=ActivityStatus.RUNNING)
    activities.activity_set_status(activity=activity, status=ActivityStatus.COMPLETED)
    with pytest.raises(ValidationError, match="cannot become running"):
        activities.activity_set_status(activity=activity, status=ActivityStatus.RUNNING)


def test_sign_up_only_for_running_activities_and_with_own_people():
    organisation = OrganisationFactory()
    colleague = member_of(organisation)
    with pytest.raises(ValidationError, match="only for running activities"):
        activities.participation_sign_up(
            activity=ActivityFactory(status=ActivityStatus.APPROVED),
            organisation=organisation,
            people=[colleague],
        )
    running = ActivityFactory()
    with pytest.raises(ValidationError) as error:
        activities.participation_sign_up(
            activity=running, organisation=organisation, people=[member_of(OrganisationFactory())]
        )
    assert error.value.message_dict["people"] == [
        "Everyone taking part must belong to the organisation."
    ]
    participation = activities.participation_sign_up(
        activity=running, organisation=organisation, people=[colleague]
    )
    again = activities.participation_sign_up(activity=running, organisation=organisation, people=[])
    assert participation.pk == again.pk
    assert Participation.objects.count() == 1


def test_withdrawal_is_refused_once_hours_are_logged():
    organisation = OrganisationFactory()
    person = member_of(organisation)
    participation = activities.participation_sign_up(
        activity=ActivityFactory(), organisation=organisation, people=[person]
    )
    hours.hour_entry_create(
        organisation=organisation,
        person=person,
        activity=participation.activity,
        date=datetime.date.today() - datetime.timedelta(days=1),
        hours=1,
    )
    with pytest.raises(ValidationError, match="delete them before withdrawing"):
        activities.participation_withdraw(participation=participation)
