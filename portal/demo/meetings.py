"""Demo annual meetings: last March's, held in full with approved minutes, and next March's,
with the notice sent, representatives, a deputy, a standing proxy and a member's proposal.

Idempotent like the rest of the demo: a meeting whose year exists is left as it is. Every step
that carries a rule goes through the meetings services (notice, representatives, proxies,
check-in, polls, votes, closing, minutes), so the roll, the event chain and the minutes are
what the portal itself would have written. Agenda items, candidates and the officers are rows
the secretariat edits in the admin; they are written the same way here. The services queue
their e-mails (the notice, proxy receipts) to the fictional ``.example`` addresses; the held
meeting's notices are delivered before its minutes are drafted, so the minutes show them sent.

The services stamp the time they run: the held meeting's events carry the day the demo was
loaded, and its notice is recorded as late, with the reason.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    AnnualMeeting,
    Candidate,
    Choice,
    ItemKind,
    MajorityRule,
    MeetingOfficer,
    OfficerRole,
    Poll,
)
from meetings.services.lifecycle import meeting_close, meeting_open
from meetings.services.minutes import minutes_approve, minutes_draft
from meetings.services.notice import notice_is_late, notice_send_execute, notice_send_start
from meetings.services.polls import poll_close, poll_create, poll_open, vote_cast
from meetings.services.presence import check_in, check_out
from meetings.services.proposals import proposal_submit
from meetings.services.representation import proxy_give, representative_name
from members import services as member_services
from members.models import Organisation, Role, User
from portal.demo import data
from portal.outbox import TransientEmailError, email_claim, email_deliver

PLACE = "Nordlys Battericeller, Industriveien 12, Mo i Rana"
ONLINE_LINK = "https://mote.battery-norway.example/arsmote"
HELD_LATE_REASON = "Demodata: lagt inn etter møtet."
UPCOMING_LATE_REASON = "Demodata: lagt inn mindre enn fire uker før møtet."

ADMIN = "admin@nordlys-battericeller.example"
MEMBER = "medlem@nordlys-battericeller.example"
KARI = "kari.haugen@skarvik-anode.example"
JONAS = "jonas.eide@helgeland-katode.example"
INGRID = "ingrid.lie@grenland-gjenvinning.example"
ERIK = "erik.strand@nordkraft-batteri.example"
MARIT = "marit.solheim@raumadal-batteripakker.example"
HAKON = "hakon.tveit@tinnsjo-litium.example"
SIRI = "siri.johansen@ofoten-battery-systems.example"
ANDERS = "anders.bakke@vestfold-batterisirkel.example"
TONE = "tone.aune@nordkraft-produksjon.example"

# Core companies with nobody in the network get an administrator who represents them. None of
# them logs demo hours, so the hours stay the same on every seed.
PEOPLE = (
    (MARIT, "Marit Solheim", "raumadal-batteripakker"),
    (HAKON, "Håkon Tveit", "tinnsjo-litium"),
    (SIRI, "Siri Johansen", "ofoten-battery-systems"),
    (ANDERS, "Anders Bakke", "vestfold-batterisirkel"),
    (TONE, "Tone Aune", "nordkraft-produksjon"),
)


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    description: str = ""
    rule: str = MajorityRule.SIMPLE
    seats: int | None = None
    candidates: tuple[tuple[str, str], ...] = ()  # (name, organisation key)
    secret: bool = False
    outcome: str = ""


def _held_agenda(year: int) -> tuple[Item, ...]:
    return (
        Item(
            ItemKind.INFORMATION,
            f"Årsberetning {year - 1}",
            "Styrets beretning om nettverkets arbeid i fjor.",
            outcome=f"Årsberetningen for {year - 1} ble tatt til orientering.",
        ),
        Item(ItemKind.DECISION, f"Regnskap {year - 1}", "Styret foreslår å godkjenne regnskapet."),
        Item(
            ItemKind.BYLAW_CHANGE,
            "Endring av vedtektene § 4 (medlemskap)",
            "Leverandører kan bli kjernebedrifter etter ett års deltakelse.",
            rule=MajorityRule.TWO_THIRDS,
            secret=True,
        ),
        Item(
            ItemKind.ELECTION,
            "Valg av styremedlemmer",
            "To styremedlemmer velges for to år.",
            seats=2,
            candidates=(
                ("Kari Haugen", "skarvik-anode"),
                ("Erik Strand", "nordkraft-batteri"),
                ("Siri Johansen", "ofoten-battery-systems"),
            ),
            secret=True,
        ),
    )


def _upcoming_agenda(year: int) -> tuple[Item, ...]:
    return (
        Item(ItemKind.INFORMATION, f"Årsberetning {year - 1}", "Styrets beretning for fjoråret."),
        Item(ItemKind.DECISION, f"Regnskap {year - 1}", "Styret foreslår å godkjenne regnskapet."),
        Item(
            ItemKind.DECISION,
            f"Kontingent og budsjett {year}",
            "Styret foreslår uendret kontingent og legger fram budsjettet.",
        ),
        Item(
            ItemKind.BYLAW_CHANGE,
            "Endring av vedtektene § 7 (fullmakter)",
            "Én representant kan bære inntil to fullmakter.",
            rule=MajorityRule.TWO_THIRDS,
        ),
        Item(
            ItemKind.ELECTION,
            "Valg av styremedlemmer",
            "To styremedlemmer velges for to år.",
            seats=2,
            candidates=(
                ("Jonas Eide", "helgeland-katode"),
                ("Ingrid Lie", "grenland-gjenvinning"),
                ("Marit Solheim", "raumadal-batteripakker"),
            ),
            secret=True,
        ),
    )


# The held meeting: representative (organisation key, e-mail); who checked in, and how each
# present voting organisation (or the proxy it holds) voted. Candidates by name.
HELD_REPRESENTATIVES = (
    ("nordlys-battericeller", ADMIN),
    ("skarvik-anode", KARI),
    ("helgeland-katode", JONAS),
    ("grenland-gjenvinning", INGRID),
    ("nordkraft-batteri", ERIK),
    ("raumadal-batteripakker", MARIT),
    ("tinnsjo-litium", HAKON),
    ("ofoten-battery-systems", SIRI),  # named, but did not come
)
HELD_PROXY = ("vestfold-batterisirkel", ANDERS, "grenland-gjenvinning", "Stem for regnskapet.")
HELD_ABSENT = ("ofoten-battery-systems",)
CHECKED_IN_BY_STAFF = "tinnsjo-litium"
LEFT_AND_CAME_BACK = "raumadal-batteripakker"
HELD_VOTES: dict[int, dict[str, str | tuple[str, ...]]] = {
    # position -> organisation key -> choice, or the candidates marked
    2: {
        "nordlys-battericeller": Choice.YES,
        "skarvik-anode": Choice.YES,
        "helgeland-katode": Choice.YES,
        "grenland-gjenvinning": Choice.YES,
        "vestfold-batterisirkel": Choice.YES,
        "nordkraft-batteri": Choice.YES,
        "tinnsjo-litium": Choice.YES,
        "raumadal-batteripakker": Choice.BLANK,
    },
    3: {
        "nordlys-battericeller": Choice.YES,
        "skarvik-anode": Choice.YES,
        "helgeland-katode": Choice.YES,
        "grenland-gjenvinning": Choice.YES,
        "nordkraft-batteri": Choice.YES,
        "vestfold-batterisirkel": Choice.NO,
        "tinnsjo-litium": Choice.NO,
        "raumadal-batteripakker": Choice.BLANK,
    },
    4: {
        "nordlys-battericeller": ("Kari Haugen", "Siri Johansen"),
        "skarvik-anode": ("Kari Haugen", "Erik Strand"),
        "helgeland-katode": ("Kari Haugen", "Erik Strand"),
        "grenland-gjenvinning": ("Erik Strand", "Siri Johansen"),
        "vestfold-batterisirkel": ("Kari Haugen",),
        "nordkraft-batteri": ("Kari Haugen", "Erik Strand"),
        "tinnsjo-litium": ("Siri Johansen",),
        "raumadal-batteripakker": (),
    },
}
HELD_OFFICERS = ((OfficerRole.CO_SIGNER, JONAS), (OfficerRole.CO_SIGNER, INGRID))

# The upcoming meeting: representative and deputy; a standing proxy with an instruction.
UPCOMING_REPRESENTATIVES = (
    ("nordlys-battericeller", ADMIN, MEMBER),
    ("skarvik-anode", KARI, None),
    ("helgeland-katode", JONAS, None),
    ("grenland-gjenvinning", INGRID, None),
    ("nordkraft-batteri", ERIK, None),
    ("raumadal-batteripakker", MARIT, None),
    ("tinnsjo-litium", HAKON, None),
    ("ofoten-battery-systems", SIRI, None),
    ("vestfold-batterisirkel", ANDERS, None),
)
UPCOMING_PROXY = (
    "nordkraft-produksjon",
    TONE,
    "nordkraft-batteri",
    "Stem for styrets forslag til vedtektsendring; stem blankt i valget.",
)
PROPOSAL = (
    "nordlys-battericeller",
    MEMBER,
    "Felles opplæringsprogram for operatører",
    "Nettverket bør sammen med fagskolene utvikle et felles opplæringsprogram for "
    "celleoperatører, slik at bedriftene kan rekruttere fra samme kull.",
)


def _second_thursday_of_march(year: int) -> datetime.date:
    first = datetime.date(year, 3, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 7)


def demo_meeting_years(today: datetime.date) -> tuple[int, int]:
    """The year of the last meeting held (March of this year once it has passed) and the
    next one's."""
    held = today.year if today > _second_thursday_of_march(today.year) else today.year - 1
    return held, held + 1


@transaction.atomic
def seed_demo_meetings(*, staff: User) -> list[AnnualMeeting]:
    """The held and the upcoming demo meeting, created once; returns both."""
    organisations = {
        demo.key: Organisation.objects.get(name=demo.name) for demo in data.ORGANISATIONS
    }
    _people(organisations)
    held, upcoming = demo_meeting_years(timezone.localdate())
    return [
        AnnualMeeting.objects.filter(year=held).first()
        or _held_meeting(held, staff=staff, organisations=organisations),
        AnnualMeeting.objects.filter(year=upcoming).first()
        or _upcoming_meeting(upcoming, staff=staff, organisations=organisations),
    ]


def _people(organisations) -> None:
    for email, full_name, key in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=full_name)
        member_services.person_add(organisation=organisations[key], user=user, role=Role.ADMIN)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _meeting(year: int, *, record_date: datetime.date) -> AnnualMeeting:
    meeting = AnnualMeeting(
        year=year,
        starts_at=_at(_second_thursday_of_march(year), 17),
        place=PLACE,
        online_link=ONLINE_LINK,
        record_date=record_date,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def _agenda(meeting: AnnualMeeting, items: tuple[Item, ...], organisations) -> dict[int, Poll]:
    """The items and candidates, as the secretariat enters them, and the votable items' polls."""
    polls = {}
    for position, spec in enumerate(items, start=1):
        item = AgendaItem(
            meeting=meeting,
            position=position,
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            majority_rule=spec.rule,
            seats=spec.seats,
            outcome=spec.outcome,
        )
        item.full_clean()
        item.save()
        for order, (name, key) in enumerate(spec.candidates, start=1):
            Candidate.objects.create(
                item=item, name=name, organisation=organisations[key], position=order
            )
        if item.is_votable:
            polls[position] = poll_create(item=item, secret=spec.secret)
    return polls


def _send_notice(meeting: AnnualMeeting, *, staff: User, late_reason: str) -> None:
    late = late_reason if notice_is_late(meeting) else ""
    job = notice_send_start(meeting=meeting, actor=staff, late_reason=late)
    # The job's task runs after the commit; run it now so the dispatch log is there at once
    # (the task then finds the job done and does nothing).
    notice_send_execute(job_id=job.pk)


def _held_meeting(year: int, *, staff: User, organisations) -> AnnualMeeting:
    meeting = _meeting(year, record_date=datetime.date(year, 2, 1))
    polls = _agenda(meeting, _held_agenda(year), organisations)
    _send_notice(meeting, staff=staff, late_reason=HELD_LATE_REASON)
    representatives = {}
    for key, email in HELD_REPRESENTATIVES:
        user = _user(email)
        representative_name(meeting=meeting, organisation=organisations[key], user=user, actor=user)
        representatives[key] = user
    giver, giver_admin, holder, instruction = HELD_PROXY
    proxy_give(
        meeting=meeting,
        giver=organisations[giver],
        holder=organisations[holder],
        instruction=instruction,
        actor=_user(giver_admin),
    )

    meeting_open(meeting=meeting, actor=staff)
    for key, user in representatives.items():
        if key in HELD_ABSENT:
            continue
        actor = staff if key == CHECKED_IN_BY_STAFF else user
        check_in(meeting=meeting, organisation=organisations[key], user=user, actor=actor)
    away = organisations[LEFT_AND_CAME_BACK]
    check_out(meeting=meeting, organisation=away, actor=representatives[LEFT_AND_CAME_BACK])
    check_in(
        meeting=meeting,
        organisation=away,
        user=representatives[LEFT_AND_CAME_BACK],
        actor=representatives[LEFT_AND_CAME_BACK],
    )

    caster = {**representatives, giver: representatives[holder]}
    for position, votes in HELD_VOTES.items():
        poll = polls[position]
        poll_open(poll=poll, actor=staff)
        candidates = dict(poll.item.candidates.values_list("name", "pk"))
        for key, choice in votes.items():
            if isinstance(choice, tuple):
                vote_cast(
                    poll=poll,
                    organisation=organisations[key],
                    user=caster[key],
                    candidate_ids=[candidates[name] for name in choice],
                )
            else:
                vote_cast(
                    poll=poll, organisation=organisations[key], user=caster[key], choice=choice
                )
        poll_close(poll=poll, actor=staff)
    meeting_close(meeting=meeting, actor=staff)
    _deliver_notice(meeting)

    officers = [staff]
    MeetingOfficer.objects.create(meeting=meeting, user=staff, role=OfficerRole.CHAIR)
    for role, email in HELD_OFFICERS:
        officer = _user(email)
        MeetingOfficer.objects.create(meeting=meeting, user=officer, role=role)
        officers.append(officer)
    minutes = minutes_draft(meeting=meeting, actor=staff)
    for officer in officers:
        minutes_approve(minutes=minutes, user=officer)
    meeting.refresh_from_db()
    return meeting


def _deliver_notice(meeting: AnnualMeeting) -> None:
    """Hand the held meeting's notices to the mail server now, so its minutes record them as
    delivered: the outbox's own tasks run only once the demo's transaction has committed (and
    then find them sent)."""
    for email_id in meeting.notice_recipients.exclude(outbound_email=None).values_list(
        "outbound_email_id", flat=True
    ):
        email = email_claim(email_id=email_id)
        if email is None:
            continue
        try:
            email_deliver(email=email)
        except TransientEmailError:
            continue  # no mail server now: the outbox retries it, the minutes say "being sent"


def _upcoming_meeting(year: int, *, staff: User, organisations) -> AnnualMeeting:
    # The record date may lie ahead: the roll is derived from the memberships standing then,
    # as they are known when the notice freezes it.
    meeting = _meeting(year, record_date=datetime.date(year, 2, 1))
    _agenda(meeting, _upcoming_agenda(year), organisations)
    _send_notice(meeting, staff=staff, late_reason=UPCOMING_LATE_REASON)
    for key, email, deputy in UPCOMING_REPRESENTATIVES:
        user = _user(email)
        representative_name(
            meeting=meeting,
            organisation=organisations[key],
            user=user,
            deputy=_user(deputy) if deputy else None,
            actor=user,
        )
    giver, giver_admin, holder, instruction = UPCOMING_PROXY
    proxy_give(
        meeting=meeting,
        giver=organisations[giver],
        holder=organisations[holder],
        instruction=instruction,
        actor=_user(giver_admin),
    )
    key, email, title, text = PROPOSAL
    if timezone.localdate() <= meeting.proposals_due:
        proposal_submit(
            meeting=meeting,
            organisation=organisations[key],
            title=title,
            text=text,
            actor=_user(email),
        )
    meeting.refresh_from_db()
    return meeting
