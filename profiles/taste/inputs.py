"""The plain data a profile is built from, and how likes and tags weigh against each other.

Everything here is pandas and numpy; no Django. `profiles.selectors.profile_inputs` fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from profiles.taste.interests import InterestGroup

# A like is a clear signal; tagging an image shows interest too but is often descriptive ("dog" on a
# photo one does not love), so it counts half. An image both liked and tagged weighs 1.5. Several
# tags on the same image count once: they describe one act of attention.
LIKE_WEIGHT = 1.0
TAG_WEIGHT = 0.5


FRAME_COLUMNS = {
    "likes": ["image_id", "created_at"],
    "user_tags": ["image_id", "tag", "created_at"],
    "images": [
        "image_id",
        "orientation",
        "size_class",
        "camera_make",
        "camera_model",
        "taken_at",
        "histogram",
        "visual",
    ],
    "colours": ["image_id", "hex", "red", "green", "blue", "share", "name", "family"],
    "image_tags": ["image_id", "tag"],
}


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


@dataclass
class ProfileInputs:
    """One user's activity plus what the profile needs to know about the images and the collection.

    Frames and their columns:
    - likes: image_id, created_at
    - user_tags: image_id, tag, created_at (this user's own tags)
    - images: image_id, orientation, size_class, camera_make, camera_model, taken_at, histogram, visual
      (one row per image the user liked or tagged; histogram is a list of floats, visual the image's
      visual feature vector as a float array, all zeros when it has none)
    - colours: image_id, hex, red, green, blue, share, name, family (those images' palettes)
    - image_tags: image_id, tag (tags of any origin on those images)
    """

    likes: pd.DataFrame = field(default_factory=lambda: empty_frame(FRAME_COLUMNS["likes"]))
    user_tags: pd.DataFrame = field(default_factory=lambda: empty_frame(FRAME_COLUMNS["user_tags"]))
    images: pd.DataFrame = field(default_factory=lambda: empty_frame(FRAME_COLUMNS["images"]))
    colours: pd.DataFrame = field(default_factory=lambda: empty_frame(FRAME_COLUMNS["colours"]))
    image_tags: pd.DataFrame = field(default_factory=lambda: empty_frame(FRAME_COLUMNS["image_tags"]))
    # How many images of the collection carry each tag, and the collection size, for TF-IDF.
    tag_document_frequency: dict[str, int] = field(default_factory=dict)
    collection_size: int = 0
    # Shares of the whole collection, shown beside the user's own for comparison.
    collection_orientation: dict[str, float] = field(default_factory=dict)
    collection_size_class: dict[str, float] = field(default_factory=dict)
    # The person's interests from the taste model (the recommender's), and the model they come from.
    interests: list[InterestGroup] = field(default_factory=list)
    taste_model_id: int | None = None

    def __post_init__(self) -> None:
        # A frame built from zero rows often has no columns at all; give it the expected ones.
        for name, columns in FRAME_COLUMNS.items():
            frame: pd.DataFrame = getattr(self, name)
            missing = [column for column in columns if column not in frame.columns]
            if missing:
                setattr(self, name, frame.assign(**{column: pd.Series(dtype=object) for column in missing}))


def image_weights(inputs: ProfileInputs) -> pd.Series:
    """Weight of each image in the profile: LIKE_WEIGHT if liked plus TAG_WEIGHT if tagged."""
    liked = pd.Series(LIKE_WEIGHT, index=pd.Index(inputs.likes["image_id"].unique(), dtype="int64"))
    tagged = pd.Series(TAG_WEIGHT, index=pd.Index(inputs.user_tags["image_id"].unique(), dtype="int64"))
    weights = liked.add(tagged, fill_value=0.0).astype(float)
    weights.index.name = "image_id"
    return weights.sort_index()
