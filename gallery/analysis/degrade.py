"""Degraded copies of a good photo, each with one known flaw, to calibrate and check the quality measures.

As the seed project did (too dark, too bright, motion blur, defocus blur, JPEG loss, sensor noise). Each
degradation is a pure function of an RGB picture and a seeded random generator, and its strength is a
share of the picture's size, so it looks the same at any resolution:

- ``dark``: every value times 0.35 (about 1.5 stops under, in gamma-encoded values);
- ``bright``: washed out towards white, ``1 - 0.35 x (1 - v)``;
- ``motion_blur``: a straight streak of 1/50 of the long edge (at least 7 px) at a random angle;
- ``defocus``: a Gaussian blur of radius 1/250 of the long edge (at least 2 px);
- ``jpeg``: re-encoded at JPEG quality 5 to 10;
- ``noise``: sensor-like noise: Gaussian luminance noise with a standard deviation of 14 to 22 levels
  in 255, plus colour noise a third as strong.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Final

import numpy as np
from PIL import Image, ImageFilter

Degradation = Callable[[Image.Image, np.random.Generator], Image.Image]


def darker(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    return Image.eval(picture, lambda v: round(v * 0.35))


def brighter(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    return Image.eval(picture, lambda v: round(255 - (255 - v) * 0.35))


def motion_blurred(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    length = max(7, round(max(picture.size) / 50))
    angle = rng.uniform(0, math.pi)
    pixels = np.asarray(picture, dtype=np.float32)
    total = np.zeros_like(pixels)
    # The mean of copies shifted along the streak; edges repeat so the frame keeps its size.
    padded = np.pad(pixels, ((length, length), (length, length), (0, 0)), mode="edge")
    for step in np.linspace(-length / 2, length / 2, length):
        dy, dx = round(step * math.sin(angle)), round(step * math.cos(angle))
        total += padded[
            length + dy : length + dy + pixels.shape[0], length + dx : length + dx + pixels.shape[1]
        ]
    return Image.fromarray(np.clip(total / length + 0.5, 0, 255).astype(np.uint8), picture.mode)


def defocused(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    return picture.filter(ImageFilter.GaussianBlur(max(2.0, max(picture.size) / 250)))


def jpeg_compressed(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=int(rng.integers(5, 11)))
    out.seek(0)
    with Image.open(out) as compressed:
        return compressed.convert(picture.mode)


def noisy(picture: Image.Image, rng: np.random.Generator) -> Image.Image:
    sigma = rng.uniform(14, 22)
    pixels = np.asarray(picture, dtype=np.float32)
    # Mostly luminance noise, shared by the channels, with a little colour noise, as sensors give.
    shared = rng.normal(0, sigma, (*pixels.shape[:2], 1)).astype(np.float32)
    colour = rng.normal(0, sigma / 3, pixels.shape).astype(np.float32)
    noise = shared + colour
    return Image.fromarray(np.clip(pixels + noise + 0.5, 0, 255).astype(np.uint8), picture.mode)


# Degradation name -> (the problem it must be found as, the function that makes it).
DEGRADATIONS: Final[dict[str, tuple[str, Degradation]]] = {
    "dark": ("too_dark", darker),
    "bright": ("too_bright", brighter),
    "motion_blur": ("motion_blur", motion_blurred),
    "defocus": ("out_of_focus", defocused),
    "jpeg": ("jpeg_artefacts", jpeg_compressed),
    "noise": ("noisy", noisy),
}


def degraded_copies(picture: Image.Image, *, seed: int) -> dict[str, Image.Image]:
    """One copy of the RGB `picture` per degradation, the same copies for the same seed."""
    rng = np.random.default_rng(seed)
    return {name: make(picture, rng) for name, (_, make) in DEGRADATIONS.items()}
