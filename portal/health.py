"""Liveness of what the portal depends on, for /healthz."""

import redis
from django.conf import settings
from django.db import connection

OK = "ok"
NOT_CONFIGURED = "not configured"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say which)
        return f"fail: {error.__class__.__name__}"
    return OK


def check_redis() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        return f"fail: {error.__class__.__name__}"
    finally:
        client.close()
    return OK


def run_checks() -> dict[str, str]:
    """Each dependency's state: "ok", "not configured" or "fail: <error class>"."""
    return {"database": check_database(), "redis": check_redis()}


def failures(checks: dict[str, str]) -> list[str]:
    return [name for name, state in checks.items() if state.startswith("fail")]
