from django.urls import URLPattern, path, register_converter
from django.urls.converters import StringConverter

from profiles import views


class UsernameConverter(StringConverter):
    """Only what Django's username rule allows (letters, digits and @ . + - _). Anything else, such
    as a NUL byte, which PostgreSQL refuses in a query, cannot name a user: 404 before any query."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")

app_name = "profiles"

urlpatterns: list[URLPattern] = [
    path("me/", views.dashboard, name="me"),
    path("me/public/", views.set_public, name="set_public"),
    path("users/<username:username>/profile/", views.public_profile, name="profile"),
    path("users/<username:username>/profile/<slug:chart>.svg", views.user_chart, name="user_chart"),
    path(
        "users/<username:username>/profile/interests/<int:number>/",
        views.interest_photos,
        name="interest",
    ),
    path("stats/", views.stats, name="stats"),
    path("stats/<slug:chart>.svg", views.stats_chart_svg, name="stats_chart"),
    path("stats/<slug:chart>.csv", views.stats_chart_csv, name="stats_csv"),
]
