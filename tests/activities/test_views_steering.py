"""The steering group's page: approve or decline proposed activities."""

import pytest
from django.urls import reverse

from activities.models import ActivityDecision, ActivityStatus
from members.models import Role, ValueChainSegment
from tests.factories import ActivityFactory, UserFactory, active_organisation, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def steering(client):
    user = UserFactory(is_steering_group=True, full_name="Siri Styre")
    client.force_login(user)
    return user


@pytest.fixture
def proposal():
    return ActivityFactory(
        title="Batterisikkerhet i havbruk",
        status=ActivityStatus.PROPOSED,
        proposed_by=UserFactory(full_name="Per Forslag"),
    )


def _decide_url(activity):
    return reverse("activities:decide", kwargs={"activity_pk": activity.pk})


def _prefix(activity):
    return f"activity-{activity.pk}-"


def test_steering_page_lists_proposals_with_approve_and_decline(client, steering, proposal):
    ActivityFactory(title="Kjører allerede")
    response = client.get(reverse("activities:steering"))
    content = response.content.decode()
    assert response.status_code == 200
    assert [activity.title for activity in response.context["proposals"]] == [
        "Batterisikkerhet i havbruk"
    ]
    assert "Proposed by Per Forslag" in content
    assert _decide_url(proposal) in content
    assert 'value="approved"' in content
    assert 'value="declined"' in content


def test_staff_may_open_the_steering_page(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("activities:steering")).status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ADMIN])
def test_members_outside_the_steering_group_get_404(client, proposal, role):
    client.force_login(member_of(active_organisation(), role))
    assert client.get(reverse("activities:steering")).status_code == 404
    data = {_prefix(proposal) + "outcome": "approved"}
    assert client.post(_decide_url(proposal), data).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ActivityStatus.PROPOSED


def test_steering_group_approves_a_proposal(client, steering, proposal):
    response = client.post(
        _decide_url(proposal),
        {_prefix(proposal) + "outcome": "approved", _prefix(proposal) + "comment": "Bra."},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("activities:steering"), 302)]
    assert "Batterisikkerhet i havbruk is approved." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ActivityStatus.APPROVED
    decision = ActivityDecision.objects.get()
    assert (decision.decided_by, decision.comment) == (steering, "Bra.")
    # The decision is listed among the latest ones.
    assert "Bra." in response.content.decode()


def test_steering_group_declines_a_proposal_with_a_comment(client, steering, proposal):
    client.post(
        _decide_url(proposal),
        {_prefix(proposal) + "outcome": "declined", _prefix(proposal) + "comment": "Dekket før."},
    )
    proposal.refresh_from_db()
    assert proposal.status == ActivityStatus.CANCELLED
    assert ActivityDecision.objects.get().comment == "Dekket før."


def test_declining_without_a_comment_is_told_at_the_comment_and_saves_nothing(
    client, steering, proposal
):
    response = client.post(_decide_url(proposal), {_prefix(proposal) + "outcome": "declined"})
    assert response.status_code == 200
    [shown] = response.context["proposals"]
    assert shown.decision_form.errors["comment"] == ["Say why the activity is declined."]
    assert "Say why the activity is declined." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ActivityStatus.PROPOSED
    assert not ActivityDecision.objects.exists()


def test_an_activity_decided_already_is_not_decided_again(client, steering):
    running = ActivityFactory(title="Kjører")
    response = client.post(
        _decide_url(running),
        {_prefix(running) + "outcome": "approved"},
        follow=True,
    )
    assert "Only a proposed activity can be decided on." in response.content.decode()
    assert not ActivityDecision.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_steering_page_query_count_does_not_grow_with_proposals(
    client, steering, django_assert_num_queries, rows
):
    for _ in range(rows):
        activity = ActivityFactory(status=ActivityStatus.PROPOSED, proposed_by=UserFactory())
        activity.segments.set(ValueChainSegment.objects.all()[:2])
        decided = ActivityFactory(status=ActivityStatus.APPROVED)
        ActivityDecision.objects.create(
            activity=decided, outcome="approved", decided_by=steering, decided_on="2026-01-05"
        )
    # session, user, proposals, their segments, latest decisions, nav
    with django_assert_num_queries(6):
        response = client.get(reverse("activities:steering"))
    assert len(response.context["proposals"]) == rows
