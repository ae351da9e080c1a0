"""Photos whose colours say what they show, for the tag suggester's tests.

A "sea" photo is mostly blues, a "forest" photo mostly greens and a "sand" photo mostly yellow-orange:
most pixels take the theme's hue with a seeded random saturation and brightness, the rest any colour.
The stored histogram is the analysis's own (gallery.analysis.features.colour_histogram) of the very
pixels saved as the photo's file, so re-analysing the file gives the same kind of features.
"""

from __future__ import annotations

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from gallery.analysis.features import colour_histogram
from gallery.models import Image
from gallery.services.tag_suggestions import train_suggester
from tests.factories import make_image
from tests.support.images import encode

# Hue in Pillow's 0..255 turn: blue, green, yellow-orange.
THEME_HUE = {"sea": 155, "forest": 80, "sand": 30}
SIZE = (48, 32)


def theme_picture(theme: str, *, seed: int, share: float = 0.8) -> PILImage.Image:
    rng = np.random.default_rng(seed)
    n = SIZE[0] * SIZE[1]
    hsv = np.empty((n, 3), dtype=np.uint8)
    hsv[:, 0] = (THEME_HUE[theme] + rng.integers(-8, 9, n)) % 256
    hsv[:, 1] = rng.integers(90, 256, n)
    hsv[:, 2] = rng.integers(60, 256, n)
    other = rng.random(n) > share
    hsv[other] = rng.integers(0, 256, (int(other.sum()), 3))
    picture = PILImage.fromarray(hsv.reshape(SIZE[1], SIZE[0], 3), "HSV").convert("RGB")
    return picture


def themed_photo(theme: str, *, seed: int, tags: tuple[str, ...] | None = None) -> Image:
    """A visible photo of `theme`, carrying `tags` as source tags (default: the theme's name)."""
    picture = theme_picture(theme, seed=seed)
    name = default_storage.save(
        f"originals/{theme}-{seed}.jpg", ContentFile(encode(picture, "JPEG", quality=95))
    )
    return make_image(
        width=SIZE[0],
        height=SIZE[1],
        file=name,
        colour_histogram=colour_histogram(picture),
        tags=(theme,) if tags is None else tags,
    )


def themed_collection(per_theme: int = 8) -> list[Image]:
    """`per_theme` tagged photos of each theme, seeded."""
    return [
        themed_photo(theme, seed=100 * t + i) for t, theme in enumerate(THEME_HUE) for i in range(per_theme)
    ]


def untagged_photo_after_training(theme: str) -> Image:
    """An untagged photo of `theme` in a themed collection the suggester was then trained on."""
    themed_collection()
    photo = themed_photo(theme, seed=999, tags=())
    train_suggester()
    return photo
