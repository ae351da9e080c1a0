"""Near-duplicates: which photos a person would call the same picture, and which copy to keep.

Two descriptors, because neither alone is enough (measured on the 136 sample photos, see
`manage.py evaluate_quality`):

- the stored 64-bit pHash (features.py). Resizing, JPEG recompression, blur and small brightness changes
  stay within a few bits, and unrelated photos are almost never within 22 bits of each other. But a crop
  of a few percent shifts the picture under the DCT's cosines and can move the hash by up to ~18 bits,
  where some unrelated photos already are. The hash finds *candidates*;
- a layout signature, the photo as 32x32 greyscale. Two copies are confirmed when the centre of one
  correlates with a window of the other shifted by up to three cells (9% of the frame) each way, so a
  crop of a few percent from any side still lines up. The layout is band-passed and the correlation
  zero-mean and normalised, so a brighter or darker copy matches as well as the original.

Checking a photo against the collection has three steps, each cheaper per item than the next:

1. `HashIndex` finds the hashes within 20 bits. It is a multi-index hash: the 64 bits are split into
   four 16-bit chunks, and any hash within r bits of the query agrees with it within r // 4 bits on at
   least one chunk (the pigeonhole principle), so probing every chunk value that close finds them all.
   At a wide radius the probes outnumber the hashes (27,540 probes for 20 bits), and a vectorised XOR
   and popcount over all of them is faster: 0.3 ms at 100,000 hashes, 3 ms at a million. The index
   estimates both costs per look-up and takes the cheaper; `bench/duplicates.py` measures them.
2. `quick_check` correlates 8x8 digests of the layouts (`layout_digest`), all candidates in one matrix product. Real
   photos cluster in pHash (0.7% of the sample's pairs are within 20 bits), so a large collection
   gives hundreds of candidates; this keeps a few percent.
3. The full layout correlation, with its shift search, decides those few.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy.ndimage import gaussian_filter

# Hashes within this many bits are candidates. Crops of 4-5% reach 18 bits on the sample photos.
CANDIDATE_BITS: Final = 20
# Within this many bits the hash alone is near-certain (resize, JPEG, blur stay within 2-4), so the
# layout only has to agree loosely; further out it must agree closely.
CLOSE_BITS: Final = 8
CLOSE_MIN_SIMILARITY: Final = 0.50
FAR_MIN_SIMILARITY: Final = 0.78

LAYOUT_SIZE: Final = 32
LAYOUT_MARGIN: Final = 3  # cells the centre window may shift each way
DETAIL_SIGMA: Final = 1.0  # cells
SWEEP_SIGMA: Final = 4.0
DIGEST_SIZE: Final = 8
DIGEST_SWEEP_SIGMA: Final = 1.5
# The quick check on 8x8 digests drops a candidate below this. 4% crops stay above 0.76 on the sample
# photos and 99% of unrelated candidates below 0.59; the full layout decides the rest.
DIGEST_MIN_SIMILARITY: Final = 0.60
CHUNKS: Final = 4
CHUNK_BITS: Final = 64 // CHUNKS
# One probe of the multi-index (two binary searches and the gathering) costs about as much as comparing
# this many hashes in a vectorised scan. Measured (bench/duplicates.py): at 1M hashes and 8 bits the 548
# probes take 2.3 ms against a 3.0 ms scan, at 100k hashes 0.7 ms against 0.2 ms.
PROBE_COST: Final = 400


# --- The layout signature -------------------------------------------------------------------------


def layout_signature(image: Image.Image) -> bytes:
    """The picture as 32x32 greyscale, row by row, one byte a cell (1,024 bytes)."""
    grey = image.convert("L").resize((LAYOUT_SIZE, LAYOUT_SIZE), Image.Resampling.BOX)
    return np.asarray(grey, dtype=np.uint8).tobytes()


def layout_similarity(a: bytes, b: bytes) -> float:
    """How well two layouts line up, -1 to 1: the best correlation of either's centre within the other."""
    return float(layout_similarities(a, [b])[0])


def layout_similarities(query: bytes, layouts: Sequence[bytes]) -> npt.NDArray[np.float64]:
    """`layout_similarity` of one layout with many, computed together (0 where a layout is missing).

    A handful of array operations for the whole batch, instead of a handful per pair, which is what
    the per-pair cost was made of (0.45 ms a pair one at a time).
    """
    scores = np.zeros(len(layouts))
    usable = [n for n, layout in enumerate(layouts) if len(layout) == LAYOUT_SIZE**2]
    if len(query) != LAYOUT_SIZE**2 or not usable:
        return scores
    mine = _grids([query])  # (1, 32, 32)
    theirs = _grids([layouts[n] for n in usable])  # (k, 32, 32)
    # Either may be the cropped one: my centre within their frame, and their centres within mine.
    mine_in_theirs = _best_window_correlations(_centres(mine), theirs)
    theirs_in_mine = _best_window_correlations(_centres(theirs), mine)
    scores[usable] = np.maximum(mine_in_theirs, theirs_in_mine)
    return scores


def _grids(signatures: Sequence[bytes]) -> npt.NDArray[np.float64]:
    """Layouts band-passed: cell noise blurred away, and the broad light-to-dark sweep taken out.

    Without the band-pass, unrelated photos that share a bright sky over a dark ground correlate at up
    to 0.94 on the sample photos, as high as a cropped copy; with it they stay below 0.65 while 4% crops
    stay above 0.88.
    """
    raw = np.frombuffer(b"".join(signatures), dtype=np.uint8).astype(np.float64)
    grids = raw.reshape(len(signatures), LAYOUT_SIZE, LAYOUT_SIZE)
    detail = gaussian_filter(grids, DETAIL_SIGMA, axes=(1, 2))
    sweep = gaussian_filter(grids, SWEEP_SIGMA, axes=(1, 2))
    return np.asarray(detail - sweep)


def _standardised(values: npt.NDArray[np.float64], axes: tuple[int, ...]) -> npt.NDArray[np.float64]:
    centred = values - values.mean(axis=axes, keepdims=True)
    norm = np.sqrt((centred**2).sum(axis=axes, keepdims=True))
    # A flat window (one colour) correlates with nothing; dividing by 1 keeps it at zero.
    return np.asarray(centred / np.where(norm > 0, norm, 1.0))


def _centres(grids: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each grid's centre, zero mean and unit norm, so a dot product with a window needs no window mean."""
    m = LAYOUT_MARGIN
    return _standardised(grids[:, m:-m, m:-m], (1, 2))


def _best_window_correlations(
    centres: npt.NDArray[np.float64], grids: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The best correlation over shifts of each centre within each grid: one against many, or pairs."""
    size = LAYOUT_SIZE - 2 * LAYOUT_MARGIN
    windows = np.lib.stride_tricks.sliding_window_view(
        grids, (size, size), axis=(1, 2)
    )  # (k, s, s, size, size)
    if len(grids) == 1:
        products = np.einsum("ijab,kab->kij", windows[0], centres)
    elif len(centres) == 1:
        products = np.einsum("kijab,ab->kij", windows, centres[0])
    else:
        products = np.einsum("kijab,kab->kij", windows, centres)
    sums, squares = _window_sums(grids, size), _window_sums(grids**2, size)
    spread = np.sqrt(np.maximum(squares - sums**2 / size**2, 0.0))
    scores = products / np.where(spread > 1e-9, spread, np.inf)
    return np.asarray(scores.reshape(len(scores), -1).max(axis=1))


def _window_sums(values: npt.NDArray[np.float64], size: int) -> npt.NDArray[np.float64]:
    """The sum of every size x size window of each grid, from integral images."""
    total = np.zeros((values.shape[0], values.shape[1] + 1, values.shape[2] + 1))
    total[:, 1:, 1:] = values.cumsum(axis=1).cumsum(axis=2)
    return np.asarray(
        total[:, size:, size:] - total[:, :-size, size:] - total[:, size:, :-size] + total[:, :-size, :-size]
    )


def layout_digest(signature: bytes) -> bytes:
    """An 8x8 digest of a layout for the quick first check, 64 signed bytes (empty for no layout).

    Kept in memory for every photo: at this size a crop of a few percent moves the picture by a third
    of a cell, so the digests of two copies correlate without searching shifts.
    """
    return layout_digests([signature])[0]


def layout_digests(signatures: Sequence[bytes]) -> list[bytes]:
    """`layout_digest` of many layouts, computed together (a few array operations for the batch)."""
    digests = [b""] * len(signatures)
    usable = [n for n, signature in enumerate(signatures) if len(signature) == LAYOUT_SIZE**2]
    if not usable:
        return digests
    grids = np.frombuffer(b"".join(signatures[n] for n in usable), dtype=np.uint8).astype(np.float64)
    step = LAYOUT_SIZE // DIGEST_SIZE
    coarse = grids.reshape(len(usable), DIGEST_SIZE, step, DIGEST_SIZE, step).mean(axis=(2, 4))
    detail = coarse - gaussian_filter(coarse, (0, DIGEST_SWEEP_SIGMA, DIGEST_SWEEP_SIGMA))
    detail -= detail.mean(axis=(1, 2), keepdims=True)
    # Scaled so the largest cell is +-127: a byte a cell, and the rounding costs < 0.01 of correlation.
    peak = np.abs(detail).max(axis=(1, 2), keepdims=True)
    scale = np.divide(127, peak, out=np.zeros_like(peak), where=peak > 0)
    rounded = np.round(detail * scale).astype(np.int8)
    for position, n in enumerate(usable):
        digests[n] = rounded[position].tobytes()
    return digests


def digest_similarities(query: bytes, digests: Sequence[bytes]) -> npt.NDArray[np.float64]:
    """The correlation of one digest with many, -1 to 1 (0 where either is missing)."""
    if len(query) != DIGEST_SIZE**2:
        return np.zeros(len(digests))
    full = [d if len(d) == DIGEST_SIZE**2 else bytes(DIGEST_SIZE**2) for d in digests]
    matrix = np.frombuffer(b"".join(full), dtype=np.int8).reshape(len(full), -1).astype(np.float64)
    vector = np.frombuffer(query, dtype=np.int8).astype(np.float64)
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
    return np.asarray(matrix @ vector / np.where(norms > 0, norms, np.inf))


def same_picture(bits: int, similarity: float | None) -> bool:
    """The rule for two photos `bits` apart in pHash whose layouts correlate at `similarity`.

    Without a layout (a photo analysed before it was stored) only a close hash counts.
    """
    if bits > CANDIDATE_BITS:
        return False
    if similarity is None:
        return bits <= CLOSE_BITS
    if bits <= CLOSE_BITS:
        return similarity >= CLOSE_MIN_SIMILARITY
    return similarity >= FAR_MIN_SIMILARITY


# --- The hash index -------------------------------------------------------------------------------


def hash_value(phash: str) -> int:
    """A stored hex pHash as an unsigned 64-bit integer."""
    return int(phash, 16)


def _probe_count(radius: int) -> int:
    """How many masks `_probe_masks(radius)` gives: the 16-bit values with at most `radius` bits set."""
    return sum(math.comb(CHUNK_BITS, k) for k in range(radius + 1))


def _probe_masks(radius: int) -> npt.NDArray[np.uint64]:
    """Every 16-bit value with at most `radius` bits set, to XOR with a chunk."""
    masks = [0]
    for k in range(1, radius + 1):
        masks.extend(sum(1 << bit for bit in bits) for bits in combinations(range(CHUNK_BITS), k))
    return np.array(masks, dtype=np.uint64)


class HashIndex:
    """A multi-index over 64-bit hashes: ids of the hashes within r bits of a query, fast at scale.

    Built from plain (id, hash) pairs, so any process can build it from the database column. New
    hashes go to a small unsorted tail, scanned directly, and are merged into the sorted chunks once
    the tail is long enough for the merge to pay off.
    """

    TAIL_LIMIT: Final = 2048

    def __init__(
        self, ids: Sequence[int] = (), hashes: Sequence[int] = (), *, probe_cost: int = PROBE_COST
    ) -> None:
        self._probe_cost = probe_cost  # the benchmark sets 0 or a huge value to force one way
        self._ids = np.asarray(ids, dtype=np.int64)
        self._hashes = np.asarray(hashes, dtype=np.uint64)
        self._tail_ids: list[int] = []
        self._tail_hashes: list[int] = []
        self._mask_cache: dict[int, npt.NDArray[np.uint64]] = {}
        self._sort_chunks()

    def __len__(self) -> int:
        return len(self._ids) + len(self._tail_ids)

    @property
    def nbytes(self) -> int:
        return int(self._ids.nbytes + self._hashes.nbytes + sum(o.nbytes + v.nbytes for o, v in self._chunks))

    def add(self, image_id: int, value: int) -> None:
        self._tail_ids.append(image_id)
        self._tail_hashes.append(value)
        if len(self._tail_ids) >= self.TAIL_LIMIT:
            self._merge_tail()

    def within(self, value: int, radius: int) -> list[tuple[int, int]]:
        """(id, bits apart) of every hash within `radius` bits of `value`, nearest first."""
        query = np.uint64(value)
        positions = self._candidate_positions(value, radius)
        hashes = self._hashes if positions is None else self._hashes[positions]
        ids = self._ids if positions is None else self._ids[positions]
        bits = np.bitwise_count(hashes ^ query)
        keep = bits <= radius
        found = list(zip(ids[keep].tolist(), bits[keep].tolist(), strict=True))
        if self._tail_ids:
            tail_bits = np.bitwise_count(np.asarray(self._tail_hashes, dtype=np.uint64) ^ query)
            found += [(i, int(b)) for i, b in zip(self._tail_ids, tail_bits, strict=True) if b <= radius]
        return sorted(found, key=lambda pair: (pair[1], pair[0]))

    def _sort_chunks(self) -> None:
        self._chunks: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.uint64]]] = []
        for chunk in range(CHUNKS):
            values = self._chunk_of(self._hashes, chunk)
            order = np.argsort(values, kind="stable")
            self._chunks.append((order, values[order]))

    def _merge_tail(self) -> None:
        self._ids = np.concatenate([self._ids, np.asarray(self._tail_ids, dtype=np.int64)])
        self._hashes = np.concatenate([self._hashes, np.asarray(self._tail_hashes, dtype=np.uint64)])
        self._tail_ids, self._tail_hashes = [], []
        self._sort_chunks()

    @staticmethod
    def _chunk_of(values: npt.NDArray[np.uint64], chunk: int) -> npt.NDArray[np.uint64]:
        shift = np.uint64(chunk * CHUNK_BITS)
        return (values >> shift) & np.uint64(0xFFFF)

    def _masks(self, radius: int) -> npt.NDArray[np.uint64]:
        if radius not in self._mask_cache:
            self._mask_cache[radius] = _probe_masks(radius)
        return self._mask_cache[radius]

    def _candidate_positions(self, value: int, radius: int) -> npt.NDArray[np.intp] | None:
        """Positions whose hash may be within `radius`, or None when scanning them all is cheaper.

        Probing costs a binary search per probe value; comparing costs one XOR and popcount per hash.
        At a wide radius the probes outnumber a share of the hashes and a plain scan is faster: at
        100,000 hashes and 20 bits, 27,540 probes against a 0.1 ms scan (bench/duplicates.py).
        """
        chunk_radius = radius // CHUNKS
        # Counted before the masks are built: a small collection is always scanned, and building
        # the 6,885 masks of a 20-bit radius costs more than scanning it.
        if _probe_count(chunk_radius) * CHUNKS * self._probe_cost > len(self._ids):
            return None
        masks = self._masks(chunk_radius)
        query = np.array([value], dtype=np.uint64)
        seen = np.zeros(len(self._ids), dtype=np.bool_)
        for chunk, (order, values) in enumerate(self._chunks):
            probes = np.sort(self._chunk_of(query, chunk)[0] ^ masks)
            starts = np.searchsorted(values, probes, side="left")
            counts = np.searchsorted(values, probes, side="right") - starts
            hit = counts > 0
            seen[order[_expand_ranges(starts[hit], counts[hit])]] = True
        return np.flatnonzero(seen)


def _expand_ranges(starts: npt.NDArray[np.intp], counts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """All of start, start+1 … start+count-1 for each range, as one array."""
    total = int(counts.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.asarray(np.repeat(starts, counts) + offsets, dtype=np.intp)


# --- Grouping and the best shot -------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoPrint:
    """What grouping needs to know of a photo."""

    id: int
    phash: str
    layout: bytes = b""
    digest: bytes = b""  # layout_digest(layout), kept in memory for the quick check


@dataclass(frozen=True)
class Match:
    id: int
    bits: int
    similarity: float | None


def quick_check(digest: bytes, candidates: Sequence[tuple[int, int, bytes]]) -> list[tuple[int, int]]:
    """(id, bits) of the (id, bits, digest) candidates worth a full layout check.

    A close hash always is; a farther one only when the digests agree. One matrix product for all, so
    the hundreds of candidates a large collection gives within 20 bits cost well under a millisecond.
    """
    if not candidates:
        return []
    similarities = digest_similarities(digest, [theirs for _, _, theirs in candidates])
    return [
        (image_id, bits)
        for (image_id, bits, theirs), similarity in zip(candidates, similarities, strict=True)
        if bits <= CLOSE_BITS or not digest or not theirs or similarity >= DIGEST_MIN_SIMILARITY
    ]


def matches_for(photo: PhotoPrint, candidates: Sequence[tuple[PhotoPrint, int]]) -> list[Match]:
    """Which of the (candidate, bits apart) pairs are the same picture as `photo`."""
    worth = dict(
        quick_check(photo.digest, [(c.id, bits, c.digest) for c, bits in candidates if c.id != photo.id])
    )
    checked = [(candidate, bits) for candidate, bits in candidates if candidate.id in worth]
    similarities = layout_similarities(photo.layout, [candidate.layout for candidate, _ in checked])
    found = []
    for (candidate, bits), similarity in zip(checked, similarities, strict=True):
        known = float(similarity) if photo.layout and candidate.layout else None
        if same_picture(bits, known):
            found.append(Match(candidate.id, bits, known))
    return found


def group_photos(photos: Sequence[PhotoPrint]) -> list[list[int]]:
    """Groups of two or more ids that are the same picture (linked in a chain), smallest id first."""
    by_id = {photo.id: photo for photo in photos if photo.phash}
    index = HashIndex(list(by_id), [hash_value(p.phash) for p in by_id.values()])
    parent = {photo_id: photo_id for photo_id in by_id}

    def root(photo_id: int) -> int:
        while parent[photo_id] != photo_id:
            parent[photo_id] = parent[parent[photo_id]]
            photo_id = parent[photo_id]
        return photo_id

    for photo in by_id.values():
        near = [
            (by_id[i], bits)
            for i, bits in index.within(hash_value(photo.phash), CANDIDATE_BITS)
            if i > photo.id
        ]
        for match in matches_for(photo, near):
            first, second = root(photo.id), root(match.id)
            parent[max(first, second)] = min(first, second)
    groups: dict[int, list[int]] = {}
    for photo_id in sorted(by_id):
        groups.setdefault(root(photo_id), []).append(photo_id)
    return [members for members in groups.values() if len(members) > 1]


@dataclass(frozen=True)
class Shot:
    """One version of a picture, as the best-shot choice sees it."""

    id: int
    pixels: int
    file_size: int
    quality: float | None = None  # 0-100 when the photo has a quality score


# Quality scores this close are a tie, so resolution decides between two equally good copies.
QUALITY_BAND: Final = 10.0


def best_shot(members: Sequence[Shot]) -> int:
    """The id of the version to keep: the best quality band, then the most pixels, then the largest file.

    Quality only counts when every version has a score, so an unscored copy is never ranked by a guess.
    A larger file at the same size is less compressed; on a full tie the oldest (lowest id) is kept.
    """
    if not members:
        raise ValueError("a group needs at least one member")
    scored = all(shot.quality is not None for shot in members)

    def rank(shot: Shot) -> tuple[float, int, int, int]:
        band = (shot.quality or 0.0) // QUALITY_BAND if scored else 0.0
        return (band, shot.pixels, shot.file_size, -shot.id)

    return max(members, key=rank).id
