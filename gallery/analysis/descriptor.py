"""The visual descriptor: what a photo looks like beyond its colours (texture, shape, spatial layout).

`describe(picture)` gives DESCRIPTOR_LENGTH float32 numbers, unit length, so the cosine of two photos
is the dot product of their descriptors. It is computed from luminance only: the colour histogram
(features.py) already says which colours a photo has, and a descriptor blind to them lets "Similar
photos" find a red-and-white striped awning for a blue-and-white striped shirt.

The picture is turned grey, squeezed to WORKING_SIZE x WORKING_SIZE (as GIST does: layout is judged
relative to the frame) and its brightness and contrast normalised (zero mean, unit deviation), so a
darker or flatter copy describes the same. Then three blocks, each scaled to unit length and then
by its weight in BLOCK_WEIGHTS:

- gist: a GIST-like spatial envelope (Oliva & Torralba 2001). A bank of log-Gabor filters, 4 scales
  (periods of 4 to 32 px at 128 px, i.e. 1/32 to 1/4 of the frame) x 6 orientations, applied in the
  frequency domain on a mirror-padded copy; the root mean square of each response over a 4 x 4 grid
  of cells. 384 numbers saying where
  the photo has coarse or fine structure in which direction: horizon, facade, foliage, sky.
- lbp: histograms of uniform local binary patterns (Ojala et al. 2002; 8 neighbours at radius 1,
  10 codes) on the 128 px picture and on a 64 px copy: the micro-texture of fur, water, sand or brick, wherever it lies.
- layout: the mean normalised brightness of each of the 4 x 4 cells: a bright sky over dark ground.

The weights and sizes were chosen on the 136 sample photos with `bench/descriptor.py`, which prints
their nearest-neighbour figures against the colour histogram alone. Changing anything here changes
DESCRIPTOR_VERSION, and stored descriptors are then recomputed with `manage.py analyse --features`.

Stored as float16 (`to_bytes`/`from_bytes`): half the bytes of float32, and cosines move by under 1e-3.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy import fft
from skimage.feature import local_binary_pattern

DESCRIPTOR_VERSION: Final = "descriptor-v1"

WORKING_SIZE: Final = 128
PADDING: Final = 8  # mirrored on each side, so the filters don't see the opposite edge wrap round
GRID: Final = 4
GABOR_PERIODS: Final = (4.0, 8.0, 16.0, 32.0)  # pixels at WORKING_SIZE
GABOR_ORIENTATIONS: Final = 6
GABOR_RADIAL_BANDWIDTH: Final = 0.55  # sigma of log(frequency / centre), about 1.1 octaves
GABOR_ANGULAR_BANDWIDTH: Final = np.pi / GABOR_ORIENTATIONS / 1.2
LBP_NEIGHBOURS: Final = 8
# Texture at two scales: radius 1 on the 128 px picture and on a 64 px copy of it (as radius 2, and
# 3x cheaper than skimage's interpolated radius 2).
LBP_SCALES: Final = (1, 2)
LBP_CODES: Final = LBP_NEIGHBOURS + 2  # "uniform" patterns: P + 1 of them, plus one for all the others

GIST_LENGTH: Final = len(GABOR_PERIODS) * GABOR_ORIENTATIONS * GRID * GRID
LBP_LENGTH: Final = len(LBP_SCALES) * LBP_CODES
LAYOUT_LENGTH: Final = GRID * GRID
DESCRIPTOR_LENGTH: Final = GIST_LENGTH + LBP_LENGTH + LAYOUT_LENGTH

# Where each block lies in the vector, and how much it counts in a cosine.
BLOCKS: Final = {
    "gist": slice(0, GIST_LENGTH),
    "lbp": slice(GIST_LENGTH, GIST_LENGTH + LBP_LENGTH),
    "layout": slice(GIST_LENGTH + LBP_LENGTH, DESCRIPTOR_LENGTH),
}
BLOCK_WEIGHTS: Final = {"gist": 1.0, "lbp": 0.6, "layout": 0.4}

STORED_DTYPE: Final = np.dtype("<f2")

FloatArray = npt.NDArray[np.float32]


def describe(picture: Image.Image) -> FloatArray:
    """The unit-length descriptor of `picture` (any mode, any size; the analysis passes the preview)."""
    pixels = _grey_pixels(picture)
    grey = _normalised(pixels)
    blocks = {
        "gist": gist_block(grey),
        "lbp": lbp_block(pixels),
        "layout": layout_block(grey),
    }
    vector = np.concatenate([_unit(blocks[name]) * BLOCK_WEIGHTS[name] for name in BLOCKS])
    return _unit(vector).astype(np.float32)


def gist_block(grey: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Gabor energies, one per (scale, orientation, cell), scale-major: the root mean square of each
    filter's response over each cell."""
    padded = np.pad(grey, PADDING, mode="reflect").astype(np.float32)
    spectrum = fft.rfft2(padded)
    responses = fft.irfft2(
        spectrum[np.newaxis] * _filter_bank(padded.shape[0]), s=padded.shape, overwrite_x=True
    )
    inner = slice(PADDING, PADDING + WORKING_SIZE)
    energy = np.square(responses[:, inner, inner], dtype=np.float64)
    return np.sqrt(_cell_means(energy)).reshape(-1)


def lbp_block(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """Share of each uniform LBP code at each scale, from 8-bit grey pixels (LBP compares neighbours:
    on integers an even area gives one code instead of rounding noise)."""
    histograms = []
    for step in LBP_SCALES:
        scaled = pixels if step == 1 else _shrink(pixels, step)
        codes = local_binary_pattern(scaled, LBP_NEIGHBOURS, 1, method="uniform").astype(np.int64)
        counts = np.bincount(codes.reshape(-1), minlength=LBP_CODES)[:LBP_CODES]
        histograms.append(counts / max(1, codes.size))
    return np.concatenate(histograms)


def _shrink(pixels: npt.NDArray[np.uint8], step: int) -> npt.NDArray[np.uint8]:
    """Mean of each step x step square."""
    height, width = pixels.shape
    squares = pixels.reshape(height // step, step, width // step, step).mean(axis=(1, 3))
    return np.asarray(np.rint(squares), dtype=np.uint8)


def layout_block(grey: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Mean normalised brightness per cell, shifted to be positive so cosines compare shapes of light."""
    # Values are in standard deviations (about -3..3); +4 keeps them positive, and a flat photo
    # (all zeros) gets the same all-equal layout as any evenly lit one.
    return _cell_means(grey[np.newaxis])[0].reshape(-1) + 4.0


def to_bytes(vector: npt.NDArray[np.floating]) -> bytes:
    """How a descriptor (or any embedding) is stored: little-endian float16."""
    return np.asarray(vector, dtype=STORED_DTYPE).tobytes()


def from_bytes(blob: bytes | memoryview | None) -> FloatArray:
    """A stored vector back as float32; empty when nothing is stored."""
    if not blob:
        return np.zeros(0, dtype=np.float32)
    return np.frombuffer(bytes(blob), dtype=STORED_DTYPE).astype(np.float32)


def _grey_pixels(picture: Image.Image) -> npt.NDArray[np.uint8]:
    grey = picture.convert("L").resize(
        (WORKING_SIZE, WORKING_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0
    )
    return np.asarray(grey, dtype=np.uint8)


def _normalised(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    values = pixels.astype(np.float64)
    deviation = values.std()
    centred = values - values.mean()
    return centred / deviation if deviation > 1e-6 else centred


def _cell_means(stack: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """(n, H, W) -> (n, GRID, GRID) means over equal cells."""
    n, height, width = stack.shape
    cells = stack.reshape(n, GRID, height // GRID, GRID, width // GRID)
    return np.asarray(cells.mean(axis=(2, 4)), dtype=np.float64)


def _unit(vector: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    norm = float(np.linalg.norm(vector))
    return np.asarray(vector, dtype=np.float64) / norm if norm > 0 else np.asarray(vector, dtype=np.float64)


@cache
def _filter_bank(size: int) -> npt.NDArray[np.float32]:
    """(scales x orientations, size, size // 2 + 1) log-Gabor transfer functions, in rfft2's layout.

    Symmetric in angle (each filter passes frequencies along its direction and the opposite one), so
    responses are real and the half spectrum is enough: half the work of complex responses. The
    response oscillates across an edge, but its mean square over a cell is the cell's energy.
    """
    fy = fft.fftfreq(size)[:, np.newaxis]
    fx = fft.rfftfreq(size)[np.newaxis, :]
    radius = np.hypot(fx, fy)
    radius[0, 0] = 1.0  # no energy at DC anyway; avoids log(0)
    angle = np.arctan2(fy, fx)
    filters = []
    for period in GABOR_PERIODS:
        centre = 1.0 / period
        radial = np.exp(-(np.log(radius / centre) ** 2) / (2 * GABOR_RADIAL_BANDWIDTH**2))
        radial[0, 0] = 0.0
        for step in range(GABOR_ORIENTATIONS):
            direction = step * np.pi / GABOR_ORIENTATIONS
            # Angle to the filter's axis, either way along it: within -pi/2..pi/2.
            difference = np.angle(np.exp(2j * (angle - direction))) / 2
            angular = np.exp(-(difference**2) / (2 * GABOR_ANGULAR_BANDWIDTH**2))
            filters.append(radial * angular)
    return np.stack(filters).astype(np.float32)
