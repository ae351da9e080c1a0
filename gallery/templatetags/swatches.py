"""{% swatch hex "css-class" %} and {% palette_bar colours %}: colours drawn without inline styles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from gallery.swatches import palette_bar_svg, swatch_svg

register = template.Library()


@register.simple_tag
def swatch(hex_colour: str, css_class: str, title: str = "") -> SafeString:
    return swatch_svg(hex_colour, css_class=css_class, title=title)


@register.simple_tag
def palette_bar(colours: Iterable[Any], css_class: str = "palette-bar") -> SafeString:
    """Takes objects with .hex and .share, such as an image's Colour rows."""
    return palette_bar_svg([(colour.hex, float(colour.share)) for colour in colours], css_class=css_class)
