"""Security headers on every response, and no Server banner from gunicorn."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", ["/", "/apply/", "/accounts/login/", "/no-such-page/"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    policy = directives(client.get(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in client.get(path)["Content-Security-Policy"]


def test_the_admin_has_the_policy_too(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert directives(response)["script-src"] == ["'self'"]


def test_permissions_policy_turns_off_the_features_the_portal_never_uses(client):
    header = client.get("/")["Permissions-Policy"]

    features = dict(item.strip().split("=") for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert features[feature] == "()"


def test_referrer_policy_nosniff_and_frame_options_as_django_sets_them(client):
    response = client.get("/")

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_downloads_carry_the_headers_too(staff_client):
    url = reverse("admin:billing_invoice_accounting_export")

    response = staff_client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_no_template_holds_inline_script_style_or_event_handlers():
    """The policy refuses them; a page that needs one must load a static file instead."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.name.endswith("_pdf.html") or template.parent.name == "pdf":
            # printed by WeasyPrint, never served
            continue
        text = template.read_text()
        for needle in ("<script>", "<style", " style=", " onclick=", " onsubmit=", " onchange="):
            if needle in text:
                offenders.append(f"{template.relative_to(ROOT)}: {needle.strip()}")
        offenders += [
            f"{template.relative_to(ROOT)}: inline <script>"
            for line in text.splitlines()
            if "<script" in line and "src=" not in line
        ]
    assert offenders == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, deadline: float) -> http.client.HTTPResponse:
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response
        except (ConnectionRefusedError, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_sends_no_server_banner(tmp_path):
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(tmp_path / "access.log"),
            "battery_norway.wsgi",
        ],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "battery_norway.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _get(port, "/healthz", deadline=time.monotonic() + 30)
    finally:
        process.terminate()
        process.wait(timeout=10)

    headers = {name.lower(): value for name, value in response.getheaders()}
    assert "server" not in headers
    assert "content-security-policy" in headers
    assert "permissions-policy" in headers
