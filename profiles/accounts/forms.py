"""Account forms: sign up with an email address, a rate-limited login, and deleting an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.contrib.auth.models import User
from django.http import HttpRequest

from profiles.accounts.ratelimit import login_rate_limiter, minutes_to_wait


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For resetting your password. Never shown to others.")

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}


def client_ip(request: HttpRequest | None) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


class RateLimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": "Too many login attempts. Try again in %(minutes)d minutes.",
    }

    def clean(self) -> dict[str, Any]:
        limiter = login_rate_limiter()
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        wait = limiter.seconds_until_allowed(username=username, ip=ip)
        if wait is not None:
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": minutes_to_wait(wait)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            limiter.record_failure(username=username, ip=ip)
            raise
        # Only a real login clears the count; a blank password must not reset it.
        if self.get_user() is not None:
            limiter.clear_account(username=username)
        return cleaned


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
