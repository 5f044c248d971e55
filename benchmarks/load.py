"""The member and staff pages under real load: gunicorn (3 sync workers) on the scale data in
PostgreSQL, 8 concurrent clients in this process asking for one page after the other for a
bounded time a page, in alternation with the floor: /healthz (a database and Redis ping) under
the same 8 clients, for half as long, right before each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/4 \
        python -m benchmarks --load [--column before|after] [--seconds-per-page 8]

Per page: p50, p95, requests per second, the floor's p95 just before and the ratio
p95 / floor p95; the SQL query count of the first request, in process, at small and at large
data (two databases: ``portal_bench_load_small`` and ``portal_bench_load`` beside
DATABASE_URL's, or BENCH_LOAD_SMALL_DATABASE_URL and BENCH_LOAD_DATABASE_URL, seeded by
``manage.py seed_scale`` with 20 and 2,000 organisations when empty). Each export (hours CSV
and Excel of the large organisation, the accounting export over five years) runs in a fresh
process: its time and its peak memory (growth of the process's maximum resident set).
Prints the table and writes benchmarks/results.md (and results.json, which keeps the other
column). With 8 s a page the whole run takes about 4 minutes on seeded databases; seeding the
large one (seed_scale, once) takes several minutes more.
"""

import argparse
import datetime
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import serving
from benchmarks.databases import bench_database_url, create_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = ROOT / "benchmarks" / "results.md"
RESULTS_JSON = ROOT / "benchmarks" / "results.json"
WORKERS = 3
CLIENTS = 8
FLOOR_SHARE = 0.5  # each page window is preceded by a /healthz window this much as long
STAFF_EMAIL = "bench-load-staff@example.no"
# seed_scale's network at two sizes: the query counts are compared between them.
SIZES = {"small": 20, "large": 2_000}
SMALL_ORGANISATION_ENTRIES = 2_000  # the "small organisation" is the one nearest this


# --- in the data processes -------------------------------------------------------------------


def _setup(url: str) -> None:
    # The test client needs no collected static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "DJANGO_SETTINGS_MODULE": "battery_norway.settings",
        }
    )
    import django

    django.setup()


def _prepare(size: str) -> None:
    """Migrate; seed the database at ``size`` unless it holds hour entries already; create
    the indexes declared on the models that no migration has created yet."""
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from activities.models import HourEntry

    call_command("migrate", verbosity=0, interactive=False)
    with scopes_disabled():
        seeded = HourEntry.objects.exists()
    if not seeded:
        started = time.perf_counter()
        call_command("seed_scale", organisations=SIZES[size], stdout=sys.stderr)
        print(
            f"Seeded the {size} database in {time.perf_counter() - started:.0f} s.", file=sys.stderr
        )
    _declared_indexes()


def _declared_indexes() -> None:
    """Indexes in a model's Meta that the database lacks (a change measured before its
    migration is written) are created, then the tables analysed."""
    from django.apps import apps
    from django.db import connection

    added = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy or not model._meta.indexes:
                continue
            table = model._meta.db_table
            present = connection.introspection.get_constraints(cursor, table)
            for index in model._meta.indexes:
                if index.name not in present:
                    with connection.schema_editor() as editor:
                        editor.add_index(model, index)
                    added.append(f"{table}.{index.name}")
        for name in dict.fromkeys(name.split(".")[0] for name in added):
            cursor.execute(f'ANALYZE "{name}"')
    if added:
        print("Created the indexes " + ", ".join(added) + ".", file=sys.stderr)


def _staff_user():
    from django.conf import settings

    from members.models import User
    from portal import two_factor

    user, _ = User.objects.get_or_create(
        email=STAFF_EMAIL,
        defaults={"is_staff": True, "is_superuser": True, "full_name": "Benchmark staff"},
    )
    if settings.MFA_REQUIRED_FOR_STAFF and not two_factor.has_totp(user):
        two_factor.staff_totp_create(user=user)
    return user


def _subjects() -> dict:
    """The pages, who asks for them, and the exports: the large organisation has the most
    hour entries, the small one the number nearest SMALL_ORGANISATION_ENTRIES."""
    from django.db.models import Count, Max
    from django_scopes import scopes_disabled

    from activities.models import HourEntry, ReportingPeriod
    from members.models import OrganisationRole, Role

    with scopes_disabled():
        counts = list(
            HourEntry.objects.order_by()
            .values_list("organisation_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "organisation_id")
        )
        large, large_entries = counts[0]
        others = counts[1:] or counts
        small, small_entries = min(
            others, key=lambda row: (abs(row[1] - SMALL_ORGANISATION_ENTRIES), row[0])
        )
        admins = {
            organisation: OrganisationRole.objects.filter(
                organisation_id=organisation, role=Role.ADMIN
            )
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
            for organisation in (large, small)
        }
        today = datetime.date.today()
        period = (
            ReportingPeriod.objects.filter(start_date__lte=today).order_by("-start_date").first()
        )
        year = HourEntry.objects.filter(date__lte=today).aggregate(year=Max("date"))["year"].year
    staff = _staff_user()
    large_hours = f"/organisations/{large}/hours/"
    small_hours = f"/organisations/{small}/hours/"
    pages = [
        ("directory", "/directory/", "large_admin"),
        ("competence", "/competence/", "large_admin"),
        ("my organisation", f"/organisations/{large}/", "large_admin"),
        (f"hour list, small ({small_entries}), first page", small_hours, "small_admin"),
        (
            f"hour list, small ({small_entries}), last page",
            f"{small_hours}?page=last",
            "small_admin",
        ),
        (f"hour list, large ({large_entries}), first page", large_hours, "large_admin"),
        (
            f"hour list, large ({large_entries}), last page",
            f"{large_hours}?page=last",
            "large_admin",
        ),
        ("week grid", f"{large_hours}week/", "large_admin"),
        (
            "confirmation page",
            f"{large_hours}periods/{period.pk}/confirm/" if period else "",
            "large_admin",
        ),
        ("invoice list", f"/organisations/{large}/invoices/", "large_admin"),
        ("admin hours changelist", "/admin/activities/hourentry/", "staff"),
        ("staff 1,850-hour page", f"/staff/hours/?year={year}", "staff"),
    ]
    first = datetime.date(today.year - 5, 1, 1).isoformat()
    exports = [
        ("hours CSV, large organisation", f"{large_hours}export.csv", "large_admin"),
        ("hours Excel, large organisation", f"{large_hours}export.xlsx", "large_admin"),
        (
            "accounting export, five years",
            f"/admin/billing/invoice/accounting-export/?date_from={first}"
            f"&date_to={today.isoformat()}",
            "staff",
        ),
    ]
    return {
        "users": {"large_admin": admins[large], "small_admin": admins[small], "staff": staff.pk},
        "pages": [{"label": label, "url": url, "role": role} for label, url, role in pages if url],
        "exports": [{"label": label, "url": url, "role": role} for label, url, role in exports],
    }


def inspect(url: str, size: str) -> dict:
    """Seed if needed; the subjects, their sessions and each page's query count."""
    _setup(url)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from activities.models import HourEntry
    from members.models import User

    _prepare(size)
    # Both databases share the benchmark's Redis: nothing cached from the other one is served.
    cache.clear()
    subjects = _subjects()
    users = {role: User.objects.get(pk=pk) for role, pk in subjects["users"].items()}
    clients = {}
    for role, user in users.items():
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="en")
        clients[role].force_login(user)
    queries, statuses = {}, {}
    for page in subjects["pages"]:
        with CaptureQueriesContext(connection) as captured:
            response = clients[page["role"]].get(page["url"])
        queries[page["label"]] = len(captured)
        statuses[page["label"]] = response.status_code
    with scopes_disabled():
        entries = HourEntry.objects.count()
    return {
        **subjects,
        "sessions": {role: serving.session_for(user) for role, user in users.items()},
        "queries": queries,
        "statuses": statuses,
        "entries": entries,
    }


def export(url: str, path: str, user_id: int) -> dict:
    """One export in this fresh process: seconds, bytes and the peak memory it added."""
    _setup(url)
    from django.test import Client

    from members.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(pk=user_id))
    client.get("/healthz")  # the imports and connections of any request, before the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(path)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline  # KiB on Linux
    return {
        "status": response.status_code,
        "seconds": seconds,
        "kib": size / 1024,
        "peak_mib": peak / 1024,
        "streamed": response.streaming,
    }


# --- in the load process ---------------------------------------------------------------------


@dataclass
class Samples:
    times: list[float] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None) -> None:
        with self.lock:
            if seconds is None:
                self.failures += 1
            else:
                self.times.append(seconds)

    def percentile(self, percent: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


@dataclass
class PageResult:
    label: str
    url: str
    p50_ms: float
    p95_ms: float
    requests_per_second: float
    floor_p95_ms: float
    ratio: float
    requests: int
    failures: int
    queries_small: int | None
    queries_large: int | None


def _timed(port: int, path: str, session_key: str, samples: Samples) -> None:
    started = time.perf_counter()
    try:
        status, _ = serving.get(port, path, session_key=session_key)
    except OSError:
        samples.add(None)
        return
    samples.add(time.perf_counter() - started if status == 200 else None)


def load_window(port: int, path: str, session_key: str, seconds: float) -> tuple[Samples, float]:
    """CLIENTS clients asking for ``path`` one request after the other until ``seconds`` are
    over (after one untimed request each); the samples and the seconds the window lasted."""
    samples, warm = Samples(), Samples()
    barrier = threading.Barrier(CLIENTS)
    window: list[float] = []

    def client() -> None:
        _timed(port, path, session_key, warm)
        if barrier.wait() == 0:
            window.append(time.perf_counter())
        barrier.wait()
        while time.perf_counter() < window[0] + seconds:
            _timed(port, path, session_key, samples)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - window[0]


def measure_page(
    port: int, path: str, session_key: str, seconds: float
) -> tuple[Samples, Samples, float]:
    """The floor (/healthz under the same CLIENTS) and the page, in alternation: a floor
    window right before each page window, so both see the machine in the same state."""
    floor, _ = load_window(port, "/healthz", "", seconds * FLOOR_SHARE)
    page, elapsed = load_window(port, path, session_key, seconds)
    return page, floor, elapsed


def _run_python(*arguments: str, url: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", *arguments],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(completed.stderr[-4000:])  # seeding, indexes created, or the failure
    if completed.returncode:
        raise SystemExit(f"benchmarks.load {arguments[0]} failed (exit {completed.returncode}).")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(*, seconds_per_page: float = 8.0, column: str = "after") -> str:
    started = time.monotonic()
    large_url = bench_database_url(
        variable="BENCH_LOAD_DATABASE_URL", name="portal_bench_load", option="--load"
    )
    small_url = bench_database_url(
        variable="BENCH_LOAD_SMALL_DATABASE_URL", name="portal_bench_load_small", option="--load"
    )
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("--load needs REDIS_URL (the cache and /healthz use Redis).")
    small = _run_python("inspect", "small", url=small_url)
    large = _run_python("inspect", "large", url=large_url)
    scratch = Path(tempfile.mkdtemp(prefix="load-bench-", dir=ROOT / "var"))
    port = serving.free_port()
    process = serving.start_gunicorn(
        port,
        workers=WORKERS,
        log_path=scratch / "gunicorn.log",
        env={"DATABASE_URL": large_url, "DEBUG": "false", "LOG_LEVEL": "WARNING"},
    )
    results = []
    try:
        for page in large["pages"]:
            samples, floor, elapsed = measure_page(
                port, page["url"], large["sessions"][page["role"]], seconds_per_page
            )
            p95, floor_p95 = samples.percentile(95), floor.percentile(95)
            results.append(
                PageResult(
                    label=page["label"],
                    url=page["url"],
                    p50_ms=samples.percentile(50) * 1000,
                    p95_ms=p95 * 1000,
                    requests_per_second=len(samples.times) / elapsed,
                    floor_p95_ms=floor_p95 * 1000,
                    ratio=p95 / floor_p95,
                    requests=len(samples.times),
                    failures=samples.failures,
                    queries_small=_by_kind(small, page["label"]),
                    queries_large=large["queries"].get(page["label"]),
                )
            )
    finally:
        serving.stop(process)
        shutil.copy(scratch / "gunicorn.log", ROOT / "var" / "load-bench-gunicorn.log")
        shutil.rmtree(scratch, ignore_errors=True)
    exports = {
        item["label"]: _run_python(
            "export", item["url"], str(large["users"][item["role"]]), url=large_url
        )
        for item in large["exports"]
    }
    run = {
        "date": datetime.date.today().isoformat(),
        "entries": {"small": small["entries"], "large": large["entries"]},
        "seconds_per_page": seconds_per_page,
        "pages": [asdict(result) for result in results],
        "exports": exports,
        "minutes": (time.monotonic() - started) / 60,
    }
    stored = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    stored[column] = run
    RESULTS_JSON.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(markdown(stored))
    return table(run, column)


def _kind(label: str) -> str:
    """A page's label without the entry count, so small and large data match."""
    head, _, tail = label.partition(" (")
    return head + (tail.split(")", 1)[1] if tail else "")


def _by_kind(inspected: dict, label: str) -> int | None:
    wanted = _kind(label)
    for name, count in inspected["queries"].items():
        if _kind(name) == wanted:
            return count
    return None


def _cells(result: dict) -> tuple[str, ...]:
    failures = f" ({result['failures']} failed)" if result["failures"] else ""
    return (
        result["label"],
        f"{result['queries_small']} / {result['queries_large']}",
        f"{result['p50_ms']:.0f}",
        f"{result['p95_ms']:.0f}",
        f"{result['requests_per_second']:.1f}{failures}",
        f"{result['floor_p95_ms']:.0f}",
        f"{result['ratio']:.1f}",
    )


def _aligned(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def table(run: dict, column: str) -> str:
    header = ("page", "queries small / large", "p50 ms", "p95 ms", "req/s", "floor p95", "x floor")
    lines = [
        f"Load benchmark ({column}): gunicorn {WORKERS} workers, {CLIENTS} clients, "
        f"{run['seconds_per_page']:g} s a page, {run['entries']['large']} hour entries "
        f"(query counts also at {run['entries']['small']}); {run['minutes']:.1f} minutes.",
        "",
        _aligned([header, *(_cells(result) for result in run["pages"])]),
        "",
        _aligned(
            [
                ("export", "status", "seconds", "KiB", "peak MiB", "streamed"),
                *(
                    (
                        label,
                        str(item["status"]),
                        f"{item['seconds']:.2f}",
                        f"{item['kib']:.0f}",
                        f"{item['peak_mib']:.1f}",
                        "yes" if item["streamed"] else "no",
                    )
                    for label, item in run["exports"].items()
                ),
            ]
        ),
    ]
    return "\n".join(lines)


def markdown(stored: dict) -> str:
    """results.md: every page's ratio before and after, then each run's full table."""
    before, after = stored.get("before"), stored.get("after")
    lines = [
        "# Benchmark under real load",
        "",
        "Written by `python -m benchmarks --load` (part of `make bench` on PostgreSQL): "
        f"gunicorn with {WORKERS} sync workers, {CLIENTS} concurrent clients asking for the "
        "page for a fixed time, in alternation with the floor: `/healthz` (a database and "
        "Redis ping) under the same clients right before each page. The ratio is the page's "
        "p95 divided by the floor's p95; the goal for member pages is at most 3. Query "
        "counts: the first request in process, at the small and at the large data.",
        "",
        "## Ratio to the floor, before and after",
        "",
        "| page | before p95 ms | before × floor | after p95 ms | after × floor |",
        "|---|---:|---:|---:|---:|",
    ]

    def by_kind(run):
        return {_kind(page["label"]): page for page in run["pages"]} if run else {}

    old, new = by_kind(before), by_kind(after)
    for kind in dict.fromkeys([*old, *new]):
        cells = []
        for run in (old, new):
            page = run.get(kind)
            cells += [f"{page['p95_ms']:.0f}", f"{page['ratio']:.1f}"] if page else ["–", "–"]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| export | before s | before peak MiB | after s | after peak MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = dict.fromkeys([*(before or {}).get("exports", {}), *(after or {}).get("exports", {})])
    for label in labels:
        cells = []
        for run in (before, after):
            item = (run or {}).get("exports", {}).get(label)
            cells += [f"{item['seconds']:.2f}", f"{item['peak_mib']:.1f}"] if item else ["–", "–"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for name in ("before", "after"):
        if stored.get(name):
            lines += ["", f"## {name.capitalize()}, {stored[name]['date']}", "", "```"]
            lines += [table(stored[name], name), "```"]
    return "\n".join(lines) + "\n"


def _command_line() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    commands = parser.add_subparsers(dest="command", required=True)
    inspecting = commands.add_parser("inspect")
    inspecting.add_argument("size", choices=sorted(SIZES))
    exporting = commands.add_parser("export")
    exporting.add_argument("path")
    exporting.add_argument("user", type=int)
    arguments = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if arguments.command == "inspect":
        create_database(url)
        answer = inspect(url, arguments.size)
    else:
        answer = export(url, arguments.path, arguments.user)
    print(json.dumps(answer))


if __name__ == "__main__":
    _command_line()
