"""Login rate limiting, counted in Django's cache. One limiter serves the site and admin logins.

Why these three limits, and not "five failures lock the account": a lock on the account alone lets
anyone lock its owner out by typing five wrong passwords, and a lock on the address alone lets one
attacker behind many addresses guess forever. So:

1. **Per account and address.** After `per_account_and_ip` failures for one username from one
   address, that pair waits until the window ends. This is the lock an attacker at one address
   meets; the owner, at their own address, never shares it.
2. **Per address.** After `per_ip` failures from one address, across any usernames, that address
   waits until the window ends: one address cannot sweep many accounts.
3. **Per account, everywhere, with growing delays.** After `account_slowdown_after` failures for a
   username from all addresses together, each further attempt waits 1 s, then 2 s, 4 s …, at most
   `account_max_delay` seconds after the account's latest failure. A botnet spread over many
   addresses gets a handful of guesses per window instead of thousands. Addresses that have logged
   in to this account before are exempt, so the owner on a known address is never slowed by
   someone else's guessing; an owner on a new address waits at most `account_max_delay`.

Failures are counted in fixed windows (default 15 minutes). A successful login clears that
account-and-address count and remembers the address as known for `known_address_seconds`. The
counts live in the default cache: production must share it between processes (Redis).
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


def wait_in_words(seconds: float) -> str:
    """'3 seconds' for the short account-wide delays, '14 minutes' for a window's lock."""
    if seconds <= 60:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _digest(value: str) -> str:
    # Hashed so any username is a safe cache key and none is stored in the clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account(username: str) -> str:
    return _digest(username.strip().lower())


def growing_delay(*, failures: int, slowdown_after: int, max_delay: float) -> float:
    """Seconds to wait after the latest failure: none below the threshold, then doubling."""
    if failures < slowdown_after:
        return 0.0
    # Capped exponent: the delay is capped anyway, and 2**huge would overflow a float.
    return float(min(max_delay, 2 ** min(failures - slowdown_after, 62)))


@dataclass(frozen=True)
class LoginRateLimiter:
    cache: BaseCache
    window_seconds: int
    per_account_and_ip: int
    per_ip: int
    account_slowdown_after: int
    account_max_delay: float
    known_address_seconds: int
    clock: Callable[[], float] = time.time

    def _window(self) -> tuple[int, float]:
        now = self.clock()
        return int(now // self.window_seconds), self.window_seconds - (now % self.window_seconds)

    def _pair_key(self, username: str, ip: str, bucket: int) -> str:
        return f"login-fail:pair:{_account(username)}:{_digest(ip)}:{bucket}"

    def _ip_key(self, ip: str, bucket: int) -> str:
        return f"login-fail:ip:{_digest(ip)}:{bucket}"

    def _account_key(self, username: str, bucket: int) -> str:
        return f"login-fail:account:{_account(username)}:{bucket}"

    def _last_failure_key(self, username: str) -> str:
        return f"login-last-fail:account:{_account(username)}"

    def _known_key(self, username: str, ip: str) -> str:
        return f"login-known:{_account(username)}:{_digest(ip)}"

    def seconds_until_allowed(self, *, username: str, ip: str) -> float | None:
        """None when an attempt may go ahead, else how long to wait."""
        bucket, window_left = self._window()
        pair_key, ip_key = self._pair_key(username, ip, bucket), self._ip_key(ip, bucket)
        account_key, last_key = self._account_key(username, bucket), self._last_failure_key(username)
        known_key = self._known_key(username, ip)
        counts = self.cache.get_many([pair_key, ip_key, account_key, last_key, known_key])
        if counts.get(pair_key, 0) >= self.per_account_and_ip or counts.get(ip_key, 0) >= self.per_ip:
            return window_left
        if counts.get(known_key):
            return None
        delay = growing_delay(
            failures=counts.get(account_key, 0),
            slowdown_after=self.account_slowdown_after,
            max_delay=self.account_max_delay,
        )
        wait = counts.get(last_key, 0.0) + delay - self.clock()
        return wait if delay and wait > 0 else None

    def record_failure(self, *, username: str, ip: str) -> None:
        bucket, _ = self._window()
        for key in (
            self._pair_key(username, ip, bucket),
            self._ip_key(ip, bucket),
            self._account_key(username, bucket),
        ):
            self._increment(key)
        self.cache.set(self._last_failure_key(username), self.clock(), timeout=self.window_seconds + 1)

    def record_success(self, *, username: str, ip: str) -> None:
        """The owner is in: their own address starts afresh and is exempt from the slowdown."""
        bucket, _ = self._window()
        self.cache.delete(self._pair_key(username, ip, bucket))
        self.cache.set(self._known_key(username, ip), True, timeout=self.known_address_seconds)

    def _increment(self, key: str) -> None:
        # add() then incr() is atomic on Redis and memcached, so concurrent failures all count.
        self.cache.add(key, 0, timeout=self.window_seconds + 1)
        try:
            self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, timeout=self.window_seconds + 1)


def login_rate_limiter() -> LoginRateLimiter:
    return LoginRateLimiter(
        cache=default_cache,
        window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS,
        per_account_and_ip=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
        per_ip=settings.LOGIN_MAX_FAILURES_PER_IP,
        account_slowdown_after=settings.LOGIN_ACCOUNT_SLOWDOWN_AFTER,
        account_max_delay=settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS,
        known_address_seconds=settings.LOGIN_KNOWN_ADDRESS_DAYS * 24 * 3600,
    )
