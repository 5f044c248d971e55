"""Member load on gunicorn while parts fail: Redis stopped for a while, the Celery worker killed
(SIGKILL) twice and restarted. Everything runs on this machine: gunicorn on a free port against
PostgreSQL, a redis-server of the benchmark's own (cache and broker), one worker, celery beat
(the schedule in the database) and a local SMTP receiver.

    python -m benchmarks --faults                      # 2 minutes
    python -m benchmarks --faults --fault-seconds 40   # the same schedule, shortened

Signed-in members (the real sign-in form) read their pages, log hours and invite colleagues from
several client threads. Prints requests per second, the 5xx rate (the goal is 0 %) and the
seconds from the last recovery until all queued work (pending tasks and outbox mails) is done.
The database is the benchmark's own, created next to DATABASE_URL's and emptied first.
"""

import datetime
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.databases import bench_database_url
from benchmarks.serving import STARTUP_TIMEOUT, free_port, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "portal_bench_faults"
PASSWORD = "bench-password-faults"  # noqa: S105  (the benchmark's own throwaway users)
SETTLE_TIMEOUT = 300
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Visibility timeout and outbox lease short, so a killed worker's work comes back in seconds.
FAST_RECOVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "OUTBOX_SENDING_LEASE_SECONDS": "10",
    "WORKER_HEARTBEAT_SECONDS": "2",
}


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | None, error: str = "") -> None:
        with self.lock:
            if status is None:
                self.errors[error] += 1
            else:
                self.statuses[status] += 1

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


@dataclass
class Result:
    seconds: float
    clients: int
    tally: Tally
    faults: list[str]
    settle_seconds: float
    after_load_seconds: float
    settled: bool
    queued_work: int

    def report(self) -> str:
        rate = self.tally.requests / self.seconds
        share = 100 * (self.tally.server_errors + sum(self.tally.errors.values()))
        share /= max(self.tally.requests, 1)
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.tally.statuses.items()))
        lines = [
            f"Fault benchmark: {self.clients} signed-in clients for {self.seconds:.0f} s on "
            f"gunicorn, PostgreSQL, its own Redis, one Celery worker.",
            "Faults: " + "; ".join(self.faults),
            f"Requests: {self.tally.requests} = {rate:.1f}/s; answers {statuses}.",
            f"5xx or no answer: {share:.2f} % (goal 0 %)"
            + (f"; connection errors {dict(self.tally.errors)}" if self.tally.errors else ""),
            (
                f"Queued work ({self.queued_work} pending tasks and mails over the run) done "
                f"{self.settle_seconds:.1f} s after the last recovery "
                f"({self.after_load_seconds:.1f} s after the load stopped)."
                if self.settled
                else f"Queued work NOT done {self.settle_seconds:.0f} s after the last recovery."
            ),
        ]
        return "\n".join(lines)


class Browser:
    """One member's cookies; a new connection per request (gunicorn's sync workers close it)."""

    def __init__(self, port: int, tally: Tally):
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
        except OSError as error:
            self.tally.add(None, type(error).__name__)
            return 0, ""
        finally:
            connection.close()
        self.tally.add(response.status)
        return response.status, text

    def post_form(self, path: str, fields: dict) -> int:
        status, page = self.request("GET", path)
        csrf = CSRF_FIELD.search(page)
        if status != 200 or not csrf:
            return status
        return self.request("POST", path, {"csrfmiddlewaretoken": csrf[1], **fields})[0]


def configure_environment(*, redis_url: str, smtp_port: int, media_root: Path, queue: str):
    url = bench_database_url(
        variable="BENCH_FAULTS_DATABASE_URL", name=DATABASE_NAME, option="--faults"
    )
    os.environ.update(
        {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(media_root),
            "CELERY_QUEUE": queue,
            "DEBUG": "false",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "DJANGO_SETTINGS_MODULE": "battery_norway.settings",
            **FAST_RECOVERY,
        }
    )


def prepare_database(clients: int, organisations: int):
    """Migrate and empty the database, a small network, and ``clients`` members who log hours."""
    import importlib

    from django.apps import apps
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from benchmarks import scale_data
    from members.models import Role
    from tests.factories import ActivityFactory, member_of, taking_part

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    importlib.import_module("members.migrations.0002_seed_reference_data").create(apps, None)
    importlib.import_module("billing.migrations.0002_series_and_seller").create(apps, None)
    importlib.import_module("portal.migrations.0002_periodic_tasks").create(apps, None)
    importlib.import_module("portal.migrations.0005_pending_tasks").schedule_dispatch(apps, None)
    with scopes_disabled():
        network = scale_data.bench_network(scale_data.Scale(organisations=organisations))
        activity = ActivityFactory(title="Fault benchmark")
        people = []
        for n in range(clients):
            organisation = network.organisation if n == 0 else None
            user = member_of(
                organisation or _an_organisation(n), Role.ADMIN, email=f"fault{n}@bench.example"
            )
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            member_organisation = user.organisation_roles.get().organisation
            taking_part(member_organisation, activity)
            people.append((user.email, user.pk, member_organisation.pk))
    return people, activity.pk


def _an_organisation(n: int):
    from benchmarks import scale_data
    from members.models import Organisation

    return Organisation.objects.filter(name__startswith=scale_data.NAME_PREFIX).order_by("pk")[n]


class RedisProcess:
    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start.")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _spawn(command: list[str], log_path: Path) -> subprocess.Popen:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT
        )


class Worker:
    def __init__(self, queue: str, log_dir: Path):
        self.queue = queue
        self.log_path = log_dir / "worker.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        celery = Path(sys.executable).parent / "celery"
        before = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        self.process = _spawn(
            [
                str(celery),
                "-A",
                "battery_norway",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"bench-faults-{self.starts}-{self.queue}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.log_path,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The worker exited; see {self.log_path}.")
            if self.log_path.read_text(errors="replace")[len(before) :].count(" ready.") > 0:
                return
            time.sleep(0.2)
        raise SystemExit(f"The worker was not ready in time; see {self.log_path}.")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def member_load(port, person, organisation_id, activity_id, tally, stop, n) -> None:
    email, user_id = person
    browser = Browser(port, tally)
    if browser.post_form("/accounts/login/", {"login": email, "password": PASSWORD}) != 302:
        tally.add(None, "sign-in failed")
        return
    pages = ["/", "/directory/", f"/organisations/{organisation_id}/", "/competence/"]
    hours = f"/organisations/{organisation_id}/hours/"
    step = 0
    while not stop.is_set():
        step += 1
        browser.request("GET", pages[step % len(pages)])
        if step % 4 == 0:
            day = datetime.date.today() - datetime.timedelta(days=1 + step % 20)
            browser.post_form(
                f"{hours}new/",
                {
                    "activity": activity_id,
                    "person": user_id,
                    "date": day.isoformat(),
                    "hours": "0,5",
                    "description": f"Load {step}",
                },
            )
        if step % 25 == 0:
            browser.post_form(
                f"/organisations/{organisation_id}/people/",
                {"email": f"colleague-{n}-{step}@bench.example", "role": "member"},
            )


def queued_work_left() -> int:
    from portal.models import EmailStatus, OutboundEmail, PendingTask

    open_mail = [EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.RETRYING]
    return PendingTask.objects.count() + OutboundEmail.objects.filter(status__in=open_mail).count()


def main(*, fault_seconds: float = 120.0, clients: int = 6, organisations: int = 200) -> Result:
    from aiosmtpd.controller import Controller

    from benchmarks.invoice_run import CountingInbox

    binary = shutil.which(os.environ.get("REDIS_SERVER", "redis-server"))
    if not binary:
        raise SystemExit("--faults needs redis-server.")
    scratch = Path(tempfile.mkdtemp(prefix="faults-", dir=ROOT / "var"))
    redis = RedisProcess(binary)
    inbox = CountingInbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    queue = f"bench-faults-{uuid.uuid4().hex[:8]}"
    worker = Worker(queue, scratch)
    processes: list[subprocess.Popen] = []
    tally = Tally()
    faults: list[str] = []
    stop = threading.Event()
    try:
        redis.start()
        controller.start()
        configure_environment(
            redis_url=redis.url, smtp_port=smtp_port, media_root=scratch / "media", queue=queue
        )
        import django

        django.setup()
        people, activity_id = prepare_database(clients, organisations)
        port = free_port()
        processes.append(start_gunicorn(port, workers=2, log_path=scratch / "gunicorn.log"))
        processes.append(
            _spawn(
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "battery_norway",
                    "beat",
                    "--loglevel=WARNING",
                ],
                scratch / "beat.log",
            )
        )
        worker.start()

        threads = [
            threading.Thread(
                target=member_load,
                args=(port, (email, user_id), organisation_id, activity_id, tally, stop, n),
                daemon=True,
            )
            for n, (email, user_id, organisation_id) in enumerate(people)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()

        def at(fraction: float) -> None:
            time.sleep(max(0.0, started + fraction * fault_seconds - time.monotonic()))

        def moment() -> str:
            return f"{time.monotonic() - started:.0f} s"

        at(0.10)
        redis.stop()
        faults.append(f"Redis stopped at {moment()}")
        at(0.35)  # 30 s of the 2 minutes
        redis.start()
        faults.append(f"started at {moment()}")
        at(0.50)
        worker.kill()
        faults.append(f"worker killed at {moment()}")
        at(0.55)
        worker.start()
        faults.append(f"restarted at {moment()}")
        at(0.70)
        worker.kill()
        faults.append(f"killed at {moment()}")
        at(0.75)
        worker.start()
        recovered = time.monotonic()
        faults.append(f"restarted at {moment()}")
        at(1.0)
        stop.set()
        for thread in threads:
            thread.join(60)
        ended = time.monotonic()
        seconds = ended - started

        from portal.models import OutboundEmail, PendingTask

        queued = OutboundEmail.objects.count() + PendingTask.objects.count()
        deadline = recovered + SETTLE_TIMEOUT
        while queued_work_left() and time.monotonic() < deadline:
            time.sleep(0.5)
        settled = queued_work_left() == 0
        return Result(
            seconds=seconds,
            clients=clients,
            tally=tally,
            faults=faults,
            settle_seconds=time.monotonic() - recovered,
            after_load_seconds=time.monotonic() - ended,
            settled=settled,
            queued_work=queued,
        )
    finally:
        stop.set()
        worker.stop()
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        controller.stop()
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)
