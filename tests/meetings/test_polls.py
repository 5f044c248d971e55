import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import (
    EventKind,
    ItemKind,
    MeetingMode,
    MeetingStatus,
    Poll,
    PollStatus,
    QuorumRule,
)
from meetings.selectors.attendance import (
    present_voting_organisations,
    quorum_state,
    votes_represented,
)
from meetings.selectors.polls import open_poll, poll_live_state
from meetings.services.events import chain_verify
from meetings.services.polls import poll_close, poll_create, poll_open, vote_cast
from meetings.tasks import close_due_polls
from tests.factories import AgendaItemFactory, AnnualMeetingFactory
from tests.meetings.voting import (
    check_out,
    election,
    give_proxy,
    information_item,
    motion,
    observer,
    open_meeting,
    staff_user,
    voter,
)

pytestmark = pytest.mark.django_db


def refused(service, **kwargs) -> str:
    with pytest.raises(ValidationError) as raised:
        service(**kwargs)
    return " ".join(raised.value.messages)


@pytest.fixture
def meeting():
    return open_meeting()


@pytest.fixture
def staff():
    return staff_user()


# Attendance and quorum --------------------------------------------------------------------------


def test_present_and_represented_count_open_presences_and_the_proxies_they_hold(meeting):
    holder = voter(meeting)
    giver = voter(meeting, checked_in=False)
    absent_holder = voter(meeting, checked_in=False)
    give_proxy(meeting, giver, holder)
    give_proxy(meeting, voter(meeting, checked_in=False), absent_holder)
    observer(meeting)
    gone = voter(meeting)
    check_out(meeting, gone.organisation)

    assert list(present_voting_organisations(meeting)) == [holder.organisation]
    assert votes_represented(meeting) == 2


def test_proxies_count_in_elections_only_where_the_meeting_says_so(meeting):
    holder = voter(meeting)
    give_proxy(meeting, voter(meeting, checked_in=False), holder)
    assert votes_represented(meeting, election=True) == 2
    meeting.proxies_count_in_elections = False
    assert votes_represented(meeting, election=True) == 1
    assert votes_represented(meeting, election=False) == 2


def test_a_written_meeting_counts_everyone_on_the_roll_as_present():
    meeting = open_meeting(mode=MeetingMode.WRITTEN)
    voters = [voter(meeting) for _ in range(3)]
    observer(meeting)
    assert set(present_voting_organisations(meeting)) == {v.organisation for v in voters}
    assert quorum_state(meeting).present == 3


def test_no_quorum_rule_is_always_met(meeting):
    voter(meeting, checked_in=False)
    state = quorum_state(meeting)
    assert (state.present, state.required, state.met) == (0, 0, True)


def test_a_minimum_present_rule_counts_voting_organisations_present():
    meeting = open_meeting(quorum_rule=QuorumRule.MINIMUM_PRESENT, quorum_minimum=3)
    voter(meeting)
    voter(meeting)
    voter(meeting, checked_in=False)
    assert quorum_state(meeting).met is False
    voter(meeting)
    state = quorum_state(meeting)
    assert (state.present, state.required, state.met) == (3, 3, True)


def test_a_share_of_the_roll_rounds_up():
    meeting = open_meeting(quorum_rule=QuorumRule.SHARE_OF_ROLL, quorum_share=Decimal("0.5"))
    voter(meeting)
    voter(meeting)
    for _ in range(3):
        voter(meeting, checked_in=False)
    state = quorum_state(meeting)
    assert (state.present, state.required, state.met) == (2, 3, False)  # ceil(0.5 x 5) = 3


# Creating and opening ---------------------------------------------------------------------------


def test_an_election_with_more_candidates_than_seats_is_secret_by_default(meeting):
    contested = election(meeting, seats=1, names=["Kari", "Ola"], opened=False)
    uncontested = election(meeting, seats=2, names=["Kari", "Ola"], opened=False)
    chosen = election(meeting, seats=1, names=["Kari", "Ola"], secret=False, opened=False)
    decision = motion(meeting, opened=False)
    assert (contested.secret, uncontested.secret, chosen.secret, decision.secret) == (
        True,
        False,
        False,
        False,
    )


def test_an_information_item_has_no_poll(meeting):
    assert (
        refused(poll_create, item=information_item(meeting)) == "An information item has no vote."
    )


def test_an_item_has_one_poll(meeting):
    poll = motion(meeting, opened=False)
    assert refused(poll_create, item=poll.item) == "This item already has a poll."


def test_opening_records_presence_and_quorum_and_appends_the_event(meeting, staff):
    holder = voter(meeting)
    give_proxy(meeting, voter(meeting, checked_in=False), holder)
    voter(meeting)

    poll = motion(meeting, opened=False)
    poll = poll_open(poll=poll, actor=staff)

    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN
    assert (poll.present_at_opening, poll.votes_represented_at_opening) == (2, 3)
    assert poll.quorum_met_at_opening is True
    assert (poll.opened_by, poll.opened_at is not None) == (staff, True)
    event = meeting.events.get()
    assert event.kind == EventKind.POLL_OPENED
    assert event.payload["represented"] == 3
    assert chain_verify(meeting)


def test_a_poll_does_not_open_without_quorum_where_a_rule_is_set(staff):
    meeting = open_meeting(quorum_rule=QuorumRule.MINIMUM_PRESENT, quorum_minimum=2)
    voter(meeting)
    voter(meeting, checked_in=False)
    poll = motion(meeting, opened=False)

    assert refused(poll_open, poll=poll, actor=staff) == (
        "There is no quorum: 1 voting organisations present, 2 required."
    )
    poll.refresh_from_db()
    assert poll.status == PollStatus.PENDING
    assert not meeting.events.exists()


def test_a_poll_opens_only_while_the_meeting_is_open(staff):
    meeting = AnnualMeetingFactory(status=MeetingStatus.NOTICE_SENT)
    poll = poll_create(item=AgendaItemFactory(meeting=meeting))
    assert refused(poll_open, poll=poll, actor=staff) == (
        "The meeting is not open: open it before its polls."
    )


def test_one_poll_at_a_time_in_a_live_meeting(meeting, staff):
    first = motion(meeting)
    second = motion(meeting, opened=False)
    assert refused(poll_open, poll=second, actor=staff) == (
        f"Another poll is open: {first.item}. Close it first."
    )
    poll_close(poll=first, actor=staff)
    assert poll_open(poll=second, actor=staff).status == PollStatus.OPEN
    assert open_poll(meeting) == second


def test_an_open_or_closed_poll_does_not_open_again(meeting, staff):
    poll = motion(meeting)
    assert refused(poll_open, poll=poll, actor=staff) == "This poll is already open."
    poll_close(poll=poll, actor=staff)
    assert refused(poll_open, poll=poll, actor=staff) == (
        "This poll is closed and cannot be opened again."
    )
    assert refused(poll_close, poll=poll, actor=staff) == "This poll is not open."


def test_an_election_needs_candidates(meeting, staff):
    item = AgendaItemFactory(meeting=meeting, kind=ItemKind.ELECTION, seats=1)
    poll = poll_create(item=item)
    assert refused(poll_open, poll=poll, actor=staff) == "An election needs at least one candidate."


def test_a_written_meeting_opens_several_polls_inside_its_window(staff):
    meeting = open_meeting(mode=MeetingMode.WRITTEN)
    first, second = motion(meeting), motion(meeting)
    assert {first.status, second.status} == {PollStatus.OPEN}

    meeting.written_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    meeting.save()
    assert refused(poll_open, poll=motion(meeting, opened=False), actor=staff) == (
        "The written voting window has closed."
    )
    meeting.written_opens_at = meeting.written_closes_at = None
    meeting.save()
    assert refused(poll_open, poll=motion(meeting, opened=False), actor=staff) == (
        "Set the written voting window before opening a poll."
    )


# Closing ----------------------------------------------------------------------------------------


def test_closing_stores_the_result_the_fingerprint_and_an_event_without_ballots(meeting, staff):
    voters = [voter(meeting) for _ in range(3)]
    poll = motion(meeting)
    for person, choice in zip(voters, ["yes", "yes", "no"], strict=True):
        vote_cast(poll=poll, organisation=person.organisation, user=person.user, choice=choice)

    poll = poll_close(poll=poll, actor=staff)

    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    assert (poll.result["yes"], poll.result["no"], poll.result["passed"]) == (2, 1, True)
    assert poll.result["represented"] == 3
    assert len(poll.receipts_fingerprint) == 64
    assert poll.result["sentence"]  # stored in the meeting's language
    event = meeting.events.get(kind=EventKind.POLL_CLOSED)
    assert event.payload["result"]["yes"] == 2
    assert event.payload["receipts_fingerprint"] == poll.receipts_fingerprint
    assert "receipt_hash" not in str(event.payload)
    assert chain_verify(meeting)


def test_the_periodic_task_closes_written_polls_whose_window_ended(staff):
    written = open_meeting(mode=MeetingMode.WRITTEN)
    person = voter(written)
    due = motion(written)
    vote_cast(poll=due, organisation=person.organisation, user=person.user, choice="yes")
    live = open_meeting(year=2028)
    running = motion(live)

    assert close_due_polls.delay().get() == 0
    written.written_closes_at = timezone.now()
    written.save()
    assert close_due_polls.delay().get() == 1

    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, due.closed_by, due.result["yes"]) == (PollStatus.CLOSED, None, 1)
    assert running.status == PollStatus.OPEN


# The live page ----------------------------------------------------------------------------------


def test_an_open_poll_shows_turnout_only_and_a_closed_one_its_result(meeting, staff):
    voters = [voter(meeting) for _ in range(3)]
    poll = motion(meeting, secret=True)
    pending = poll_live_state(motion(meeting, opened=False))
    assert (pending.participated, pending.result) == (None, None)
    vote_cast(poll=poll, organisation=voters[0].organisation, user=voters[0].user, choice="no")

    live = poll_live_state(poll)
    assert (live.status, live.participated, live.represented, live.result) == (
        PollStatus.OPEN,
        1,
        3,
        None,
    )

    poll = poll_close(poll=poll, actor=staff)
    closed = poll_live_state(poll)
    assert (closed.participated, closed.result["no"]) == (1, 1)


def test_the_live_state_takes_three_queries_open_and_none_closed(
    meeting, staff, django_assert_num_queries
):
    holder = voter(meeting)
    give_proxy(meeting, voter(meeting, checked_in=False), holder)
    poll = Poll.objects.select_related("item__meeting").get(pk=motion(meeting).pk)
    with django_assert_num_queries(3):
        assert poll_live_state(poll).represented == 2

    poll_close(poll=poll, actor=staff)
    poll = Poll.objects.select_related("item__meeting").get(pk=poll.pk)
    with django_assert_num_queries(0):
        assert poll_live_state(poll).result["kind"] == "motion"
