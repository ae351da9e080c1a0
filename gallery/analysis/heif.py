"""HEIC/HEIF decoding: the one place Pillow is taught to open iPhone and other HEIF photos.

Importing this module registers pi-heif's opener with Pillow (format name "HEIF"); validate.py imports
it, so every source's files decode the same way. AVIF needs nothing here: Pillow reads it itself.

Why pi-heif: it is the decode-only build of pillow-heif by the same maintainer, and its wheels bundle
only libheif and libde265 (LGPL-3.0), where pillow-heif's also bundle the x265 encoder (GPL-2.0) that a
site which never writes HEIC has no use for. Its releases lag pillow-heif's (1.4 against 1.8); a
decode-only fork with one release (pi-heif-decoder) was the other LGPL candidate and was not chosen for
its upkeep. The tests encode their HEIC files with pillow-heif, a test-only dependency.

libheif applies the file's rotation and mirroring (its irot/imir boxes, which is how HEIF stores the
orientation) while decoding, so the picture and its size arrive upright; pi-heif then sets the EXIF
Orientation to 1 so that nothing rotates the picture a second time, and keeps the camera's value in
``info["original_orientation"]``.
"""

from __future__ import annotations

import pi_heif

from gallery.formats import HEIF_FORMAT

__all__ = ["HEIF_FORMAT"]  # importing it registers the opener below

# Thumbnails, depth maps and auxiliary images (HDR gain maps) are never shown: not decoding them keeps
# an iPhone photo's decode to its one picture.
pi_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
