from django.urls import URLPattern, path

from profiles import views

app_name = "profiles"

urlpatterns: list[URLPattern] = [
    path("me/", views.dashboard, name="me"),
    path("me/public/", views.set_public, name="set_public"),
    path("users/<str:username>/profile/", views.public_profile, name="profile"),
    path("users/<str:username>/profile/<slug:chart>.svg", views.user_chart, name="user_chart"),
    path("stats/", views.stats, name="stats"),
    path("stats/<slug:chart>.svg", views.stats_chart_svg, name="stats_chart"),
    path("stats/<slug:chart>.csv", views.stats_chart_csv, name="stats_csv"),
]
