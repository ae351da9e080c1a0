"""Account forms: sign up with an email address no other account uses, the rate-limited logins
(site and admin), and deleting an account."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.contrib.auth.models import User

from imgsite.background import CACHE_ERRORS
from profiles.accounts.client_address import client_ip
from profiles.accounts.ratelimit import login_rate_limiter, wait_in_words
from profiles.models import TokenScope

DUPLICATE_EMAIL_MESSAGE = (
    "An account already uses this email address. Log in, or reset your password if you have forgotten it."
)


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For resetting your password. Never shown to others.")

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        # One address, one account: a password reset mailed to a shared address would otherwise
        # hand whoever reads it every account on it. Compared case-insensitively, as mail is.
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(DUPLICATE_EMAIL_MESSAGE, code="duplicate_email")
        return email


class RateLimitedAuthenticationForm(AuthenticationForm):
    """The site's login form, with the one login limiter around the password check."""

    rate_limited_message = "Too many login attempts. Try again in %(wait)s."
    # The attempts are counted in the shared cache (Redis): without it no password is checked, so
    # that an outage never lifts the limits. People already logged in stay logged in.
    limiter_down_message = "Logging in is unavailable for a moment. Try again in a minute."

    def clean(self) -> dict[str, Any]:
        limiter = login_rate_limiter()
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        try:
            wait = limiter.seconds_until_allowed(username=username, ip=ip)
        except CACHE_ERRORS:
            raise forms.ValidationError(self.limiter_down_message, code="limiter_unavailable") from None
        if wait is not None:
            raise forms.ValidationError(
                self.rate_limited_message, code="rate_limited", params={"wait": wait_in_words(wait)}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            with contextlib.suppress(*CACHE_ERRORS):  # the cache went away since: the answer stands
                limiter.record_failure(username=username, ip=ip)
            raise
        # Only a real login counts as success; a blank password must not reset anything.
        if self.get_user() is not None:
            with contextlib.suppress(*CACHE_ERRORS):
                limiter.record_success(username=username, ip=ip)
        return cleaned


class RateLimitedAdminAuthenticationForm(RateLimitedAuthenticationForm, AdminAuthenticationForm):
    """The admin's login: the same limiter, then the admin's own staff-only check and messages."""


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “class exercise script”.")
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text="Read-only tokens can look but not like, tag or change anything.",
    )
