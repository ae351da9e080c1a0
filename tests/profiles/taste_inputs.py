"""Hand-built ProfileInputs for the pure taste tests: images described by palette and tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from profiles.taste import ProfileInputs
from tests.factories import FAMILY_RGB


@dataclass
class FakeImage:
    image_id: int
    palette: list[tuple[str, float]]  # (family, share)
    tags: list[str]
    orientation: str = "landscape"
    size_class: str = "large"
    taken: datetime = field(default_factory=lambda: datetime(2020, 5, 1, tzinfo=UTC))


def histogram_of(palette: list[tuple[str, float]]) -> list[float]:
    """A tiny 'histogram', one bin per colour family, good enough to separate colours."""
    bins = list(FAMILY_RGB)
    histogram = [0.0] * len(bins)
    for family, share in palette:
        histogram[bins.index(family)] += share
    return histogram


def inputs_for(
    images: list[FakeImage],
    liked: list[int],
    tagged: dict[int, list[str]] | None = None,
    collection: list[FakeImage] | None = None,
) -> ProfileInputs:
    """ProfileInputs for a user who liked `liked` and tagged `tagged` out of `collection` (or `images`)."""
    collection = collection or images
    tagged = tagged or {}
    when = datetime(2024, 3, 1, 12, tzinfo=UTC)
    involved = [image for image in images if image.image_id in set(liked) | set(tagged)]
    colours = [
        {
            "image_id": image.image_id,
            "hex": "#{:02x}{:02x}{:02x}".format(*FAMILY_RGB[family]),
            "red": FAMILY_RGB[family][0],
            "green": FAMILY_RGB[family][1],
            "blue": FAMILY_RGB[family][2],
            "share": share,
            "name": family,
            "family": family,
        }
        for image in involved
        for family, share in image.palette
    ]
    image_tags = [{"image_id": image.image_id, "tag": tag} for image in involved for tag in image.tags]
    image_tags += [{"image_id": image_id, "tag": tag} for image_id, tags in tagged.items() for tag in tags]
    frequency: dict[str, int] = {}
    for image in collection:
        for tag in set(image.tags):
            frequency[tag] = frequency.get(tag, 0) + 1
    return ProfileInputs(
        likes=pd.DataFrame({"image_id": liked, "created_at": [when] * len(liked)}),
        user_tags=pd.DataFrame(
            [{"image_id": i, "tag": t, "created_at": when} for i, tags in tagged.items() for t in tags],
            columns=["image_id", "tag", "created_at"],
        ),
        images=pd.DataFrame(
            [
                {
                    "image_id": image.image_id,
                    "orientation": image.orientation,
                    "size_class": image.size_class,
                    "camera_make": "Canon",
                    "camera_model": "EOS 5D",
                    "taken_at": image.taken,
                    "histogram": histogram_of(image.palette),
                }
                for image in involved
            ]
        ),
        colours=pd.DataFrame(colours),
        image_tags=pd.DataFrame(image_tags, columns=["image_id", "tag"]),
        tag_document_frequency=frequency,
        collection_size=len(collection),
        collection_orientation={"landscape": 0.5, "portrait": 0.5},
        collection_size_class={"large": 1.0},
    )
