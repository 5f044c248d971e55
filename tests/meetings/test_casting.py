import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from meetings.models import Ballot, Choice, MeetingMode, Participation, PollStatus
from meetings.selectors.attendance import cast_rights
from meetings.services.polls import poll_close, vote_cast
from tests.factories import member_of
from tests.meetings.voting import (
    candidate_ids,
    check_in,
    check_out,
    election,
    give_proxy,
    motion,
    observer,
    open_meeting,
    staff_user,
    voter,
)

pytestmark = pytest.mark.django_db


def refusal(**kwargs) -> str:
    with pytest.raises(ValidationError) as raised:
        vote_cast(**kwargs)
    return " ".join(raised.value.messages)


@pytest.fixture
def meeting():
    return open_meeting()


def test_a_checked_in_representative_casts_once_and_gets_a_receipt_whose_hash_is_stored(meeting):
    alpha = voter(meeting, name="Alfa Celle AS")
    poll = motion(meeting)

    code = vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")

    participation = Participation.objects.get(poll=poll)
    assert (participation.organisation, participation.cast_by) == (alpha.organisation, alpha.user)
    assert participation.via_proxy is None
    assert participation.named_choice == Choice.YES  # a named poll keeps the choice public
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.choice == Choice.YES
    assert ballot.receipt_hash == hashlib.sha256(code.encode()).hexdigest()
    assert len(code) >= 20


def test_a_second_vote_for_the_same_organisation_is_refused_and_the_first_stands(meeting):
    alpha = voter(meeting, name="Alfa Celle AS")
    poll = motion(meeting)
    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")

    message = refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="no")

    assert message == "Alfa Celle AS has already voted in this poll; a vote is final once cast."
    assert list(Ballot.objects.values_list("choice", flat=True)) == [Choice.YES]


def test_someone_who_is_not_the_representative_is_refused(meeting):
    alpha = voter(meeting, name="Alfa Celle AS")
    colleague = member_of(alpha.organisation)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=alpha.organisation, user=colleague, choice="yes")

    assert message == (
        "You are not the voting representative of Alfa Celle AS and hold no proxy for it."
    )
    assert not Participation.objects.exists()


def test_an_observer_organisation_is_refused(meeting):
    supplier = observer(meeting, name="Leverandør AS")
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=supplier, user=member_of(supplier), choice="yes")

    assert message == "Leverandør AS is an observer at this meeting and has no vote."


def test_an_organisation_off_the_roll_is_refused(meeting):
    alpha = voter(meeting)
    other = open_meeting(year=2028)
    stranger = voter(other, name="Fremmed AS")
    poll = motion(meeting)

    message = refusal(
        poll=poll, organisation=stranger.organisation, user=stranger.user, choice="yes"
    )

    assert message == "Fremmed AS is not on the voting roll of this meeting."
    assert alpha


def test_a_poll_not_yet_opened_and_a_closed_poll_are_refused(meeting):
    alpha = voter(meeting)
    pending = motion(meeting, opened=False)
    assert (
        refusal(poll=pending, organisation=alpha.organisation, user=alpha.user, choice="yes")
        == "This poll has not opened yet."
    )
    poll = motion(meeting)
    poll_close(poll=poll, actor=staff_user())
    assert (
        refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
        == "This poll is closed."
    )
    assert not Participation.objects.exists()


def test_a_representative_who_has_not_checked_in_is_refused(meeting):
    alpha = voter(meeting, name="Alfa Celle AS", checked_in=False)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")

    assert message == "Alfa Celle AS is not checked in: check in before you vote."


def test_a_representative_who_left_is_refused_until_back(meeting):
    alpha = voter(meeting, name="Alfa Celle AS")
    poll = motion(meeting)
    check_out(meeting, alpha.organisation)
    assert "is not checked in" in refusal(
        poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes"
    )

    check_in(meeting, alpha.organisation, alpha.user)
    assert vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="no")


def test_the_deputy_is_refused_while_the_representative_is_checked_in(meeting):
    alpha = voter(meeting, name="Alfa Celle AS", deputy=True)
    poll = motion(meeting)

    message = refusal(
        poll=poll, organisation=alpha.organisation, user=alpha.representative.deputy, choice="yes"
    )

    assert message == (
        "The representative of Alfa Celle AS is checked in; the deputy votes only while the "
        "representative has not checked in."
    )


def test_the_deputy_checked_in_votes_and_the_absent_representative_is_refused(meeting):
    alpha = voter(meeting, name="Alfa Celle AS", deputy=True, checked_in=False)
    deputy = alpha.representative.deputy
    deputy.full_name = "Dina Stedfortreder"
    deputy.save()
    check_in(meeting, alpha.organisation, deputy)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    assert message == (
        "Alfa Celle AS is checked in by Dina Stedfortreder; only the person checked in votes "
        "for it."
    )
    vote_cast(poll=poll, organisation=alpha.organisation, user=deputy, choice="yes")
    assert Participation.objects.get().cast_by == deputy


def test_the_holder_casts_a_proxy_vote_and_the_giver_is_refused(meeting):
    giver = voter(meeting, name="Giver AS", checked_in=False)
    holder = voter(meeting, name="Holder AS")
    proxy = give_proxy(meeting, giver, holder)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=giver.organisation, user=giver.user, choice="no")
    assert (
        message == "Giver AS has given its proxy to Holder AS, whose representative votes for it."
    )

    vote_cast(poll=poll, organisation=giver.organisation, user=holder.user, choice="yes")
    participation = Participation.objects.get(organisation=giver.organisation)
    assert (participation.via_proxy, participation.cast_by) == (proxy, holder.user)


def test_a_withdrawn_proxy_is_refused_and_the_giver_votes_itself(meeting):
    giver = voter(meeting, name="Giver AS")
    holder = voter(meeting, name="Holder AS")
    proxy = give_proxy(meeting, giver, holder)
    proxy.withdrawn_at = timezone.now()
    proxy.withdrawn_by = giver.user
    proxy.save()
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=giver.organisation, user=holder.user, choice="yes")

    assert message == "The proxy from Giver AS was withdrawn; it no longer votes through you."
    assert vote_cast(poll=poll, organisation=giver.organisation, user=giver.user, choice="no")


def test_a_holder_who_is_not_checked_in_cannot_cast_the_proxy(meeting):
    giver = voter(meeting, name="Giver AS", checked_in=False)
    holder = voter(meeting, name="Holder AS", checked_in=False)
    give_proxy(meeting, giver, holder)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=giver.organisation, user=holder.user, choice="yes")

    assert message == "Holder AS is not checked in: check in before you vote."


def test_proxies_do_not_count_in_elections_when_the_meeting_says_so():
    meeting = open_meeting(proxies_count_in_elections=False)
    giver = voter(meeting, name="Giver AS", checked_in=False)
    holder = voter(meeting, name="Holder AS")
    give_proxy(meeting, giver, holder)
    poll = election(meeting, seats=1, names=["Kari", "Ola"])

    message = refusal(
        poll=poll,
        organisation=giver.organisation,
        user=holder.user,
        candidate_ids=candidate_ids(poll, "Kari"),
    )

    assert message == "Proxies do not count in elections at this meeting."
    poll_close(poll=poll, actor=staff_user())
    decision = motion(meeting)
    assert vote_cast(poll=decision, organisation=giver.organisation, user=holder.user, choice="no")


def test_a_meeting_without_proxies_refuses_a_proxy_vote():
    meeting = open_meeting(proxies_allowed=False)
    giver = voter(meeting, checked_in=False)
    holder = voter(meeting)
    give_proxy(meeting, giver, holder)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=giver.organisation, user=holder.user, choice="yes")

    assert message == "This meeting does not allow proxies."


def test_a_written_meeting_needs_no_check_in_but_only_the_representative_votes():
    meeting = open_meeting(mode=MeetingMode.WRITTEN)
    alpha = voter(meeting, name="Alfa Celle AS", deputy=True)
    poll = motion(meeting)

    message = refusal(
        poll=poll, organisation=alpha.organisation, user=alpha.representative.deputy, choice="yes"
    )
    assert (
        message == "In a written meeting the representative of Alfa Celle AS votes, not the deputy."
    )
    assert vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")


def test_a_written_meeting_refuses_casts_outside_its_window():
    now = timezone.now()
    meeting = open_meeting(
        mode=MeetingMode.WRITTEN,
        written_opens_at=now + datetime.timedelta(hours=1),
        written_closes_at=now + datetime.timedelta(days=3),
    )
    alpha = voter(meeting)
    poll = motion(meeting)

    message = refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    assert message.startswith("Written voting opens ")

    meeting.written_opens_at = now - datetime.timedelta(days=3)
    meeting.written_closes_at = now - datetime.timedelta(minutes=1)
    meeting.save()
    message = refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    assert message.startswith("Written voting closed ")
    assert poll.status == PollStatus.OPEN  # still open until the periodic close
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("maybe", "Choose yes, no or blank."),
        (None, "Choose yes, no or blank."),
        ("candidates", "Choose yes, no or blank."),
    ],
)
def test_a_motion_takes_only_yes_no_or_blank(meeting, choice, message):
    alpha = voter(meeting)
    poll = motion(meeting)
    assert (
        refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, choice=choice)
        == message
    )
    assert not Participation.objects.exists()


def test_a_motion_refuses_candidates(meeting):
    alpha = voter(meeting)
    poll = motion(meeting)
    message = refusal(
        poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes", candidate_ids=[1]
    )
    assert message == "A motion is voted yes, no or blank, not with candidates."


def test_an_election_ballot_is_checked_against_the_seats_and_the_candidates(meeting):
    alpha = voter(meeting)
    poll = election(meeting, seats=2, names=["Kari", "Ola", "Per"])
    other = election(meeting, seats=1, names=["Siri", "Tor"], opened=False)
    kari, ola, per = candidate_ids(poll, "Kari", "Ola", "Per")

    def refused(**kwargs):
        return refusal(poll=poll, organisation=alpha.organisation, user=alpha.user, **kwargs)

    assert refused(candidate_ids=[kari, ola, per]) == "Mark at most 2 candidates."
    assert refused(candidate_ids=[kari, kari]) == "Mark each candidate only once."
    assert (
        refused(candidate_ids=candidate_ids(other, "Siri"))
        == "Choose only this election's candidates."
    )
    assert refused(candidate_ids=["1"]) == "Choose only this election's candidates."
    assert refused(choice="blank", candidate_ids=[kari]) == "A blank ballot names no candidates."
    assert refused(choice="yes") == "In an election, mark candidates (none for a blank ballot)."
    assert not Participation.objects.exists()

    vote_cast(
        poll=poll, organisation=alpha.organisation, user=alpha.user, candidate_ids=[ola, kari]
    )
    participation = Participation.objects.get()
    assert participation.named_candidates == []  # the election is secret by default
    assert Ballot.objects.get().candidates == sorted([ola, kari])


def test_no_candidates_is_a_blank_election_ballot(meeting):
    alpha = voter(meeting)
    poll = election(meeting, seats=1, names=["Kari", "Ola"], secret=False)

    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, candidate_ids=[])

    assert (Ballot.objects.get().choice, Ballot.objects.get().candidates) == (Choice.BLANK, [])
    assert Participation.objects.get().named_choice == Choice.BLANK


def test_cast_rights_list_own_vote_first_then_the_proxies_held(meeting):
    holder = voter(meeting, name="Holder AS")
    giver = voter(meeting, name="Giver AS", checked_in=False)
    withdrawn = voter(meeting, name="Trakk AS", checked_in=False)
    give_proxy(meeting, giver, holder)
    cancelled = give_proxy(meeting, withdrawn, holder)
    cancelled.withdrawn_at = timezone.now()
    cancelled.withdrawn_by = withdrawn.user
    cancelled.save()

    rights = cast_rights(meeting=meeting, user=holder.user)

    assert [(r.organisation.name, r.via_proxy is not None) for r in rights] == [
        ("Holder AS", False),
        ("Giver AS", True),
    ]
    assert cast_rights(meeting=meeting, user=giver.user) == []


def test_an_election_without_proxies_leaves_only_the_own_vote_in_the_rights():
    meeting = open_meeting(proxies_count_in_elections=False)
    holder = voter(meeting, name="Holder AS")
    give_proxy(meeting, voter(meeting, checked_in=False), holder)
    poll = election(meeting, seats=1, names=["Kari", "Ola"])

    rights = cast_rights(meeting=meeting, user=holder.user, poll=poll)

    assert [r.organisation.name for r in rights] == ["Holder AS"]


def test_cast_rights_take_four_queries(meeting, django_assert_num_queries):
    holder = voter(meeting)
    give_proxy(meeting, voter(meeting, checked_in=False), holder)
    with django_assert_num_queries(4):
        assert len(cast_rights(meeting=meeting, user=holder.user)) == 2


@pytest.mark.parametrize(("secret", "queries"), [(False, 8), (True, 10)])
def test_a_cast_takes_a_fixed_number_of_queries(
    meeting, django_assert_num_queries, secret, queries
):
    voters = [voter(meeting) for _ in range(5)]
    poll = motion(meeting, secret=secret)
    for other in voters[1:]:
        vote_cast(poll=poll, organisation=other.organisation, user=other.user, choice="no")
    first = voters[0]
    # lock, poll, four for the cast right, participation, ballot (a secret poll: read, delete
    # and re-insert the poll's ballots); two more for the savepoint around the cast, and on
    # PostgreSQL one for the poll's gate (an advisory lock).
    gate = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(queries + 2 + gate):
        vote_cast(poll=poll, organisation=first.organisation, user=first.user, choice="yes")
