"""Rate limits of the JSON API: one per credential (token, or signed-in person on the browser
session) and one per client address, counted in fixed windows in the shared cache, as the login
limiter counts failures. A request over either limit gets 429 with Retry-After (the seconds left in
the window); django-ninja adds the header from `wait()`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from imgsite.api_auth import caller_of
from profiles.accounts.client_address import client_ip


def window_position(now: float, window: int) -> tuple[int, float]:
    """The window number `now` falls in and the seconds left in it."""
    return int(now // window), window - (now % window)


def count_in_window(key: str, *, window: int) -> int:
    """Add one to `key`'s count in the current window and return the new count."""
    bucket, _ = window_position(time.time(), window)
    bucket_key = f"{key}:{bucket}"
    # add() then incr() is atomic on Redis and memcached, so concurrent requests all count.
    cache.add(bucket_key, 0, timeout=window + 1)
    try:
        return int(cache.incr(bucket_key))
    except ValueError:  # expired between add and incr
        cache.set(bucket_key, 1, timeout=window + 1)
        return 1


def credential_key(request: HttpRequest) -> str | None:
    caller = caller_of(request)
    if caller.token_id is not None:
        return f"token:{caller.token_id}"
    if caller.user is not None:
        return f"user:{caller.user.pk}"
    return None  # anonymous: only the address limit applies


def address_key(request: HttpRequest) -> str | None:
    # Hashed, as the login limiter does, so no address is kept in the clear.
    return "ip:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]


class WindowThrottle(BaseThrottle):
    def __init__(self, *, name: str, key_of: Callable[[HttpRequest], str | None], limit_setting: str) -> None:
        self.name = name
        self.key_of = key_of
        self.limit_setting = limit_setting
        # ninja asks wait() right after allow_request() on the same thread; keep it per thread.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.key_of(request)
        if key is None:
            return True
        window = int(settings.API_RATE_WINDOW_SECONDS)
        count = count_in_window(f"api-rate:{self.name}:{key}", window=window)
        allowed = count <= int(getattr(settings, self.limit_setting))
        self._last.wait = None if allowed else window_position(time.time(), window)[1]
        return allowed

    def wait(self) -> float | None:
        return getattr(self._last, "wait", None)


API_THROTTLES: list[BaseThrottle] = [
    WindowThrottle(name="credential", key_of=credential_key, limit_setting="API_MAX_REQUESTS_PER_CREDENTIAL"),
    WindowThrottle(name="address", key_of=address_key, limit_setting="API_MAX_REQUESTS_PER_IP"),
]
