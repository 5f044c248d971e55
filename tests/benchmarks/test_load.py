"""The load benchmark's own parts: the load loop against a real HTTP server, the index check
and the results page."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from activities.models import HourEntry
from benchmarks import load


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = {"/page": 200, "/healthz": 200}.get(self.path, 404)
        self.server.paths.append((self.path, self.headers.get("Cookie", "")))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.paths = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_the_clients_ask_for_the_page_with_the_session_for_the_whole_window(server):
    page, elapsed = load.load_window(server.server_port, "/page", "key", 0.3)

    assert elapsed >= 0.3
    assert len(page.times) >= load.CLIENTS
    assert not page.failures
    # One untimed request a client first.
    assert len(server.paths) == len(page.times) + load.CLIENTS
    assert set(server.paths) == {("/page", "sessionid=key")}


def test_the_floor_is_measured_right_before_the_page_without_a_session(server):
    page, floor, _ = load.measure_page(server.server_port, "/page", "key", 0.4)

    assert floor.times
    assert page.times
    asked = [path for path, _ in server.paths]
    assert asked[: asked.index("/page")] == ["/healthz"] * (len(floor.times) + load.CLIENTS)
    assert {cookie for path, cookie in server.paths if path == "/healthz"} == {""}


def test_answers_other_than_200_count_as_failures_not_times(server):
    page, _ = load.load_window(server.server_port, "/missing", "", 0.2)

    assert page.times == []
    assert page.failures >= load.CLIENTS


@pytest.mark.django_db(transaction=True)
def test_an_index_declared_on_a_model_but_missing_in_the_database_is_created():
    index = HourEntry._meta.indexes[0]
    with connection.schema_editor() as editor:
        editor.remove_index(HourEntry, index)

    load._declared_indexes()

    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, HourEntry._meta.db_table)
    assert index.name in present


def _run(p95: float, ratio: float, label: str = "hour list, large (48000), first page") -> dict:
    page = {
        "label": label,
        "url": "/organisations/1/hours/",
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "requests_per_second": 10.0,
        "floor_p95_ms": p95 / ratio,
        "ratio": ratio,
        "requests": 80,
        "failures": 0,
        "queries_small": 13,
        "queries_large": 13,
    }
    return {
        "date": "2026-12-02",
        "entries": {"small": 10_000, "large": 1_000_000},
        "seconds_per_page": 8,
        "pages": [page],
        "exports": {
            "hours CSV": {
                "status": 200,
                "seconds": 3.4,
                "kib": 900,
                "peak_mib": 150.0,
                "streamed": False,
            }
        },
        "minutes": 3.0,
    }


def test_the_results_page_matches_before_and_after_by_page_whatever_the_entry_counts():
    before = _run(680.0, 34.0)
    after = _run(50.0, 2.5, label="hour list, large (47000), first page")

    text = load.markdown({"before": before, "after": after})

    assert "| hour list, large, first page | 680 | 34.0 | 50 | 2.5 |" in text
    assert "| hours CSV | 3.40 | 150.0 | 3.40 | 150.0 |" in text
    assert "## Before, 2026-12-02" in text
    assert "## After, 2026-12-02" in text


def test_a_column_not_yet_measured_shows_dashes():
    text = load.markdown({"before": _run(680.0, 34.0)})

    assert "| hour list, large, first page | 680 | 34.0 | – | – |" in text
    assert "## After" not in text
