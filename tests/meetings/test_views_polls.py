"""The live poll page, its JSON state and the receipt list, for each kind of user."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import Ballot, Participation
from meetings.services.polls import poll_close, vote_cast
from tests.factories import OrganisationFactory, member_of
from tests.helpers import logged_in
from tests.meetings.poll_pages import member_observer, member_voter
from tests.meetings.voting import (
    candidate_ids,
    check_in,
    election,
    give_proxy,
    motion,
    open_meeting,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return open_meeting()


def live_url(meeting) -> str:
    return reverse("meetings:poll_live", kwargs={"year": meeting.year})


def state_url(meeting) -> str:
    return reverse("meetings:poll_state", kwargs={"year": meeting.year})


def receipts_url(poll) -> str:
    return reverse(
        "meetings:poll_receipts", kwargs={"year": poll.item.meeting.year, "poll_pk": poll.pk}
    )


def cast(client, poll, organisation, **choice):
    prefix = f"org{organisation.pk}"
    data = {"poll": poll.pk, "organisation": organisation.pk}
    data.update({f"{prefix}-{name}": value for name, value in choice.items()})
    return client.post(live_url(poll.item.meeting), data)


def receipt_code(response) -> str:
    found = re.search(r'data-testid="receipt-code">([^<]+)<', response.content.decode())
    assert found, "no receipt code on the page"
    return found[1]


def refusal_text(response) -> str:
    found = re.search(r'data-testid="refusal"><p>([^<]+)</p>', response.content.decode())
    assert found, "no refusal on the page"
    return found[1]


# --- Who sees what ---------------------------------------------------------------------------


def test_the_representative_casts_and_sees_the_receipt_once(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    member_voter(meeting, "Beta Batteri AS")
    poll = motion(meeting)
    client = logged_in(alpha.user)

    page = client.get(live_url(meeting))
    assert page.status_code == 200
    assert f'data-testid="ballot-{alpha.organisation.pk}"' in page.content.decode()
    assert "0 of 2 votes represented have voted" in page.content.decode()

    answer = cast(client, poll, alpha.organisation, choice="yes")

    assert answer.status_code == 200
    code = receipt_code(answer)
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.receipt_hash == hashlib.sha256(code.encode()).hexdigest()
    assert "This code is shown only now" in answer.content.decode()
    # Shown once: in no session value, and not on the page any more.
    assert all(code not in str(value) for value in client.session.values())
    again = client.get(live_url(meeting)).content.decode()
    assert code not in again
    assert 'data-testid="voted"' in again
    assert "1 of 2 votes represented have voted" in again


def test_the_proxy_holder_has_a_ballot_for_the_giver_with_its_instruction(meeting):
    holder = member_voter(meeting, "Alfa Celle AS")
    giver = member_voter(meeting, "Beta Batteri AS", checked_in=False)
    proxy = give_proxy(meeting, giver, holder)
    proxy.instruction = "Stem for budsjettet."
    proxy.save()
    poll = motion(meeting)
    client = logged_in(holder.user)

    content = client.get(live_url(meeting)).content.decode()

    assert f'data-testid="ballot-{holder.organisation.pk}"' in content
    assert f'data-testid="ballot-{giver.organisation.pk}"' in content
    assert "Beta Batteri AS (by proxy)" in content
    assert "Stem for budsjettet." in content
    answer = cast(client, poll, giver.organisation, choice="no")
    assert answer.status_code == 200
    assert Participation.objects.get(poll=poll).via_proxy == proxy


def test_the_deputy_votes_while_the_representative_is_away(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False, deputy=True)
    deputy = alpha.representative.deputy
    check_in(meeting, alpha.organisation, deputy)
    poll = motion(meeting)
    client = logged_in(deputy)

    assert (
        f'data-testid="ballot-{alpha.organisation.pk}"'
        in client.get(live_url(meeting)).content.decode()
    )
    answer = cast(client, poll, alpha.organisation, choice="blank")
    assert answer.status_code == 200
    assert Participation.objects.get(poll=poll).cast_by == deputy


def test_the_deputy_is_told_why_while_the_representative_is_checked_in(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", deputy=True)
    deputy = alpha.representative.deputy
    poll = motion(meeting)
    client = logged_in(deputy)

    content = client.get(live_url(meeting)).content.decode()
    assert 'data-testid="ballot-' not in content
    answer = cast(client, poll, alpha.organisation, choice="yes")
    assert "the deputy votes only while the representative has not checked in" in refusal_text(
        answer
    )
    assert not Participation.objects.exists()


def test_an_observers_person_sees_turnout_and_why_they_have_no_vote(meeting):
    member_voter(meeting, "Alfa Celle AS")
    supplier, person = member_observer(meeting, "Leverandør AS")
    poll = motion(meeting)
    client = logged_in(person)

    content = client.get(live_url(meeting)).content.decode()

    assert "1 vote represented" in content
    assert "0 of 1 vote represented has voted" in content
    assert 'data-testid="ballot-' not in content
    assert "Leverandør AS is an observer at this meeting and has no vote." in content
    answer = cast(client, poll, supplier, choice="yes")
    assert refusal_text(answer) == "Leverandør AS is an observer at this meeting and has no vote."
    assert not Participation.objects.exists()


def test_another_person_of_a_voting_organisation_is_not_its_representative(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    colleague = member_of(alpha.organisation)
    poll = motion(meeting)
    client = logged_in(colleague)

    content = client.get(live_url(meeting)).content.decode()
    message = "You are not the voting representative of Alfa Celle AS and hold no proxy for it."
    assert message in content
    assert refusal_text(cast(client, poll, alpha.organisation, choice="yes")) == message
    assert not Participation.objects.exists()


def test_another_organisations_representative_cannot_cast_for_it(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    beta = member_voter(meeting, "Beta Batteri AS")
    poll = motion(meeting)

    answer = cast(logged_in(beta.user), poll, alpha.organisation, choice="yes")

    assert refusal_text(answer) == (
        "You are not the voting representative of Alfa Celle AS and hold no proxy for it."
    )
    assert not Participation.objects.exists()


def test_a_representative_not_checked_in_is_told_to_check_in(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS", checked_in=False)
    poll = motion(meeting)
    client = logged_in(alpha.user)

    message = "Alfa Celle AS is not checked in: check in before you vote."
    assert message in client.get(live_url(meeting)).content.decode()
    assert refusal_text(cast(client, poll, alpha.organisation, choice="yes")) == message


def test_a_second_vote_is_refused_as_already_voted(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    poll = motion(meeting)
    client = logged_in(alpha.user)
    cast(client, poll, alpha.organisation, choice="yes")

    answer = cast(client, poll, alpha.organisation, choice="no")

    assert refusal_text(answer) == (
        "Alfa Celle AS has already voted in this poll; a vote is final once cast."
    )
    assert 'data-testid="receipt-code"' not in answer.content.decode()
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_a_vote_sent_after_the_close_is_refused_and_the_result_shown(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    poll = motion(meeting)
    client = logged_in(alpha.user)
    client.get(live_url(meeting))
    poll_close(poll=poll, actor=staff_user())

    answer = cast(client, poll, alpha.organisation, choice="yes")

    assert refusal_text(answer) == "This poll is closed."
    content = answer.content.decode()
    assert 'data-testid="result-sentence">Not adopted: no votes were cast' in content
    assert not Participation.objects.exists()


def test_a_withdrawn_proxy_is_refused_with_its_own_message(meeting):
    holder = member_voter(meeting, "Alfa Celle AS")
    giver = member_voter(meeting, "Beta Batteri AS", checked_in=False)
    proxy = give_proxy(meeting, giver, holder)
    poll = motion(meeting)
    client = logged_in(holder.user)
    assert (
        f'data-testid="ballot-{giver.organisation.pk}"'
        in client.get(live_url(meeting)).content.decode()
    )
    proxy.withdrawn_at = timezone.now()
    proxy.withdrawn_by = giver.user
    proxy.save()

    answer = cast(client, poll, giver.organisation, choice="yes")

    assert refusal_text(answer) == (
        "The proxy from Beta Batteri AS was withdrawn; it no longer votes through you."
    )
    assert not Participation.objects.exists()


def test_staff_see_the_poll_without_a_ballot(meeting, staff_client):
    member_voter(meeting, "Alfa Celle AS")
    motion(meeting)
    content = staff_client.get(live_url(meeting)).content.decode()
    assert "0 of 1 vote represented has voted" in content
    assert 'data-testid="ballot-' not in content
    assert "Why you have no ballot here" not in content


def test_outsiders_are_sent_to_sign_in_or_told_the_pages_are_for_members(meeting):
    motion(meeting)
    outsider = member_of(OrganisationFactory())  # no active participation
    for url in (live_url(meeting), state_url(meeting)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert logged_in(outsider).get(url).status_code == 403


def test_a_year_without_a_meeting_is_a_404(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    client = logged_in(alpha.user)
    assert client.get(reverse("meetings:poll_live", kwargs={"year": 1999})).status_code == 404
    assert client.get(reverse("meetings:poll_state", kwargs={"year": 1999})).status_code == 404


def test_before_any_poll_the_page_says_one_will_show(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    content = logged_in(alpha.user).get(live_url(meeting)).content.decode()
    assert "No poll has opened at this meeting yet." in content
    assert logged_in(alpha.user).get(state_url(meeting)).json()["poll"] is None


def test_the_page_refreshes_itself_with_the_script_and_without_it(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    motion(meeting)
    content = logged_in(alpha.user).get(live_url(meeting)).content.decode()
    assert '<script src="/static/meetings/live.js" defer></script>' in content
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in content
    assert f'data-live-url="{state_url(meeting)}"' in content


# --- Elections -------------------------------------------------------------------------------


def test_an_election_ballot_takes_at_most_the_seats(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    poll = election(meeting, seats=2, names=["Kari", "Ola", "Per"])
    client = logged_in(alpha.user)
    content = client.get(live_url(meeting)).content.decode()
    assert "Mark at most 2 candidates" in content
    assert 'type="checkbox"' in content

    too_many = cast(
        client, poll, alpha.organisation, candidates=candidate_ids(poll, "Kari", "Ola", "Per")
    )

    assert too_many.status_code == 200
    assert "Mark at most 2 candidates." in too_many.content.decode()
    assert not Participation.objects.exists()
    answer = cast(client, poll, alpha.organisation, candidates=candidate_ids(poll, "Kari", "Per"))
    assert receipt_code(answer)
    assert sorted(Ballot.objects.get().candidates) == sorted(candidate_ids(poll, "Kari", "Per"))


# --- The JSON state --------------------------------------------------------------------------


def test_the_state_of_an_open_poll_is_turnout_only(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    member_voter(meeting, "Beta Batteri AS")
    poll = motion(meeting, secret=True)
    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    _supplier, person = member_observer(meeting, "Leverandør AS")

    state = logged_in(person).get(state_url(meeting)).json()

    assert state["poll"]["status"] == "open"
    assert state["poll"]["voted"] == 1
    assert state["poll"]["turnout_text"] == "1 of 2 votes represented have voted"
    assert state["poll"]["result"] is None
    assert state["present"] == 2
    assert state["quorum_text"] == "No quorum rule"
    text = str(state).lower()
    assert "yes" not in text
    assert "'no'" not in text


def test_the_state_of_a_closed_poll_has_the_result_and_the_receipt_list(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    beta = member_voter(meeting, "Beta Batteri AS")
    poll = motion(meeting, secret=True)
    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    vote_cast(poll=poll, organisation=beta.organisation, user=beta.user, choice="no")
    poll_close(poll=poll, actor=staff_user())

    state = logged_in(alpha.user).get(state_url(meeting)).json()

    result = state["poll"]["result"]
    assert result["sentence"] == ("Not adopted: a tie of 1 for and 1 against fails the motion.")
    assert result["rows"][:4] == [["Yes", 1], ["No", 1], ["Blank", 0], ["Votes cast", 2]]
    assert result["receipts_url"] == receipts_url(poll)
    assert state["poll"]["turnout_text"] == ""


def test_the_state_follows_the_quorum_rule(meeting):
    meeting.quorum_rule = "minimum"
    meeting.quorum_minimum = 2
    meeting.save()
    alpha = member_voter(meeting, "Alfa Celle AS")
    state = logged_in(alpha.user).get(state_url(meeting)).json()
    assert state["quorum_met"] is False
    assert state["quorum_text"] == "No quorum: 1 present, 2 needed"


# --- Receipts --------------------------------------------------------------------------------


def closed_secret_poll(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    beta = member_voter(meeting, "Beta Batteri AS")
    poll = motion(meeting, secret=True)
    codes = [
        vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes"),
        vote_cast(poll=poll, organisation=beta.organisation, user=beta.user, choice="blank"),
    ]
    poll = poll_close(poll=poll, actor=staff_user())
    return poll, alpha, codes


def test_the_receipt_list_shows_each_hash_with_its_choice_sorted_and_its_sha256(meeting):
    poll, alpha, codes = closed_secret_poll(meeting)

    content = logged_in(alpha.user).get(receipts_url(poll)).content.decode()

    hashes = sorted(hashlib.sha256(code.encode()).hexdigest() for code in codes)
    assert [content.index(h) for h in hashes] == sorted(content.index(h) for h in hashes)
    assert poll.receipts_fingerprint
    assert f'data-testid="receipts-fingerprint">{poll.receipts_fingerprint}<' in content
    assert "<td>Yes</td>" in content
    assert "<td>Blank</td>" in content


def test_a_voter_looks_up_a_receipt_code(meeting):
    poll, alpha, codes = closed_secret_poll(meeting)
    client = logged_in(alpha.user)

    found = client.post(receipts_url(poll), {"code": codes[0]})
    assert 'data-testid="receipt-found"' in found.content.decode()
    assert hashlib.sha256(codes[0].encode()).hexdigest() in found.content.decode()

    missing = client.post(receipts_url(poll), {"code": "not-a-code"})
    assert "No ballot in this poll has this receipt code." in missing.content.decode()
    assert 'data-testid="receipt-found"' not in missing.content.decode()


def test_there_is_no_receipt_list_while_open_or_for_a_named_poll(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    secret = motion(meeting, secret=True)
    client = logged_in(alpha.user)
    assert client.get(receipts_url(secret)).status_code == 404
    poll_close(poll=secret, actor=staff_user())
    named = motion(meeting)
    poll_close(poll=named, actor=staff_user())
    assert client.get(receipts_url(named)).status_code == 404
    assert client.get(receipts_url(secret)).status_code == 200
    other = open_meeting(year=2028)
    assert (
        client.get(
            reverse("meetings:poll_receipts", kwargs={"year": other.year, "poll_pk": secret.pk})
        ).status_code
        == 404
    )


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("organisations", [2, 8])
def test_the_live_page_makes_the_same_queries_for_few_and_many_voters(
    organisations, meeting, django_assert_num_queries
):
    voters = [member_voter(meeting, f"Velger {n} AS") for n in range(organisations)]
    poll = motion(meeting)
    for found in voters[1:]:
        vote_cast(poll=poll, organisation=found.organisation, user=found.user, choice="yes")
    client = logged_in(voters[0].user)
    # session, user, meeting, open poll, navigation organisations, the state's version, the
    # state (poll, quorum: present, voters, proxies; turnout: participations, present,
    # proxies), cast rights (representatives, proxies, roll, presence), which of them voted
    with django_assert_num_queries(18):
        assert client.get(live_url(meeting)).status_code == 200
    # the state comes from the cache while its version holds
    with django_assert_num_queries(11):
        assert client.get(live_url(meeting)).status_code == 200


@pytest.mark.parametrize("organisations", [2, 8])
def test_the_state_makes_the_same_queries_for_few_and_many_voters(
    organisations, meeting, django_assert_num_queries
):
    voters = [member_voter(meeting, f"Velger {n} AS") for n in range(organisations)]
    poll = motion(meeting)
    for found in voters:
        vote_cast(poll=poll, organisation=found.organisation, user=found.user, choice="yes")
    client = logged_in(voters[0].user)
    # session, user, navigation organisations, meeting, the state's version, then the state:
    # poll, quorum (present, voters present, proxies), turnout (participations, voters
    # present, proxies)
    with django_assert_num_queries(12):
        response = client.get(state_url(meeting))
    assert response.json()["poll"]["voted"] == organisations
    # what 300 observers ask every 3 seconds: the state from the cache under its version
    with django_assert_num_queries(5):
        assert client.get(state_url(meeting)).json()["poll"]["voted"] == organisations


# --- The projector ---------------------------------------------------------------------------


def projector_url(meeting) -> str:
    return reverse("meetings:projector", kwargs={"year": meeting.year})


def test_the_projector_shows_the_item_presence_quorum_and_turnout_then_the_result(meeting):
    alpha = member_voter(meeting, "Alfa Celle AS")
    member_voter(meeting, "Beta Batteri AS", checked_in=False)
    poll = motion(meeting)
    poll.item.title = "Budsjett 2027"
    poll.item.save()
    client = logged_in(alpha.user)

    content = client.get(projector_url(meeting)).content.decode()
    assert "Budsjett 2027" in content
    assert 'data-testid="present">1 voting organisation present<' in content
    assert 'data-testid="represented">1 vote represented<' in content
    assert "quorum--met" in content
    assert 'data-testid="turnout">0 of 1 vote represented has voted<' in content
    assert '<header class="site-header">' not in content  # full screen: no portal header

    vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")
    poll_close(poll=poll, actor=staff_user())
    closed = client.get(projector_url(meeting)).content.decode()
    assert "Adopted with 1 of 1 votes cast; required: simple majority." in closed
    assert 'data-testid="turnout"' in closed
    assert "0 of 1 vote" not in closed


def test_the_projector_is_for_members_only(meeting):
    assert Client().get(projector_url(meeting)).status_code == 302
    outsider = logged_in(member_of(OrganisationFactory()))
    assert outsider.get(projector_url(meeting)).status_code == 403


@pytest.mark.parametrize("organisations", [2, 8])
def test_the_projector_makes_the_same_queries_for_few_and_many_voters(
    organisations, meeting, django_assert_num_queries
):
    voters = [member_voter(meeting, f"Velger {n} AS") for n in range(organisations)]
    motion(meeting)
    client = logged_in(voters[0].user)
    # as the JSON state, cold and from the cache
    with django_assert_num_queries(12):
        assert client.get(projector_url(meeting)).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(projector_url(meeting)).status_code == 200
