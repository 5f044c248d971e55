"""The whole stack while one part fails: Redis, the Celery worker, or the mail server.

Members sign in, invite a colleague and log hours; staff start an invoice run that sends the
invoices. Each scenario runs while one part is down, then brings it back: no request answers
500, every e-mail arrives exactly once, every job finishes once. One Redis of the module's own
(cache and broker, ``tests/redis_server.py``) and one SMTP receiver serve every scenario, each
with a worker process of its own; the test client talks to the real PostgreSQL.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import HourEntry
from battery_norway.celery import app as celery_app
from billing import selectors as billing_selectors
from billing.models import Invoice, InvoiceRun
from billing.services import runs
from members.models import Invitation, Role
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail, PendingTask
from portal.queue import pending_tasks_dispatch
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    fee_schedule,
    member_of,
    taking_part,
)
from tests.integration.conftest import WORKER_START_TIMEOUT, WorkerProcess, _test_database_url
from tests.redis_server import RedisServer, fallback_cache_settings
from tests.smtp import Inbox, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

YEAR = 2026
PASSWORD = "correct-horse-battery"
PARTICIPANTS = 2
HEARTBEAT_SECONDS = 0.5
HEARTBEAT_STALE = 2
SETTLE_TIMEOUT = 60
MAIL_RETRY_TIMEOUT = 100
WAITING_TEXT = "Waiting for the task queue; it starts as soon as the queue is back."


class RefusingInbox(Inbox):
    """Answers 451 (try again later) to every sender while ``refusing``: a mail server that is
    there but does not take mail, which the outbox retries with backoff."""

    refusing = False

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.refusing:
            return "451 4.3.2 Not accepting mail right now"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    """The module's Redis, mail server and worker, each of which a scenario may take away."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("The fault tests need a PostgreSQL DATABASE_URL shared with the worker.")
    redis_server = RedisServer()
    redis_server.start()
    inbox = RefusingInbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    queue = f"portal-faults-{uuid.uuid4().hex[:12]}"
    stack = Stack(
        redis_server=redis_server,
        inbox=inbox,
        queue=queue,
        env={
            **os.environ,
            "DATABASE_URL": _test_database_url(database_url),
            "REDIS_URL": redis_server.url,
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CONN_MAX_AGE": "0",
            "WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        },
    )
    try:
        stack.start_worker()
        yield stack
    finally:
        stack.stop_worker()
        controller.stop()
        redis_server.stop()


class Stack:
    def __init__(self, *, redis_server, inbox, queue, env):
        self.redis_server = redis_server
        self.inbox = inbox
        self.queue = queue
        self.env = env
        self.worker: WorkerProcess | None = None
        self.log_dir = Path(settings.MEDIA_ROOT).parent / "fault-worker-logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.starts = 0
        self.used = False

    def start_worker(self) -> None:
        self.starts += 1
        log_path = self.log_dir / f"{self.queue}-{self.starts}.log"
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "battery_norway",
            "worker",
            "--pool=solo",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{self.starts}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.worker = WorkerProcess(process, log_path)
        self.worker.wait_until_ready(WORKER_START_TIMEOUT)

    def kill_worker(self) -> None:
        self.worker.process.send_signal(signal.SIGKILL)
        self.worker.process.wait(timeout=10)

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop(20)

    def ensure_up(self) -> None:
        """Everything running, with a worker that has seen only this test's database.

        Each test's flush recreates the content types under new ids; a worker kept from an
        earlier test would still hold the old ones in its cache.
        """
        if self.redis_server.process is None:
            self.redis_server.start()
        if self.used:
            self.stop_worker()
        if self.worker is None or self.worker.process.poll() is not None:
            self.start_worker()
        self.used = True
        self.inbox.refusing = False


@pytest.fixture
def up(stack, settings):
    """Everything running; the test process's cache and producer use the module's Redis."""
    stack.ensure_up()
    settings.REDIS_URL = stack.redis_server.url
    settings.CACHES = fallback_cache_settings(stack.redis_server.url)
    settings.WORKER_HEARTBEAT_STALE_SECONDS = HEARTBEAT_STALE
    previous = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    celery_app.conf.broker_url = stack.redis_server.url
    celery_app.conf.task_default_queue = stack.queue
    celery_app._after_fork()  # forget the connection pool of the previous broker URL
    stack.inbox.received_mail.clear()
    yield stack
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = previous
    celery_app._after_fork()
    caches["default"]._local.clear()
    for pool in caches["default"]._cache._pools.values():
        pool.disconnect()


class Browser:
    """A test client that remembers every status it was answered."""

    def __init__(self):
        self.client = Client(headers={"accept-language": "en"})
        self.statuses: list[tuple[str, int]] = []

    def _record(self, path, response):
        self.statuses.append((path, response.status_code))
        return response

    def get(self, path, **kwargs):
        return self._record(path, self.client.get(path, **kwargs))

    def post(self, path, data, **kwargs):
        return self._record(path, self.client.post(path, data, **kwargs))

    def sign_in(self, email: str) -> None:
        response = self.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]


def _members():
    fee_schedule(YEAR, amount=Decimal("10000"))
    organisations = []
    for n in range(PARTICIPANTS):
        organisation = OrganisationFactory(
            name=f"Celle {n} AS", invoice_email=f"faktura{n}@celle.example"
        )
        MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
        organisations.append(organisation)
    admin = member_of(organisations[0], Role.ADMIN, email="kari@celle.example")
    activity = taking_part(organisations[0]).activity
    staff = UserFactory(is_staff=True, email="sekretariat@batterynorway.example")
    return organisations, admin, activity, staff


def _scenario(*, expect_waiting: bool = False) -> tuple[list[Browser], int]:
    """Sign in, invite, log hours, start the invoice run and the statements; the browsers and
    the run's job id. ``expect_waiting``: the statements page says it waits for the queue."""
    organisations, admin, activity, staff = _members()
    member = Browser()
    member.sign_in(admin.email)
    people = reverse("members:people", kwargs={"pk": organisations[0].pk})
    member.post(people, {"email": "per@celle.example", "role": "member"}, follow=True)
    member.get(reverse("members:home"))
    hours = reverse("activities:hour_create", kwargs={"pk": organisations[0].pk})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    member.post(
        hours,
        {
            "activity": activity.pk,
            "person": admin.pk,
            "date": yesterday.isoformat(),
            "hours": "1,5",
            "description": "Workshop",
        },
        follow=True,
    )

    secretariat = Browser()
    secretariat.client.force_login(staff)  # staff sign in with a second factor
    plan = runs.plan_fingerprint(billing_selectors.run_plan(year=YEAR))
    response = secretariat.post(
        reverse("billing:run_confirm"), {"year": YEAR, "fingerprint": plan}, follow=True
    )
    run_job = InvoiceRun.objects.get().job_id
    assert response.redirect_chain[-1][0] == reverse("portal:job", kwargs={"pk": run_job})
    response = secretariat.post(reverse("activities:staff_hours"), {"year": yesterday.year})
    statements_job = Job.objects.exclude(pk=run_job).get().pk
    assert response["Location"] == reverse("portal:job", kwargs={"pk": statements_job})
    page = secretariat.get(response["Location"])
    assert (WAITING_TEXT in page.content.decode()) is expect_waiting
    secretariat.get(reverse("portal:job_status", kwargs={"pk": run_job}))
    secretariat.get(reverse("portal:healthz"))

    assert Invitation.objects.count() == 1
    assert HourEntry.objects.count() == 1
    return [member, secretariat], run_job


def _settle(stack, job_id: int, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the job is done and every queued e-mail has reached the mail server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        expected = OutboundEmail.objects.count()
        if (
            not Job.objects.exclude(status=JobStatus.DONE).exists()
            and expected == PARTICIPANTS + 1
            and not OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists()
            and len(stack.inbox.messages) >= expected
        ):
            return
        time.sleep(0.2)
    stack.worker.assert_alive()
    pytest.fail(
        f"Not settled in {timeout} s: job {job.status}, "
        f"{list(OutboundEmail.objects.values_list('key', 'status'))}, "
        f"{len(stack.inbox.messages)} received.\n{stack.worker.log[-4000:]}"
    )


def _assert_once(browsers: list[Browser], stack, job_id: int) -> None:
    time.sleep(1)  # room for a duplicate
    statuses = [entry for browser in browsers for entry in browser.statuses]
    assert [entry for entry in statuses if entry[1] >= 500] == []
    messages = stack.inbox.messages
    ids = [mail.message["Message-ID"] for mail in messages]
    assert len(ids) == len(set(ids)) == OutboundEmail.objects.count() == PARTICIPANTS + 1
    recipients = sorted(address for mail in messages for address in mail.recipients)
    assert recipients == sorted(
        ["per@celle.example"] + [f"faktura{n}@celle.example" for n in range(PARTICIPANTS)]
    )
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, PARTICIPANTS, PARTICIPANTS)
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}  # statements
    assert sorted(Invoice.objects.values_list("number", flat=True)) == list(
        range(1, PARTICIPANTS + 1)
    )
    assert not PendingTask.objects.exists()


def test_with_redis_stopped_members_work_on_and_the_work_is_done_once_it_is_back(up):
    up.redis_server.stop()

    browsers, job_id = _scenario(expect_waiting=True)
    # The invitation, the run and the statements wait for the broker.
    assert PendingTask.objects.count() == 3
    health = browsers[1].statuses[-1]
    assert health[1] == 200  # degraded, not down: keep the instance in rotation

    up.redis_server.start()
    # What the minute's dispatcher does (beat is not running here).
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while PendingTask.objects.exists() and time.monotonic() < deadline:
        pending_tasks_dispatch(older_than=datetime.timedelta(0))
        time.sleep(0.5)
    _settle(up, job_id)
    _assert_once(browsers, up, job_id)


def test_with_the_worker_gone_requests_answer_and_it_catches_up_when_restarted(up, client):
    up.kill_worker()

    browsers, job_id = _scenario()
    time.sleep(HEARTBEAT_STALE + 1.5)  # the dead worker's last heartbeat grows stale
    health = client.get(reverse("portal:healthz")).json()
    assert health["status"] == "degraded"
    assert health["failed"] == ["worker"]
    assert Job.objects.get(pk=job_id).status == JobStatus.PENDING

    up.start_worker()
    _settle(up, job_id)
    _assert_once(browsers, up, job_id)


def test_with_the_mail_server_refusing_mail_is_retried_and_arrives_once(up):
    up.inbox.refusing = True

    browsers, job_id = _scenario()
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while OutboundEmail.objects.filter(status=EmailStatus.RETRYING).count() < PARTICIPANTS + 1:
        assert time.monotonic() < deadline, up.worker.log[-3000:]
        time.sleep(0.1)
    assert up.inbox.messages == []

    up.inbox.refusing = False
    # The outbox's retry countdown (backoff 30 s, jittered) sends each mail again; one retry
    # that fell before the server took mail again waits up to a minute more.
    _settle(up, job_id, timeout=MAIL_RETRY_TIMEOUT)
    _assert_once(browsers, up, job_id)
