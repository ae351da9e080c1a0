from django.urls import URLPattern, path

from recommender import views

app_name = "recommender"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("for-you/", views.for_you, name="for_you"),
    path("for-you/not-interested/<int:pk>/", views.not_interested, name="not_interested"),
    path("for-you/not-interested/<int:pk>/undo/", views.undo_not_interested, name="undo_not_interested"),
]
