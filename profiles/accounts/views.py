"""Account pages. Login, logout and the password flows are Django's own views with our templates;
sign up, the account page, data export and deletion are small views here."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from imgsite.auth import signed_in_user
from profiles.accounts.forms import DeleteAccountForm, SignupForm
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
    return render(request, "accounts/account.html")


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
