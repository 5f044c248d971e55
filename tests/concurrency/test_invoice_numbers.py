import datetime
import threading

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from billing.models import Invoice
from billing.services.issuing import fee_invoice_issue
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ISSUERS = 12


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: set DATABASE_URL")


def test_many_threads_issuing_at_once_get_consecutive_numbers_without_gaps():
    fee_schedule(2026)
    organisations = []
    for _ in range(ISSUERS):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, start_date=datetime.date(2026, 1, 1))
        organisations.append(organisation)
    barrier = threading.Barrier(ISSUERS * 2)
    errors = []

    def issue(organisation):
        try:
            barrier.wait(timeout=30)
            # A new thread starts outside any scope; invoices are issued by staff and tasks,
            # which work across organisations.
            with scopes_disabled():
                fee_invoice_issue(organisation=organisation, year=2026, issued_by=None)
        except Exception as error:  # noqa: BLE001  (collect: the second try per org must fail)
            errors.append(type(error).__name__)
        finally:
            connections.close_all()

    # Every organisation twice at once: one must win, one must be refused.
    threads = [threading.Thread(target=issue, args=(o,)) for o in organisations * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, ISSUERS + 1))
    assert Invoice.objects.values("organisation").distinct().count() == ISSUERS
    assert errors == ["ValidationError"] * ISSUERS
