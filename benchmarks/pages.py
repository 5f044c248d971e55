"""Time member pages through Django's test client: no network, the whole Django stack."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Page:
    label: str
    url: str


@dataclass(frozen=True)
class Timing:
    page: Page
    status: int
    queries: int
    kilobytes: float
    runs: int
    requests_per_second: float
    median_ms: float
    p95_ms: float


def measure(client: Client, page: Page, *, runs: int, warmup: int, budget_seconds: float) -> Timing:
    """Time ``runs`` requests (fewer if the page is slow enough to use up the budget)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)
    # Counted now: the next request clears the connection's query log.
    query_count = len(queries)
    if response.status_code != 200:
        return Timing(page, response.status_code, query_count, 0, 0, 0, 0, 0)
    for _ in range(warmup):
        client.get(page.url)

    durations = []
    deadline = time.perf_counter() + budget_seconds
    while len(durations) < runs and time.perf_counter() < deadline:
        started = time.perf_counter()
        client.get(page.url)
        durations.append(time.perf_counter() - started)
    return Timing(
        page=page,
        status=response.status_code,
        queries=query_count,
        kilobytes=len(response.content) / 1024,
        runs=len(durations),
        requests_per_second=len(durations) / sum(durations),
        median_ms=statistics.median(durations) * 1000,
        p95_ms=_percentile(durations, 95) * 1000,
    )


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def table(timings: list[Timing]) -> str:
    header = ("page", "url", "status", "queries", "KiB", "runs", "req/s", "median ms", "p95 ms")
    rows = [header]
    for t in timings:
        measured = t.status == 200
        rows.append(
            (
                t.page.label,
                t.page.url,
                str(t.status),
                str(t.queries),
                f"{t.kilobytes:.0f}" if measured else "-",
                str(t.runs) if measured else "-",
                f"{t.requests_per_second:.1f}" if measured else "-",
                f"{t.median_ms:.1f}" if measured else "-",
                f"{t.p95_ms:.1f}" if measured else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
