"""Proxies given at the same moment cannot pass the holder's limit nor form a chain: every proxy
write locks the meeting row first (meetings/services/representation.py)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from meetings.models import Proxy
from meetings.services.representation import proxy_give
from tests.meetings.meeting_helpers import noticed, voter

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

GIVERS = 8


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: set DATABASE_URL")


def race(calls):
    """Run the calls in threads released together; each outcome is "given" or the refusal."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # a thread starts in the default language
                call()
            outcomes.append("given")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_givers_racing_for_one_holder_never_pass_its_limit():
    holder = voter("Holder AS")
    givers = [voter(f"Giver {n} AS") for n in range(GIVERS)]
    meeting = noticed(proxy_limit=2)

    outcomes = race(
        [
            lambda giver=giver: proxy_give(
                meeting=meeting, giver=giver, holder=holder, actor=giver.admin
            )
            for giver in givers
        ]
    )

    assert outcomes.count("given") == 2
    assert len(outcomes) == GIVERS
    assert all("already carries 2 proxies" in o for o in outcomes if o != "given")
    assert Proxy.objects.filter(holder=holder, withdrawn_at__isnull=True).count() == 2


def test_two_organisations_giving_to_each_other_at_once_make_no_chain():
    alfa, beta = voter("Alfa AS"), voter("Beta AS")
    meeting = noticed(proxy_limit=3)

    outcomes = race(
        [
            lambda: proxy_give(meeting=meeting, giver=alfa, holder=beta, actor=alfa.admin),
            lambda: proxy_give(meeting=meeting, giver=beta, holder=alfa, actor=beta.admin),
        ]
    )

    assert outcomes.count("given") == 1
    assert Proxy.objects.count() == 1
    assert "a proxy cannot be passed on" in next(o for o in outcomes if o != "given")
