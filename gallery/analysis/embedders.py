"""What turns a photo into its visual feature vector: the built-in descriptor, or a pretrained encoder.

Every photo stores one vector (`Image.visual_features`) and the name of the embedder that made it
(`Image.visual_features_by`). Vectors from different embedders don't compare, so readers use only
the rows made by the embedder the site runs now (`gallery.selectors.visual_feature_matrix`), and
`manage.py analyse --features` recomputes the rest after a switch.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, DESCRIPTOR_VERSION, FloatArray, describe


class ImageEmbedder(Protocol):
    @property
    def name(self) -> str:
        """Stored beside each vector: names the method and its version (or the weights' checksum)."""
        ...

    @property
    def length(self) -> int: ...

    def embed(self, picture: Image.Image) -> FloatArray:
        """A unit-length float32 vector of `length` numbers for an RGB picture."""
        ...


class BuiltInDescriptor:
    """The descriptor of gallery.analysis.descriptor: needs no weights, runs everywhere."""

    name = DESCRIPTOR_VERSION
    length = DESCRIPTOR_LENGTH

    def embed(self, picture: Image.Image) -> FloatArray:
        return describe(picture)


BUILT_IN = BuiltInDescriptor()
