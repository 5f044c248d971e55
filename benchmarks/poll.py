"""A poll in a full room against gunicorn on PostgreSQL: the representatives of N voting
organisations (checked in) cast a secret ballot from 16 concurrent clients, while M observers
keep their live page fresh (half poll the JSON state as the page's script does, half reload the
whole page as a browser without JavaScript does) and a probe asks /healthz.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal python -m benchmarks --poll

Prints casts per second, the p95 of casting (the POST), of the live page and of its JSON, and of
/healthz measured in the same run, and the first two as ratios to the /healthz p95. The database
is the benchmark's own, ``portal_bench_poll`` beside DATABASE_URL's (or BENCH_POLL_DATABASE_URL),
created if missing and emptied first.
"""

import http.client
import math
import os
import random
import re
import shutil
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.databases import bench_database_url
from benchmarks.serving import STARTUP_TIMEOUT, free_port, session_for, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2027
OBSERVER_INTERVAL = 3.0  # seconds between an observer's refreshes (live.js polls every 3 s)
HEALTH_INTERVAL = 0.2
# The casting is timed for at most this long (the run stays under about two minutes); when the
# machine cannot keep up, casts per second are counted over the budget.
CAST_BUDGET_SECONDS = 75
OBSERVER_ORGANISATIONS = 30

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_FIELD = re.compile(r'name="submission_token" value="([^"]+)"')
RECEIPT = re.compile(r'data-testid="receipt-code">([^<]+)<')


@dataclass
class Samples:
    """Response times (seconds) of one kind of request, and the failures."""

    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, failure: str = "") -> None:
        with self.lock:
            if failure:
                self.failures.append(failure)
            else:
                self.times.append(seconds)

    def p95(self) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Voter:
    organisation_id: int
    session_key: str


@dataclass
class Result:
    voters: int
    observers: int
    clients: int
    workers: int
    seconds: float
    cast: Samples
    live_page: Samples
    state: Samples
    health: Samples
    counted: int

    def report(self) -> str:
        health = self.health.p95()

        def line(label: str, samples: Samples) -> str:
            p95 = samples.p95()
            return (
                f"p95 {label:<18}{p95 * 1000:7.1f} ms = {p95 / health:5.1f} x /healthz "
                f"({len(samples.times)} requests)"
            )

        lines = [
            f"Poll on gunicorn ({self.workers} workers) and PostgreSQL: {self.voters} voting "
            f"organisations casting a secret ballot from {self.clients} clients while "
            f"{self.observers} observers refresh every {OBSERVER_INTERVAL:.0f} s.",
            f"{self.counted} of {self.voters} votes counted in {self.seconds:.1f} s = "
            f"{self.counted / self.seconds:.1f} casts/s"
            + (
                f" (stopped at the {CAST_BUDGET_SECONDS} s budget)."
                if self.counted < self.voters
                else "."
            ),
            line("casting (POST)", self.cast),
            line("live page", self.live_page),
            line("live state JSON", self.state),
            f"p95 {'/healthz':<18}{health * 1000:7.1f} ms ({len(self.health.times)} requests)",
        ]
        kinds = {
            "casts": self.cast,
            "live pages": self.live_page,
            "states": self.state,
            "/healthz": self.health,
        }
        failed = {name: samples.failures for name, samples in kinds.items() if samples.failures}
        if failed:
            counts = ", ".join(f"{len(found)} {name}" for name, found in failed.items())
            first = next(iter(failed.values()))[0]
            lines.append(f"Failed requests: {counts}; first: {first}")
        return "\n".join(lines)


def configure_environment() -> str:
    url = bench_database_url(
        variable="BENCH_POLL_DATABASE_URL", name="portal_bench_poll", option="--poll"
    )
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "DJANGO_SETTINGS_MODULE": "battery_norway.settings",
        }
    )
    return url


def prepare_database() -> None:
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    importlib.import_module("members.migrations.0002_seed_reference_data").create(apps, None)
    importlib.import_module("billing.migrations.0002_series_and_seller").create(apps, None)


def create_room(voters: int, observers: int) -> tuple[list[Voter], list[str], int]:
    """An open live meeting with ``voters`` voting organisations whose representatives are
    checked in, ``observers`` people of observer organisations, and an open secret poll."""
    import datetime

    from django.utils import timezone

    from benchmarks.scale_data import organisation_numbers
    from meetings.models import (
        AgendaItem,
        AnnualMeeting,
        ItemKind,
        MeetingStatus,
        Presence,
        Representative,
        RollEntry,
        RollReason,
        Standing,
    )
    from meetings.services.polls import poll_create, poll_open
    from members.models import (
        Membership,
        MembershipStatus,
        Organisation,
        OrganisationRole,
        ParticipantType,
        Role,
        SizeBand,
        User,
    )

    now = timezone.now()
    meeting = AnnualMeeting.objects.create(
        year=YEAR,
        starts_at=now,
        place="Eyde-huset, Arendal",
        record_date=datetime.date(YEAR, 2, 1),
        status=MeetingStatus.OPEN,
        opened_at=now,
    )
    numbers = organisation_numbers()
    kinds = [(ParticipantType.CORE, voters), (ParticipantType.SUPPLIER, OBSERVER_ORGANISATIONS)]
    organisations: dict[str, list] = {}
    for kind, count in kinds:
        organisations[kind] = Organisation.objects.bulk_create(
            Organisation(
                name=f"{'Velger' if kind == ParticipantType.CORE else 'Observatør'} {n:04d} AS",
                organisation_number=next(numbers),
                street_address="Storgata 1",
                postal_code="4836",
                city="Arendal",
                invoice_email=f"faktura-{kind}-{n}@bench.example.no",
                size_band=SizeBand.SMALL,
            )
            for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(
                organisation=organisation,
                participant_type=kind,
                status=MembershipStatus.ACTIVE,
                start_date=datetime.date(YEAR - 2, 1, 1),
            )
            for organisation in organisations[kind]
        )
        RollEntry.objects.bulk_create(
            RollEntry(
                meeting=meeting,
                organisation=organisation,
                standing=Standing.VOTER if kind == ParticipantType.CORE else Standing.OBSERVER,
                reason=RollReason.CORE if kind == ParticipantType.CORE else RollReason.NOT_CORE,
            )
            for organisation in organisations[kind]
        )
    representatives = User.objects.bulk_create(
        User(email=f"representant{n}@bench.example.no", full_name=f"Representant {n}")
        for n in range(voters)
    )
    people = User.objects.bulk_create(
        User(email=f"observator{n}@bench.example.no", full_name=f"Observatør {n}")
        for n in range(observers)
    )
    voting = organisations[ParticipantType.CORE]
    watching = organisations[ParticipantType.SUPPLIER]
    OrganisationRole.objects.bulk_create(
        [
            *(
                OrganisationRole(user=user, organisation=organisation, role=Role.ADMIN)
                for user, organisation in zip(representatives, voting, strict=True)
            ),
            *(
                OrganisationRole(user=user, organisation=watching[n % len(watching)])
                for n, user in enumerate(people)
            ),
        ]
    )
    Representative.objects.bulk_create(
        Representative(meeting=meeting, organisation=organisation, user=user, named_by=user)
        for user, organisation in zip(representatives, voting, strict=True)
    )
    Presence.objects.bulk_create(
        Presence(
            meeting=meeting,
            organisation=organisation,
            user=user,
            checked_in_by=user,
            checked_in_at=now,
        )
        for user, organisation in zip(representatives, voting, strict=True)
    )
    staff = User.objects.create_user("bench-staff@example.no", is_staff=True)
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, kind=ItemKind.DECISION, title="Budsjett"
    )
    poll = poll_open(poll=poll_create(item=item, secret=True), actor=staff)
    voter_sessions = [
        Voter(organisation.pk, session_for(user))
        for user, organisation in zip(representatives, voting, strict=True)
    ]
    return voter_sessions, [session_for(user) for user in people], poll.pk


class Browser:
    """One person's cookies against the server; a new connection per request (gunicorn's sync
    workers close it after each answer)."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.cookies = {"sessionid": session_key}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "en",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()


def timed(samples: Samples, call, *, expect: int = 200) -> str | None:
    started = time.perf_counter()
    try:
        status, text = call()
    except OSError as error:
        samples.add(0.0, f"{type(error).__name__}: {error}")
        return None
    elapsed = time.perf_counter() - started
    if status != expect:
        samples.add(elapsed, f"status {status}")
        return None
    samples.add(elapsed)
    return text


def cast_votes(
    port: int, voters: list[Voter], poll_id: int, clients: int, cast: Samples, deadline: float
) -> int:
    """Each voter opens the live page, then casts yes, no or blank, until all have voted or
    the ``deadline`` (``time.perf_counter``) has passed; returns the receipts shown."""
    live = f"/meetings/{YEAR}/polls/"
    queue = list(voters)
    lock = threading.Lock()
    receipts = []
    choices = ["yes", "no", "blank"]

    def client() -> None:
        while True:
            with lock:
                if not queue or time.perf_counter() > deadline:
                    return
                voter = queue.pop()
            browser = Browser(port, voter.session_key)
            status, page = browser.request("GET", live)
            csrf, token = CSRF_FIELD.search(page), TOKEN_FIELD.search(page)
            if status != 200 or not csrf or not token:
                cast.add(0.0, f"live page for a voter: status {status}, no ballot form")
                continue
            prefix = f"org{voter.organisation_id}"
            body = {
                "csrfmiddlewaretoken": csrf[1],
                "submission_token": token[1],
                "poll": str(poll_id),
                "organisation": str(voter.organisation_id),
                f"{prefix}-choice": random.choice(choices),  # noqa: S311 -- load, not secrets
            }
            answer = timed(cast, lambda b=browser, d=body: b.request("POST", live, d))
            if answer is not None and RECEIPT.search(answer):
                with lock:
                    receipts.append(voter.organisation_id)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(receipts)


def watch(
    port: int, sessions: list[str], stop: threading.Event, live_page: Samples, state: Samples
):
    """Observers refresh every OBSERVER_INTERVAL seconds until ``stop``: the even ones poll the
    JSON, the odd ones reload the page."""

    def observer(n: int, session_key: str) -> None:
        browser = Browser(port, session_key)
        stop.wait(random.uniform(0, OBSERVER_INTERVAL))  # noqa: S311 -- spread the start
        while not stop.is_set():
            if n % 2:
                timed(live_page, lambda: browser.request("GET", f"/meetings/{YEAR}/polls/"))
            else:
                timed(state, lambda: browser.request("GET", f"/meetings/{YEAR}/polls/state.json"))
            stop.wait(OBSERVER_INTERVAL)

    threads = [
        threading.Thread(target=observer, args=(n, key), daemon=True)
        for n, key in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    return threads


def probe_health(port: int, stop: threading.Event, health: Samples) -> threading.Thread:
    def probe() -> None:
        browser = Browser(port, "")
        while not stop.is_set():
            timed(health, lambda: browser.request("GET", "/healthz"))
            stop.wait(HEALTH_INTERVAL)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    return thread


def main(*, voters: int = 300, observers: int = 300, clients: int = 16, workers: int = 4) -> Result:
    configure_environment()
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from meetings.models import Participation

    scratch = Path(tempfile.mkdtemp(prefix="poll-bench-", dir=ROOT / "var"))
    port = free_port()
    process = None
    stop = threading.Event()
    try:
        prepare_database()
        with scopes_disabled():
            voter_sessions, observer_sessions, poll_id = create_room(voters, observers)
        from django.db import connections

        connections.close_all()
        process = start_gunicorn(port, workers=workers, log_path=scratch / "gunicorn.log")
        cast, live_page, state, health = Samples(), Samples(), Samples(), Samples()
        threads = [probe_health(port, stop, health)]
        threads += watch(port, observer_sessions, stop, live_page, state)
        stop.wait(OBSERVER_INTERVAL)  # every observer is refreshing before the first cast
        started = time.perf_counter()
        deadline = started + CAST_BUDGET_SECONDS
        cast_votes(port, voter_sessions, poll_id, clients, cast, deadline)
        seconds = time.perf_counter() - started
        stop.set()
        for thread in threads:  # the requests in flight are answered before gunicorn stops
            thread.join(timeout=STARTUP_TIMEOUT)
        with scopes_disabled():
            counted = Participation.objects.filter(poll_id=poll_id).count()
        return Result(
            voters=voters,
            observers=observers,
            clients=clients,
            workers=workers,
            seconds=seconds,
            cast=cast,
            live_page=live_page,
            state=state,
            health=health,
            counted=counted,
        )
    finally:
        stop.set()
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        log = scratch / "gunicorn.log"
        if log.exists():
            shutil.copy(log, ROOT / "var" / "poll-bench-gunicorn.log")
        shutil.rmtree(scratch, ignore_errors=True)
