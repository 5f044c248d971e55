import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import ItemKind, MajorityRule, ProposalStatus
from meetings.services.proposals import proposal_answer, proposal_place_on_agenda, proposal_submit
from members.models import Role
from members.services.memberships import membership_end
from tests.factories import AgendaItemFactory, AnnualMeetingFactory, UserFactory, member_of
from tests.meetings.meeting_helpers import opened, voter

pytestmark = pytest.mark.django_db


def messages(error) -> str:
    return " ".join(error.value.messages)


@pytest.fixture
def alfa():
    return voter("Alfa AS")


def submit(meeting, organisation, actor, **fields):
    return proposal_submit(
        meeting=meeting,
        organisation=organisation,
        title=fields.get("title", "Nytt styremedlem fra Agder"),
        text=fields.get("text", "Vi foreslår at …"),
        actor=actor,
    )


def test_a_member_of_a_participant_sends_a_proposal(alfa):
    member = member_of(alfa, Role.MEMBER)

    proposal = submit(AnnualMeetingFactory(), alfa, member)

    assert (proposal.status, proposal.submitted_by, proposal.organisation) == (
        ProposalStatus.SUBMITTED,
        member,
        alfa,
    )


def test_only_people_of_the_organisation_send_its_proposals(alfa):
    with pytest.raises(ValidationError) as refused:
        submit(AnnualMeetingFactory(), alfa, UserFactory())

    assert messages(refused) == "Only people of Alfa AS can send its proposals."


def test_a_former_participant_sends_no_proposals(alfa):
    membership_end(organisation=alfa, end_date=timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        submit(AnnualMeetingFactory(), alfa, alfa.admin)

    assert messages(refused) == "Only active participants can send proposals."


def test_proposals_after_the_deadline_are_refused(alfa):
    starts = timezone.now() + datetime.timedelta(days=10)
    meeting = AnnualMeetingFactory(year=starts.year, starts_at=starts)

    with pytest.raises(ValidationError) as refused:
        submit(meeting, alfa, alfa.admin)

    assert messages(refused) == (
        f"The deadline for proposals was {meeting.proposals_due.strftime('%d.%m.%Y')}."
    )


def test_a_proposal_needs_a_title_and_a_text(alfa):
    with pytest.raises(ValidationError) as refused:
        submit(AnnualMeetingFactory(), alfa, alfa.admin, title=" ", text="")

    assert refused.value.message_dict == {
        "title": ["Give the proposal a title."],
        "text": ["Write the proposal."],
    }


def test_staff_place_a_proposal_on_the_agenda_as_the_last_item(alfa):
    meeting = AnnualMeetingFactory()
    AgendaItemFactory(meeting=meeting, position=4)
    proposal = submit(meeting, alfa, alfa.admin, title="Vedtektsendring")

    item = proposal_place_on_agenda(
        proposal=proposal, actor=UserFactory(is_staff=True), kind=ItemKind.BYLAW_CHANGE
    )

    proposal.refresh_from_db()
    assert (item.position, item.title, item.kind) == (5, "Vedtektsendring", ItemKind.BYLAW_CHANGE)
    assert item.majority_rule == MajorityRule.TWO_THIRDS
    assert (proposal.status, proposal.agenda_item) == (ProposalStatus.ON_AGENDA, item)


def test_a_proposal_does_not_become_an_election(alfa):
    proposal = submit(AnnualMeetingFactory(), alfa, alfa.admin)

    with pytest.raises(ValidationError) as refused:
        proposal_place_on_agenda(
            proposal=proposal, actor=UserFactory(is_staff=True), kind=ItemKind.ELECTION
        )

    assert messages(refused) == "A proposal becomes an information, decision or bylaw change item."


def test_staff_answer_a_proposal_and_it_is_then_decided(alfa):
    proposal = submit(AnnualMeetingFactory(), alfa, alfa.admin)
    staff = UserFactory(is_staff=True)

    with pytest.raises(ValidationError) as empty:
        proposal_answer(proposal=proposal, answer=" ", actor=staff)
    answered = proposal_answer(proposal=proposal, answer="Tas opp i styret.", actor=staff)
    with pytest.raises(ValidationError) as again:
        proposal_place_on_agenda(proposal=proposal, actor=staff)

    assert messages(empty) == "Write the answer."
    assert (answered.status, answered.answer) == (ProposalStatus.ANSWERED, "Tas opp i styret.")
    assert messages(again) == "This proposal has already been answered."


def test_no_proposals_once_the_meeting_has_opened(alfa):
    meeting = opened()

    with pytest.raises(ValidationError) as refused:
        submit(meeting, alfa, alfa.admin)

    assert "The deadline for proposals was" in messages(refused)
