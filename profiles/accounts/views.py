"""Account pages. Login, logout and the password flows are Django's own views with our templates;
sign up, the account page, data export and deletion are small views here."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imgsite.auth import signed_in_user
from profiles.accounts.api_tokens import (
    active_tokens,
    create_api_token,
    get_own_token_or_404,
    revoke_api_token,
)
from profiles.accounts.forms import ApiTokenForm, DeleteAccountForm, SignupForm
from profiles.accounts.services import delete_account, export_user_data


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("gallery:index")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}! Like a few photos to get started.")
        return redirect("gallery:index")
    return render(request, "accounts/signup.html", {"form": form})


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _render_account(request, ApiTokenForm())


def _render_account(
    request: HttpRequest, token_form: ApiTokenForm, *, new_secret: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "token_form": token_form,
        "tokens": list(active_tokens(signed_in_user(request))),
        "new_secret": new_secret,
    }
    response = render(request, "accounts/account.html", context, status=status)
    # The page may show a new token's secret: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_account(request, form, status=400)
    new = create_api_token(
        user=signed_in_user(request), name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    # Rendered, not redirected: the secret is shown this once and never stored, not even in the session.
    return _render_account(request, ApiTokenForm(), new_secret=new.secret)


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_own_token_or_404(signed_in_user(request), pk)
    revoke_api_token(token=token)
    messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…). It no longer works.")
    return redirect("account")


@require_GET
@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    data = export_user_data(user=signed_in_user(request))
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    filename = f"imgsite-{request.user.get_username()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        delete_account(user=user)
        messages.success(request, "Your account, likes and tags have been deleted.")
        return redirect("gallery:index")
    return render(request, "accounts/delete.html", {"form": form})
