"""The client's address, taken from X-Forwarded-For only through the proxies we trust.

Behind a TLS proxy every request connects from the proxy, so rate limits keyed on REMOTE_ADDR
would put every visitor in one bucket. Each trusted proxy appends the address it received the
request from to X-Forwarded-For; with ``TRUSTED_PROXY_COUNT = n`` the n-th entry from the right
is the address the outermost trusted proxy saw. Entries left of it come from the client and can
be forged, so they are never read. With 0 (the default) the header is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address to key limits and logs on for this request (None if there is none).

    A header with fewer entries than trusted proxies, or an unreadable entry, did not come
    through our proxies as configured: the connecting address is used instead.
    """
    remote = _clean(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_COUNT
    header = request.headers.get("x-forwarded-for", "")
    if hops <= 0 or not header:
        return remote
    entries = header.split(",")
    if len(entries) < hops:
        return remote
    return _clean(entries[-hops]) or remote
