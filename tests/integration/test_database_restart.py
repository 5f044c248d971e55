"""PostgreSQL cutting the portal's connection (as a restart does): the request in flight gets the
clean 503 page, the next request succeeds. The connection is cut with pg_terminate_backend from a
second connection; the shared server is never stopped.
"""

import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Cutting a connection needs PostgreSQL (DATABASE_URL).")


def _second_connection(*, autocommit: bool) -> psycopg.Connection:
    """A connection of the test's own to the test database, beside the portal's."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=autocommit,
    )


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=WAIT_SECONDS) as response:  # noqa: S310 (local)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _backend_waiting_on_a_lock(watcher: psycopg.Connection) -> int:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        row = watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("The request never reached the locked table.")


def test_request_whose_connection_is_cut_in_flight_gets_503_and_the_next_gets_200(live_server):
    url = f"{live_server.url}/"
    assert _get(url)[0] == 200
    answers: list[tuple[int, dict[str, str], str]] = []

    with (
        _second_connection(autocommit=False) as locker,
        _second_connection(autocommit=True) as watcher,
    ):
        # The front page reads the value-chain segments: hold the request there, then cut it.
        locker.execute("LOCK TABLE members_valuechainsegment IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: answers.append(_get(url)))
        request.start()
        pid = _backend_waiting_on_a_lock(watcher)
        assert watcher.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        locker.rollback()
        request.join(WAIT_SECONDS)

    [(status, headers, body)] = answers
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Portalen er utilgjengelig en kort stund" in body
    assert "Traceback" not in body
    assert _get(url)[0] == 200


def _serve(handler: WSGIHandler, path: str) -> int:
    """One request as a WSGI server makes it: request_started, the response, close()."""
    statuses: list[str] = []
    environ = RequestFactory().get(path).environ
    response = handler(environ, lambda status, headers: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


def test_next_request_on_a_cut_persistent_connection_gets_a_fresh_one():
    # One thread, one persistent connection, as a gunicorn worker has: CONN_HEALTH_CHECKS finds
    # it dead before the request uses it, so the first request after a restart succeeds.
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    handler = WSGIHandler()
    assert _serve(handler, "/") == 200
    pid = connection.connection.info.backend_pid

    with _second_connection(autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)

    assert _serve(handler, "/") == 200
    assert connection.connection.info.backend_pid != pid
