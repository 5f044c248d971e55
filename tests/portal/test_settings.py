"""Production settings refuse to run unsafely; each case starts a fresh Django process."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {"PORTAL_ENV": "production", "ALLOWED_HOSTS": "portal.example.no"}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "PORTAL_ENV"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_the_default_secret_key():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "Production needs its own SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = manage("check", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(64), DEBUG="true")
    assert result.returncode != 0
    assert "refuses to run with DEBUG on" in result.stderr


@pytest.mark.parametrize("value", ["staging", "prod"])
def test_an_unknown_environment_name_is_refused(value):
    result = manage("check", PORTAL_ENV=value)
    assert result.returncode != 0
    assert "PORTAL_ENV must be" in result.stderr


def test_deploy_checks_are_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("max_age", "checked"), [("60", "True"), ("0", "False")])
def test_persistent_database_connections_are_health_checked(max_age, checked):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/not_opened",
        CONN_MAX_AGE=max_age,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == checked
