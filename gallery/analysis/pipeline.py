"""The whole analysis of one image file: validate and decode once, then derive everything from that.

Stages, each timed into `AnalysisResult.timings` (seconds):

- decode: header checks and the one decode (JPEG draft mode at 1/2 to 1/8 scale; see validate.py);
- exif: camera fields and the JSON-safe raw tags (exif.py);
- thumbnails: orientation, colour conversion, preview and grid thumbnail as JPEG bytes (thumbnails.py);
- colours: five dominant colours with names (colours.py, palette.py);
- features: HSV histogram and perceptual hash (features.py), and the layout signature that confirms
  near-duplicates (near_duplicates.py);
- descriptor: the visual feature vector of the preview, from the built-in descriptor (descriptor.py)
  or the pretrained encoder the deployer chose (embedders.py);
- quality: focus, motion blur, exposure, noise, JPEG blockiness and resolution, and a score (quality.py).

Width and height are the file's full size after EXIF orientation, not the decoded draft size.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.analysis import quality, shape, thumbnails
from gallery.analysis.colours import dominant_colours
from gallery.analysis.descriptor import to_bytes
from gallery.analysis.embedders import BUILT_IN, ImageEmbedder
from gallery.analysis.features import colour_histogram, perceptual_hash
from gallery.analysis.near_duplicates import layout_signature
from gallery.analysis.result import AnalysisResult
from gallery.analysis.validate import DecodedImage, decode_bytes, decode_image


def analyse_file(path: Path, *, max_pixels: int, embedder: ImageEmbedder = BUILT_IN) -> AnalysisResult:
    """Analyse the image at `path`; raises ImageRejected when it is not an image we accept."""
    started = time.perf_counter()
    decoded = decode_image(path, max_pixels=max_pixels)
    return analyse_decoded(decoded, decode_seconds=time.perf_counter() - started, embedder=embedder)


def analyse_bytes(data: bytes, *, max_pixels: int, embedder: ImageEmbedder = BUILT_IN) -> AnalysisResult:
    """Analyse an image file's bytes (a stored original read from the media storage, wherever it is)."""
    started = time.perf_counter()
    decoded = decode_bytes(data, max_pixels=max_pixels)
    return analyse_decoded(decoded, decode_seconds=time.perf_counter() - started, embedder=embedder)


def analyse_decoded(
    decoded: DecodedImage, *, decode_seconds: float = 0.0, embedder: ImageEmbedder = BUILT_IN
) -> AnalysisResult:
    """Everything derived from a picture `decode_image` or `decode_bytes` already validated and decoded.

    Raises ImageRejected when the picture cannot be shown (e.g. a colour mode Pillow cannot convert)."""
    exif = decoded.exif
    timings = {"decode": decode_seconds - decoded.exif_seconds, "exif": decoded.exif_seconds}

    started = time.perf_counter()
    picture = thumbnails.upright(thumbnails.to_rgb(decoded.image), exif.orientation_tag)
    preview = thumbnails.fit(picture, thumbnails.PREVIEW_LONG_EDGE)
    grid = thumbnails.fit(preview, thumbnails.THUMBNAIL_LONG_EDGE)
    preview_jpeg = thumbnails.jpeg_bytes(preview, quality=thumbnails.PREVIEW_QUALITY)
    thumbnail_jpeg = thumbnails.jpeg_bytes(grid, quality=thumbnails.THUMBNAIL_QUALITY)
    small = thumbnails.fit(grid, thumbnails.ANALYSIS_LONG_EDGE)
    timings["thumbnails"] = time.perf_counter() - started

    started = time.perf_counter()
    rgb, visible = _pixels(small)
    colours = dominant_colours(rgb if visible is None else rgb[visible.reshape(-1)])
    timings["colours"] = time.perf_counter() - started

    started = time.perf_counter()
    histogram = colour_histogram(small.convert("RGB"), visible)
    flat = thumbnails.flatten(small)
    phash = perceptual_hash(flat)
    layout = layout_signature(flat)
    timings["features"] = time.perf_counter() - started

    started = time.perf_counter()
    visual_features = to_bytes(embedder.embed(thumbnails.flatten(preview)))
    timings["descriptor"] = time.perf_counter() - started

    width, height = thumbnails.oriented_size(decoded.info.width, decoded.info.height, exif.orientation_tag)
    started = time.perf_counter()
    report = _assess(decoded, picture, grid, width, height)
    timings["quality"] = time.perf_counter() - started
    return AnalysisResult(
        width=width,
        height=height,
        format=decoded.info.format,
        mode=decoded.mode,
        orientation=shape.orientation(width, height),
        size_class=shape.size_class(width, height),
        exif=exif,
        colours=colours,
        colour_histogram=histogram,
        phash=phash,
        layout=layout,
        visual_features=visual_features,
        visual_features_by=embedder.name,
        thumbnail_jpeg=thumbnail_jpeg,
        preview_jpeg=preview_jpeg,
        quality=report,
        timings=timings,
    )


def assess_bytes(data: bytes, *, max_pixels: int) -> quality.QualityReport:
    """Only the quality of an image file's bytes, for re-judging stored photos without redoing the rest."""
    decoded = decode_bytes(data, max_pixels=max_pixels)
    picture = thumbnails.upright(thumbnails.to_rgb(decoded.image), decoded.exif.orientation_tag)
    width, height = thumbnails.oriented_size(
        decoded.info.width, decoded.info.height, decoded.exif.orientation_tag
    )
    return _assess(decoded, picture, quality.grid_thumbnail(picture), width, height)


def _assess(
    decoded: DecodedImage, picture: Image.Image, grid: Image.Image, width: int, height: int
) -> quality.QualityReport:
    # The JPEG grid lies on the file's pixels; a draft decode at 1/2 or 1/4 shrinks it with the picture.
    period = quality.block_period(decoded.image.size, decoded.info.width, decoded.info.height)
    return quality.assess_picture(picture, thumbnail=grid, width=width, height=height, block_period=period)


def _pixels(image: Image.Image) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_] | None]:
    """RGB pixels as (n, 3), and a mask of the visible ones when the image has an alpha channel."""
    array = np.asarray(image)
    if image.mode == "RGBA":
        return array[..., :3].reshape(-1, 3), array[..., 3] > 0
    return array.reshape(-1, 3), None
