import os

import pytest
from django.urls import reverse

from portal.models import EmailStatus
from tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_healthy_without_redis_configured(client, settings, django_assert_num_queries):
    settings.REDIS_URL = ""

    with django_assert_num_queries(1):
        response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "redis": "not configured", "mails": "ok"},
        "detail": {"failed_mails": 0},
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_is_degraded_not_down(client, settings):
    # The portal still serves without its broker and cache: a load balancer keeps it in rotation.
    settings.REDIS_URL = CLOSED_PORT

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "fail: ConnectionError"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_healthy_with_the_real_redis(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "mails": "ok"}


def test_healthz_needs_no_sign_in_and_sets_no_session(client):
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_failing_mails_are_degraded_with_their_count(client, settings):
    settings.REDIS_URL = ""
    OutboundEmailFactory.create_batch(2, status=EmailStatus.FAILED)
    OutboundEmailFactory(status=EmailStatus.RETRYING)

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "failed": ["mails"],
        "checks": {"database": "ok", "redis": "not configured", "mails": "fail: 2 failed"},
        "detail": {"failed_mails": 2},
    }


def test_redis_and_mails_failing_together_are_both_named(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    OutboundEmailFactory(status=EmailStatus.FAILED)

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["redis", "mails"]


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_is_down_with_503(client, settings, unreachable_database):
    settings.REDIS_URL = ""

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "failed": ["database"],
        "checks": {
            "database": "fail: OperationalError",
            "redis": "not configured",
            "mails": "not checked",
        },
        "detail": {"failed_mails": None},
    }
