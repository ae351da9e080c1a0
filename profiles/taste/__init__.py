"""Pure taste-profile computation: pandas and scikit-learn in, JSON-safe dicts out. No Django."""

from profiles.taste.inputs import LIKE_WEIGHT, TAG_WEIGHT, ProfileInputs
from profiles.taste.interests import InterestGroup
from profiles.taste.profile import PROFILE_VERSION, build_profile

__all__ = ["LIKE_WEIGHT", "PROFILE_VERSION", "TAG_WEIGHT", "InterestGroup", "ProfileInputs", "build_profile"]
