"""Account urls. They keep Django's url names (login, password_reset_done...) without a namespace,
because Django's auth views and LOGIN_URL refer to those names."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from profiles.accounts import views
from profiles.accounts.forms import RateLimitedAuthenticationForm

urlpatterns: list[URLPattern] = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=RateLimitedAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("data/", views.download_data, name="account_data"),
    path("tokens/", views.create_token, name="account_token_create"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="account_token_revoke"),
    path("delete/", views.delete, name="account_delete"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
