"""System checks: problems a deployer must fix before the site analyses photos or stores their files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.files.storage import default_storage

from gallery.embedding import embedder_problem
from imgsite.settings.media_storage import S3, s3_problems

EMBEDDER_HINT = (
    "Point IMGSITE_EMBEDDER_ONNX at an ONNX image encoder (see the README, 'Visual features'), "
    "or leave it empty to use the built-in descriptor."
)


def check_embedder(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    problem = embedder_problem()
    return [] if problem is None else [Error(problem, hint=EMBEDDER_HINT, id="gallery.E001")]


STORAGE_HINT = "See the README, 'Several machines': the IMGSITE_S3_* settings and the AWS credentials."


def check_media_storage(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The S3 settings name a bucket and a usable endpoint (no network: `check --deploy` goes further)."""
    if settings.IMGSITE_STORAGE != S3:
        return []
    problems = s3_problems(bucket=settings.IMGSITE_S3_BUCKET, endpoint_url=settings.IMGSITE_S3_ENDPOINT_URL)
    return [Error(problem, hint=STORAGE_HINT, id="gallery.E002") for problem in problems]


def check_media_storage_reachable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """`manage.py check --deploy`: the bucket answers with these credentials (a listing of one key)."""
    if settings.IMGSITE_STORAGE != S3 or check_media_storage():
        return []
    try:
        default_storage.listdir("")
    except Exception as error:  # whatever boto3 raises (no credentials, no bucket, no route) is the answer
        message = f"the media bucket {settings.IMGSITE_S3_BUCKET!r} cannot be listed: {type(error).__name__}: {error}"
        return [Error(message[:500], hint=STORAGE_HINT, id="gallery.E003")]
    return []
