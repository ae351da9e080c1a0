"""Pictures with a known texture or layout and any two colours, to test the visual descriptor."""

from __future__ import annotations

import numpy as np
from PIL import Image

Colour = tuple[int, int, int]
# Pairs of (dark, light) colours with different hues, so a texture's look is all they share.
COLOUR_PAIRS: list[tuple[Colour, Colour]] = [
    ((20, 20, 20), (240, 240, 240)),
    ((150, 10, 10), (250, 220, 120)),
    ((10, 40, 140), (120, 230, 200)),
    ((60, 110, 20), (250, 170, 230)),
]


def stripes(
    dark: Colour, light: Colour, *, period: int = 24, size: tuple[int, int] = (640, 480)
) -> Image.Image:
    x = np.arange(size[0])[np.newaxis, :].repeat(size[1], axis=0)
    return _two_tone(((x // (period // 2)) % 2).astype(bool), dark, light)


def checkerboard(
    dark: Colour, light: Colour, *, square: int = 40, size: tuple[int, int] = (640, 480)
) -> Image.Image:
    y, x = np.mgrid[0 : size[1], 0 : size[0]]
    return _two_tone(((x // square + y // square) % 2).astype(bool), dark, light)


def gradient(dark: Colour, light: Colour, *, size: tuple[int, int] = (640, 480)) -> Image.Image:
    share = np.linspace(0.0, 1.0, size[1])[:, np.newaxis, np.newaxis].repeat(size[0], axis=1)
    pixels = np.asarray(dark) * (1 - share) + np.asarray(light) * share
    return Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB")


def _two_tone(mask: np.ndarray, dark: Colour, light: Colour) -> Image.Image:
    pixels = np.where(mask[..., np.newaxis], np.asarray(light), np.asarray(dark))
    return Image.fromarray(pixels.astype(np.uint8), "RGB")
