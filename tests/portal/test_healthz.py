import datetime
import os
import socket
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from battery_norway.celery import app as celery_app
from portal import health
from portal.models import EmailStatus, PendingTask, WorkerHeartbeat
from tests.factories import OutboundEmailFactory
from tests.smtp import SmtpReceiver, free_port

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
HEALTHY_CHECKS = {
    "database": "ok",
    "redis": "not configured",
    "worker": "not configured",
    "pending_tasks": "ok",
    "smtp": "not configured",
    "mails": "ok",
}
NOTHING_WAITING = {
    "failed_mails": 0,
    "pending_tasks": 0,
    "oldest_pending_task_seconds": None,
    "worker_heartbeat_seconds": None,
}


@pytest.fixture(autouse=True)
def _forget_smtp_probes():
    health._smtp_results.clear()
    yield
    health._smtp_results.clear()


@pytest.fixture
def with_a_broker():
    """Celery as production runs it (not eager): a worker is expected to beat."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def _healthz(client) -> dict:
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    return response.json()


def test_healthy_without_redis_configured(client, settings, django_assert_num_queries):
    settings.REDIS_URL = ""

    # Failed mails (the database probe) and the waiting tasks; the heartbeat only with a broker.
    with django_assert_num_queries(2):
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": HEALTHY_CHECKS,
        "detail": NOTHING_WAITING,
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_is_degraded_not_down(client, settings):
    # The portal still serves without its broker and cache: a load balancer keeps it in rotation.
    settings.REDIS_URL = CLOSED_PORT

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "fail: ConnectionError"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_healthy_with_the_real_redis(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {**HEALTHY_CHECKS, "redis": "ok"}


def test_healthz_needs_no_sign_in_and_sets_no_session(client):
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_failing_mails_are_degraded_with_their_count(client, settings):
    settings.REDIS_URL = ""
    OutboundEmailFactory.create_batch(2, status=EmailStatus.FAILED)
    OutboundEmailFactory(status=EmailStatus.RETRYING)

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "failed": ["mails"],
        "checks": {**HEALTHY_CHECKS, "mails": "fail: 2 failed"},
        "detail": {**NOTHING_WAITING, "failed_mails": 2},
    }


def test_redis_and_mails_failing_together_are_both_named(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    OutboundEmailFactory(status=EmailStatus.FAILED)

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["redis", "mails"]


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_is_down_with_503(client, settings, unreachable_database):
    settings.REDIS_URL = ""

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "failed": ["database"],
        "checks": {
            "database": "fail: OperationalError",
            "redis": "not configured",
            "worker": "not checked",
            "pending_tasks": "not checked",
            "smtp": "not configured",
            "mails": "not checked",
        },
        "detail": {
            "failed_mails": None,
            "pending_tasks": None,
            "oldest_pending_task_seconds": None,
            "worker_heartbeat_seconds": None,
        },
    }


def test_a_worker_that_beat_lately_is_ok_and_one_silent_too_long_is_degraded(
    client, settings, with_a_broker, django_assert_num_queries
):
    settings.REDIS_URL = ""
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    health.worker_heartbeat_write(worker="celery@fjord")

    with django_assert_num_queries(3):  # failed mails, waiting tasks, the newest heartbeat
        body = _healthz(client)
    assert (body["status"], body["checks"]["worker"]) == ("ok", "ok")
    assert body["detail"]["worker_heartbeat_seconds"] == 0

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(seconds=95))
    body = _healthz(client)
    assert body["status"] == "degraded"
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"] == "fail: no worker heartbeat for 95s"


def test_the_newest_of_several_workers_counts(client, settings, with_a_broker):
    settings.REDIS_URL = ""
    health.worker_heartbeat_write(worker="celery@gone")
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(hours=2))
    health.worker_heartbeat_write(worker="celery@alive")
    assert _healthz(client)["checks"]["worker"] == "ok"


def test_no_heartbeat_ever_is_degraded(client, settings, with_a_broker):
    settings.REDIS_URL = ""
    body = _healthz(client)
    assert (body["status"], body["checks"]["worker"]) == (
        "degraded",
        "fail: no worker heartbeat yet",
    )


def test_a_worker_forgets_workers_silent_for_a_day():
    health.worker_heartbeat_write(worker="celery@old")
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(days=2))
    health.worker_heartbeat_write(worker="celery@new")
    health.worker_heartbeat_write(worker="celery@new")
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["celery@new"]


def test_the_heartbeat_thread_beats_until_stopped(transactional_db):
    beater = health.WorkerHeartbeatThread(worker="celery@thread", interval=0.05)
    beater.start()
    try:
        deadline = time.monotonic() + 10
        first = None
        while time.monotonic() < deadline:
            row = WorkerHeartbeat.objects.filter(worker="celery@thread").first()
            if row and first is None:
                first = row.beat_at
            elif row and row.beat_at > first:
                break
            time.sleep(0.02)
        else:
            pytest.fail("The heartbeat thread did not beat twice.")
    finally:
        beater.stop()
        beater.join(5)
    assert not beater.is_alive()


def test_tasks_waiting_briefly_are_counted_and_long_waits_are_degraded(client, settings):
    settings.REDIS_URL = ""
    settings.HEALTH_PENDING_TASKS_STALE_SECONDS = 120
    PendingTask.objects.create(task="portal.send_outbound_email", kwargs={"email_id": 1})
    PendingTask.objects.create(
        task="portal.send_outbound_email",
        kwargs={"email_id": 2},
        created_at=timezone.now() - datetime.timedelta(seconds=30),
    )

    body = _healthz(client)
    assert (body["status"], body["checks"]["pending_tasks"]) == ("ok", "ok")
    assert body["detail"]["pending_tasks"] == 2
    assert body["detail"]["oldest_pending_task_seconds"] == 30

    PendingTask.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=150))
    body = _healthz(client)
    assert body["status"] == "degraded"
    assert body["failed"] == ["pending_tasks"]
    assert body["checks"]["pending_tasks"] == "fail: 2 waiting for the broker for 150s"


def _smtp_settings(settings, port: int) -> None:
    settings.REDIS_URL = ""
    settings.EMAIL_BACKEND = health.SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_SSL = False


def test_a_mail_server_that_answers_noop_is_ok(client, settings):
    with SmtpReceiver() as receiver:
        _smtp_settings(settings, receiver.port)
        body = _healthz(client)
    assert (body["status"], body["checks"]["smtp"]) == ("ok", "ok")


def test_a_mail_server_that_refuses_connections_is_degraded(client, settings):
    _smtp_settings(settings, free_port())
    body = _healthz(client)
    assert body["status"] == "degraded"
    assert body["failed"] == ["smtp"]
    assert body["checks"]["smtp"] == "fail: ConnectionRefusedError"


def test_the_smtp_answer_is_kept_so_polling_does_not_wait_on_the_mail_server(client, settings):
    settings.HEALTH_SMTP_CACHE_SECONDS = 30
    with SmtpReceiver() as receiver:
        _smtp_settings(settings, receiver.port)
        assert _healthz(client)["checks"]["smtp"] == "ok"
    # The receiver is gone: within the cache time /healthz does not ask again.
    assert _healthz(client)["checks"]["smtp"] == "ok"
    settings.HEALTH_SMTP_CACHE_SECONDS = 0
    assert _healthz(client)["checks"]["smtp"] == "fail: ConnectionRefusedError"


def test_a_silent_mail_server_costs_at_most_the_probe_timeout(client, settings):
    # A listening socket that never answers the SMTP greeting, as a hung mail server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        _smtp_settings(settings, silent.getsockname()[1])
        settings.HEALTH_SMTP_TIMEOUT = 0.3
        started = time.monotonic()
        body = _healthz(client)
        elapsed = time.monotonic() - started
    assert body["checks"]["smtp"].startswith("fail: ")
    assert elapsed < 2
