"""No invoice number is lost or used twice when PostgreSQL drops a connection (a restart): a
number taken by a transaction whose connection is killed goes back to the series, the next issue
takes it, and committed numbers stand on a new connection (docs/architecture.md, invariant 5).

Connections are killed with ``pg_terminate_backend`` from a second connection, as a restart
ends every backend; the shared server is never stopped.
"""

import datetime
import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django_scopes import scopes_disabled

from billing.models import Invoice
from billing.services.issuing import fee_invoice_issue
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule
from tests.integration.test_database_restart import _second_connection

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

YEAR = 2026
WAIT = 20


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Killing a connection needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def organisations():
    fee_schedule(YEAR)
    made = []
    for _ in range(3):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, start_date=datetime.date(YEAR, 1, 1))
        made.append(organisation)
    return made


def _issue(organisation) -> Invoice:
    return fee_invoice_issue(organisation=organisation, year=YEAR, issued_by=None)


class HeldIssue(threading.Thread):
    """Issues an invoice in a transaction of its own connection and holds it open until told to
    commit; records its backend, its number and how the commit ended."""

    def __init__(self, organisation):
        super().__init__(daemon=True)
        self.organisation = organisation
        self.numbered = threading.Event()
        self.commit = threading.Event()
        self.pid: int | None = None
        self.number: int | None = None
        self.outcome = ""

    def run(self) -> None:
        try:
            with scopes_disabled(), transaction.atomic():
                invoice = _issue(self.organisation)
                self.pid = connection.connection.info.backend_pid
                self.number = invoice.number
                self.numbered.set()
                self.commit.wait(WAIT)
            self.outcome = "committed"
        except DatabaseError as error:
            self.outcome = type(error).__name__
        finally:
            self.numbered.set()
            connections.close_all()


def _terminate(pid: int) -> None:
    with _second_connection(autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


def _backend_waiting_for_a_lock(watcher, *, besides: int) -> int | None:
    row = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> %s AND pid <> pg_backend_pid()",
        [besides],
    ).fetchone()
    return row[0] if row else None


def _numbers() -> list[int]:
    return sorted(Invoice.objects.values_list("number", flat=True))


def test_a_number_taken_by_a_killed_transaction_is_reused_by_the_next_issue(organisations):
    first, second, _third = organisations
    held = HeldIssue(first)
    held.start()
    assert held.numbered.wait(WAIT)
    assert held.number == 1

    _terminate(held.pid)
    held.commit.set()
    held.join(WAIT)
    assert held.outcome in {"OperationalError", "InterfaceError"}  # its commit never happened
    assert _numbers() == []

    assert _issue(second).number == 1  # no gap: the killed transaction's number came back
    assert _issue(first).number == 2  # and the organisation it was for is invoiced after all
    assert _numbers() == [1, 2]


def test_an_issuer_waiting_for_the_number_gets_it_when_the_holder_is_killed(organisations):
    first, second, _third = organisations
    held = HeldIssue(first)
    held.start()
    assert held.numbered.wait(WAIT)
    waiter = HeldIssue(second)
    waiter.commit.set()  # commits as soon as it has its number
    waiter.start()

    with _second_connection(autocommit=True) as watcher:
        deadline = time.monotonic() + WAIT
        while _backend_waiting_for_a_lock(watcher, besides=held.pid) is None:
            assert time.monotonic() < deadline, "the second issuer never waited for the number"
            time.sleep(0.05)

    _terminate(held.pid)
    waiter.join(WAIT)
    held.commit.set()
    held.join(WAIT)

    assert (waiter.outcome, waiter.number) == ("committed", 1)
    assert held.outcome in {"OperationalError", "InterfaceError"}
    assert _numbers() == [1]


def test_committed_numbers_stand_on_a_new_connection_and_the_series_goes_on(organisations):
    first, second, third = organisations
    assert [_issue(first).number, _issue(second).number] == [1, 2]

    _terminate(connection.connection.info.backend_pid)
    with pytest.raises(DatabaseError):
        Invoice.objects.count()  # this connection is gone
    connection.close()  # as CONN_HEALTH_CHECKS does before the next request

    assert _numbers() == [1, 2]
    assert _issue(third).number == 3
    assert _numbers() == [1, 2, 3]
