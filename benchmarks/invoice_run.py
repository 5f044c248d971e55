"""Throughput of an invoice run: invoices per second from the confirmation to the last e-mail
at a local SMTP receiver, with every invoice issued, its PDF and EHF rendered and stored, and
its e-mail (both attached) delivered.

    python -m benchmarks --invoice-run 200
        in process, as the embedded default runs (Celery eager), in a fresh SQLite database
    BENCH_INVOICE_DATABASE_URL=postgres://.../portal_bench REDIS_URL=redis://.../9 \\
        python -m benchmarks --invoice-run 200 --workers 2
        the real stack: PostgreSQL, Redis and that many `celery worker` processes (solo pool)
    BENCH_INVOICE_DATABASE_URL=... REDIS_URL=... python -m benchmarks.invoice_run 200 1 2
        the real stack with 1, then 2 workers, in one run, as a table

With workers, the same run also times bare WeasyPrint: the run's own invoice pages (HTML made
beforehand) written to PDF by as many plain processes as there were workers, warmed up and
started together, nothing else. The ratio of the two throughputs is what the run's spreading
over the workers achieves (the goal: at least 0.8 with 2).

The database is the benchmark's own and is emptied first: a PostgreSQL database's name must
contain "bench".
"""

import datetime
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_DATABASE = ROOT / "var" / "bench" / "invoice_run.sqlite3"
YEAR = 2026
DELIVERY_TIMEOUT = 3600


class CountingInbox:
    """An SMTP receiver's handler that only counts what it accepts."""

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        with self._lock:
            self.count += 1
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.count >= count:
                    return True
            time.sleep(0.01)
        return False


@dataclass(frozen=True)
class Result:
    invoices: int
    seconds: float
    mode: str
    database: str
    pdf_ms: float
    ehf_ms: float
    workers: int = 0
    bare_seconds: float | None = None  # bare WeasyPrint, as many processes as workers

    @property
    def per_second(self) -> float:
        return self.invoices / self.seconds

    @property
    def bare_per_second(self) -> float | None:
        return self.invoices / self.bare_seconds if self.bare_seconds else None

    @property
    def ratio(self) -> float | None:
        bare = self.bare_per_second
        return self.per_second / bare if bare else None

    def report(self) -> str:
        text = (
            f"Invoice run ({self.mode}, {self.database}): {self.invoices} invoices issued, "
            f"rendered (PDF + EHF), stored and e-mailed in {self.seconds:.1f} s = "
            f"{self.per_second:.1f} invoices/s.\n"
            f"Rendering alone, per invoice: PDF {self.pdf_ms:.0f} ms, EHF {self.ehf_ms:.0f} ms."
        )
        if self.ratio is not None:
            text += (
                f"\nBare WeasyPrint, {self.workers} process(es): {self.bare_seconds:.1f} s = "
                f"{self.bare_per_second:.1f} invoices/s; the run reaches {self.ratio:.2f} of it."
            )
        return text


def table(results: list[Result]) -> str:
    """The runs side by side: workers, the run's and bare WeasyPrint's throughput, the ratio."""
    lines = [
        "| workers | invoices | run s | run /s | bare WeasyPrint s | bare /s | run ÷ bare |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        bare = result.bare_per_second or 0.0
        lines.append(
            f"| {result.workers} | {result.invoices} | {result.seconds:.1f} | "
            f"{result.per_second:.2f} | {result.bare_seconds or 0:.1f} | {bare:.2f} | "
            f"{result.ratio or 0:.2f} |"
        )
    return "\n".join(lines)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configure_environment(*, workers: int, smtp_port: int, media_root: Path, queue: str) -> str:
    """Environment for this process (and the workers) before Django starts; returns the URL."""
    url = os.environ.get("BENCH_INVOICE_DATABASE_URL")
    if url is None:
        if workers:
            raise SystemExit("--workers needs BENCH_INVOICE_DATABASE_URL (PostgreSQL).")
        SQLITE_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        SQLITE_DATABASE.unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_DATABASE}"
    elif "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("BENCH_INVOICE_DATABASE_URL must name a database with 'bench' in it.")
    if workers and not os.environ.get("REDIS_URL"):
        raise SystemExit("--workers needs REDIS_URL (the Celery broker).")
    if not workers:
        os.environ.pop("REDIS_URL", None)  # Celery runs in process (eager), as embedded
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": os.environ.get("DEBUG", "false"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "DJANGO_SETTINGS_MODULE": "battery_norway.settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(media_root),
            "CELERY_QUEUE": queue,
        }
    )
    return url


def prepare_database() -> None:
    import importlib

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor != "sqlite":  # the SQLite file is new; a PostgreSQL database is emptied
        call_command("flush", verbosity=0, interactive=False)
        importlib.import_module("members.migrations.0002_seed_reference_data").create(apps, None)
        importlib.import_module("billing.migrations.0002_series_and_seller").create(apps, None)


def create_participants(count: int):
    """A fee schedule and ``count`` active participants, each with an invoice address."""
    from benchmarks.scale_data import organisation_numbers
    from billing.models import FeeAmount, FeeSchedule
    from members.models import (
        Membership,
        MembershipStatus,
        Organisation,
        ParticipantType,
        SizeBand,
        User,
    )

    schedule = FeeSchedule.objects.create(year=YEAR)
    FeeAmount.objects.bulk_create(
        FeeAmount(schedule=schedule, participant_type=kind, size_band=band, amount=Decimal(25000))
        for kind in ParticipantType.values
        for band in SizeBand.values
    )
    numbers = organisation_numbers()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Fakturamottaker {n:04d} AS",
            organisation_number=next(numbers),
            street_address=f"Industrivegen {n % 200 + 1}",
            postal_code=f"{4000 + n % 5000:04d}",
            city="Arendal",
            invoice_email=f"faktura{n}@bench.example.no",
            size_band=SizeBand.values[n % len(SizeBand.values)],
        )
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(
            organisation=organisation,
            participant_type=ParticipantType.CORE,
            status=MembershipStatus.ACTIVE,
            start_date=datetime.date(YEAR - 1, 1, 1),
        )
        for organisation in organisations
    )
    return User.objects.create_user("bench-staff@example.no", is_staff=True)


def start_workers(count: int, queue: str, log_dir: Path) -> list[subprocess.Popen]:
    celery = Path(sys.executable).parent / "celery"
    processes = []
    for n in range(count):
        log = (log_dir / f"worker-{n}.log").open("wb")
        command = [
            str(celery),
            "-A",
            "battery_norway",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"bench-{n}-{queue}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, "CONN_MAX_AGE": "0"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    time.sleep(5)  # workers connect to the broker and start consuming
    for process in processes:
        if process.poll() is not None:
            raise SystemExit(f"A worker exited; see the logs in {log_dir}.")
    return processes


def rendering_times(samples: int = 5) -> tuple[float, float]:
    from billing.models import Invoice
    from billing.rendering import render_invoice_ehf, render_invoice_pdf

    invoices = list(Invoice.objects.order_by("number")[:samples])
    timings = []
    for render in (render_invoice_pdf, render_invoice_ehf):
        started = time.perf_counter()
        for invoice in invoices:
            render(invoice)
        timings.append((time.perf_counter() - started) * 1000 / len(invoices))
    return timings[0], timings[1]


def _bare_process(pages: list[str], base_url: str, barrier, finished) -> None:
    """One bare process: warm up on the first page, wait for the others, write every PDF."""
    from weasyprint import HTML

    HTML(string=pages[0], base_url=base_url).write_pdf()
    barrier.wait()
    for page in pages:
        HTML(string=page, base_url=base_url).write_pdf()
    finished.put(time.perf_counter())


def bare_weasyprint_seconds(processes: int) -> float:
    """Seconds for ``processes`` plain processes to write the PDF of every invoice in the
    database (its HTML made beforehand), from their common start to the last one done."""
    from django.conf import settings
    from django.utils import translation

    from billing.models import Invoice
    from billing.rendering.pdf import invoice_pdf_html

    pages = []
    for invoice in Invoice.objects.order_by("number"):
        with translation.override(invoice.language or settings.LANGUAGE_CODE):
            pages.append(invoice_pdf_html(invoice))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    finished = context.Queue()
    workers = [
        context.Process(
            target=_bare_process,
            args=(pages[n::processes], str(settings.BASE_DIR), barrier, finished),
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    ends = [finished.get(timeout=DELIVERY_TIMEOUT) for _worker in workers]
    for worker in workers:
        worker.join()
    return max(ends) - started


def _timed_run(*, organisations: int, workers: int, inbox, queue: str, scratch: Path) -> Result:
    from django.db import connection

    from billing.services.runs import invoice_run_start

    prepare_database()
    staff = create_participants(organisations)
    processes: list[subprocess.Popen] = []
    try:
        if workers:
            processes = start_workers(workers, queue, scratch)
        inbox.count = 0
        started = time.perf_counter()
        invoice_run_start(year=YEAR, started_by=staff)
        if not inbox.wait_for(organisations, DELIVERY_TIMEOUT):
            raise SystemExit(f"Only {inbox.count} of {organisations} e-mails arrived.")
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    pdf_ms, ehf_ms = rendering_times()
    bare = bare_weasyprint_seconds(workers) if workers else None
    mode = f"{workers} Celery worker(s), Redis" if workers else "in process (eager)"
    return Result(organisations, seconds, mode, connection.vendor, pdf_ms, ehf_ms, workers, bare)


def compare(*, organisations: int, worker_counts: list[int]) -> list[Result]:
    """One timed run (and its bare WeasyPrint timing) per entry of ``worker_counts``, in order,
    each in the emptied database."""
    from aiosmtpd.controller import Controller

    inbox = CountingInbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    scratch = Path(tempfile.mkdtemp(prefix="invoice-run-", dir=ROOT / "var"))
    queue = f"bench-invoice-run-{uuid.uuid4().hex[:8]}"
    try:
        configure_environment(
            workers=max(worker_counts), smtp_port=port, media_root=scratch / "media", queue=queue
        )
        import django

        django.setup()
        return [
            _timed_run(
                organisations=organisations,
                workers=workers,
                inbox=inbox,
                queue=queue,
                scratch=scratch,
            )
            for workers in worker_counts
        ]
    finally:
        controller.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main(*, organisations: int, workers: int = 0) -> Result:
    return compare(organisations=organisations, worker_counts=[workers])[0]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.invoice_run")
    parser.add_argument("organisations", type=int)
    parser.add_argument("workers", type=int, nargs="+", help="worker counts, one run each")
    arguments = parser.parse_args()
    from django_scopes import scopes_disabled

    with scopes_disabled():  # the benchmark creates and counts every organisation's invoices
        results = compare(organisations=arguments.organisations, worker_counts=arguments.workers)
    for result in results:
        print(result.report())
        print()
    print(table(results))
