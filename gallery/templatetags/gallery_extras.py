"""Template helpers for photos: thumbnail tags with their size, alt text and EXIF formatting."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from gallery.analysis.palette import colour_words
from gallery.analysis.thumbnails import THUMBNAIL_LONG_EDGE
from gallery.models import Image
from gallery.photo_lists import liked_image_ids

register = template.Library()

# Alt text names at most this many tags when an image has no title.
ALT_TAG_COUNT = 4


def scaled_size(width: int | None, height: int | None, long_edge: int) -> tuple[int, int]:
    """(width, height) scaled so the longer side is at most `long_edge`; square when unknown."""
    if not width or not height:
        return long_edge, long_edge
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


@register.filter
def alt_text(image: Image) -> str:
    """The title, else a description from the tags (using prefetched tags when there are some)."""
    if image.title.strip():
        return image.title.strip()
    names: list[str] = []
    for image_tag in image.image_tags.all():
        if image_tag.tag.name not in names:
            names.append(image_tag.tag.name)
    if names:
        return "Photo tagged " + ", ".join(names[:ALT_TAG_COUNT])
    return "Untitled photo"


@register.simple_tag
def thumbnail_img(image: Image, css_class: str = "") -> SafeString:
    width, height = scaled_size(image.width, image.height, THUMBNAIL_LONG_EDGE)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async" class="{}">',
        image.thumbnail.url,
        width,
        height,
        alt_text(image),
        css_class,
    )


@register.filter
def photo_url(image: Image) -> str:
    """The preview for the image page, falling back to the original file."""
    return image.preview.url if image.preview else image.file.url


@register.filter
def exposure(seconds: float | None) -> str:
    if not seconds:
        return ""
    if seconds < 1:
        return f"1/{round(1 / seconds)} s"
    return f"{seconds:g} s"


@register.filter
def f_number(value: float | None) -> str:
    return f"f/{value:g}" if value else ""


@register.filter
def exposure_line(image: Image) -> str:
    """'1/250 s · f/2.8 · ISO 200 · 50 mm', leaving out what the camera did not record."""
    parts = [
        exposure(image.exposure_time),
        f_number(image.f_number),
        f"ISO {image.iso}" if image.iso else "",
        f"{round(image.focal_length, 1):g} mm" if image.focal_length else "",
    ]
    return " · ".join(part for part in parts if part)


@register.filter
def altitude(metres: float | None) -> str:
    if metres is None:
        return ""
    where = "below" if metres < 0 else "above"
    return f"{abs(metres):,.0f} m {where} sea level"


@register.filter
def utc_offset(minutes: int | None) -> str:
    """'UTC+02:00' for 120, 'UTC-05:30' for -330."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


@register.filter
def percent(share: float) -> str:
    return f"{share:.0%}"


@register.simple_tag
def osm_url(latitude: float, longitude: float) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
        f"#map=15/{latitude:.5f}/{longitude:.5f}"
    )


@register.filter
def dict_get(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")


def _query(context: template.Context, **changes: str | None) -> str:
    """The current query string with `changes` applied (None removes), dropping the page and any blank
    parameter, so links never carry `?tag=&colour=…`."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    for name in [name for name, value in params.items() if not value.strip()]:
        params.pop(name)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_page(context: template.Context, number: int) -> str:
    """The current query string at page `number` (page 1 has no page parameter)."""
    return _query(context, page=None if number == 1 else str(number))


@register.filter
def is_in(value: object, container: set[int] | list[int]) -> bool:
    return value in container


@register.filter
def colour_name(name: str) -> str:
    """A CSS colour name as words, so it wraps between them: "medium turquoise"."""
    return colour_words(name)


@register.simple_tag(takes_context=True)
def liked_among(context: template.Context, *lists: list[Image]) -> set[int]:
    """{% liked_among popular fresh as liked_ids %}: which of these cards the visitor liked, for
    their hearts; one query for every list on the page (none signed out)."""
    request = context.get("request")
    if request is None:
        return set()
    return liked_image_ids(request.user, [image for images in lists for image in images])
