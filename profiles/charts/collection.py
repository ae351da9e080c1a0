"""Charts of the whole collection. Each chart is a pair: a data function turning CollectionFrames
into a small DataFrame (also offered as CSV) and a renderer drawing that DataFrame as SVG."""

from __future__ import annotations

import colorsys
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.offsetbox import AnnotationBbox, OffsetImage
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from PIL import Image as PILImage
from sklearn.decomposition import PCA

from profiles.charts.base import (
    ACCENT,
    INK,
    empty_chart,
    hide_value_axis,
    hue_saturation_value,
    label_bars,
    new_figure,
    to_svg,
)
from profiles.taste.features import feature_matrix
from profiles.taste.profile import camera_name
from profiles.taste.tags import inverse_document_frequency

NO_IMAGES = "No analysed photos yet."
TOP_CAMERAS = 10
HUE_BIN_DEGREES = 15
# Below this saturation a colour is a grey and has no meaningful hue; it stays out of the hue chart.
MIN_SATURATION_FOR_HUE = 0.15
MAP_THUMBNAILS = 30  # thumbnails drawn on the collection map; the rest are dots
MAP_THUMBNAIL_PIXELS = 40  # drawn size in points
# Stored pixels per drawn point. Each thumbnail is a PNG inside the SVG, so this sets the map's weight.
THUMBNAIL_OVERSAMPLING = 1.0
# The brightness-saturation swatches come in this many sizes, so that like swatches look alike.
DOT_SIZES = 6


@dataclass(frozen=True)
class CollectionFrames:
    """The analysed collection as plain frames.

    - images: image_id, title, orientation, size_class, format, licence, camera_make, camera_model,
      taken_at, histogram (list of floats), visual (the visual feature vector), thumbnail (the
      thumbnail's name for `read_file`, or ""), url (the photo's page)
    - colours: image_id, hex, red, green, blue, share, name, family, rank
    - tags: image_id, tag (distinct, any origin)
    - read_file: a thumbnail's bytes from its name (the site reads its media storage, which may be
      on another machine; by default the name is a file path)
    """

    images: pd.DataFrame
    colours: pd.DataFrame
    tags: pd.DataFrame
    read_file: Callable[[str], bytes] = lambda name: Path(name).read_bytes()


# --- data --------------------------------------------------------------------------------------


def images_per_year(frames: CollectionFrames) -> pd.DataFrame:
    years = pd.to_datetime(frames.images["taken_at"], utc=True, errors="coerce").dt.year.dropna().astype(int)
    counts = years.value_counts().sort_index()
    return pd.DataFrame({"year": counts.index.astype(int), "images": counts.to_numpy(dtype=int)})


def count_by(column: str) -> Callable[[CollectionFrames], pd.DataFrame]:
    def counts(frames: CollectionFrames) -> pd.DataFrame:
        values = frames.images[column].fillna("").astype(str).replace("", "unknown")
        table = values.value_counts()
        return pd.DataFrame({column: table.index.astype(str), "images": table.to_numpy(dtype=int)})

    return counts


def camera_makes(frames: CollectionFrames) -> pd.DataFrame:
    makes = frames.images["camera_make"].fillna("").astype(str).str.strip()
    table = makes[makes != ""].value_counts().head(TOP_CAMERAS)
    return pd.DataFrame({"camera_make": table.index.astype(str), "images": table.to_numpy(dtype=int)})


def camera_models(frames: CollectionFrames) -> pd.DataFrame:
    images = frames.images
    names = pd.Series(
        [
            camera_name(make, model)
            for make, model in zip(
                images["camera_make"].tolist(), images["camera_model"].tolist(), strict=True
            )
        ],
        index=images.index,
        dtype=object,
    )
    table = (
        names[images["camera_model"].fillna("").astype(str).str.strip() != ""]
        .value_counts()
        .head(TOP_CAMERAS)
    )
    return pd.DataFrame({"camera": table.index.astype(str), "images": table.to_numpy(dtype=int)})


def colour_points(frames: CollectionFrames) -> pd.DataFrame:
    """Every palette colour with its hue, saturation and brightness, and its share of its photo."""
    colours = frames.colours
    hsv = [hue_saturation_value(h) for h in colours["hex"].tolist()]
    return pd.DataFrame(
        {
            "image_id": colours["image_id"].to_numpy(dtype=int),
            "hex": colours["hex"].astype(str).to_numpy(),
            "share": colours["share"].to_numpy(dtype=float),
            "hue": [round(h, 1) for h, _, _ in hsv],
            "saturation": [round(s, 4) for _, s, _ in hsv],
            "brightness": [round(v, 4) for _, _, v in hsv],
        }
    )


def hue_histogram(frames: CollectionFrames) -> pd.DataFrame:
    """Pixel share summed per 15-degree hue bin, over the whole collection, greys left out."""
    points = colour_points(frames)
    points = points[points["saturation"] >= MIN_SATURATION_FOR_HUE]
    edges = np.arange(0, 360 + HUE_BIN_DEGREES, HUE_BIN_DEGREES)
    weights, _ = np.histogram(
        points["hue"].to_numpy(dtype=float), bins=edges, weights=points["share"].to_numpy(dtype=float)
    )
    return pd.DataFrame({"hue_from": edges[:-1], "hue_to": edges[1:], "pixel_share": np.round(weights, 4)})


def largest_colour_per_photo(frames: CollectionFrames) -> pd.DataFrame:
    """Each photo's largest colour, sorted by hue then brightness, for the mosaic."""
    points = colour_points(frames)
    ranks = (
        frames.colours["rank"].to_numpy(dtype=int) if not frames.colours.empty else np.array([], dtype=int)
    )
    first = points[ranks == 0] if len(points) else points
    # Greys first (by brightness), then colours around the hue wheel: reads as a colour wheel.
    first = first.assign(is_colour=first["saturation"] >= MIN_SATURATION_FOR_HUE)
    ordered = first.sort_values(["is_colour", "hue", "brightness"], kind="stable")
    columns = ["image_id", "hex", "share", "hue", "saturation", "brightness"]
    return _with_urls(ordered[columns].reset_index(drop=True), frames)


def collection_map(frames: CollectionFrames) -> pd.DataFrame:
    """Two PCA components of the interests' feature vectors (colour histogram, colour families, idf-weighted
    tags, visual features), and the bytes of the thumbnails the map draws (those of `_spread_sample`)."""
    images = frames.images
    columns = ["image_id", "title", "x", "y", "thumbnail", "url"]
    if len(images) < 2:
        return pd.DataFrame(columns=columns)
    ids = images["image_id"].astype(int).tolist()
    frequency = frames.tags.groupby("tag")["image_id"].nunique().to_dict() if not frames.tags.empty else {}
    idf = inverse_document_frequency({str(k): int(v) for k, v in frequency.items()}, len(ids))
    features = feature_matrix(ids, images, frames.colours, frames.tags, idf)
    if features.shape[1] == 0 or np.allclose(features, features[0]):
        points = np.zeros((len(ids), 2))
    else:
        points = PCA(n_components=2, random_state=0).fit_transform(features)
        if points.shape[1] < 2:
            points = np.hstack([points, np.zeros((len(ids), 1))])
    placed = pd.DataFrame(
        {
            "image_id": ids,
            "title": images["title"].astype(str).to_numpy(),
            "x": np.round(points[:, 0], 4),
            "y": np.round(points[:, 1], 4),
            "thumbnail": images["thumbnail"].astype(str).to_numpy(),
            "url": images["url"].astype(str).to_numpy(),
        }
    )
    drawn = set(_spread_sample(placed, MAP_THUMBNAILS).index)
    pictures = [
        _thumbnail_bytes(str(name), frames.read_file) if index in drawn else b""
        for index, name in zip(placed.index, placed["thumbnail"], strict=True)
    ]
    return placed.assign(thumbnail=pictures)


def _thumbnail_bytes(name: str, read_file: Callable[[str], bytes]) -> bytes:
    """A thumbnail's bytes, or b"" when it has none or it cannot be read: the map goes on without it."""
    if not name:
        return b""
    try:
        return read_file(name)
    except OSError:
        return b""


def photo_count(frames: CollectionFrames) -> int:
    return len(frames.images)


def dated_photo_count(frames: CollectionFrames) -> int:
    return int(pd.to_datetime(frames.images["taken_at"], utc=True, errors="coerce").notna().sum())


def photos_naming(column: str) -> Callable[[CollectionFrames], int]:
    def count(frames: CollectionFrames) -> int:
        return int((frames.images[column].fillna("").astype(str).str.strip() != "").sum())

    return count


def hued_photo_count(frames: CollectionFrames) -> int:
    points = colour_points(frames)
    return int(points.loc[points["saturation"] >= MIN_SATURATION_FOR_HUE, "image_id"].nunique())


def _with_urls(data: pd.DataFrame, frames: CollectionFrames) -> pd.DataFrame:
    """`data` with each row's photo page URL, so that the chart can link its marks to the photos."""
    urls = dict(zip(frames.images["image_id"].tolist(), frames.images["url"].tolist(), strict=True))
    return data.assign(url=[urls.get(int(image_id), "") for image_id in data["image_id"].tolist()])


# --- drawing -----------------------------------------------------------------------------------


def render_counts(title: str, xlabel: str) -> Callable[[pd.DataFrame], str]:
    """Horizontal bars of the first column's values against the `images` column."""

    def render(data: pd.DataFrame) -> str:
        if data.empty:
            return empty_chart(NO_IMAGES)
        labels = [str(v) for v in data.iloc[:, 0]][::-1]
        counts = [int(v) for v in data["images"]][::-1]
        figure, axes = new_figure(5.6, 0.32 * len(labels) + 1.1)
        bars = axes.barh(labels, counts, color=ACCENT)
        label_bars(axes, bars, [str(c) for c in counts])
        axes.set_xlim(0, max(counts) * 1.15)
        hide_value_axis(axes, xlabel)
        axes.set_title(title)
        return to_svg(figure)

    return render


def render_years(data: pd.DataFrame) -> str:
    if data.empty:
        return empty_chart("No photo has a date taken.")
    figure, axes = new_figure(5.6, 3.0)
    axes.bar(data["year"].to_numpy(dtype=int), data["images"].to_numpy(dtype=int), color=ACCENT, width=0.8)
    axes.set_xlabel("Year taken")
    axes.set_ylabel("Photos")
    axes.set_title("Photos per year taken")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return to_svg(figure)


def render_hues(data: pd.DataFrame) -> str:
    if data.empty or float(data["pixel_share"].sum()) == 0:
        return empty_chart(NO_IMAGES)
    centres = ((data["hue_from"] + data["hue_to"]) / 2).to_numpy(dtype=float)
    colours = [_hue_colour(h) for h in centres]
    figure, axes = new_figure(5.6, 3.0)
    axes.bar(
        centres,
        data["pixel_share"].to_numpy(dtype=float),
        width=HUE_BIN_DEGREES * 0.9,
        color=colours,
        edgecolor=INK,
        linewidth=0.3,
    )
    axes.set_xlim(0, 360)
    axes.set_xticks(
        range(0, 361, 60),
        ["0°\nred", "60°\nyellow", "120°\ngreen", "180°\ncyan", "240°\nblue", "300°\nmagenta", "360°"],
    )
    axes.tick_params(axis="x", labelsize=11)
    axes.set_ylabel("Photos' worth of pixels")
    axes.set_title("Hues, weighted by colour share")
    return to_svg(figure)


def render_brightness_saturation(data: pd.DataFrame) -> str:
    if data.empty:
        return empty_chart(NO_IMAGES)
    figure, axes = new_figure(5.6, 4.0)
    steps = np.ceil(data["share"].to_numpy(dtype=float) * DOT_SIZES).clip(1, DOT_SIZES) / DOT_SIZES
    axes.scatter(
        data["saturation"],
        data["brightness"],
        s=20 + 200 * steps,
        marker="s",  # a swatch; a square is a fifth of a circle's bytes in SVG
        c=data["hex"].tolist(),
        edgecolors=INK,
        linewidths=0.3,
    )
    axes.set_xlim(-0.03, 1.03)
    axes.set_ylim(-0.03, 1.03)
    axes.set_xlabel("Saturation")
    axes.set_ylabel("Brightness")
    axes.set_title("Colours by saturation and brightness")
    return to_svg(figure)


def render_mosaic(data: pd.DataFrame) -> str:
    if data.empty:
        return empty_chart(NO_IMAGES)
    count = len(data)
    columns = int(np.ceil(np.sqrt(count * 2)))
    rows = int(np.ceil(count / columns))
    figure, axes = new_figure(5.6, max(1.2, 5.6 * rows / columns + 0.6))
    for index, (hex_colour, url) in enumerate(zip(data["hex"].tolist(), data["url"].tolist(), strict=True)):
        row, column = divmod(index, columns)
        square = _square(column, rows - 1 - row, hex_colour)
        square.set_url(url or None)
        axes.add_patch(square)
    axes.set_xlim(0, columns)
    axes.set_ylim(0, rows)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.set_title(f"Largest colour of each of the {count} photos")
    return to_svg(figure)


def render_map(data: pd.DataFrame) -> str:
    if data.empty:
        return empty_chart("The map needs at least two analysed photos.")
    figure, axes = new_figure(5.6, 4.8)
    dots = axes.scatter(data["x"], data["y"], s=16, color=ACCENT, alpha=0.5)
    dots.set_urls([url or None for url in data["url"].tolist()])
    sample = _spread_sample(data, MAP_THUMBNAILS)
    for x, y, picture_bytes, url in zip(
        sample["x"].tolist(),
        sample["y"].tolist(),
        sample["thumbnail"].tolist(),
        sample["url"].tolist(),
        strict=True,
    ):
        thumbnail = _small_thumbnail(bytes(picture_bytes))
        if thumbnail is not None:
            # "none": SVG keeps the thumbnail's own pixels instead of resampling it to the figure's dpi.
            picture = OffsetImage(thumbnail, zoom=1 / THUMBNAIL_OVERSAMPLING, interpolation="none")
            picture.get_children()[0].set_url(url or None)
            axes.add_artist(AnnotationBbox(picture, (float(x), float(y)), frameon=False, pad=0))
    axes.set_xlabel("First principal component")
    axes.set_ylabel("Second principal component")
    axes.set_title("Similar photos sit close together")
    axes.margins(0.08)
    return to_svg(figure)


def _square(x: int, y: int, colour: str) -> Rectangle:
    return Rectangle((x, y), 0.95, 0.95, facecolor=colour, edgecolor="none")


def _hue_colour(hue: float) -> tuple[float, float, float]:
    return colorsys.hsv_to_rgb(hue / 360, 0.75, 0.9)


def _spread_sample(data: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most `limit` rows, evenly spaced through the data, so thumbnails cover the whole map."""
    if len(data) <= limit:
        return data
    positions = np.linspace(0, len(data) - 1, limit).round().astype(int)
    return data.iloc[np.unique(positions)]


def _small_thumbnail(data: bytes) -> np.ndarray | None:
    """A small RGB array of a thumbnail file's bytes, or None when they cannot be read; the map goes on."""
    if not data:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            stored = round(MAP_THUMBNAIL_PIXELS * THUMBNAIL_OVERSAMPLING)
            image.draft("RGB", (stored, stored))
            small = image.convert("RGB")
            small.thumbnail((stored, stored))
            return np.asarray(small)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class CollectionChart:
    name: str
    title: str
    caption: str
    data: Callable[[CollectionFrames], pd.DataFrame]
    render: Callable[[pd.DataFrame], str]
    # How many photos the chart rests on, and what the others lack, e.g. "have no date taken".
    covers: Callable[[CollectionFrames], int] = photo_count
    others_lack: str = ""
    # Its marks link to the photos (the page embeds it so that the links work).
    links: bool = False

    def json(self, data: pd.DataFrame) -> str:
        """The chart's data as a JSON list of rows, the same columns as the CSV (for the API)."""
        return str(
            data.drop(columns=["thumbnail"], errors="ignore").to_json(orient="records", date_format="iso")
        )

    def csv(self, data: pd.DataFrame) -> str:
        """The chart's data as CSV; the thumbnails' bytes are not part of it."""
        out = io.StringIO()
        data.drop(columns=["thumbnail"], errors="ignore").to_csv(out, index=False)
        return out.getvalue()


COLLECTION_CHARTS: dict[str, CollectionChart] = {
    chart.name: chart
    for chart in [
        CollectionChart(
            "years",
            "Photos per year taken",
            "How many photos were taken in each year, from the cameras' EXIF dates. Photos without a date are left out.",
            images_per_year,
            render_years,
            covers=dated_photo_count,
            others_lack="have no date taken",
        ),
        CollectionChart(
            "orientation",
            "Orientation",
            "Landscape, portrait and square photos.",
            count_by("orientation"),
            render_counts("Photos per orientation", "Photos"),
        ),
        CollectionChart(
            "size-class",
            "Size class",
            "Photos per size class, from thumbnail to large.",
            count_by("size_class"),
            render_counts("Photos per size class", "Photos"),
        ),
        CollectionChart(
            "format",
            "File format",
            "The file formats the photos came in.",
            count_by("format"),
            render_counts("Photos per file format", "Photos"),
        ),
        CollectionChart(
            "licence",
            "Licence",
            "The licences the photos are shared under.",
            count_by("licence"),
            render_counts("Photos per licence", "Photos"),
        ),
        CollectionChart(
            "camera-makes",
            "Camera makes",
            f"The {TOP_CAMERAS} camera makers with the most photos, from EXIF.",
            camera_makes,
            render_counts("Top camera makes", "Photos"),
            covers=photos_naming("camera_make"),
            others_lack="name no camera",
        ),
        CollectionChart(
            "camera-models",
            "Camera models",
            f"The {TOP_CAMERAS} camera models with the most photos, from EXIF.",
            camera_models,
            render_counts("Top camera models", "Photos"),
            covers=photos_naming("camera_model"),
            others_lack="name no camera model",
        ),
        CollectionChart(
            "hues",
            "Hues",
            "Every photo's dominant colours placed on the hue wheel, each counting by its share of the photo's pixels. Greys and near-greys have no hue and are left out.",
            hue_histogram,
            render_hues,
            covers=hued_photo_count,
            others_lack="are all greys",
        ),
        CollectionChart(
            "brightness-saturation",
            "Brightness and saturation",
            "Each square is one dominant colour of one photo, drawn in that colour; bigger squares cover more of their photo.",
            colour_points,
            render_brightness_saturation,
        ),
        CollectionChart(
            "mosaic",
            "Colour mosaic",
            "The largest colour of every photo, greys first, then around the hue wheel. Click a colour to open its photo.",
            largest_colour_per_photo,
            render_mosaic,
            links=True,
        ),
        CollectionChart(
            "map",
            "Map of the collection",
            f"Photos placed by the first two principal components of their colour and tag features: neighbours look alike. Up to {MAP_THUMBNAILS} thumbnails are drawn; click a dot or a thumbnail to open its photo.",
            collection_map,
            render_map,
            links=True,
        ),
    ]
}
