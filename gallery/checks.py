"""System checks: problems a deployer must fix before the site analyses photos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from gallery.embedding import embedder_problem

EMBEDDER_HINT = (
    "Point IMGSITE_EMBEDDER_ONNX at an ONNX image encoder (see the README, 'Visual features'), "
    "or leave it empty to use the built-in descriptor."
)


def check_embedder(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    problem = embedder_problem()
    return [] if problem is None else [Error(problem, hint=EMBEDDER_HINT, id="gallery.E001")]
