"""Plain results of analysing one image file. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

# An aspect of a photo's quality is a problem from this severity (0..1) up; see gallery/analysis/quality.py.
PROBLEM_SEVERITY: Final = 0.5


@dataclass(frozen=True)
class ExifData:
    taken_at: datetime | None = None  # timezone-aware; UTC when EXIF gives no offset
    taken_at_offset: int | None = None  # minutes east of UTC the camera recorded, None when it did not
    camera_make: str = ""
    camera_model: str = ""
    lens: str = ""
    iso: int | None = None
    f_number: float | None = None
    exposure_time: float | None = None  # seconds
    focal_length: float | None = None  # millimetres
    gps_latitude: float | None = None  # decimal degrees, south negative
    gps_longitude: float | None = None  # decimal degrees, west negative
    gps_altitude: float | None = None  # metres above sea level, negative below
    orientation_tag: int = 1  # EXIF Orientation, 1..8
    raw: dict[str, Any] = field(default_factory=dict)  # tag names -> JSON-safe values
    warning: str = ""  # set when the EXIF block could not be read; analysis goes on without it


@dataclass(frozen=True)
class EmbeddedMetadata:
    """What a photographer wrote into the file (XMP or IPTC): captions, keywords and rights."""

    title: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = ""
    copyright: str = ""  # the rights statement as written: dc:rights, IPTC Copyright Notice
    licence_url: str = ""  # cc:license, else xmpRights:WebStatement
    warning: str = ""  # set when a block could not be read; never a reason to refuse the photo


@dataclass(frozen=True)
class DominantColour:
    rgb: tuple[int, int, int]
    share: float  # of the image's pixels, 0..1
    hex: str
    name: str  # nearest CSS colour name
    family: str  # basic family: red, orange, yellow, green, blue, purple, pink, brown, black, grey, white


@dataclass(frozen=True)
class AspectVerdict:
    name: str
    value: float | None  # None when the aspect could not be measured (e.g. no texture to judge focus by)
    severity: float  # 0 (fine) .. 1 (as bad as it gets); 0.5 and above is a problem
    reason: str  # set for problems only, in a photographer's words

    @property
    def problem(self) -> bool:
        return self.severity >= PROBLEM_SEVERITY


@dataclass(frozen=True)
class QualityReport:
    score: int  # 0..100
    aspects: list[AspectVerdict]

    @property
    def problems(self) -> list[str]:
        return [aspect.name for aspect in self.aspects if aspect.problem]

    @property
    def reasons(self) -> list[str]:
        return [aspect.reason for aspect in self.aspects if aspect.problem]

    @property
    def values(self) -> dict[str, float | None]:
        return {aspect.name: aspect.value for aspect in self.aspects}


@dataclass(frozen=True)
class AnalysisResult:
    width: int  # after EXIF orientation
    height: int
    format: str
    mode: str
    orientation: str  # landscape | portrait | square
    size_class: str  # thumbnail | small | medium | large
    exif: ExifData
    colours: list[DominantColour]  # ranked, largest share first
    colour_histogram: list[float]
    phash: str  # 16 hex digits
    layout: bytes  # 32x32 greyscale, to confirm near-duplicates (near_duplicates.py)
    thumbnail_jpeg: bytes  # small grid thumbnail
    preview_jpeg: bytes  # larger preview for the image page
    quality: QualityReport
    visual_features: bytes = b""  # the embedder's unit vector as float16 (descriptor.to_bytes); b"": none
    visual_features_by: str = ""  # the embedder's name (embedders.py)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for the benchmark


class ImageRejected(Exception):
    """The file is not an image we accept: corrupt, truncated, empty, unsupported or too large.

    The message is shown to staff on the ingest job, so it says what is wrong in plain words.
    """
