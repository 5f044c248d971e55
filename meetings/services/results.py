"""A poll's result, computed from its stored ballots by the rules the bylaws usually set.

Motions: votes cast are yes + no; blank ballots (and abstentions, which leave no ballot) are not
votes cast. A simple majority needs more yes than no, so a tie fails the motion; two thirds
needs yes x 3 >= cast x 2 with at least one vote cast.

Elections: each ballot names at most ``seats`` candidates (none is blank); elected are those
with most votes, at least one. A tie for the last seat(s) is decided by a draw: the tied
candidates, ordered by id, are sampled with ``random.Random(seed)``; the seed
(``secrets.token_hex(16)``) is stored in ``Poll.draw_seed`` and the result, so anyone can replay
the draw. ``by_draw`` marks every candidate whose seat the draw decided, elected or not.

These functions write nothing; ``poll_close`` stores what ``poll_result`` returns.
"""

import random
import secrets
from collections import Counter
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import Ballot, Choice, ItemKind, MajorityRule, Poll


def motion_passed(*, rule: str, yes: int, no: int) -> bool:
    cast = yes + no
    if rule == MajorityRule.TWO_THIRDS:
        return cast > 0 and yes * 3 >= cast * 2
    return yes > no


def motion_result(*, rule: str, choices: Iterable[str], represented: int) -> dict:
    """The result of a motion from its ballots' choices (yes, no, blank)."""
    counts = Counter(choices)
    yes, no, blank = counts[Choice.YES], counts[Choice.NO], counts[Choice.BLANK]
    result = {
        "kind": "motion",
        "rule": str(rule),
        "yes": yes,
        "no": no,
        "blank": blank,
        "cast": yes + no,
        "participated": yes + no + blank,
        "represented": represented,
        "passed": motion_passed(rule=rule, yes=yes, no=no),
        "draw_seed": "",
    }
    result["sentence"] = result_sentence(result)
    return result


def election_result(
    *,
    seats: int,
    candidates: list[tuple[int, str]],
    ballots: Iterable[list[int]],
    represented: int,
    seed: str = "",
) -> dict:
    """The result of an election from its ballots' candidate lists. ``candidates`` are (id,
    name) in ballot order. A tie at the last seat is drawn with ``seed``, or with a new seed when
    none is given (a recomputation passes the stored one and gets the same result)."""
    ballots = list(ballots)
    votes = Counter(pk for ballot in ballots for pk in set(ballot))
    ranked = sorted(candidates, key=lambda c: -votes[c[0]])
    with_votes = [c for c in ranked if votes[c[0]] > 0]
    elected: set[int] = set()
    drawn: set[int] = set()
    used_seed = ""
    if len(with_votes) <= seats:
        elected = {pk for pk, _name in with_votes}
    else:
        boundary = votes[with_votes[seats - 1][0]]
        elected = {pk for pk, _name in with_votes if votes[pk] > boundary}
        tied = sorted(pk for pk, _name in with_votes if votes[pk] == boundary)
        left = seats - len(elected)
        if len(tied) == left:
            elected |= set(tied)
        else:
            used_seed = seed or secrets.token_hex(16)
            elected |= set(random.Random(used_seed).sample(tied, left))  # noqa: S311 -- a replayable draw, seeded from secrets
            drawn = set(tied)
    cast = sum(1 for ballot in ballots if ballot)
    result = {
        "kind": "election",
        "seats": seats,
        "candidates": [
            {
                "id": pk,
                "name": name,
                "votes": votes[pk],
                "elected": pk in elected,
                "by_draw": pk in drawn,
            }
            for pk, name in sorted(ranked, key=lambda c: (-votes[c[0]], c[0] not in elected))
        ],
        "blank": len(ballots) - cast,
        "cast": cast,
        "participated": len(ballots),
        "represented": represented,
        "draw_seed": used_seed,
    }
    result["sentence"] = result_sentence(result)
    return result


def poll_result(poll: Poll, *, represented: int | None = None) -> dict:
    """``poll``'s result from its stored ballots. ``represented`` defaults to the stored
    result's; an election's draw replays from ``poll.draw_seed`` when one is stored."""
    if represented is None:
        represented = (poll.result or {}).get("represented", 0)
    item = poll.item
    ballots = Ballot.objects.filter(poll=poll)
    if item.kind == ItemKind.ELECTION:
        return election_result(
            seats=item.seats or 1,
            candidates=list(item.candidates.values_list("pk", "name")),
            ballots=ballots.values_list("candidates", flat=True),
            represented=represented,
            seed=poll.draw_seed,
        )
    return motion_result(
        rule=item.majority_rule,
        choices=ballots.values_list("choice", flat=True),
        represented=represented,
    )


def _motion_sentence(result: dict) -> str:
    names = {"yes": result["yes"], "no": result["no"], "cast": result["cast"]}
    if result["rule"] == MajorityRule.TWO_THIRDS:
        required = _("two thirds")
    else:
        required = _("simple majority")
    names["required"] = required
    if result["passed"]:
        return _("Adopted with %(yes)s of %(cast)s votes cast; required: %(required)s.") % names
    if result["cast"] == 0:
        return _("Not adopted: no votes were cast; required: %(required)s.") % names
    if result["yes"] == result["no"]:
        return _("Not adopted: a tie of %(yes)s for and %(no)s against fails the motion.") % names
    return (
        _("Not adopted: %(yes)s of %(cast)s votes cast in favour; required: %(required)s.") % names
    )


def _election_sentence(result: dict) -> str:
    elected = [c["name"] for c in result["candidates"] if c["elected"]]
    if not elected:
        return _("No one elected: no ballot named a candidate.")
    sentence = ngettext(
        "Elected to %(seats)s seat: %(names)s (%(cast)s ballots naming candidates).",
        "Elected to %(seats)s seats: %(names)s (%(cast)s ballots naming candidates).",
        result["seats"],
    ) % {"seats": result["seats"], "names": ", ".join(elected), "cast": result["cast"]}
    if len(elected) < result["seats"]:
        sentence += " " + _("Not enough candidates had votes to fill every seat.")
    if result["draw_seed"]:
        sentence += " " + (
            _("A tie for the last seat was decided by a draw with the seed %(seed)s.")
            % {"seed": result["draw_seed"]}
        )
    return sentence


def result_sentence(result: dict) -> str:
    """One plain sentence of why, in the active language (``poll_close`` stores it in the
    meeting's language, Norwegian bokmål)."""
    if result["kind"] == "election":
        return _election_sentence(result)
    return _motion_sentence(result)


def result_sentence_for_reader(result: dict) -> str:
    """``result_sentence`` in the active language, for pages; the stored sentence (Norwegian,
    as the minutes print it) for a result that lacks what the sentence needs."""
    try:
        return result_sentence(result)
    except KeyError:
        return result.get("sentence", "")
