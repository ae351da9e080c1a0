"""Reads for the profiles app: the plain data the pure modules need, and the latest snapshots."""

from __future__ import annotations

import pandas as pd
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from gallery.analysis.palette import family_shares
from gallery.models import Colour, Image, ImageTag, Like
from gallery.selectors import visible_images
from gallery.services.storage import read_media
from gallery.visual_features import vectors_from_rows
from profiles.charts.collection import CollectionFrames
from profiles.models import ProfileSnapshot, UserProfile
from profiles.simulation import Catalogue
from profiles.taste import ProfileInputs
from profiles.taste.inputs import FRAME_COLUMNS

# The Image field behind each ProfileInputs image column whose name differs (FRAME_COLUMNS names them).
IMAGE_FIELD = {"image_id": "id", "histogram": "colour_histogram"}


def latest_snapshot(user: AbstractBaseUser) -> ProfileSnapshot | None:
    return ProfileSnapshot.objects.filter(user_id=user.pk).order_by("-computed_at", "-id").first()


def profile_is_public(user: AbstractBaseUser) -> bool:
    return UserProfile.objects.filter(user_id=user.pk, is_public=True).exists()


def profile_owner_for(viewer: AbstractBaseUser | AnonymousUser | None, username: str) -> AbstractBaseUser:
    """The owner of `username`'s profile, if the viewer may see it; otherwise 404, so that the API and
    the charts do not show that a private profile exists. The HTML page says "private" instead (see
    `profile_owner`). The pages, their charts and the API all ask `may_see_profile`."""
    owner = profile_owner(username)
    if may_see_profile(viewer, owner):
        return owner
    raise Http404("No such profile.")


def profile_owner(username: str) -> AbstractBaseUser:
    """The active user called `username`, whether or not their profile is public; 404 if none."""
    return get_object_or_404(get_user_model(), username=username, is_active=True)


def may_see_profile(viewer: AbstractBaseUser | AnonymousUser | None, owner: AbstractBaseUser) -> bool:
    """The one rule for seeing a profile: the owner themself, staff, or anyone when it is public."""
    if viewer is not None and (viewer.pk == owner.pk or getattr(viewer, "is_staff", False)):
        return True
    return profile_is_public(owner)


def profile_inputs(user: AbstractBaseUser) -> ProfileInputs:
    """Everything `profiles.taste.build_profile` needs for one user, in a handful of queries."""
    likes = pd.DataFrame(
        list(Like.objects.filter(user_id=user.pk).values_list("image_id", "created_at")),
        columns=FRAME_COLUMNS["likes"],
    )
    user_tags = pd.DataFrame(
        list(
            ImageTag.objects.filter(user_id=user.pk, origin="user").values_list(
                "image_id", "tag__name", "created_at"
            )
        ),
        columns=FRAME_COLUMNS["user_tags"],
    )
    image_ids = set(likes["image_id"].tolist()) | set(user_tags["image_id"].tolist())
    collection = visible_images()
    return ProfileInputs(
        likes=likes,
        user_tags=user_tags,
        images=image_frame(Image.objects.filter(id__in=image_ids)),
        colours=colour_frame(Colour.objects.filter(image_id__in=image_ids)),
        image_tags=pd.DataFrame(
            list(ImageTag.objects.filter(image_id__in=image_ids).values_list("image_id", "tag__name")),
            columns=FRAME_COLUMNS["image_tags"],
        ),
        tag_document_frequency=tag_document_frequency(),
        collection_size=collection.count(),
        collection_orientation=share_of(collection, "orientation"),
        collection_size_class=share_of(collection, "size_class"),
    )


def image_frame(images: QuerySet[Image]) -> pd.DataFrame:
    """The images frame; its visual column holds each image's vector from the site's embedder."""
    columns = [column for column in FRAME_COLUMNS["images"] if column != "visual"]
    fields = [IMAGE_FIELD.get(column, column) for column in columns]
    rows = list(images.values_list(*fields, "visual_features", "visual_features_by"))
    frame = pd.DataFrame([row[: len(columns)] for row in rows], columns=columns)
    vectors = vectors_from_rows((row[-2], row[-1]) for row in rows)
    frame["visual"] = pd.Series(list(vectors), index=frame.index, dtype=object)
    return frame


def colour_frame(colours: QuerySet[Colour]) -> pd.DataFrame:
    rows = colours.values_list(*FRAME_COLUMNS["colours"])  # Colour.image_id is the foreign key
    return pd.DataFrame(list(rows), columns=FRAME_COLUMNS["colours"])


def tag_document_frequency() -> dict[str, int]:
    """How many distinct images carry each tag, whatever its origin."""
    rows = ImageTag.objects.values("tag__name").annotate(images=Count("image_id", distinct=True))
    return {row["tag__name"]: row["images"] for row in rows}


def share_of(images: QuerySet[Image], field: str) -> dict[str, float]:
    """Share of the images per value of `field`, blanks left out."""
    rows = images.exclude(**{field: ""}).values(field).annotate(n=Count("id")).order_by("-n", field)
    total = sum(row["n"] for row in rows)
    return {row[field]: round(row["n"] / total, 4) for row in rows} if total else {}


# Image fields the collection charts read; the frame's columns have the same names, except that
# colour_histogram is called histogram, thumbnail holds the file's name in the media storage and visual
# the photo's vector.
COLLECTION_FIELDS = (
    "title",
    "orientation",
    "size_class",
    "format",
    "licence",
    "camera_make",
    "camera_model",
    "taken_at",
)


def collection_frames() -> CollectionFrames:
    images = visible_images().order_by("id")
    loaded = list(
        images.only(
            "id", *COLLECTION_FIELDS, "colour_histogram", "thumbnail", "visual_features", "visual_features_by"
        )
    )
    vectors = vectors_from_rows((image.visual_features, image.visual_features_by) for image in loaded)
    rows = [
        {
            "image_id": image.id,
            **{name: getattr(image, name) for name in COLLECTION_FIELDS},
            "histogram": image.colour_histogram,
            "visual": vector,
            "thumbnail": image.thumbnail.name if image.thumbnail else "",
            "url": reverse("gallery:image", args=[image.id]),
        }
        for image, vector in zip(loaded, vectors, strict=True)
    ]
    columns = ["image_id", *COLLECTION_FIELDS, "histogram", "visual", "thumbnail", "url"]
    colour_columns = [*FRAME_COLUMNS["colours"], "rank"]
    colour_rows = Colour.objects.filter(image__in=images).values_list(*colour_columns)
    tag_rows = ImageTag.objects.filter(image__in=images).values_list("image_id", "tag__name").distinct()
    return CollectionFrames(
        images=pd.DataFrame(rows, columns=columns),
        colours=pd.DataFrame(list(colour_rows), columns=colour_columns),
        tags=pd.DataFrame(list(tag_rows), columns=["image_id", "tag"]),
        read_file=read_media,
    )


def simulation_catalogue() -> Catalogue:
    """Analysed images with their colour-family shares and source/auto tags, sorted by id."""
    images = visible_images().order_by("id")
    frame = pd.DataFrame(
        list(images.values_list("id", "orientation", "size_class")),
        columns=["image_id", "orientation", "size_class"],
    )
    palettes: dict[int, list[tuple[str, float]]] = {}
    for image_id, family, share in Colour.objects.filter(image__in=images).values_list(
        "image_id", "family", "share"
    ):
        palettes.setdefault(image_id, []).append((family, share))
    families = {image_id: family_shares(palette) for image_id, palette in palettes.items()}
    tags: dict[int, list[str]] = {}
    shared_tags = ImageTag.objects.filter(image__in=images, user__isnull=True).order_by(
        "image_id", "tag__name"
    )
    for image_id, name in shared_tags.values_list("image_id", "tag__name"):
        tags.setdefault(image_id, []).append(name)
    return Catalogue(images=frame, families=families, tags=tags)


def simulated_users() -> QuerySet[AbstractBaseUser]:
    """Accounts made by `simulate_users`: the ones with a stored hidden taste (never staff)."""
    return get_user_model().objects.filter(simulated_taste__isnull=False, is_staff=False, is_superuser=False)


def has_activity(user: AbstractBaseUser) -> bool:
    """True when the user has liked or tagged anything, i.e. a profile can say something."""
    return (
        Like.objects.filter(user_id=user.pk).exists()
        or ImageTag.objects.filter(user_id=user.pk, origin="user").exists()
    )
