"""Photo-like test pictures with exactly one known technical flaw each, for the quality measures.

`sharp_scene` is a well-exposed, sharp, clean picture: a smooth backdrop (like sky or a wall, where
noise would show) with sharp-edged shapes of every size and edge direction in front of it, tones kept
between 30 and 232 so that darkening or brightening it clips nothing. Every flaw is made from it, so the flaw is the only difference.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SCENE_SIZE = (1280, 960)
SHAPES = 400


def sharp_scene(*, seed: int = 0, size: tuple[int, int] = SCENE_SIZE) -> Image.Image:
    rng = np.random.default_rng(seed)
    width, height = size
    # A smooth backdrop: random phases under an amplitude spectrum that falls steeply with frequency.
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    amplitude = np.maximum(np.hypot(fx, fy), 1 / max(width, height)) ** -2.0
    phases = rng.uniform(0, 2 * np.pi, amplitude.shape)
    field = np.fft.irfft2(amplitude * np.exp(1j * phases), s=(height, width))
    tones = np.clip(135 + 30 * (field - field.mean()) / field.std(), 60, 210)
    tint = np.array([1.0, 0.96, 0.92])
    picture = Image.fromarray((tones[..., None] * tint).astype(np.uint8), "RGB")
    # Sharp-edged things in front of it, of every size and edge direction.
    draw = ImageDraw.Draw(picture)
    scale = max(width, height) / SCENE_SIZE[0]
    for _ in range(SHAPES):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(4, 50) * scale
        colour = tuple(int(v) for v in rng.integers(40, 231, size=3))
        if rng.random() < 0.5:
            angles = np.sort(rng.uniform(0, 2 * np.pi, size=rng.integers(3, 7)))
            draw.polygon([(x + radius * np.cos(a), y + radius * np.sin(a)) for a in angles], fill=colour)
        else:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    # The brightest and darkest tones a good exposure has, in small patches.
    draw.rectangle((20, 20, 90, 60), fill=(232, 232, 232))
    draw.rectangle((width - 90, height - 60, width - 20, height - 20), fill=(30, 30, 30))
    return picture


def darkened(picture: Image.Image) -> Image.Image:
    return Image.eval(picture, lambda v: round(v * 0.35))


def washed_out(picture: Image.Image) -> Image.Image:
    return Image.eval(picture, lambda v: round(255 - (255 - v) * 0.35))


def streaked_sideways(picture: Image.Image, *, length: int = 10) -> Image.Image:
    """A horizontal motion blur: the mean of `length` copies shifted along x."""
    pixels = np.asarray(picture, dtype=np.float32)
    padded = np.pad(pixels, ((0, 0), (length, length), (0, 0)), mode="edge")
    shifts = range(-(length // 2), length - length // 2)
    total = sum(padded[:, length + shift : length + shift + pixels.shape[1]] for shift in shifts)
    return Image.fromarray(np.clip(total / length + 0.5, 0, 255).astype(np.uint8), "RGB")


def defocused(picture: Image.Image, *, radius: float = 5.0) -> Image.Image:
    return picture.filter(ImageFilter.GaussianBlur(radius))


def grainy(picture: Image.Image, *, sigma: float = 30.0, seed: int = 0) -> Image.Image:
    pixels = np.asarray(picture, dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0, sigma, pixels.shape[:2])[..., None]
    return Image.fromarray(np.clip(pixels + noise + 0.5, 0, 255).astype(np.uint8), "RGB")


def jpeg_bytes(picture: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png_bytes(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG", compress_level=1)
    return out.getvalue()


def with_area(picture: Image.Image, *, share: float, level: int) -> Image.Image:
    """`picture` with a band across its top, `share` of its height, painted grey `level` (0 or 255)."""
    copy = picture.copy()
    ImageDraw.Draw(copy).rectangle((0, 0, copy.width, round(copy.height * share)), fill=(level,) * 3)
    return copy
