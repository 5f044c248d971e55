"""Sending a proposal for the agenda: any person of the organisation, until the deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Proposal, ProposalStatus
from tests.helpers import logged_in
from tests.meetings.views_world import page_text, world

pytestmark = pytest.mark.django_db


def new(w, organisation=None):
    organisation = organisation or w.voter
    return reverse("meetings:proposal_new", kwargs={"year": w.meeting.year, "pk": organisation.pk})


PROPOSAL = {"title": "Fagforum for gjenvinning", "text": "Vi foreslår et fagforum."}


@pytest.fixture
def w():
    return world()


def test_a_person_of_the_organisation_sends_a_proposal(w):
    client = logged_in(w.voter_member)
    assert client.get(new(w)).status_code == 200
    response = client.post(new(w), PROPOSAL)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", kwargs={"year": 2027})
    proposal = Proposal.objects.get()
    assert (proposal.organisation, proposal.submitted_by, proposal.status) == (
        w.voter,
        w.voter_member,
        ProposalStatus.SUBMITTED,
    )
    assert proposal.title == "Fagforum for gjenvinning"
    page = page_text(client.get(new(w)))
    assert "Fagforum for gjenvinning" in page


def test_an_observer_may_send_a_proposal_too(w):
    response = logged_in(w.observer_admin).post(new(w, w.observer), PROPOSAL)
    assert response.status_code == 302
    assert Proposal.objects.get().organisation == w.observer


def test_another_organisations_page_is_a_404_and_saves_nothing(w):
    client = logged_in(w.other_admin)
    assert client.get(new(w)).status_code == 404
    assert client.post(new(w), PROPOSAL).status_code == 404
    assert logged_in(w.inactive_person).get(new(w)).status_code == 404
    assert not Proposal.objects.exists()


def test_an_empty_proposal_gets_field_errors(w):
    response = logged_in(w.voter_member).post(new(w), {"title": "", "text": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "text"}
    assert not Proposal.objects.exists()


def test_after_the_deadline_the_service_refuses_and_nothing_is_saved():
    soon = timezone.now() + datetime.timedelta(days=5)  # proposals were due 9 days ago
    late = world(starts_at=soon, record_date=timezone.localdate())
    client = logged_in(late.voter_member)
    page = page_text(client.get(new(late)))
    assert "The deadline for proposals was" in page
    assert 'name="title"' not in page
    response = client.post(new(late), PROPOSAL)
    assert response.status_code == 200
    due = late.meeting.proposals_due.strftime("%d.%m.%Y")
    assert response.context["form"].non_field_errors() == [f"The deadline for proposals was {due}."]
    assert not Proposal.objects.exists()
