"""Sign-in with the cache (Redis) down: the rate limits count in process memory meanwhile.

The test starts its own Redis on a free port and stops it, so it needs only redis-server (it is
skipped with a reason without one); the database may be SQLite or PostgreSQL.
"""

import logging
import time

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from tests.factories import UserFactory
from tests.redis_server import fallback_cache_settings, running_redis_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "correct-horse-battery"
RETRY_SECONDS = 0.2


@pytest.fixture
def redis_server():
    yield from running_redis_server()


@pytest.fixture
def stopped_cache(settings, redis_server):
    """The default cache pointed at the test's Redis, which has been stopped."""
    settings.CACHES = fallback_cache_settings(redis_server.url, retry_seconds=RETRY_SECONDS)
    cache.clear()  # Redis's keys
    redis_server.stop()
    caches["default"]._local.clear()  # any left in process memory by an earlier test
    yield cache
    caches["default"]._local.clear()
    for pool in caches["default"]._cache._pools.values():
        pool.disconnect()


def test_sign_in_succeeds_with_the_cache_down(client, stopped_cache, caplog):
    user = UserFactory(email="kari@celle.no")
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        response = client.post(
            reverse("account_login"), {"login": "kari@celle.no", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert response.url == reverse("members:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert stopped_cache.in_fallback
    assert "does not answer" in caplog.text  # the degradation is logged, not silent


def test_a_wrong_password_gets_the_form_error_with_the_cache_down(client, stopped_cache):
    UserFactory(email="kari@celle.no")
    response = client.post(reverse("account_login"), {"login": "kari@celle.no", "password": "no"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_still_limited_with_the_cache_down(client, stopped_cache):
    UserFactory(email="kari@celle.no")
    login = reverse("account_login")
    for _ in range(5):
        client.post(login, {"login": "kari@celle.no", "password": "wrong"})
    response = client.post(login, {"login": "kari@celle.no", "password": PASSWORD})
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert "_auth_user_id" not in client.session


def test_many_login_requests_get_429_with_the_cache_down(client, stopped_cache):
    login = reverse("account_login")
    statuses = [
        client.post(login, {"login": f"u{n}@example.no", "password": "x"}).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_sign_in_counts_in_redis_again_once_it_is_back(
    client,
    stopped_cache,
    redis_server,
):
    UserFactory(email="kari@celle.no")
    login = reverse("account_login")
    client.post(login, {"login": "kari@celle.no", "password": "wrong"})
    assert stopped_cache.in_fallback

    redis_server.start()
    time.sleep(RETRY_SECONDS * 1.5)
    response = client.post(login, {"login": "kari@celle.no", "password": PASSWORD})
    assert response.status_code == 302
    assert not stopped_cache.in_fallback
    import redis

    keys = redis.Redis.from_url(redis_server.url)
    try:
        assert keys.keys("portal-test:*")  # the login's rate-limit counters live in Redis
    finally:
        keys.close()
