"""The picture formats the site takes, named as each place names them: Pillow's format name, file
name extensions (the folder source), MIME types (Commons) and Openverse's `filetype`. Pure; no Django.

The one list: the decoder accepts exactly these formats, and each source offers exactly these files.
Commons and Openverse offer only the formats made for photographs; GIF and BMP, mostly animations and
drawings there, are taken only from a folder or a URL list, where a person chose the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

HEIF_FORMAT: Final = "HEIF"  # the name pi-heif registers with Pillow, for HEIC and HEIF files alike


@dataclass(frozen=True)
class PictureFormat:
    pillow_name: str
    extensions: tuple[str, ...]  # lower case, with the dot; the first is Openverse's `filetype`
    mime_types: tuple[str, ...]
    photographic: bool = True  # offered by the photo sources (Commons, Openverse)


PICTURE_FORMATS: Final = (
    PictureFormat("JPEG", (".jpg", ".jpeg", ".jpe"), ("image/jpeg",)),
    PictureFormat("PNG", (".png",), ("image/png",)),
    PictureFormat("WEBP", (".webp",), ("image/webp",)),
    PictureFormat("TIFF", (".tif", ".tiff"), ("image/tiff",)),
    PictureFormat(HEIF_FORMAT, (".heic", ".heif"), ("image/heic", "image/heif")),
    PictureFormat("AVIF", (".avif",), ("image/avif",)),
    PictureFormat("GIF", (".gif",), ("image/gif",), photographic=False),
    PictureFormat("BMP", (".bmp",), ("image/bmp",), photographic=False),
)

DECODER_FORMATS: Final = tuple(f.pillow_name for f in PICTURE_FORMATS)
FILE_EXTENSIONS: Final = frozenset(ext for f in PICTURE_FORMATS for ext in f.extensions)
PHOTO_MIME_TYPES: Final = frozenset(m for f in PICTURE_FORMATS if f.photographic for m in f.mime_types)


def mime_type_of_extension(extension: str) -> str:
    """The MIME type of a file name extension or an Openverse `filetype` ("jpg", ".TIF"); "" if not ours."""
    wanted = "." + extension.strip().lower().lstrip(".")
    for picture_format in PICTURE_FORMATS:
        if wanted in picture_format.extensions:
            return picture_format.mime_types[0]
    return ""
