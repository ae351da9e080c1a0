"""Login rate limiting, per account and per IP address, counted in Django's cache.

Failures are counted in fixed windows (default 15 minutes). After `per_account` failures for one
username, or `per_ip` failures from one address, further attempts are refused until the window
ends, even with the right password, so guessing cannot continue. A successful login clears the
account's count (not the address's, which may be shared by an attacker trying many accounts).

The counts live in the default cache. With the default per-process memory cache each server
process counts separately, so production should point CACHES at a shared cache such as Redis.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache

# Documented limits; each may be overridden by a setting of the same name.
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
LOGIN_MAX_FAILURES_PER_IP = 20


def minutes_to_wait(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def _digest(value: str) -> str:
    # Hashed so any username is a safe cache key and none is stored in the clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LoginRateLimiter:
    cache: BaseCache
    window_seconds: int
    per_account: int
    per_ip: int
    clock: Callable[[], float] = time.time

    def _window(self) -> tuple[int, float]:
        now = self.clock()
        return int(now // self.window_seconds), self.window_seconds - (now % self.window_seconds)

    def _keys(self, username: str, ip: str) -> tuple[str, str]:
        bucket, _ = self._window()
        return (
            f"login-fail:account:{_digest(username.strip().lower())}:{bucket}",
            f"login-fail:ip:{_digest(ip)}:{bucket}",
        )

    def seconds_until_allowed(self, *, username: str, ip: str) -> float | None:
        """None when an attempt may go ahead, else how long until the window resets."""
        account_key, ip_key = self._keys(username, ip)
        counts = self.cache.get_many([account_key, ip_key])
        if counts.get(account_key, 0) >= self.per_account or counts.get(ip_key, 0) >= self.per_ip:
            return self._window()[1]
        return None

    def record_failure(self, *, username: str, ip: str) -> None:
        for key in self._keys(username, ip):
            # add() then incr() is atomic on Redis and memcached, so concurrent failures all count.
            self.cache.add(key, 0, timeout=self.window_seconds + 1)
            try:
                self.cache.incr(key)
            except ValueError:  # expired between add and incr
                self.cache.set(key, 1, timeout=self.window_seconds + 1)

    def clear_account(self, *, username: str) -> None:
        account_key, _ = self._keys(username, "")
        self.cache.delete(account_key)


def login_rate_limiter() -> LoginRateLimiter:
    return LoginRateLimiter(
        cache=default_cache,
        window_seconds=getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", LOGIN_FAILURE_WINDOW_SECONDS),
        per_account=getattr(settings, "LOGIN_MAX_FAILURES_PER_ACCOUNT", LOGIN_MAX_FAILURES_PER_ACCOUNT),
        per_ip=getattr(settings, "LOGIN_MAX_FAILURES_PER_IP", LOGIN_MAX_FAILURES_PER_IP),
    )
