import random

import pytest
from django.conf import settings
from django.utils import translation

from meetings.models import MajorityRule
from meetings.services.polls import poll_close, vote_cast
from meetings.services.results import election_result, motion_result, poll_result
from tests.meetings.voting import candidate_ids, election, motion, open_meeting, staff_user, voter


def motion_of(rule=MajorityRule.SIMPLE, *, yes=0, no=0, blank=0, represented=20):
    choices = ["yes"] * yes + ["no"] * no + ["blank"] * blank
    return motion_result(rule=rule, choices=choices, represented=represented)


CANDIDATES = [(11, "Kari"), (12, "Ola"), (13, "Per"), (14, "Siri")]


def votes_of(result) -> dict:
    return {c["name"]: (c["votes"], c["elected"], c["by_draw"]) for c in result["candidates"]}


def test_a_simple_majority_counts_yes_against_no_and_leaves_blanks_out():
    result = motion_of(yes=3, no=2, blank=4)
    assert (result["cast"], result["participated"], result["passed"]) == (5, 9, True)
    assert result["sentence"] == "Adopted with 3 of 5 votes cast; required: simple majority."


def test_blanks_do_not_stop_a_motion_that_has_more_yes_than_no():
    assert motion_of(yes=1, no=0, blank=10)["passed"] is True


def test_a_tie_fails_a_motion():
    result = motion_of(yes=2, no=2, blank=1)
    assert result["passed"] is False
    assert result["sentence"] == "Not adopted: a tie of 2 for and 2 against fails the motion."


def test_two_thirds_on_nine_votes_cast_six_passes():
    result = motion_of(MajorityRule.TWO_THIRDS, yes=6, no=3, blank=2)
    assert (result["cast"], result["passed"]) == (9, True)
    assert result["sentence"] == "Adopted with 6 of 9 votes cast; required: two thirds."


def test_two_thirds_with_five_of_eight_fails():
    result = motion_of(MajorityRule.TWO_THIRDS, yes=5, no=3)
    assert result["passed"] is False
    assert result["sentence"] == ("Not adopted: 5 of 8 votes cast in favour; required: two thirds.")


def test_two_thirds_needs_a_vote_cast():
    result = motion_of(MajorityRule.TWO_THIRDS, blank=4)
    assert (result["cast"], result["passed"]) == (0, False)
    assert result["sentence"] == "Not adopted: no votes were cast; required: two thirds."


def test_the_motion_result_has_the_agreed_shape():
    result = motion_of(yes=1, no=1, represented=7)
    assert set(result) == {
        "kind",
        "rule",
        "yes",
        "no",
        "blank",
        "cast",
        "participated",
        "represented",
        "passed",
        "draw_seed",
        "sentence",
    }
    assert (result["kind"], result["rule"], result["represented"]) == ("motion", "simple", 7)


def test_an_election_elects_those_with_most_votes_and_counts_blank_ballots():
    ballots = [[11, 12], [11], [12, 13], [11, 12], []]
    result = election_result(seats=2, candidates=CANDIDATES, ballots=ballots, represented=5)
    assert votes_of(result) == {
        "Kari": (3, True, False),
        "Ola": (3, True, False),
        "Per": (1, False, False),
        "Siri": (0, False, False),
    }
    assert [c["name"] for c in result["candidates"]][:2] == ["Kari", "Ola"]
    assert (result["cast"], result["blank"], result["participated"]) == (4, 1, 5)


def test_a_tie_for_the_last_seat_is_drawn_with_a_recorded_seed_that_replays():
    ballots = [[11, 12], [11, 13], [11], [12], [13], [14]]
    result = election_result(seats=2, candidates=CANDIDATES, ballots=ballots, represented=6)

    seed = result["draw_seed"]
    assert len(seed) == 32
    votes = votes_of(result)
    assert votes["Kari"] == (3, True, False)
    assert (votes["Ola"][2], votes["Per"][2], votes["Siri"][2]) == (True, True, False)
    (winner,) = random.Random(seed).sample([12, 13], 1)
    elected = {c["id"] for c in result["candidates"] if c["elected"]}
    assert elected == {11, winner}
    assert f"seed {seed}" in result["sentence"]

    replay = election_result(
        seats=2, candidates=CANDIDATES, ballots=ballots, represented=6, seed=seed
    )
    assert replay == result


def test_a_tie_that_fits_the_seats_needs_no_draw():
    ballots = [[11, 12], [11, 12], [13]]
    result = election_result(seats=2, candidates=CANDIDATES, ballots=ballots, represented=3)
    assert result["draw_seed"] == ""
    assert {c["name"] for c in result["candidates"] if c["elected"]} == {"Kari", "Ola"}
    assert result["sentence"] == "Elected to 2 seats: Kari, Ola (3 ballots naming candidates)."


def test_candidates_without_votes_are_not_elected():
    result = election_result(seats=3, candidates=CANDIDATES, ballots=[[11], []], represented=2)
    assert [c["name"] for c in result["candidates"] if c["elected"]] == ["Kari"]
    assert result["sentence"] == (
        "Elected to 3 seats: Kari (1 ballots naming candidates). "
        "Not enough candidates had votes to fill every seat."
    )
    nobody = election_result(seats=1, candidates=CANDIDATES, ballots=[[]], represented=1)
    assert nobody["sentence"] == "No one elected: no ballot named a candidate."


@pytest.mark.django_db
def test_a_closed_motion_recomputed_from_its_ballots_gives_the_stored_result():
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(9)]
    poll = motion(meeting, rule=MajorityRule.TWO_THIRDS, secret=True)
    for person, choice in zip(voters, ["yes"] * 6 + ["no"] * 2 + ["blank"], strict=True):
        vote_cast(poll=poll, organisation=person.organisation, user=person.user, choice=choice)

    poll = poll_close(poll=poll, actor=staff_user())

    assert (poll.result["cast"], poll.result["passed"], poll.result["represented"]) == (8, True, 9)
    with translation.override(settings.LANGUAGE_CODE):
        assert poll_result(poll) == poll.result
    poll.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        assert poll_result(poll) == poll.result


@pytest.mark.django_db
def test_a_closed_election_with_a_draw_recomputes_to_the_stored_result_from_its_seed():
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(4)]
    poll = election(meeting, seats=1, names=["Kari", "Ola", "Per"])
    kari, ola, _per = candidate_ids(poll, "Kari", "Ola", "Per")
    for person, marked in zip(voters, [[kari], [ola], [kari], [ola]], strict=True):
        vote_cast(
            poll=poll, organisation=person.organisation, user=person.user, candidate_ids=marked
        )

    poll = poll_close(poll=poll, actor=staff_user())
    poll.refresh_from_db()

    assert poll.draw_seed == poll.result["draw_seed"] != ""
    (winner,) = random.Random(poll.draw_seed).sample(sorted([kari, ola]), 1)
    assert [c["id"] for c in poll.result["candidates"] if c["elected"]] == [winner]
    with translation.override(settings.LANGUAGE_CODE):
        assert poll_result(poll) == poll.result
