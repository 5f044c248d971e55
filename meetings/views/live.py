"""What the live pages show of the meeting right now (the poll page, the projector and the
staff room), rendered once on the page and again as JSON for their refresh
(``static/meetings/live.js``).

While a poll is open only its turnout is shown, never a count of choices; after close the
result the server computed and stored at close (``Poll.result``).

Hundreds of observers ask for the same state every few seconds, so it is cached under its
version (``live_version``, one query): a new version, and so a fresh state, with every event of
the meeting (a check-in, a poll opened or closed, the meeting opened or closed) and every vote.
"""

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext

from meetings.models import (
    AnnualMeeting,
    ItemKind,
    MajorityRule,
    MeetingEvent,
    Participation,
    Poll,
    PollStatus,
    QuorumRule,
)
from meetings.selectors.attendance import quorum_state
from meetings.selectors.polls import poll_live_state
from meetings.services.results import result_sentence_for_reader


def current_poll(meeting: AnnualMeeting) -> Poll | None:
    """The open poll, else the one closed last; None before the first poll opens."""
    polls = Poll.objects.select_related("item").filter(item__meeting=meeting)
    poll = polls.filter(status=PollStatus.OPEN).order_by("item__position").first()
    if poll is None:
        poll = polls.filter(status=PollStatus.CLOSED).order_by("-closed_at", "-pk").first()
    if poll is not None:
        poll.item.meeting = meeting
    return poll


def rule_label(poll: Poll) -> str:
    item = poll.item
    if item.kind == ItemKind.ELECTION:
        return ngettext(
            "Election of %(seats)d: those with most votes are elected",
            "Election of %(seats)d: those with most votes are elected",
            item.seats or 1,
        ) % {"seats": item.seats or 1}
    return str(MajorityRule(item.majority_rule).label)


def quorum_text(meeting: AnnualMeeting, quorum) -> str:
    if meeting.quorum_rule == QuorumRule.NONE:
        return gettext("No quorum rule")
    values = {"present": quorum.present, "required": quorum.required}
    if quorum.met:
        return gettext("Quorum: %(present)s present, %(required)s needed") % values
    return gettext("No quorum: %(present)s present, %(required)s needed") % values


def turnout_text(voted: int, represented: int) -> str:
    return ngettext(
        "%(voted)s of %(represented)s vote represented has voted",
        "%(voted)s of %(represented)s votes represented have voted",
        represented,
    ) % {"voted": voted, "represented": represented}


def result_rows(result: dict) -> list[list]:
    """The result as label/value rows, for the page's table and the JSON alike."""
    if result.get("kind") == "election":
        rows = []
        for candidate in result.get("candidates", []):
            label = candidate["name"]
            if candidate.get("elected"):
                label = (
                    gettext("%(name)s (elected by draw)")
                    if candidate.get("by_draw")
                    else gettext("%(name)s (elected)")
                ) % {"name": candidate["name"]}
            rows.append([label, candidate["votes"]])
        rows.append([gettext("Ballots"), result.get("participated", 0)])
        return rows
    return [
        [gettext("Yes"), result.get("yes", 0)],
        [gettext("No"), result.get("no", 0)],
        [gettext("Blank"), result.get("blank", 0)],
        [gettext("Votes cast"), result.get("cast", 0)],
        [gettext("Votes represented"), result.get("represented", 0)],
    ]


def poll_state(meeting: AnnualMeeting, poll: Poll | None) -> dict:
    """The live state as plain data (JSON): the meeting's presence and quorum, the poll's item,
    rule and status, its turnout while open and its result once closed."""
    quorum = quorum_state(meeting)
    state = {
        "meeting_status": meeting.status,
        "meeting_status_label": str(meeting.get_status_display()),
        "present": quorum.present,
        "represented": quorum.represented,
        "present_text": ngettext(
            "%(count)s voting organisation present",
            "%(count)s voting organisations present",
            quorum.present,
        )
        % {"count": quorum.present},
        "represented_text": ngettext(
            "%(count)s vote represented", "%(count)s votes represented", quorum.represented
        )
        % {"count": quorum.represented},
        "quorum_met": bool(quorum.met),
        "quorum_text": quorum_text(meeting, quorum),
        "poll": None,
        "version": "none",
    }
    if poll is None:
        return state
    info = {
        "id": poll.pk,
        "item": str(poll.item),
        "status": poll.status,
        "status_label": str(poll.get_status_display()),
        "secret": poll.secret,
        "secret_label": gettext("Secret ballot") if poll.secret else gettext("Named vote"),
        "rule": rule_label(poll),
        "turnout_text": "",
        "result": None,
    }
    live = poll_live_state(poll)
    if live.status == PollStatus.OPEN:
        info["voted"] = live.participated
        info["turnout_text"] = turnout_text(live.participated or 0, live.represented or 0)
    elif live.result:
        info["result"] = {
            "sentence": result_sentence_for_reader(live.result),
            "passed": live.result.get("passed"),
            "rows": result_rows(live.result),
            "receipts_url": reverse(
                "meetings:poll_receipts", kwargs={"year": meeting.year, "poll_pk": poll.pk}
            )
            if poll.secret
            else "",
        }
    state["poll"] = info
    state["version"] = f"{poll.pk}:{poll.status}"
    return state


STATE_CACHE_SECONDS = 60


def live_version(meeting: AnnualMeeting) -> tuple[int, int]:
    """What changes whenever the live state does: the meeting's last event and the number of
    votes cast in its open polls (ballots leave no event). One query."""
    last_event = (
        MeetingEvent.objects.filter(meeting=OuterRef("pk")).order_by("-sequence").values("sequence")
    )
    votes = (
        Participation.objects.filter(
            poll__item__meeting=OuterRef("pk"), poll__status=PollStatus.OPEN
        )
        .order_by()
        .values("poll__item__meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last, voted = (
        AnnualMeeting.objects.filter(pk=meeting.pk)
        .annotate(last_event=Subquery(last_event[:1]), voted=Subquery(votes[:1]))
        .values_list("last_event", "voted")
        .get()
    )
    return last or 0, voted or 0


def live_state(meeting: AnnualMeeting) -> dict:
    """``poll_state`` of the current poll, from the cache while its version holds."""
    last_event, voted = live_version(meeting)
    key = f"meetings:live:{meeting.pk}:{meeting.status}:{last_event}:{voted}:{get_language()}"
    state = cache.get(key)
    if state is None:
        state = poll_state(meeting, current_poll(meeting))
        cache.set(key, state, STATE_CACHE_SECONDS)
    return state
