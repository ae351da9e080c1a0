"""Feature vectors kept for similarity and near-duplicate detection: an HSV histogram and a pHash.

Colour histogram (112 floats, L1-normalised so it sums to 1; all zeros when no pixel is visible):

- chromatic pixels fill 12 hue x 3 saturation x 3 value = 108 bins, index ``(h * 3 + s) * 3 + v``,
  hue in 30-degree steps starting at red, saturation and value each in equal thirds of 0..1;
- achromatic pixels (saturation below 0.15, or value below 0.15 where hue is noise) fill 4 grey bins,
  108..111, by value in equal quarters (black, dark grey, light grey, white).

Pixels whose alpha is 0 are left out.

Perceptual hash (pHash): the image as 32x32 greyscale, a 2-D DCT-II (scipy.fft), the top-left 8x8 block
of lowest frequencies, each bit set when its coefficient is above the median of the block's 63 AC
coefficients (the DC term, the mean brightness, is left out of the median because it dwarfs the rest).
The 64 bits, row by row, give 16 hex digits. Resized or recompressed copies differ by a few bits;
different pictures by around 32.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy.fft import dctn

HUE_BINS: Final = 12
SATURATION_BINS: Final = 3
VALUE_BINS: Final = 3
GREY_BINS: Final = 4
CHROMATIC_BINS: Final = HUE_BINS * SATURATION_BINS * VALUE_BINS
HISTOGRAM_LENGTH: Final = CHROMATIC_BINS + GREY_BINS
ACHROMATIC_BELOW: Final = 0.15
PHASH_SIZE: Final = 32


def colour_histogram(rgb: Image.Image, visible: npt.NDArray[np.bool_] | None = None) -> list[float]:
    """The HSV histogram of an RGB image; `visible` masks out transparent pixels."""
    hsv = np.asarray(rgb.convert("HSV"), dtype=np.int32).reshape(-1, 3)
    if visible is not None:
        hsv = hsv[visible.reshape(-1)]
    if len(hsv) == 0:
        return [0.0] * HISTOGRAM_LENGTH
    hue, saturation, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    # Pillow's HSV channels are 0..255; hue 256ths of a turn.
    achromatic = (saturation < ACHROMATIC_BELOW * 255) | (value < ACHROMATIC_BELOW * 255)
    hue_bin = hue * HUE_BINS // 256
    saturation_bin = np.minimum(saturation * SATURATION_BINS // 255, SATURATION_BINS - 1)
    value_bin = np.minimum(value * VALUE_BINS // 255, VALUE_BINS - 1)
    chromatic_index = (hue_bin * SATURATION_BINS + saturation_bin) * VALUE_BINS + value_bin
    grey_index = CHROMATIC_BINS + np.minimum(value * GREY_BINS // 255, GREY_BINS - 1)
    index = np.where(achromatic, grey_index, chromatic_index)
    counts = np.bincount(index, minlength=HISTOGRAM_LENGTH).astype(np.float64)
    return (counts / counts.sum()).tolist()


def perceptual_hash(image: Image.Image) -> str:
    """The 64-bit DCT hash of `image` as 16 hex digits."""
    grey = image.convert("L").resize((PHASH_SIZE, PHASH_SIZE), Image.Resampling.BILINEAR)
    coefficients = dctn(np.asarray(grey, dtype=np.float64), type=2, norm="ortho")[:8, :8].reshape(-1)
    median = np.median(coefficients[1:])
    bits = coefficients > median
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def hamming_distance(a: str, b: str) -> int:
    """How many of the 64 bits differ between two hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
