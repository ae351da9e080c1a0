from django.apps import AppConfig

# Connects the like and tag receivers that keep profiles up to date (by sender name, no models).
from profiles import signals  # noqa: F401


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Taste profiles"
