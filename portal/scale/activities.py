"""Activities with participations, reporting periods, a million hour entries that follow
every hour rule, the companies' confirmations and the locked periods."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from activities.models import ActivityKind, ActivityStatus, HourlyRate, ReportingPeriod
from activities.services.periods import reporting_periods_create_quarters
from members.models import CompetenceArea, ValueChainSegment
from portal.scale.copying import at, copy_rows
from portal.scale.network import Network
from portal.scale.plan import FIRST_DAY, TODAY, YEARS, Scale

QUARTERS_PER_DAY = 96  # 24 hours
DESCRIPTIONS = (
    "Arbeidsmøte",
    "Forberedelse og oppfølging",
    "Testing i laboratoriet",
    "Rapportskriving",
    "Workshop med partnere",
    "",
)


@dataclass(frozen=True)
class Span:
    id: int
    first: int  # ordinal of the first day hours can be logged
    last: int


@dataclass
class HourTotals:
    entries: int
    # Quarter hours by (organisation id, period index): what each confirmation confirms.
    by_period: dict[tuple[int, int], int]


def build_activities(network: Network, scale: Scale, rng: random.Random) -> dict[int, list[Span]]:
    """The activities and, per organisation, the spans of the activities it takes part in."""
    segments = list(ValueChainSegment.objects.order_by("pk").values_list("pk", flat=True))
    areas = list(CompetenceArea.objects.order_by("pk").values_list("pk", flat=True))
    window_first = FIRST_DAY - datetime.timedelta(days=180)
    window_days = (TODAY - window_first).days + 120
    rows: list[tuple] = []
    decisions: list[tuple] = []
    spans: list = []
    users = [p for member in network.members for p in member.people]
    for index in range(scale.activities):
        pk = index + 1
        start = window_first + datetime.timedelta(days=rng.randint(0, window_days))
        end = start + datetime.timedelta(days=rng.randint(30, 900))
        if start > TODAY:
            status = ActivityStatus.APPROVED if index % 2 else ActivityStatus.PROPOSED
        elif end < TODAY:
            status = ActivityStatus.COMPLETED
        else:
            status = ActivityStatus.RUNNING
        kind = ActivityKind.values[index % len(ActivityKind.values)]
        owner = network.members[rng.randrange(len(network.members))]
        rows.append(
            (
                pk,
                f"Skala {kind} {index:03d}",
                kind,
                "Felles arbeid i nettverket.",
                status,
                start,
                end,
                rng.choice(users),
                owner.id,
                rng.randint(0, 400) * 5,
                owner.admin,
                at(start - datetime.timedelta(days=30)),
            )
        )
        if status != ActivityStatus.PROPOSED:
            decisions.append(
                (
                    len(decisions) + 1,
                    pk,
                    "approved",
                    network.staff_id,
                    start - datetime.timedelta(days=14),
                    "",
                    at(start - datetime.timedelta(days=14)),
                )
            )
        first, last = max(start, FIRST_DAY), min(end, TODAY)
        if first <= last:
            spans.append(Span(pk, first.toordinal(), last.toordinal()))
    copy_rows(
        "activities_activity",
        [
            "id",
            "title",
            "kind",
            "description",
            "status",
            "start_date",
            "end_date",
            "coordinator_id",
            "owner_id",
            "planned_hours",
            "proposed_by_id",
            "created_at",
        ],
        rows,
    )
    copy_rows(
        "activities_activitydecision",
        ["id", "activity_id", "outcome", "decided_by_id", "decided_on", "comment", "created_at"],
        decisions,
    )
    copy_rows(
        "activities_activity_segments",
        ("activity_id", "valuechainsegment_id"),
        ((row[0], s) for row in rows for s in sorted(rng.sample(segments, rng.randint(1, 2)))),
    )
    copy_rows(
        "activities_activity_competence_areas",
        ("activity_id", "competencearea_id"),
        ((row[0], a) for row in rows for a in sorted(rng.sample(areas, rng.randint(1, 3)))),
    )
    return _participations(network, spans, rng)


def _participations(network: Network, spans: list[Span], rng: random.Random):
    """Two to six activities an organisation (twelve for the largest), two people each."""
    taken: dict[int, list[Span]] = {}
    rows: list[tuple] = []
    people: list[tuple] = []
    for member, share in zip(network.members, network.hour_shares, strict=True):
        count = min(len(spans), 12 if share > 10_000 else rng.randint(2, 6))
        chosen = sorted(rng.sample(spans, count), key=lambda s: s.id)
        taken[member.id] = chosen
        for span in chosen:
            pk = len(rows) + 1
            rows.append((pk, span.id, member.id, at(datetime.date.fromordinal(span.first))))
            for person in sorted(rng.sample(member.people, min(2, len(member.people)))):
                people.append((pk, person))
    copy_rows(
        "activities_participation", ("id", "activity_id", "organisation_id", "joined_at"), rows
    )
    copy_rows("activities_participation_people", ("participation_id", "user_id"), people)
    return taken


def period_index(day: datetime.date) -> int:
    return (day.year - FIRST_DAY.year) * 4 + (day.month - 1) // 3


def build_hours(network: Network, taken: dict[int, list[Span]], rng: random.Random) -> HourTotals:
    """Quarter hours, at most 24 a person a day (across organisations), inside the activity's
    dates and never after ``TODAY``, by people of the organisation in activities it takes
    part in."""
    day_quarters: dict[tuple[int, int], int] = defaultdict(int)
    by_period: dict[tuple[int, int], int] = defaultdict(int)
    dates = {}

    def rows():
        pk = 0
        for member, share in zip(network.members, network.hour_shares, strict=True):
            spans = taken[member.id]
            if not spans:
                continue
            people = member.people
            for _ in range(share):
                for _attempt in range(20):
                    span = spans[rng.randrange(len(spans))]
                    day = rng.randint(span.first, span.last)
                    person = people[rng.randrange(len(people))]
                    used = day_quarters[person, day]
                    quarters = min(rng.randint(1, 32), QUARTERS_PER_DAY - used)
                    if quarters > 0:
                        break
                else:
                    continue
                day_quarters[person, day] = used + quarters
                if day not in dates:
                    dates[day] = datetime.date.fromordinal(day)
                date = dates[day]
                by_period[member.id, period_index(date)] += quarters
                pk += 1
                stamp = at(date, 16, 30)
                yield (
                    pk,
                    member.id,
                    person,
                    span.id,
                    date,
                    f"{quarters / 4:.2f}",
                    DESCRIPTIONS[pk % len(DESCRIPTIONS)],
                    person,
                    stamp,
                    stamp,
                )

    written = copy_rows(
        "activities_hourentry",
        [
            "id",
            "organisation_id",
            "person_id",
            "activity_id",
            "date",
            "hours",
            "description",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        rows(),
    )
    return HourTotals(entries=written, by_period=by_period)


def build_periods(network: Network, totals: HourTotals, rng: random.Random) -> tuple[int, int]:
    """The quarters of the five years; those whose deadline passed six weeks before ``TODAY``
    locked, every organisation's hours in them confirmed; in the last closed quarter most
    companies confirmed. Returns (confirmations, locked periods)."""
    periods: list[ReportingPeriod] = []
    for year in YEARS:
        periods.extend(reporting_periods_create_quarters(year=year))
    for year in YEARS:
        HourlyRate.objects.create(year=year, rate=900 + 50 * (year - YEARS[0]))
    members = {member.id: member for member in network.members}
    rows: list[tuple] = []
    locked = 0
    for index, period in enumerate(periods):
        lock = period.deadline + datetime.timedelta(days=45) < TODAY
        if not lock and period.end_date >= TODAY:
            continue
        for organisation_id, member in members.items():
            quarters = totals.by_period.get((organisation_id, index))
            if not quarters or not (lock or rng.random() < 0.7):
                continue
            confirmed_on = period.deadline - datetime.timedelta(days=rng.randint(0, 20))
            rows.append(
                (
                    len(rows) + 1,
                    organisation_id,
                    period.pk,
                    f"{quarters / 4:.2f}",
                    member.admin,
                    member.admin_name,
                    at(confirmed_on, 12),
                )
            )
        if lock:
            locked += 1
            ReportingPeriod.objects.filter(pk=period.pk).update(
                locked_at=at(period.deadline + datetime.timedelta(days=5), 10),
                locked_by_id=network.staff_id,
            )
    copy_rows(
        "activities_periodconfirmation",
        [
            "id",
            "organisation_id",
            "period_id",
            "hours",
            "confirmed_by_id",
            "confirmed_by_name",
            "confirmed_at",
        ],
        rows,
    )
    return len(rows), locked
