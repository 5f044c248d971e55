"""Casting against PostgreSQL from many threads at once: one vote per organisation, and a cast
racing the poll's close is either counted or refused, never stored after the close.

Each thread has its own database connection. At most ``CONNECTIONS`` of them talk to the
database at the same moment, so the test leaves room under ``max_connections`` for the rest of
the machine; the barrier still releases every thread together.
"""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from meetings.models import Ballot, Participation, Poll, PollStatus
from meetings.services.polls import poll_close, vote_cast
from meetings.services.results import poll_result
from tests.meetings.voting import motion, open_meeting, staff_user, voter

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CONNECTIONS = 40


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: set DATABASE_URL")


def run_at_once(jobs: list) -> list:
    """Run the callables ``jobs`` in threads released together; their outcomes in job order:
    what each returned, or the message of its ValidationError."""
    barrier = threading.Barrier(len(jobs))
    slots = threading.BoundedSemaphore(CONNECTIONS)
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            with slots, translation.override("en"):
                outcomes[index] = ("done", job())
        except ValidationError as error:
            outcomes[index] = ("refused", " ".join(error.messages))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            outcomes[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_hundred_threads_casting_one_organisations_vote_count_exactly_one(secret):
    meeting = open_meeting()
    alpha = voter(meeting, name="Alfa Celle AS")
    poll = motion(meeting, secret=secret)

    def cast():
        return vote_cast(poll=poll, organisation=alpha.organisation, user=alpha.user, choice="yes")

    outcomes = run_at_once([cast] * 100)

    kinds = [kind for kind, _detail in outcomes]
    assert kinds.count("done") == 1, outcomes
    assert set(outcomes) - {o for o in outcomes if o[0] == "done"} == {
        ("refused", "Alfa Celle AS has already voted in this poll; a vote is final once cast.")
    }
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_fifty_casts_racing_the_close_are_each_counted_or_refused_never_after(secret):
    meeting = open_meeting()
    voters = [voter(meeting) for _ in range(50)]
    poll = motion(meeting, secret=secret)
    staff = staff_user()
    some_counted = threading.Event()
    counted = []

    def cast(person):
        def job():
            code = vote_cast(
                poll=poll, organisation=person.organisation, user=person.user, choice="yes"
            )
            counted.append(person.organisation.pk)
            if len(counted) >= 1:
                some_counted.set()
            return code

        return job

    def close():
        # The close starts while casts are in flight, not before the first one.
        some_counted.wait(timeout=30)
        return poll_close(poll=poll, actor=staff).pk

    outcomes = run_at_once([cast(person) for person in voters] + [close])

    assert outcomes[-1][0] == "done", outcomes[-1]
    assert counted  # the close waited for a first counted cast
    casts = outcomes[:-1]
    assert {kind for kind, _detail in casts} <= {"done", "refused"}, casts
    assert {detail for kind, detail in casts if kind == "refused"} <= {"This poll is closed."}
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.status == PollStatus.CLOSED
    participations = Participation.objects.filter(poll=poll)
    assert set(participations.values_list("organisation_id", flat=True)) == set(counted)
    assert Ballot.objects.filter(poll=poll).count() == len(counted)
    assert poll.result["participated"] == poll.result["yes"] == len(counted)
    assert all(p.cast_at <= poll.closed_at for p in participations)
    with translation.override(settings.LANGUAGE_CODE):
        assert poll_result(poll) == poll.result
