"""Liveness of what the portal depends on, for /healthz."""

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say which)
        return f"database: {error.__class__.__name__}"
    return None


def check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        return f"redis: {error.__class__.__name__}"
    return None


def failures() -> list[str]:
    return [failure for failure in (check_database(), check_redis()) if failure]
