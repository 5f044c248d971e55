"""Demo activities of every kind and status, reporting periods and a year of realistic hours.

Idempotent like the member demo: rows are looked up first. Decisions, sign-ups, locks and
confirmations go through the services; the hour entries are valid by construction (inside the
activity, in quarter hours, at most one entry per person and day) and stored in bulk, because a
year of hours through the per-entry service would make `make run` slow.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    HourEntry,
    HourlyRate,
    Participation,
    ReportingPeriod,
)
from activities.services import activities as activity_services
from activities.services import periods as period_services
from members.models import Organisation, OrganisationRole, Role, User
from members.selectors import organisations_active_on
from portal.demo import data

# title, kind, status, start (days from today), length in days, planned hours
ACTIVITIES = [
    (
        "Kompetansesprint: batterifag i videregående skole",
        ActivityKind.COMPETENCE_SPRINT,
        ActivityStatus.COMPLETED,
        -330,
        60,
        400,
    ),
    (
        "Arbeidsgruppe for batterisikkerhet",
        ActivityKind.WORKING_GROUP,
        ActivityStatus.RUNNING,
        -300,
        420,
        1200,
    ),
    (
        "Verksted: sirkulære verdikjeder for litium",
        ActivityKind.WORKSHOP,
        ActivityStatus.COMPLETED,
        -200,
        2,
        120,
    ),
    (
        "Pilotprosjekt: ombruk av batterier i havbruk",
        ActivityKind.PROJECT,
        ActivityStatus.RUNNING,
        -250,
        500,
        2500,
    ),
    (
        "Batterikonferansen i Arendal",
        ActivityKind.CONFERENCE,
        ActivityStatus.COMPLETED,
        -120,
        2,
        300,
    ),
    (
        "Kurs: EUs batteriforordning i praksis",
        ActivityKind.COURSE,
        ActivityStatus.RUNNING,
        -90,
        150,
        200,
    ),
    ("Nettverksmøte for leverandører", ActivityKind.OTHER, ActivityStatus.RUNNING, -180, 365, 150),
    (
        "Kompetansesprint: universitets- og høyskolesektoren",
        ActivityKind.COMPETENCE_SPRINT,
        ActivityStatus.APPROVED,
        30,
        45,
        300,
    ),
    (
        "Forslag: felles testinfrastruktur for celler",
        ActivityKind.PROJECT,
        ActivityStatus.PROPOSED,
        60,
        365,
        3000,
    ),
    (
        "Forslag: nordisk samarbeid om gjenvinning",
        ActivityKind.WORKING_GROUP,
        ActivityStatus.PROPOSED,
        45,
        200,
        500,
    ),
    (
        "Avlyst: studietur til celleprodusenter",
        ActivityKind.OTHER,
        ActivityStatus.CANCELLED,
        -60,
        5,
        80,
    ),
]
HOURLY_RATE = Decimal(700)
ORGANISATIONS_WITH_HOURS = 12


@transaction.atomic
def seed_demo_activities(*, staff: User, steering: User) -> int:
    today = timezone.localdate()
    activities = [_activity(spec, today, staff, steering) for spec in ACTIVITIES]
    for year in (today.year - 1, today.year):
        period_services.reporting_periods_create_quarters(year=year)
        HourlyRate.objects.get_or_create(
            year=year, defaults={"rate": HOURLY_RATE, "note": "Standard sats (Innovasjon Norge)"}
        )
    active = organisations_active_on(today).order_by("name")
    organisations = list(active[:ORGANISATIONS_WITH_HOURS])
    for organisation in organisations:
        _contributors(organisation)
    # The demo logins' organisation logs hours with its own two people (no colleagues added), so
    # the demo admin's and member's hour pages are not empty.
    organisations += [
        o for o in active.filter(name__in=login_organisation_names()) if o not in organisations
    ]
    running = [a for a in activities if a.status in (ActivityStatus.RUNNING,)]
    for organisation in organisations:
        for activity in running:
            _sign_up(activity, organisation)
    # Per organisation, so a database seeded before an organisation was added gets its hours too.
    without_hours = [o for o in organisations if not o.hour_entries.exists()]
    if without_hours:
        _year_of_hours(without_hours, activities, today)
        _close_past_periods(today, staff)
    return len(activities)


def login_organisation_names() -> list[str]:
    """The organisations that the demo logins for an organisation admin and member belong to."""
    keys = {login.organisation for login in data.LOGINS if login.organisation_role == Role.ADMIN}
    return [demo.name for demo in data.ORGANISATIONS if demo.key in keys]


def _activity(spec, today, staff, steering) -> Activity:
    title, kind, status, offset, length, planned = spec
    activity = Activity.objects.filter(title=title).first()
    if activity is not None:
        return activity
    start = today + datetime.timedelta(days=offset)
    activity = activity_services.activity_propose(
        proposed_by=staff,
        title=title,
        kind=kind,
        start_date=start,
        end_date=start + datetime.timedelta(days=length),
        planned_hours=Decimal(planned),
        description="Demoaktivitet i Battery Norway-nettverket.",
        coordinator=staff,
    )
    if status == ActivityStatus.PROPOSED:
        return activity
    if status == ActivityStatus.CANCELLED:
        activity_services.activity_decide(
            activity=activity, outcome="declined", decided_by=steering, comment="For få påmeldte."
        )
        return activity
    activity_services.activity_decide(activity=activity, outcome="approved", decided_by=steering)
    activity.refresh_from_db()
    for next_status in (ActivityStatus.RUNNING, ActivityStatus.COMPLETED):
        if activity.status == status:
            break
        activity = activity_services.activity_set_status(activity=activity, status=next_status)
    return activity


COLLEAGUES = ("Astrid Berg", "Magnus Lunde", "Sigrid Nilsen")


def _contributors(organisation: Organisation) -> None:
    """Colleagues (without a login) who log hours, so every demo company has a few people."""
    domain = organisation.invoice_email.partition("@")[2] or "demo.example"
    for full_name in COLLEAGUES:
        email = f"{full_name.split()[0].lower()}@{domain}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=full_name)
        role = (
            Role.ADMIN if not organisation.roles.filter(role=Role.ADMIN).exists() else Role.MEMBER
        )
        OrganisationRole.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )


def _sign_up(activity: Activity, organisation: Organisation) -> None:
    if Participation.objects.filter(activity=activity, organisation=organisation).exists():
        return
    people = User.objects.filter(organisation_roles__organisation=organisation)
    activity_services.participation_sign_up(
        activity=activity, organisation=organisation, people=people
    )


def _year_of_hours(organisations, activities, today) -> None:
    rng = random.Random(2022)  # fixed seed: the same demo every time  # noqa: S311
    worked = [
        a for a in activities if a.status in (ActivityStatus.RUNNING, ActivityStatus.COMPLETED)
    ]
    entries = []
    for organisation in organisations:
        people = list(User.objects.filter(organisation_roles__organisation=organisation))
        for activity in worked:
            Participation.objects.get_or_create(activity=activity, organisation=organisation)
            start = max(activity.start_date, today - datetime.timedelta(days=365))
            end = min(activity.end_date, today - datetime.timedelta(days=1))
            day = start
            while day <= end:
                for person in people:
                    if day.weekday() < 5 and rng.random() < 0.12:
                        entries.append(
                            HourEntry(
                                organisation=organisation,
                                person=person,
                                activity=activity,
                                date=day,
                                hours=Decimal(rng.choice([1, 1.5, 2, 3, 4, 6, 7.5])),
                                description=rng.choice(
                                    ["Møte", "Forberedelse", "Workshop", "Rapportskriving", "Reise"]
                                ),
                                created_by=person,
                            )
                        )
                day += datetime.timedelta(days=7 if activity.kind == ActivityKind.PROJECT else 3)
    # One entry per person and day at most keeps every day far below 24 hours.
    seen, unique = set(), []
    for entry in entries:
        if (entry.person_id, entry.date) not in seen:
            seen.add((entry.person_id, entry.date))
            unique.append(entry)
    HourEntry.objects.bulk_create(unique)


def _close_past_periods(today, staff) -> None:
    for period in ReportingPeriod.objects.filter(deadline__lt=today).order_by("start_date"):
        if period.is_locked:  # locked by an earlier run: its confirmations are final
            continue
        admins = (
            OrganisationRole.objects.filter(
                role=Role.ADMIN,
                organisation__hour_entries__date__range=(period.start_date, period.end_date),
            )
            .select_related("user", "organisation")
            .distinct()
        )
        for role in admins:
            if not period.confirmations.filter(organisation=role.organisation).exists():
                period_services.hours_confirm_period(
                    organisation=role.organisation, period=period, confirmed_by=role.user
                )
        period_services.hours_lock_period(period=period, locked_by=staff, today=today)
