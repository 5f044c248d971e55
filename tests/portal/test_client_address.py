"""Login and /apply/ limits key on the client address, read through trusted proxies only."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.client_address import client_address
from portal.middleware import AuditlogMiddleware

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy as the app sees it (REMOTE_ADDR)
TOO_MANY = "Too many failed login attempts"


def _failed_logins(client, count, first=0, **headers):
    """``count`` failed sign-ins (a different address each, so only the per-IP limit counts)."""
    login = reverse("account_login")
    responses = [
        client.post(
            login,
            {"login": f"nobody{first + n}@example.no", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            **headers,
        )
        for n in range(count)
    ]
    return [TOO_MANY in r.content.decode() for r in responses]


def _address(settings, hops, forwarded=None, remote=PROXY):
    settings.TRUSTED_PROXY_COUNT = hops
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


# --- Keys for the limits ---------------------------------------------------------------------


def test_with_no_trusted_proxy_a_spoofed_header_does_not_escape_the_login_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    limited = [
        _failed_logins(client, 1, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")[0] for n in range(11)
    ]
    assert limited == [False] * 10 + [True]


def test_behind_one_proxy_two_clients_are_limited_separately(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first = _failed_logins(client, 11, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = _failed_logins(client, 1, 20, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert first == [False] * 10 + [True]
    assert second == [False]


def test_behind_one_proxy_a_forged_left_most_entry_does_not_make_a_new_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limited = [
        _failed_logins(client, 1, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5")[0]
        for n in range(11)
    ]
    assert limited == [False] * 10 + [True]


def test_the_apply_limit_keys_on_the_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("members:apply")
    statuses = [
        client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.5")
        for n in range(11)
    ]
    other = client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert [r.status_code for r in statuses] == [200] * 10 + [429]
    assert other.status_code == 200


def test_the_audit_log_records_the_client_not_a_forged_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5"
    )
    assert AuditlogMiddleware(lambda r: None).get_extra_data(request)["remote_addr"] == (
        "203.0.113.5"
    )


# --- The rule itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.5", PROXY),
        (1, None, PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (1, " 203.0.113.5:4431 ", "203.0.113.5"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        # Fewer entries than proxies, or an unreadable entry: not through our proxies.
        (2, "203.0.113.5", PROXY),
        (1, "not-an-address", PROXY),
        (1, "\x00", PROXY),
    ],
)
def test_client_address_reads_the_header_only_through_trusted_proxies(
    settings, hops, forwarded, expected
):
    assert _address(settings, hops, forwarded) == expected
