"""The real stack for integration tests: Redis broker, PostgreSQL, a Celery worker process and
an SMTP receiver, all on this machine. Skipped (a failure in CI) without REDIS_URL and a
PostgreSQL DATABASE_URL.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from battery_norway.celery import app as celery_app
from tests.smtp import SmtpReceiver

WORKER_START_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 20


@pytest.fixture(scope="session")
def real_stack():
    """The environment of the real services, or a skip saying what is missing."""
    redis_url = os.environ.get("REDIS_URL", "")
    database_url = os.environ.get("DATABASE_URL", "")
    if not redis_url:
        pytest.skip("Integration tests need REDIS_URL (a real Redis broker).")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("Integration tests need a PostgreSQL DATABASE_URL shared with the worker.")
    return {"REDIS_URL": redis_url, "DATABASE_URL": database_url}


@pytest.fixture
def smtp_receiver():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    with SmtpReceiver() as receiver:
        yield receiver


@pytest.fixture
def celery_queue():
    """A queue of this test run's own, which the test's producer and its worker agree on."""
    name = f"portal-integration-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = previous
    _forget_queue(name)


def _forget_queue(name: str) -> None:
    """Remove the run's queue and kombu's bookkeeping of it from the shared Redis."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return
    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    finally:
        client.close()


def _test_database_url(database_url: str) -> str:
    """The DATABASE_URL of the database pytest-django created for this run."""
    test_database = settings.DATABASES["default"]["NAME"]
    return urlsplit(database_url)._replace(path=f"/{test_database}").geturl()


@pytest.fixture
def celery_worker(real_stack, celery_queue, smtp_receiver, tmp_path):
    """A real `celery worker` process consuming this run's queue and sending to the receiver."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(real_stack["DATABASE_URL"]),
        "REDIS_URL": real_stack["REDIS_URL"],
        "CELERY_QUEUE": celery_queue,
        "EMAIL_URL": smtp_receiver.url,
        # No connection kept open after the worker stops, so the test database can be dropped.
        "CONN_MAX_AGE": "0",
    }
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery),
        "-A",
        "battery_norway",
        "worker",
        "--pool=solo",
        "-Q",
        celery_queue,
        "-n",
        f"{celery_queue}@%h",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(process, log_path)
    smtp_receiver.explain_missing_mail = lambda: f"Celery worker log:\n{worker.log[-5000:]}"
    try:
        worker.wait_until_ready(WORKER_START_TIMEOUT)
        yield worker
    finally:
        worker.stop(WORKER_STOP_TIMEOUT)


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited ({self.process.returncode}):\n{self.log}")

    def wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assert_alive()
            if " ready." in self.log:
                return
            time.sleep(0.2)
        pytest.fail(f"The Celery worker was not ready within {timeout} s:\n{self.log}")

    def stop(self, timeout: float) -> None:
        """Warm shutdown (SIGTERM) of our own worker, killed only if it does not stop."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
