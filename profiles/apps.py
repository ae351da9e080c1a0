from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Taste profiles"

    def ready(self) -> None:
        # Connects the like and tag receivers that keep profiles up to date.
        from profiles import signals  # noqa: F401
