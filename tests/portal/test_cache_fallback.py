"""portal/cache.py against a real Redis of the test's own, stopped, paused and started again."""

import logging
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from portal.cache import FallbackRedisCache
from tests.redis_server import fallback_cache_settings, running_redis_server

RETRY_SECONDS = 0.2


@pytest.fixture
def redis_server():
    yield from running_redis_server()


@pytest.fixture
def fallback_cache(redis_server):
    params = fallback_cache_settings(redis_server.url, retry_seconds=RETRY_SECONDS)["default"]
    cache = FallbackRedisCache(params["LOCATION"], params)
    cache.clear()
    yield cache
    cache._local.clear()
    for pool in cache._cache._pools.values():
        pool.disconnect()


def test_get_set_incr_add_keep_working_while_redis_is_down(redis_server, fallback_cache):
    fallback_cache.set("before", 1)
    assert fallback_cache.get("before") == 1
    assert not fallback_cache.in_fallback

    redis_server.stop()

    fallback_cache.set("attempts", 1)
    assert fallback_cache.get("attempts") == 1
    assert fallback_cache.incr("attempts") == 2
    assert fallback_cache.add("attempts", 99) is False
    assert fallback_cache.add("fresh", "x") is True
    assert fallback_cache.get_many(["attempts", "fresh"]) == {"attempts": 2, "fresh": "x"}
    assert fallback_cache.get("before", "gone") == "gone"  # Redis's values are out of reach
    fallback_cache.delete("fresh")
    assert fallback_cache.get("fresh") is None
    assert fallback_cache.in_fallback


def test_an_outage_is_logged_once_not_per_call(redis_server, fallback_cache, caplog):
    redis_server.stop()
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        for n in range(5):
            fallback_cache.set(f"key{n}", n)
            time.sleep(RETRY_SECONDS / 2)  # some calls retry Redis, some do not
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert redis_server.url.split("/0")[0] in warnings[0].getMessage()


def test_the_backend_uses_redis_again_once_it_answers(redis_server, fallback_cache, caplog):
    redis_server.stop()
    fallback_cache.set("during", "local")
    assert fallback_cache.in_fallback

    redis_server.start()  # the same port, empty
    time.sleep(RETRY_SECONDS * 1.5)
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        fallback_cache.set("after", "redis")
    assert not fallback_cache.in_fallback
    assert "answers again" in caplog.text
    assert fallback_cache.get("during") is None  # read from Redis, not the local cache
    assert fallback_cache._local.get("after") is None
    assert fallback_cache.get("after") == "redis"


def test_a_redis_that_hangs_costs_a_call_the_socket_timeout_not_the_request(
    redis_server,
    fallback_cache,
):
    fallback_cache.set("k", 1)
    redis_server.pause()
    try:
        started = time.monotonic()
        fallback_cache.set("k", 2)
        assert fallback_cache.get("k") == 2
        assert time.monotonic() - started < 2.0
        assert fallback_cache.in_fallback
    finally:
        redis_server.resume()


def test_with_redis_url_the_default_cache_falls_back_and_has_short_timeouts():
    """Read in a fresh Django process, since settings are read from the environment once."""
    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        "o = c['OPTIONS'];"
        "print(c['BACKEND'], o['socket_timeout'], o['socket_connect_timeout'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    backend, socket_timeout, connect_timeout = result.stdout.splitlines()[-1].split()
    assert backend == "portal.cache.FallbackRedisCache"
    assert float(socket_timeout) <= 1
    assert float(connect_timeout) <= 1
