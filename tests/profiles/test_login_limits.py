"""Login limits: one limiter for the site and admin logins, client addresses read through trusted
proxies, attackers slowed without locking the owner out, and one account per email address."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

from profiles.accounts.client_address import address_through_proxies
from profiles.accounts.forms import DUPLICATE_EMAIL_MESSAGE
from profiles.accounts.ratelimit import LoginRateLimiter, growing_delay, login_rate_limiter, wait_in_words
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

RATE_LIMITED = re.compile(r"Too many login attempts\. Try again in \d+ (seconds?|minutes?)\.")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The login limiter counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def _login(client, username: str, password: str, ip: str = "10.0.0.1", **headers: str):
    return client.post(
        "/account/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _admin_login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _limiter(now: list[float], **overrides: float) -> LoginRateLimiter:
    limits: dict = {
        "window_seconds": 900,
        "per_account_and_ip": 5,
        "per_ip": 100,
        "account_slowdown_after": 10,
        "account_max_delay": 300,
        "known_address_seconds": 3600,
        **overrides,
    }
    return LoginRateLimiter(cache=cache, clock=lambda: now[0], **limits)


# --- The site login --------------------------------------------------------------------------------


def test_five_failures_from_one_address_stop_that_address_guessing_even_the_right_password(client):
    make_user("alice")
    for _ in range(5):
        _login(client, "alice", "wrong", ip="203.0.113.9")
    response = _login(client, "alice", DEFAULT_PASSWORD, ip="203.0.113.9")
    assert RATE_LIMITED.search(response.content.decode())
    assert "_auth_user_id" not in client.session


def test_an_attacker_guessing_from_elsewhere_does_not_lock_the_owner_out(client):
    alice = make_user("alice")
    for _ in range(5):
        assert _login(client, "alice", "wrong", ip="203.0.113.9").status_code == 200
    response = _login(client, "alice", DEFAULT_PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_too_many_failures_from_one_address_lock_it_for_every_account(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    make_user("alice")
    for n in range(3):
        _login(client, f"nobody{n}", "wrong", ip="10.9.9.9")
    assert RATE_LIMITED.search(_login(client, "alice", DEFAULT_PASSWORD, ip="10.9.9.9").content.decode())
    assert _login(client, "alice", DEFAULT_PASSWORD, ip="10.1.1.1").status_code == 302


def test_a_successful_login_clears_the_failures_from_that_address(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP = 3
    make_user("alice")
    _login(client, "alice", "wrong")
    _login(client, "alice", "wrong")
    assert _login(client, "alice", DEFAULT_PASSWORD).status_code == 302
    client.post("/account/logout/")
    _login(client, "alice", "wrong")
    _login(client, "alice", "wrong")
    assert _login(client, "alice", DEFAULT_PASSWORD).status_code == 302


def test_a_blank_password_does_not_reset_the_count(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP = 2
    make_user("alice")
    _login(client, "alice", "wrong")
    _login(client, "alice", "")
    _login(client, "alice", "wrong")
    assert RATE_LIMITED.search(_login(client, "alice", DEFAULT_PASSWORD).content.decode())


def test_guesses_spread_over_many_addresses_slow_down_the_account_for_new_addresses(client, settings):
    settings.LOGIN_ACCOUNT_SLOWDOWN_AFTER = 4
    make_user("alice")
    for n in range(4):
        _login(client, "alice", "wrong", ip=f"192.0.2.{n}")
    # From the fifth failure on, attempts inside the delay are refused unchecked; these five
    # stand for an attacker who waited out each delay.
    for n in range(5):
        login_rate_limiter().record_failure(username="alice", ip=f"192.0.2.{10 + n}")
    # Another address, never seen, must wait even with the right password: 1 s after the fourth
    # failure, doubling with each one after it, so 32 s after the ninth.
    html = _login(client, "alice", DEFAULT_PASSWORD, ip="192.0.2.200").content.decode()
    assert re.search(r"Too many login attempts\. Try again in (3[0-2]|[12]\d|\d) seconds\.", html)
    assert "_auth_user_id" not in client.session


def test_the_owner_on_an_address_they_logged_in_from_is_not_slowed_by_others_guessing(client, settings):
    settings.LOGIN_ACCOUNT_SLOWDOWN_AFTER = 4
    make_user("alice")
    assert _login(client, "alice", DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302
    client.post("/account/logout/")
    for n in range(8):
        _login(client, "alice", "wrong", ip=f"192.0.2.{n}")
    assert _login(client, "alice", DEFAULT_PASSWORD, ip="198.51.100.7").status_code == 302


# --- The admin login ---------------------------------------------------------------------------------


def test_the_admin_login_is_limited_like_the_site_login(client):
    make_user("root", is_staff=True, is_superuser=True)
    for _ in range(30):
        _admin_login(client, "root", "wrong", ip="203.0.113.9")
    response = _admin_login(client, "root", DEFAULT_PASSWORD, ip="203.0.113.9")
    assert response.status_code == 200
    assert RATE_LIMITED.search(response.content.decode())
    assert "_auth_user_id" not in client.session


def test_admin_and_site_logins_share_one_count(client):
    make_user("root", is_staff=True, is_superuser=True)
    for _ in range(3):
        _login(client, "root", "wrong", ip="203.0.113.9")
    for _ in range(2):
        _admin_login(client, "root", "wrong", ip="203.0.113.9")
    assert RATE_LIMITED.search(_login(client, "root", DEFAULT_PASSWORD, ip="203.0.113.9").content.decode())


def test_the_admin_login_still_works_and_still_refuses_non_staff(client):
    make_user("root", is_staff=True, is_superuser=True)
    make_user("bob")
    refused = _admin_login(client, "bob", DEFAULT_PASSWORD)
    assert "Please enter the correct username and password for a staff account" in refused.content.decode()
    response = _admin_login(client, "root", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# --- Client addresses behind proxies ---------------------------------------------------------------


def test_behind_a_trusted_proxy_failures_count_against_the_forwarded_client_not_the_proxy(client, settings):
    settings.IMGSITE_TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    make_user("alice")
    proxy = "10.0.0.2"
    for n in range(3):
        _login(client, f"nobody{n}", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    # Everyone arrives from the proxy's address; only the guessing client is stopped.
    assert (
        _login(client, "alice", DEFAULT_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 302
    )
    client.post("/account/logout/")
    blocked = _login(client, "alice", DEFAULT_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert RATE_LIMITED.search(blocked.content.decode())


def test_a_client_cannot_dodge_the_limit_by_forging_x_forwarded_for(client, settings):
    settings.IMGSITE_TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    make_user("alice")
    for n in range(3):
        # The proxy appends the address it saw after whatever the client sent.
        forged = f"1.1.1.{n}, 203.0.113.9"
        _login(client, f"nobody{n}", "wrong", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=forged)
    response = _login(
        client, "alice", DEFAULT_PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9"
    )
    assert RATE_LIMITED.search(response.content.decode())


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    make_user("alice")
    for n in range(3):
        _login(client, f"nobody{n}", "wrong", ip="203.0.113.9", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
    response = _login(client, "alice", DEFAULT_PASSWORD, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert RATE_LIMITED.search(response.content.decode())


@pytest.mark.parametrize(
    ("forwarded_for", "trusted", "expected"),
    [
        ("", 0, "10.0.0.2"),
        ("203.0.113.9", 0, "10.0.0.2"),
        ("203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9, 10.0.0.1", 2, "203.0.113.9"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
        ("203.0.113.9", 2, "10.0.0.2"),  # fewer hops than proxies: it did not come through them
        ("", 1, "10.0.0.2"),
        ("not-an-address", 1, "10.0.0.2"),
        ("203.0.113.9:4711", 1, "203.0.113.9"),  # some proxies add the client's port
        ("[2001:db8::1]:443", 1, "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_from_the_right_of_x_forwarded_for(forwarded_for, trusted, expected):
    got = address_through_proxies(
        remote_addr="10.0.0.2", forwarded_for=forwarded_for, trusted_proxies=trusted
    )
    assert got == expected


# --- The limiter on its own clock ------------------------------------------------------------------


def test_the_pair_limit_lifts_when_the_window_ends():
    now = [1_000_000.0]
    limiter = _limiter(now, per_account_and_ip=2)
    limiter.record_failure(username="alice", ip="1.2.3.4")
    limiter.record_failure(username="Alice ", ip="1.2.3.4")  # usernames match case-insensitively
    wait = limiter.seconds_until_allowed(username="alice", ip="1.2.3.4")
    assert wait is not None
    assert 0 < wait <= 900
    assert limiter.seconds_until_allowed(username="alice", ip="5.6.7.8") is None
    now[0] += wait + 1
    assert limiter.seconds_until_allowed(username="alice", ip="1.2.3.4") is None


def test_the_account_wide_delay_doubles_with_each_failure_and_then_lets_a_try_through():
    now = [1_000_000.0]
    limiter = _limiter(now, account_slowdown_after=3, per_account_and_ip=100)
    waits = []
    for n in range(6):
        limiter.record_failure(username="alice", ip=f"192.0.2.{n}")
        waits.append(limiter.seconds_until_allowed(username="alice", ip="198.51.100.1"))
    assert waits == [None, None, 1.0, 2.0, 4.0, 8.0]
    now[0] += 8.5
    assert limiter.seconds_until_allowed(username="alice", ip="198.51.100.1") is None


def test_the_wait_is_told_in_seconds_when_short_and_minutes_when_long():
    assert wait_in_words(0.2) == "1 second"
    assert wait_in_words(4.0) == "4 seconds"
    assert wait_in_words(61) == "2 minutes"
    assert wait_in_words(899.5) == "15 minutes"


def test_the_growing_delay_is_capped():
    assert growing_delay(failures=9, slowdown_after=10, max_delay=300) == 0.0
    assert growing_delay(failures=10, slowdown_after=10, max_delay=300) == 1.0
    assert growing_delay(failures=18, slowdown_after=10, max_delay=300) == 256.0
    assert growing_delay(failures=19, slowdown_after=10, max_delay=300) == 300.0
    assert growing_delay(failures=10_000, slowdown_after=10, max_delay=300) == 300.0


# --- One account per email address ---------------------------------------------------------------


def _sign_up(client, username: str, email: str):
    return client.post(
        "/account/signup/",
        {
            "username": username,
            "email": email,
            "password1": "a-Long-pass-phrase-42",
            "password2": "a-Long-pass-phrase-42",
        },
    )


def test_sign_up_refuses_an_email_another_account_uses_whatever_its_case(client):
    make_user("alice", email="alice@example.com")
    response = _sign_up(client, "mallory", "ALICE@Example.COM")
    assert response.status_code == 200
    assert DUPLICATE_EMAIL_MESSAGE in response.content.decode()
    assert not User.objects.filter(username="mallory").exists()
    assert "_auth_user_id" not in client.session


def test_sign_up_accepts_an_email_no_one_uses(client):
    make_user("alice", email="alice@example.com")
    assert _sign_up(client, "carol", "carol@example.com").status_code == 302
    assert User.objects.get(username="carol").email == "carol@example.com"


def test_a_reset_for_an_address_two_old_accounts_share_sends_one_mail_per_account_naming_it(client):
    # Accounts made before sign-up refused duplicates: each gets its own mail, naming its username,
    # so the address's owner resets the one they mean and none is picked for them.
    make_user("alice", email="shared@example.com")
    make_user("alice2", email="Shared@Example.com")
    make_user("bob", email="bob@example.com")
    client.post("/account/password-reset/", {"email": "shared@example.com"})
    assert sorted(message.to[0].lower() for message in mail.outbox) == ["shared@example.com"] * 2
    named = [re.findall(r"forgotten, you are: (\S+)", str(message.body)) for message in mail.outbox]
    assert sorted(named) == [["alice"], ["alice2"]]
