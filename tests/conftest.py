import importlib
import os

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from battery_norway.celery import app as celery_app

# Property-based tests (tests/fuzz/): a small budget in `make test`, a deep search in
# `make fuzz` (HYPOTHESIS_PROFILE=long). No example database: runs are repeatable from the seed.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
}
hypothesis_settings.register_profile(
    "default", max_examples=5, derandomize=True, **_HYPOTHESIS_COMMON
)
hypothesis_settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", 1000)), **_HYPOTHESIS_COMMON
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SEEDING_MIGRATIONS = {
    # a model whose rows data migrations seed -> (migration, function) that seed them
    "members.ValueChainSegment": [("members.migrations.0002_seed_reference_data", "create")],
    "billing.NumberSeries": [("billing.migrations.0002_series_and_seller", "create")],
    "django_celery_beat.PeriodicTask": [
        ("portal.migrations.0002_periodic_tasks", "create"),
        ("portal.migrations.0003_submission_claims", "schedule_purge"),
        ("portal.migrations.0005_pending_tasks", "schedule_dispatch"),
        ("billing.migrations.0003_payment_reminder_task", "create"),
        ("billing.migrations.0004_invoice_sent_status_task", "create"),
        ("meetings.migrations.0002_close_due_polls_task", "create"),
    ],
}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Rows seeded by data migrations, put back after a transactional test flushed them."""
    if "django_db_setup" not in request.fixturenames:
        return
    restore_reference_data()


def restore_reference_data() -> None:
    from django.apps import apps

    for label, seeds in SEEDING_MIGRATIONS.items():
        if not apps.get_model(label).objects.exists():
            for migration, function in seeds:
                getattr(importlib.import_module(migration), function)(apps, None)


@pytest.fixture(autouse=True)
def _test_code_queries_across_organisations():
    """The test body (and its fixtures) may query every organisation's rows; requests through
    the test client still run under the middleware's enabled scope, so a view that forgets its
    organisation scope raises ScopeError in tests."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _english_by_default():
    """Tests assert the English source strings; Norwegian is checked with ``client_nb``."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that asks for English pages (Accept-Language), like the tests' assertions."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client_nb():
    """A browser with no language preference: it gets the default, Norwegian bokmål."""
    return Client()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashing is slow on purpose; tests hash thousands of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(request):
    """Unit tests run Celery tasks in process and start from an empty cache (rate limits).

    Tests marked ``integration`` talk to a real worker instead.
    """
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    cache.clear()
    yield
    celery_app.conf.task_always_eager = previous


def pytest_sessionfinish(session, exitstatus):
    """With PORTAL_NO_SKIPS set (CI), a skipped test fails the run: CI has every service."""
    if not os.environ.get("PORTAL_NO_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped while PORTAL_NO_SKIPS is set.", red=True
        )
        session.exitstatus = 1


@pytest.fixture
def smtp_server(settings):
    """A real SMTP receiver; Django's mail goes to it for the duration of the test."""
    from tests.smtp import SmtpReceiver

    with SmtpReceiver() as receiver:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = receiver.port
        settings.EMAIL_USE_TLS = False
        yield receiver


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True, email="sekretariat@example.no")


@pytest.fixture
def staff_client(staff):
    """The secretariat, signed in, asking for English pages."""
    from tests.helpers import logged_in

    return logged_in(staff)
