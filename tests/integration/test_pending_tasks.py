"""Work queued while the broker was down reaches a real worker once the broker is back, once.

The invitation is written while the test's producer points at a closed port (the broker down);
then the producer points at the real Redis again and the dispatcher sends the waiting row.
"""

import datetime
import time

import pytest

from battery_norway.celery import app as celery_app
from members import services
from portal.models import PendingTask
from portal.queue import pending_tasks_dispatch
from tests.factories import active_organisation
from tests.portal.test_pending_tasks import _closed_port

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

MAIL_TIMEOUT = 30
QUIET_AFTER = 3


def _point_broker_at(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # forget the connection pool made for the previous broker URL


def test_an_invitation_made_while_the_broker_was_down_is_mailed_once_when_it_is_back(
    real_stack, celery_worker, smtp_receiver
):
    organisation = active_organisation(name="Fjordcelle AS")
    _point_broker_at(f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        services.invitation_create(organisation=organisation, email="per@fjordcelle.example")
    finally:
        _point_broker_at(real_stack["REDIS_URL"])
    assert PendingTask.objects.count() == 1

    assert pending_tasks_dispatch(older_than=datetime.timedelta(0)) == 1
    assert not PendingTask.objects.exists()

    received = smtp_receiver.wait_for_mail(MAIL_TIMEOUT)
    assert received.recipients == ["per@fjordcelle.example"]
    assert pending_tasks_dispatch() == 0
    time.sleep(QUIET_AFTER)
    celery_worker.assert_alive()
    assert smtp_receiver.received == 1
