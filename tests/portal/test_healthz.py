import os

import pytest
from django.urls import reverse

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
        "checks": {"database": "ok", "redis": "not configured"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_gives_503_naming_redis(client, settings):
    settings.REDIS_URL = CLOSED_PORT

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "fail: ConnectionError"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_healthy_with_the_real_redis(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_healthz_needs_no_sign_in_and_sets_no_session(client):
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
