"""Liveness of what the portal depends on, for /healthz.

"down" means the portal cannot serve (the database does not answer): a load balancer takes the
instance out. "degraded" means it serves, with follow-up work waiting (the broker or cache does not
answer, or outbox mails keep failing): keep it in rotation and alert someone.
"""

import redis
from django.conf import settings
from django.db import DatabaseError

from portal.models import EmailStatus, OutboundEmail

OK = "ok"
NOT_CONFIGURED = "not configured"
DOWN = "down"
DEGRADED = "degraded"

# Without these the portal cannot answer a request; any other failing check only degrades it.
ESSENTIAL = frozenset({"database"})


def check_database_and_mails() -> tuple[str, str, int | None]:
    """The database's state, the mail outbox's state and its count of failed mails, in one query.

    The count is the database probe as well: /healthz is polled often, so it costs one query.
    """
    try:
        failed_mails = OutboundEmail.objects.filter(status=EmailStatus.FAILED).count()
    except DatabaseError as error:
        return f"fail: {error.__class__.__name__}", "not checked", None
    mails = OK if failed_mails == 0 else f"fail: {failed_mails} failed"
    return OK, mails, failed_mails


def check_redis() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say which)
        return f"fail: {error.__class__.__name__}"
    finally:
        client.close()
    return OK


def run_checks() -> dict[str, object]:
    """The portal's state ("ok", "degraded" or "down"), the failing checks, each check's state
    ("ok", "not configured", "not checked" or "fail: ...") and details (the failed mail count).
    """
    database, mails, failed_mails = check_database_and_mails()
    checks = {"database": database, "redis": check_redis(), "mails": mails}
    failed = failures(checks)
    if ESSENTIAL.intersection(failed):
        status = DOWN
    elif failed:
        status = DEGRADED
    else:
        status = OK
    return {
        "status": status,
        "failed": failed,
        "checks": checks,
        "detail": {"failed_mails": failed_mails},
    }


def failures(checks: dict[str, str]) -> list[str]:
    return [name for name, state in checks.items() if state.startswith("fail")]
