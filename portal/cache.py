"""The default cache: Redis, with a local in-process cache while Redis does not answer.

Sign-in reads the cache on every POST (allauth's rate limits), so a plain Redis cache turns a
Redis outage into a 500 on the login page. ``FallbackRedisCache`` serves each operation from
Redis; on a connection error or a timeout it serves that operation, and every operation after
it, from a local memory cache, and asks Redis again at most every ``RETRY_SECONDS``.

Why this is a safe degradation for rate limits: during an outage each process counts the
attempts it sees itself, so a limit such as "5 failed logins per 5 minutes" holds per process
instead of for the whole site (at most the number of web processes times the limit). The limits
never switch off, and the switch is never silent: the start of an outage is logged as a warning
(once per outage, not once per call) and its end as an info line, and ``/healthz`` names Redis
as degraded meanwhile. Values written during the outage stay local and are not copied to Redis
when it returns: a cache may forget, and a rate-limit count that restarts is the same
per-process limit for one more window.
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Whether Redis at one location is down, shared by every thread of the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.next_try = 0.0

    def should_try_redis(self) -> bool:
        with self.lock:
            return self.down_since is None or time.monotonic() >= self.next_try

    def failed(self, *, location: str, error: Exception, retry_seconds: float) -> None:
        with self.lock:
            now = time.monotonic()
            self.next_try = now + retry_seconds
            if self.down_since is not None:
                return
            self.down_since = now
        logger.warning(
            "Cache: Redis at %s does not answer (%s); serving the cache from process memory "
            "(rate limits count per process) until it does.",
            location,
            error.__class__.__name__,
        )

    def answered(self, *, location: str) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
        logger.info("Cache: Redis at %s answers again after %.0f s.", location, seconds)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _with_fallback(name):
    """Run the RedisCache operation ``name``; on a Redis error run it on the local cache."""
    redis_operation = getattr(RedisCache, name)

    @wraps(redis_operation)
    def operation(self, *args, **kwargs):
        if self._outage.should_try_redis():
            try:
                result = redis_operation(self, *args, **kwargs)
            except REDIS_ERRORS as error:
                self._outage.failed(
                    location=self._location, error=error, retry_seconds=self.retry_seconds
                )
            else:
                self._outage.answered(location=self._location)
                return result
        return getattr(self._local, name)(*args, **kwargs)

    return operation


class FallbackRedisCache(RedisCache):
    """Django's RedisCache that keeps answering from process memory while Redis is down.

    OPTIONS takes ``retry_seconds`` (how often to ask a dead Redis again, default 5) besides
    the connection-pool options (set ``socket_timeout`` and ``socket_connect_timeout`` short,
    so a Redis that hangs costs a request a fraction of a second, not the request).
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", RETRY_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._location = ",".join(self._servers)
        self._outage = _outage_for(self._location)
        local_params = {
            key: params[key]
            for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if key in params
        }
        self._local = LocMemCache(f"portal-cache-fallback:{self._location}", local_params)

    @property
    def in_fallback(self) -> bool:
        """Whether operations are being served from process memory right now."""
        return self._outage.down_since is not None

    add = _with_fallback("add")
    get = _with_fallback("get")
    set = _with_fallback("set")
    touch = _with_fallback("touch")
    delete = _with_fallback("delete")
    get_many = _with_fallback("get_many")
    has_key = _with_fallback("has_key")
    incr = _with_fallback("incr")
    set_many = _with_fallback("set_many")
    delete_many = _with_fallback("delete_many")
    clear = _with_fallback("clear")
