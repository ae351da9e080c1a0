"""The engine's input built from the site: item features and the like / "not interested" matrices.

The pure part (`item_features`, `interaction_matrices`, `site_data_from_rows`) takes plain pandas
frames and returns the engine's plain data; `recommender.selectors.load_site_data` fills the frames
from the database. Nothing here reads the database.

Item feature vector, one row per visible photo, in blocks ("feature groups"). Each block is scaled
to unit length on its own and then multiplied by its weight in GROUP_WEIGHTS, so a block's
influence on a cosine does not depend on how many columns it happens to have:
- colour: the 112-bin HSV histogram, square-rooted first so cosine becomes the Bhattacharyya
  coefficient (big flat areas of sky no longer swamp everything else);
- palette: the share of the photo's pixels in each of the 11 colour families;
- visual: what the photo looks like (texture, shape, layout: gallery.analysis.embedders), centred on
  the collection's mean and projected on its VISUAL_COMPONENTS principal axes. Centred, because
  every descriptor shares a large common part that would make all photos look alike; projected, to
  keep the dense block small (64 numbers instead of 420 or 512). Photos without a vector from the
  site's embedder get zeros here. On the sample photos, colour and descriptor together find similar
  photos sharing a source tag more often than colour alone (bench/descriptor.py, README);
- tags: source and automatic tags as TF-IDF (a tag on every photo says nothing). People's own
  tags are left out: they follow likes, so using them would leak held-out likes into evaluation;
- orientation and size: one-hots.

Interactions: a like is a positive of weight 1; a "not interested" is a negative.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfTransformer

from gallery.analysis.features import HISTOGRAM_LENGTH
from gallery.analysis.palette import FAMILIES, photo_families
from gallery.models import Orientation, SizeClass
from recommender.engine import IdMap, InteractionData, ItemMetadata

ORIENTATIONS = tuple(value for value, _ in Orientation.choices)
SIZE_CLASSES = tuple(value for value, _ in SizeClass.choices)

# Tags and colour families carry most of what makes people like a photo; the raw histogram refines
# "which blue"; shape counts for a little. Chosen by evaluate_recommender on simulated users. What a
# photo looks like (visual) weighs about as much as its colours together (histogram and palette,
# sqrt(0.5² + 1²) = 1.1): on the sample photos, the similar photos sharing a tag peaked with colour
# and descriptor at about 1:1 (bench/descriptor.py).
GROUP_WEIGHTS: dict[str, float] = {
    "colour": 0.5,
    "visual": 1.0,
    "palette": 1.0,
    "tags": 1.0,
    "orientation": 0.4,
    "size": 0.2,
}

# "Similar photos" answers "what else looks like this?": there the look counts twice as much as in
# recommendations, so stripes in other colours come before the same colours in another pattern
# (colour speaks three times otherwise: histogram, palette and the automatic colour tags).
SIMILAR_PHOTOS_EMPHASIS: dict[str, float] = {"visual": 2.0}

IMAGE_COLUMNS = ["image_id", "title", "orientation", "size_class", "histogram"]
COLOUR_COLUMNS = ["image_id", "family", "share"]
TAG_COLUMNS = ["image_id", "tag"]
EVENT_COLUMNS = ["user_id", "image_id"]
VISUAL_COMPONENTS = 64


def _no_visual() -> np.ndarray:
    return np.zeros((0, 0), dtype=np.float32)


@dataclass(frozen=True)
class CatalogueRows:
    """Plain rows about the photos: images (IMAGE_COLUMNS), colours (ranked), tags, and the visual
    feature vectors, one row per image in the order of `images` (zeros where a photo has none; no
    columns at all when the catalogue has no vectors, e.g. external data)."""

    images: pd.DataFrame
    colours: pd.DataFrame
    tags: pd.DataFrame
    visual: np.ndarray = field(default_factory=_no_visual)


@dataclass(frozen=True)
class EventRows:
    likes: pd.DataFrame  # user_id, image_id
    not_interested: pd.DataFrame  # user_id, image_id


@dataclass(frozen=True)
class ItemFeatures:
    matrix: sp.csr_matrix
    groups: dict[str, slice]


def item_features(catalogue: CatalogueRows, weights: Mapping[str, float] = GROUP_WEIGHTS) -> ItemFeatures:
    """The feature matrix, rows in the order of catalogue.images."""
    index = {int(image_id): row for row, image_id in enumerate(catalogue.images["image_id"])}
    blocks = {
        "colour": _histogram_block(catalogue.images["histogram"]),
        "visual": visual_block(catalogue.visual, len(catalogue.images)),
        "palette": _palette_block(catalogue.colours, index),
        "tags": _tag_block(catalogue.tags, index),
        "orientation": _one_hot(catalogue.images["orientation"], ORIENTATIONS),
        "size": _one_hot(catalogue.images["size_class"], SIZE_CLASSES),
    }
    groups: dict[str, slice] = {}
    scaled = []
    start = 0
    for name, block in blocks.items():
        groups[name] = slice(start, start + block.shape[1])
        start += block.shape[1]
        scaled.append(sp.csr_matrix(_unit_rows(block) * weights.get(name, 1.0)))
    n_items = len(catalogue.images)
    matrix = sp.hstack(scaled, format="csr") if n_items else sp.csr_matrix((0, start))
    return ItemFeatures(matrix=sp.csr_matrix(matrix, dtype=np.float32), groups=groups)


def _histogram_block(histograms: pd.Series) -> sp.csr_matrix:
    dense = np.zeros((len(histograms), HISTOGRAM_LENGTH), dtype=np.float32)
    for row, values in enumerate(histograms):
        if isinstance(values, list) and len(values) == HISTOGRAM_LENGTH:
            dense[row] = np.sqrt(np.clip(np.asarray(values, dtype=np.float32), 0.0, None))
    return sp.csr_matrix(dense)


def group_scale(groups: Mapping[str, slice], width: int, emphasis: Mapping[str, float]) -> np.ndarray:
    """A column scale of `width` ones, times each emphasised group's factor over its columns."""
    scale = np.ones(width, dtype=np.float32)
    for name, factor in emphasis.items():
        if name in groups:
            scale[groups[name]] = factor
    return scale


def visual_block(vectors: np.ndarray, n_items: int) -> sp.csr_matrix:
    """The photos' vectors centred on the mean of those that have one, on their main axes."""
    present = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0) if vectors.size else np.zeros(0, dtype=np.int64)
    if len(present) < 2:
        return sp.csr_matrix((n_items, 0), dtype=np.float32)
    known = vectors[present].astype(np.float64)
    components = min(VISUAL_COMPONENTS, len(present) - 1, known.shape[1])
    projected = PCA(n_components=components, random_state=0).fit_transform(known)
    block = np.zeros((n_items, components), dtype=np.float32)
    block[present] = projected
    return sp.csr_matrix(block)


def _palette_block(colours: pd.DataFrame, index: Mapping[int, int]) -> sp.csr_matrix:
    family_column = {family: column for column, family in enumerate(FAMILIES)}
    known = colours[colours["image_id"].isin(index) & colours["family"].isin(family_column)]
    rows = known["image_id"].map(index).to_numpy(dtype=np.int64)
    columns = known["family"].map(family_column).to_numpy(dtype=np.int64)
    shares = known["share"].to_numpy(dtype=np.float32)
    shape = (len(index), len(FAMILIES))
    return sp.csr_matrix((shares, (rows, columns)), shape=shape)  # duplicates (two blues) add up


def _tag_block(tags: pd.DataFrame, index: Mapping[int, int]) -> sp.csr_matrix:
    known = tags[tags["image_id"].isin(index)].drop_duplicates()
    vocabulary = {tag: column for column, tag in enumerate(sorted(set(known["tag"])))}
    if not vocabulary:
        return sp.csr_matrix((len(index), 0), dtype=np.float32)
    rows = known["image_id"].map(index).to_numpy(dtype=np.int64)
    columns = known["tag"].map(vocabulary).to_numpy(dtype=np.int64)
    counts = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(index), len(vocabulary))
    )
    return sp.csr_matrix(TfidfTransformer(norm="l2").fit_transform(counts))


def _one_hot(values: pd.Series, categories: tuple[str, ...]) -> sp.csr_matrix:
    column = {value: position for position, value in enumerate(categories)}
    rows = [row for row, value in enumerate(values) if value in column]
    columns = [column[value] for value in values if value in column]
    return sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(values), len(categories))
    )


def _unit_rows(block: sp.csr_matrix) -> sp.csr_matrix:
    squared = np.asarray(block.multiply(block).sum(axis=1)).ravel()
    norms = np.sqrt(squared)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ block)


def item_metadata(catalogue: CatalogueRows) -> ItemMetadata:
    """Titles, tags and leading colour families (strongest first) for the engine's reasons."""
    tags: dict[int, list[str]] = {}
    for image_id, tag in zip(catalogue.tags["image_id"], catalogue.tags["tag"], strict=True):
        names = tags.setdefault(int(image_id), [])
        if tag not in names:
            names.append(str(tag))
    palettes: dict[int, list[tuple[str, float]]] = {}
    colours = catalogue.colours
    for image_id, family, share in zip(colours["image_id"], colours["family"], colours["share"], strict=True):
        palettes.setdefault(int(image_id), []).append((str(family), float(share)))
    # Reasons name only the families the photo belongs to, by the palette's one rule.
    families = {image_id: list(photo_families(palette)) for image_id, palette in palettes.items()}
    ids = [int(i) for i in catalogue.images["image_id"]]
    return ItemMetadata(
        titles=[str(title) or "an untitled photo" for title in catalogue.images["title"]],
        tags=[tuple(tags.get(i, ())) for i in ids],
        colour_families=[tuple(families.get(i, ())) for i in ids],
    )


def interaction_matrices(
    events: EventRows, item_ids: list[int]
) -> tuple[sp.csr_matrix, sp.csr_matrix, list[int]]:
    """(likes, not interested, user ids): rows for every user with a like or a "not interested"
    on a catalogue photo, sorted by id; events on photos outside the catalogue are dropped."""
    item_index = {image_id: column for column, image_id in enumerate(item_ids)}
    likes = events.likes[events.likes["image_id"].isin(item_index)]
    not_interested = events.not_interested[events.not_interested["image_id"].isin(item_index)]
    user_ids = sorted({int(u) for u in likes["user_id"]} | {int(u) for u in not_interested["user_id"]})
    user_index = {user_id: row for row, user_id in enumerate(user_ids)}
    shape = (len(user_ids), len(item_ids))

    def matrix(frame: pd.DataFrame) -> sp.csr_matrix:
        rows = frame["user_id"].map(user_index).to_numpy(dtype=np.int64)
        columns = frame["image_id"].map(item_index).to_numpy(dtype=np.int64)
        built = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape)
        built.data[:] = 1.0  # a repeated event is still one
        return built

    return matrix(likes), matrix(not_interested), user_ids


def site_data_from_rows(
    catalogue: CatalogueRows, events: EventRows, weights: Mapping[str, float] = GROUP_WEIGHTS
) -> InteractionData:
    """Everything the engine needs, with IdMap holding user and image primary keys."""
    item_ids = [int(i) for i in catalogue.images["image_id"]]
    likes, not_interested, user_ids = interaction_matrices(events, item_ids)
    features = item_features(catalogue, weights)
    user_keys: list[Hashable] = list(user_ids)
    item_keys: list[Hashable] = list(item_ids)
    return InteractionData(
        interactions=likes,
        not_interested=not_interested,
        item_features=features.matrix,
        feature_groups=features.groups,
        metadata=item_metadata(catalogue),
        ids=IdMap(user_ids=user_keys, item_ids=item_keys),
    )
