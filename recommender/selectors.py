"""Reads for the recommender: the rows its features are built from, models, and the photos it shows.

Every function runs a fixed number of queries, whatever the size of the lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BinaryField,
    BooleanField,
    Count,
    ExpressionWrapper,
    QuerySet,
)
from django.db.models.functions import Length, Substr

from gallery.models import Colour, Image, ImageTag, Like, TagOrigin
from gallery.selectors import GROUP_BEST, one_per_group, visible_images, with_card_tags
from gallery.visual_features import vectors_from_rows
from profiles.models import SimulatedTaste
from recommender.engine import InteractionData
from recommender.features import (
    COLOUR_COLUMNS,
    EVENT_COLUMNS,
    GROUP_WEIGHTS,
    IMAGE_COLUMNS,
    TAG_COLUMNS,
    CatalogueRows,
    EventRows,
    site_data_from_rows,
)
from recommender.models import BuildStatus, NotInterested, RecommenderModel

# A stored model is read in parts of this size: read whole, PostgreSQL's hex text of a 100 MB
# artefact stayed in the connection's buffer (200 MB more per web process, for good).
ARTEFACT_CHUNK_BYTES = 8 << 20
# How many co-liked photos, similar photos and cards per home-page section to show.
RELATED_COUNT = 6
# How many of a photo's latest fans "also liked" counts the likes of (see also_liked_image_ids).
FANS_COUNTED = 300
# How many of the most-liked candidates are checked for visibility per photo shown.
LEADERS_PER_PICK = 5


def catalogue_rows() -> CatalogueRows:
    """The visible photos, sorted by id, with their colours and source/automatic tags."""
    images = visible_images().order_by("id")
    rows = list(
        images.values_list(
            "id",
            "title",
            "orientation",
            "size_class",
            "colour_histogram",
            "visual_features",
            "visual_features_by",
        )
    )
    return CatalogueRows(
        images=pd.DataFrame([row[:5] for row in rows], columns=IMAGE_COLUMNS),
        visual=vectors_from_rows((row[5], row[6]) for row in rows),
        colours=pd.DataFrame(
            list(
                Colour.objects.filter(image__in=images)
                .order_by("image_id", "rank")
                .values_list("image_id", "family", "share")
            ),
            columns=COLOUR_COLUMNS,
        ),
        tags=pd.DataFrame(
            list(
                ImageTag.objects.filter(image__in=images)
                .exclude(origin=TagOrigin.USER)
                .order_by("image_id", "tag__name")
                .values_list("image_id", "tag__name")
            ),
            columns=TAG_COLUMNS,
        ),
    )


def event_rows() -> EventRows:
    return EventRows(
        likes=pd.DataFrame(list(Like.objects.values_list("user_id", "image_id")), columns=EVENT_COLUMNS),
        not_interested=pd.DataFrame(
            list(NotInterested.objects.values_list("user_id", "image_id")), columns=EVENT_COLUMNS
        ),
    )


def load_site_data(weights: Mapping[str, float] = GROUP_WEIGHTS) -> InteractionData:
    """The engine's input for the site's visible photos and events, in five queries."""
    return site_data_from_rows(catalogue_rows(), event_rows(), weights)


def like_times() -> pd.DataFrame:
    """Every like as user_id, image_id and when it was made (Unix seconds), for the time split."""
    rows = Like.objects.values_list("user_id", "image_id", "created_at")
    return pd.DataFrame(
        [(user_id, image_id, created_at.timestamp()) for user_id, image_id, created_at in rows],
        columns=[*EVENT_COLUMNS, "seconds"],
    )


def load_catalogue_data(weights: Mapping[str, float] = GROUP_WEIGHTS) -> InteractionData:
    """The visible photos' features and metadata with no likes: what a person's interests are
    computed on before the first model is built, in three queries."""
    no_events = EventRows(pd.DataFrame(columns=EVENT_COLUMNS), pd.DataFrame(columns=EVENT_COLUMNS))
    return site_data_from_rows(catalogue_rows(), no_events, weights)


def simulated_tastes() -> dict[int, list[dict[str, object]]]:
    """User id -> hidden interests, for every simulated user."""
    return dict(SimulatedTaste.objects.values_list("user_id", "interests"))


def latest_ready_model() -> RecommenderModel | None:
    """The newest usable model, without its (possibly large) arrays."""
    return (
        RecommenderModel.objects.filter(status=BuildStatus.READY)
        .defer("artefact")
        .order_by("-built_at", "-id")
        .first()
    )


def model_artefact(model_id: int) -> bytes:
    """The stored model's bytes (b"" for no such model), fetched ARTEFACT_CHUNK_BYTES at a time."""
    rows = RecommenderModel.objects.filter(pk=model_id)
    size = rows.annotate(size=Length("artefact")).values_list("size", flat=True).first() or 0
    parts = []
    for start in range(1, size + 1, ARTEFACT_CHUNK_BYTES):  # SQL counts bytes from 1
        part = Substr("artefact", start, ARTEFACT_CHUNK_BYTES, output_field=BinaryField())
        parts.append(bytes(rows.annotate(part=part).values_list("part", flat=True).get()))
    return b"".join(parts)


def liked_image_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Like.objects.filter(user_id=user.pk).order_by("image_id").values_list("image_id", flat=True))


def not_interested_image_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        NotInterested.objects.filter(user_id=user.pk).order_by("image_id").values_list("image_id", flat=True)
    )


def card_images() -> QuerySet[Image]:
    """Visible photos with their like counts, one version of each near-duplicate group (its best
    shot), as the gallery shows them; `with_card_tags` completes them once fetched."""
    return one_per_group(visible_images())


def images_in_order(image_ids: Sequence[int]) -> list[Image]:
    """The cards among image_ids, in that order; hidden or deleted photos and the other versions of
    a near-duplicate group are left out, so a list never shows one picture twice."""
    found = with_card_tags(list(card_images().filter(pk__in=list(image_ids))))
    by_id = {image.pk: image for image in found}
    return [by_id[image_id] for image_id in image_ids if image_id in by_id]


# What a pick's card and its reason's link read of a photo (pick_card.html with gallery_extras.alt_text
# and thumbnail_img; the API's gallery.api.photo_card): the other columns include JSON and binary ones
# (EXIF, the colour histogram, the visual vectors) that cost more to decode than the rest of the row.
PICK_FIELDS = ("id", "title", "thumbnail", "width", "height", "orientation", "like_count")
IS_CARD = "is_card"  # annotated: the version of its near-duplicate group that lists show


def pick_images(
    card_ids: Sequence[int], cited_ids: Sequence[int]
) -> tuple[dict[int, Image], dict[int, Image]]:
    """In one query, each by id: the cards among card_ids (visible, one version of each near-duplicate
    group, as `images_in_order` keeps them) and the visible photos among cited_ids, any version (what
    a reason may cite); with tags for the untitled ones."""
    rows = (
        visible_images()
        .filter(pk__in=sorted({*card_ids, *cited_ids}))
        .only(*PICK_FIELDS)
        .annotate(**{IS_CARD: ExpressionWrapper(GROUP_BEST, output_field=BooleanField())})
    )
    by_id = {image.pk: image for image in with_card_tags(list(rows))}
    cards = {i: by_id[i] for i in card_ids if i in by_id and getattr(by_id[i], IS_CARD)}
    cited = {i: by_id[i] for i in cited_ids if i in by_id}
    return cards, cited


def popular_images(*, limit: int, exclude: Sequence[int] = ()) -> list[Image]:
    """The most liked visible photos, newest first among equals; never a photo nobody likes."""
    # The stored like counts and their index (image_most_liked): the first rows of an index scan,
    # where counting every like took a third of a second at a million likes.
    most_liked = (
        card_images()
        .filter(like_count__gt=0)
        .exclude(pk__in=list(exclude))
        .order_by("-like_count", "-created_at", "-id")
    )
    return with_card_tags(list(most_liked[:limit]))


def fresh_images(*, limit: int, exclude: Sequence[int] = ()) -> list[Image]:
    return with_card_tags(
        list(card_images().exclude(pk__in=list(exclude)).order_by("-created_at", "-id")[:limit])
    )


def also_liked_image_ids(image_id: int, *, limit: int = RELATED_COUNT) -> list[int]:
    """Photos most often liked by the people who liked this one, counted among its latest
    FANS_COUNTED fans, visible ones only (two queries).

    Checking each liked photo's visibility inside the count cost a lookup per like (80 ms for 78
    fans at a million likes, bench/README.md); hidden photos are few, so the count runs first and
    only its leaders are checked.
    """
    fans = (
        Like.objects.filter(image_id=image_id).order_by("-created_at", "-id").values("user_id")[:FANS_COUNTED]
    )
    rows = (
        Like.objects.filter(user_id__in=fans)
        .exclude(image_id=image_id)
        .values("image_id")
        .annotate(n=Count("user_id"))
        .order_by("-n", "-image_id")
        .values_list("image_id", flat=True)
    )
    leaders = list(rows[: limit * LEADERS_PER_PICK])
    visible = set(visible_images().filter(pk__in=leaders).values_list("pk", flat=True))
    return [pk for pk in leaders if pk in visible][:limit]
