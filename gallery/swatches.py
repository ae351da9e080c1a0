"""Colour swatches drawn as small SVGs, so a photo's colours show under a Content-Security-Policy
that forbids inline style attributes: an SVG `fill` is a presentation attribute, which CSP leaves
alone, and it needs no script."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def swatch_svg(hex_colour: str, *, css_class: str, title: str = "") -> SafeString:
    """One colour filling a box that the CSS class sizes."""
    label = format_html("<title>{}</title>", title) if title else ""
    return format_html(
        '<svg class="{}" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '{}<rect width="1" height="1" fill="{}"/></svg>',
        css_class,
        label,
        hex_colour,
    )


def bar_segments(shares: Sequence[float]) -> list[tuple[float, float]]:
    """(start, width) of each share as a fraction of the whole bar, in the given order."""
    total = sum(max(share, 0.0) for share in shares)
    if total <= 0:
        return [(0.0, 0.0) for _ in shares]
    segments, start = [], 0.0
    for share in shares:
        width = max(share, 0.0) / total
        segments.append((start, width))
        start += width
    return segments


def palette_bar_svg(colours: Sequence[tuple[str, float]], *, css_class: str) -> SafeString:
    """A bar split between the colours in proportion to their shares."""
    segments = bar_segments([share for _, share in colours])
    rects = format_html_join(
        "",
        '<rect x="{}" width="{}" height="1" fill="{}"/>',
        (
            (f"{start:.4f}", f"{width:.4f}", hex_colour)
            for (hex_colour, _), (start, width) in zip(colours, segments, strict=True)
        ),
    )
    return format_html(
        '<svg class="{}" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true" focusable="false">{}</svg>',
        css_class,
        rects,
    )
