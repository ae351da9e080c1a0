"""Orientation and size class of an image, from its width and height after EXIF orientation.

Orientation: ``square`` when the long edge is at most ``SQUARE_TOLERANCE`` (1.05) times the short edge,
so a 1000x1040 crop still counts as square; otherwise ``landscape`` when wider than tall, else ``portrait``.

Size class, by the long edge in pixels:

============  ====================  ==========================================================
class         long edge             why
============  ====================  ==========================================================
thumbnail     below 480             smaller than our own grid thumbnail
small         480 to 1279           a typical web image
medium        1280 to 2999          HD to a few megapixels
large         3000 and above        a camera original (3000x2000 is 6 MP; 4000x3000 is 12 MP)
============  ====================  ==========================================================
"""

from __future__ import annotations

from typing import Final

SQUARE_TOLERANCE: Final = 1.05
SMALL_MIN_LONG_EDGE: Final = 480
MEDIUM_MIN_LONG_EDGE: Final = 1280
LARGE_MIN_LONG_EDGE: Final = 3000


def orientation(width: int, height: int) -> str:
    long_edge, short_edge = max(width, height), min(width, height)
    if short_edge <= 0 or long_edge <= short_edge * SQUARE_TOLERANCE:
        return "square"
    return "landscape" if width > height else "portrait"


def size_class(width: int, height: int) -> str:
    long_edge = max(width, height)
    if long_edge >= LARGE_MIN_LONG_EDGE:
        return "large"
    if long_edge >= MEDIUM_MIN_LONG_EDGE:
        return "medium"
    if long_edge >= SMALL_MIN_LONG_EDGE:
        return "small"
    return "thumbnail"
