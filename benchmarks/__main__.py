"""Generate the scale network once, then time the member pages (``make bench``)."""

import argparse
import os
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / "var" / "bench" / "bench.sqlite3"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="timed requests a page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests a page first")
    parser.add_argument(
        "--budget", type=float, default=12.0, help="at most this many seconds of timing a page"
    )
    parser.add_argument(
        "--organisations", type=int, default=2_000, help="size of the generated network"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="delete the SQLite benchmark database first"
    )
    parser.add_argument(
        "--invoice-run",
        type=int,
        default=0,
        metavar="N",
        help="instead of the pages, time an invoice run for N organisations (own database)",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="invoice run: Celery worker processes (0: eager)"
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="instead of the pages, time a poll on gunicorn (BENCH_POLL_DATABASE_URL)",
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="instead of the pages, the pages under load on gunicorn (writes results.md)",
    )
    parser.add_argument(
        "--seconds-per-page", type=float, default=8.0, help="load: timed seconds a page"
    )
    parser.add_argument(
        "--column",
        choices=("before", "after"),
        default="after",
        help="load: the column of benchmarks/results.md this run fills",
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="instead of the pages, member load on gunicorn while Redis and the worker fail",
    )
    parser.add_argument(
        "--fault-seconds",
        type=float,
        default=120.0,
        help="faults: length of the load (Redis down for its 10-35 %%, the worker killed twice)",
    )
    return parser.parse_args()


def configure_environment(arguments: argparse.Namespace) -> str:
    """Point the settings at the benchmark database, never at the developer's own."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url is None:
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        if arguments.fresh:
            DEFAULT_DATABASE.unlink(missing_ok=True)
        url = f"sqlite:///{DEFAULT_DATABASE}"
    elif arguments.fresh:
        raise SystemExit("--fresh deletes only the SQLite file; recreate that database yourself.")
    os.environ["DATABASE_URL"] = url
    # Timed as production runs: no debug query log, no debug pages.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "battery_norway.settings")
    # The test client needs no collected static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    return url


def main() -> None:
    arguments = parse_arguments()
    if arguments.faults:
        from benchmarks import faults

        print(faults.main(fault_seconds=arguments.fault_seconds).report())
        return
    if arguments.load:
        from benchmarks import load

        print(load.main(seconds_per_page=arguments.seconds_per_page, column=arguments.column))
        return
    if arguments.poll:
        from benchmarks import poll

        print(poll.main().report())
        return
    if arguments.invoice_run:
        from django_scopes import scopes_disabled

        from benchmarks import invoice_run

        # The benchmark creates and counts every organisation's invoices.
        with scopes_disabled():
            result = invoice_run.main(
                organisations=arguments.invoice_run, workers=arguments.workers
            )
        print(result.report())
        return
    configure_environment(arguments)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from benchmarks import pages, scale_data
    from members.models import Competence, CompetenceArea, ValueChainSegment

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    network = scale_data.bench_network(scale_data.Scale(organisations=arguments.organisations))
    print(
        f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"network ready in {time.perf_counter() - started:.1f} s: "
        f"{arguments.organisations} organisations, {Competence.objects.count()} competence rows."
    )

    segment = ValueChainSegment.objects.order_by("position").first()
    area = CompetenceArea.objects.order_by("position").first()
    measured = [
        pages.Page("member directory", "/directory/"),
        pages.Page("directory, deep page", "/directory/?page=last"),
        pages.Page(
            "directory, filtered", f"/directory/?q=fjord&participant_type=core&segment={segment.pk}"
        ),
        pages.Page("competence", "/competence/"),
        pages.Page("competence, filtered", f"/competence/?area={area.pk}&segment={segment.pk}"),
        pages.Page("my organisation", f"/organisations/{network.organisation.pk}/"),
    ]

    client = Client()
    client.force_login(network.viewer)
    timings = [
        pages.measure(
            client,
            page,
            runs=arguments.runs,
            warmup=arguments.warmup,
            budget_seconds=arguments.budget,
        )
        for page in measured
    ]
    print()
    print(pages.table(timings))
    missing = [t for t in timings if t.status != 200]
    if missing:
        print()
        for timing in missing:
            print(f"Not measured: {timing.page.url} answered {timing.status}.")


if __name__ == "__main__":
    main()
