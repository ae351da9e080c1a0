"""The embedder this site runs, from the settings: the built-in descriptor unless the deployer points
IMGSITE_EMBEDDER_ONNX at an image encoder's weights (README, "Visual features").

Two things are kept per process. The embedder itself, loaded only where photos are analysed (a
worker, a command): an encoder's session is hundreds of megabytes. And its name, which every reader
of vectors needs to skip those another embedder made: for an encoder that is a checksum of its file,
so web processes never load the model.

A missing or broken weights file is found at start-up, before any photo is analysed: by a system
check (`manage.py check`, runserver, migrate) and when a Celery worker starts (gallery/apps.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, DESCRIPTOR_VERSION
from gallery.analysis.embedders import BUILT_IN, ImageEmbedder
from gallery.analysis.onnx_encoder import EncoderUnavailable, OnnxImageEncoder, encoder_name


@dataclass(frozen=True)
class EmbedderInfo:
    """What the site says about its embedder (the stats page, the API, the admin)."""

    name: str
    kind: str  # "built-in" | "onnx"
    description: str


def configured_weights() -> Path | None:
    value = str(settings.IMGSITE_EMBEDDER_ONNX).strip()
    return Path(value).expanduser() if value else None


@cache
def active_embedder() -> ImageEmbedder:
    """The embedder, loaded; raises EncoderUnavailable when the configured weights can't be used."""
    path = configured_weights()
    return BUILT_IN if path is None else OnnxImageEncoder.load(path)


@cache
def active_embedder_name() -> str:
    """The name stored beside every vector this site makes now; raises EncoderUnavailable too."""
    path = configured_weights()
    if path is None:
        return DESCRIPTOR_VERSION
    try:
        return encoder_name(path)
    except OSError as error:
        raise EncoderUnavailable(
            f"the image encoder's weights file {path} cannot be read: {error}"
        ) from error


def embedder_problem() -> str | None:
    """Why the configured embedder can't be used, or None when it works (loads it to find out)."""
    try:
        active_embedder()
    except EncoderUnavailable as error:
        return str(error)
    return None


def embedder_info() -> EmbedderInfo:
    path = configured_weights()
    if path is None:
        return EmbedderInfo(
            name=DESCRIPTOR_VERSION,
            kind="built-in",
            description=(
                f"Built-in visual descriptor: texture, shape and layout ({DESCRIPTOR_LENGTH} numbers: "
                "GIST-like Gabor energies, local binary patterns, brightness layout); needs no weights"
            ),
        )
    try:
        name = active_embedder_name()
    except EncoderUnavailable as error:
        return EmbedderInfo(
            name="", kind="onnx", description=f"Pretrained image encoder, unavailable: {error}"
        )
    return EmbedderInfo(
        name=name, kind="onnx", description=f"Pretrained image encoder {path.name}, run with onnxruntime"
    )


def forget_embedder() -> None:
    """Drop what this process loaded, e.g. after the setting changed (tests)."""
    active_embedder.cache_clear()
    active_embedder_name.cache_clear()
