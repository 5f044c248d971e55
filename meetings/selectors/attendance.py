"""Who is at the meeting and who may cast for whom: voting organisations, presence, votes
represented, quorum, and the cast rights of one person.

In a live meeting an organisation is present while it has an open ``Presence`` (checked in, not
left). In a written meeting nobody checks in: every organisation on the roll with a vote counts
as able to vote.

A cast right is always an organisation's, exercised by a person: its own vote through its
representative (or its deputy while the representative has not checked in), or the vote of an
organisation whose standing proxy it holds, exercised by the holder's representative. In a live
meeting the person must be the one checked in for the organisation that votes or holds the
proxy. In a written meeting the representative casts (the deputy takes over only where someone
checks in, which a written meeting has not).
"""

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meetings.models import (
    AnnualMeeting,
    ItemKind,
    MeetingMode,
    Poll,
    Presence,
    Proxy,
    QuorumRule,
    Representative,
    RollEntry,
    Standing,
)
from members.models import Organisation, User


@dataclass(frozen=True)
class QuorumState:
    """Voting organisations present, the votes they represent (own and by proxy), how many
    must be present under the meeting's quorum rule (0 without a rule) and whether they are."""

    present: int
    represented: int
    required: int
    met: bool


@dataclass(frozen=True)
class CastRight:
    """``organisation``'s vote, cast by the person asked about; ``via_proxy`` is the standing
    proxy that carries it (None for the organisation's own vote)."""

    organisation: Organisation
    via_proxy: Proxy | None = None


def voting_organisations(meeting: AnnualMeeting) -> QuerySet[Organisation]:
    """Organisations with a vote at ``meeting``: standing VOTER on its roll."""
    return Organisation.objects.filter(
        roll_entries__meeting=meeting, roll_entries__standing=Standing.VOTER
    ).order_by("name", "pk")


def present_voting_organisations(meeting: AnnualMeeting) -> QuerySet[Organisation]:
    """Voting organisations present now; in a written meeting all of them."""
    voters = voting_organisations(meeting)
    if meeting.mode == MeetingMode.WRITTEN:
        return voters
    present = Presence.objects.filter(meeting=meeting, checked_out_at__isnull=True)
    return voters.filter(pk__in=present.values("organisation_id"))


def proxies_count(meeting: AnnualMeeting, *, election: bool) -> bool:
    """Whether proxies carry votes at ``meeting`` (in an election only if its settings say so)."""
    if not meeting.proxies_allowed:
        return False
    return meeting.proxies_count_in_elections or not election


def votes_represented(meeting: AnnualMeeting, *, election: bool = False) -> int:
    """Votes the present voting organisations can cast: their own and those of voting
    organisations whose standing proxy they hold (in an election only where proxies count)."""
    present = set(present_voting_organisations(meeting).values_list("pk", flat=True))
    if not present or not proxies_count(meeting, election=election):
        return len(present)
    givers = Proxy.objects.filter(
        meeting=meeting,
        withdrawn_at__isnull=True,
        holder_id__in=present,
        giver__in=voting_organisations(meeting),
    ).values_list("giver_id", flat=True)
    return len(present | set(givers))


def quorum_state(meeting: AnnualMeeting) -> QuorumState:
    """The quorum light: NONE is always met; MINIMUM_PRESENT needs at least ``quorum_minimum``
    voting organisations present; SHARE_OF_ROLL needs ceil(``quorum_share`` x voters)."""
    present = present_voting_organisations(meeting).count()
    represented = votes_represented(meeting)
    if meeting.quorum_rule == QuorumRule.MINIMUM_PRESENT:
        required = meeting.quorum_minimum or 0
    elif meeting.quorum_rule == QuorumRule.SHARE_OF_ROLL:
        share = meeting.quorum_share or 0
        required = math.ceil(share * voting_organisations(meeting).count())
    else:
        required = 0
    return QuorumState(
        present=present, represented=represented, required=required, met=present >= required
    )


@dataclass
class _Facts:
    """What decides one person's cast rights, loaded in a fixed handful of queries."""

    meeting: AnnualMeeting
    user: User
    represents: dict[int, Representative] = field(default_factory=dict)
    standing: dict[int, str] = field(default_factory=dict)
    presence: dict[int, Presence] = field(default_factory=dict)
    proxies: list[Proxy] = field(default_factory=list)


def _facts(meeting: AnnualMeeting, user: User, organisation: Organisation | None) -> _Facts:
    facts = _Facts(meeting=meeting, user=user)
    representatives = Representative.objects.filter(meeting=meeting).filter(
        Q(user=user) | Q(deputy=user)
    )
    for representative in representatives.select_related("organisation"):
        facts.represents[representative.organisation_id] = representative
    mine = set(facts.represents)
    about = Q(holder_id__in=mine) | Q(giver_id__in=mine)
    if organisation is not None:
        about |= Q(giver=organisation)
    facts.proxies = list(
        Proxy.objects.filter(meeting=meeting).filter(about).select_related("giver", "holder")
    )
    ids = mine | {p.giver_id for p in facts.proxies} | {p.holder_id for p in facts.proxies}
    if organisation is not None:
        ids.add(organisation.pk)
    facts.standing = dict(
        RollEntry.objects.filter(meeting=meeting, organisation_id__in=ids).values_list(
            "organisation_id", "standing"
        )
    )
    if meeting.mode == MeetingMode.LIVE:
        facts.presence = {
            presence.organisation_id: presence
            for presence in Presence.objects.filter(
                meeting=meeting, checked_out_at__isnull=True, organisation_id__in=ids
            ).select_related("user")
        }
    return facts


def _refusal(message: str, **names) -> ValidationError:
    return ValidationError(message % {key: str(value) for key, value in names.items()})


def _check_voter(facts: _Facts, organisation: Organisation) -> None:
    standing = facts.standing.get(organisation.pk)
    if standing == Standing.OBSERVER:
        raise _refusal(
            _("%(org)s is an observer at this meeting and has no vote."), org=organisation
        )
    if standing != Standing.VOTER:
        raise _refusal(_("%(org)s is not on the voting roll of this meeting."), org=organisation)


def _check_speaks_for(facts: _Facts, organisation: Organisation) -> None:
    """The person may act for ``organisation`` itself: its representative, or its deputy, and
    in a live meeting the one checked in for it."""
    representative = facts.represents.get(organisation.pk)
    if representative is None:
        raise _refusal(_("You are not the voting representative of %(org)s."), org=organisation)
    is_representative = representative.user_id == facts.user.pk
    if facts.meeting.mode == MeetingMode.WRITTEN:
        if not is_representative:
            raise _refusal(
                _("In a written meeting the representative of %(org)s votes, not the deputy."),
                org=organisation,
            )
        return
    presence = facts.presence.get(organisation.pk)
    if presence is None:
        raise _refusal(_("%(org)s is not checked in: check in before you vote."), org=organisation)
    if presence.user_id == facts.user.pk:
        return
    if presence.user_id == representative.user_id:
        raise _refusal(
            _(
                "The representative of %(org)s is checked in; the deputy votes only while the "
                "representative has not checked in."
            ),
            org=organisation,
        )
    raise _refusal(
        _("%(org)s is checked in by %(person)s; only the person checked in votes for it."),
        org=organisation,
        person=presence.user.full_name or presence.user.email,
    )


def _right(facts: _Facts, organisation: Organisation, poll: Poll | None) -> CastRight:
    _check_voter(facts, organisation)
    standing = [p for p in facts.proxies if p.giver_id == organisation.pk and p.is_standing]
    held = [p for p in standing if p.holder_id in facts.represents]
    if held:
        proxy = held[0]
        election = poll is not None and poll.item.kind == ItemKind.ELECTION
        if not proxies_count(facts.meeting, election=election):
            if election:
                raise _refusal(_("Proxies do not count in elections at this meeting."))
            raise _refusal(_("This meeting does not allow proxies."))
        _check_voter(facts, proxy.holder)
        _check_speaks_for(facts, proxy.holder)
        return CastRight(organisation=organisation, via_proxy=proxy)
    if organisation.pk in facts.represents:
        if standing:
            raise _refusal(
                _("%(org)s has given its proxy to %(holder)s, whose representative votes for it."),
                org=organisation,
                holder=standing[0].holder,
            )
        _check_speaks_for(facts, organisation)
        return CastRight(organisation=organisation)
    withdrawn = [
        p
        for p in facts.proxies
        if p.giver_id == organisation.pk and p.holder_id in facts.represents
    ]
    if withdrawn:
        raise _refusal(
            _("The proxy from %(org)s was withdrawn; it no longer votes through you."),
            org=organisation,
        )
    raise _refusal(
        _("You are not the voting representative of %(org)s and hold no proxy for it."),
        org=organisation,
    )


def cast_right(
    *, meeting: AnnualMeeting, user: User, organisation: Organisation, poll: Poll | None = None
) -> CastRight:
    """``user``'s right to cast ``organisation``'s vote now (see the module docstring), or a
    ValidationError whose message says why not. Four queries."""
    return _right(_facts(meeting, user, organisation), organisation, poll)


def cast_rights(*, meeting: AnnualMeeting, user: User, poll: Poll | None = None) -> list[CastRight]:
    """Every organisation whose vote ``user`` may cast now, own first, then by proxy (by name).
    At most four queries."""
    facts = _facts(meeting, user, None)
    candidates = {pk: rep.organisation for pk, rep in facts.represents.items()}
    for proxy in facts.proxies:
        if proxy.is_standing and proxy.holder_id in facts.represents:
            candidates[proxy.giver_id] = proxy.giver
    rights = []
    for organisation in candidates.values():
        try:
            rights.append(_right(facts, organisation, poll))
        except ValidationError:
            continue
    return sorted(rights, key=lambda r: (r.via_proxy is not None, r.organisation.name))
