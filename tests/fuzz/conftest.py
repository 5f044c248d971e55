"""Prints how much the fuzz tests drove, for the closing note and for anyone reading CI."""

import os

from tests.fuzz.driver import ANSWERS, STATS


def pytest_terminal_summary(terminalreporter):
    if not STATS:
        return
    routes = sum(isinstance(route, str) for route in STATS["routes"])
    admin_pages = len(STATS["routes"]) - routes
    forms = len(STATS["forms"])
    fields = len(STATS["fields"])
    parameters = len(STATS["parameters"])
    terminalreporter.write_sep("-", "fuzz")
    terminalreporter.write_line(
        f"fuzz: {routes} portal routes and {admin_pages} admin pages; {forms} POST forms with "
        f"{fields} fields; {parameters} query parameters"
    )
    totals = ", ".join(
        f"{method} {status}: {count}" for (method, status), count in sorted(_totals().items())
    )
    terminalreporter.write_line(f"fuzz: hostile requests answered {totals}")
    if os.environ.get("FUZZ_ANSWERS"):  # per page, to see what a form does with hostile input
        for key, count in sorted((k, v) for k, v in ANSWERS.items() if len(k) == 3):
            terminalreporter.write_line(f"  {' '.join(map(str, key))}: {count}")


def _totals():
    return {key: count for key, count in ANSWERS.items() if len(key) == 2}
