from typing import Any

from celery.signals import worker_init
from django.apps import AppConfig
from django.core.checks import register

# Connects the receivers that keep like counts and the collection's version (no models imported).
from gallery import receivers  # noqa: F401
from gallery.checks import (
    EMBEDDER_HINT,
    check_embedder,
    check_media_storage,
    check_media_storage_reachable,
)
from gallery.embedding import embedder_problem


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = "Gallery"

    def ready(self) -> None:
        register(check_embedder)
        register(check_media_storage)
        register(check_media_storage_reachable, deploy=True)
        worker_init.connect(refuse_to_start_without_embedder, weak=False)


def refuse_to_start_without_embedder(**kwargs: Any) -> None:
    """A worker with unusable encoder weights stops at once, saying why, instead of failing photos.

    SystemExit, because Celery logs and swallows ordinary exceptions raised by signal handlers.
    """
    problem = embedder_problem()
    if problem is not None:
        raise SystemExit(f"imgsite: {problem}. {EMBEDDER_HINT}")
