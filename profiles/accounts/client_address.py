"""The address a request came from, read through the proxies this deploy trusts.

Every part of the site that needs the client's address (the login limiter today) calls
`client_ip`, so a deploy behind a proxy is configured once, with IMGSITE_TRUSTED_PROXY_COUNT.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def address_through_proxies(*, remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The client's address when `trusted_proxies` proxies each appended the address they saw.

    X-Forwarded-For reads left to right from the first hop to the last; anything left of what our
    own proxies appended was written by the client and may be forged. So with N trusted proxies the
    client is the Nth address from the right. With no trusted proxy, or fewer entries than proxies
    (a request that reached us without passing them), the connecting address is the only fact.
    """
    if trusted_proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    return _bare_address(hops[-trusted_proxies]) or remote_addr


def _bare_address(hop: str) -> str:
    """The IP address in one X-Forwarded-For entry, without the port some proxies add
    ('203.0.113.9:4711', '[2001:db8::1]:443'); '' when it is not an address at all."""
    for candidate in (hop, hop.rpartition(":")[0].strip("[]") if ":" in hop else ""):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return ""


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return address_through_proxies(
        remote_addr=str(request.META.get("REMOTE_ADDR", "")),
        forwarded_for=str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
        trusted_proxies=settings.IMGSITE_TRUSTED_PROXY_COUNT,
    )
