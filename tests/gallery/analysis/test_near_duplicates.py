"""Near-duplicates, pure: the hash index, the rule for "the same picture", grouping and the best shot."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gallery.analysis.duplicate_evaluation import (
    brighter,
    cropped,
    evaluate_grouping,
    fingerprint,
    half_size,
    recompressed,
)
from gallery.analysis.near_duplicates import (
    CANDIDATE_BITS,
    HashIndex,
    Shot,
    best_shot,
    group_photos,
    layout_digest,
    layout_digests,
    layout_similarity,
    same_picture,
)
from tests.support.images import photo_like


def test_the_index_finds_exactly_the_hashes_within_the_radius_whichever_way_it_looks() -> None:
    rng = np.random.default_rng(3)
    hashes = [int(v) for v in rng.integers(0, 2**64, size=3000, dtype=np.uint64)]
    query = hashes[7] ^ 0b1011  # three bits from a stored hash
    expected = sorted(
        ((i, (h ^ query).bit_count()) for i, h in enumerate(hashes) if (h ^ query).bit_count() <= 12),
        key=lambda pair: (pair[1], pair[0]),
    )
    probing = HashIndex(range(len(hashes)), hashes, probe_cost=0)
    scanning = HashIndex(range(len(hashes)), hashes, probe_cost=10**12)
    assert probing.within(query, 12) == expected
    assert scanning.within(query, 12) == expected
    assert (7, 3) in expected


def test_hashes_added_after_the_build_are_found_before_and_after_the_merge() -> None:
    index = HashIndex([1], [0])
    index.add(2, 0b111)
    assert index.within(0, 3) == [(1, 0), (2, 3)]
    for n in range(3, 3 + HashIndex.TAIL_LIMIT):
        index.add(n, (2**64 - 1) ^ n)  # far from 0: almost every bit set
    assert len(index) == 2 + HashIndex.TAIL_LIMIT
    assert index.within(0, 3) == [(1, 0), (2, 3)]


def test_a_resized_copy_is_grouped_with_its_original_and_two_different_photos_stay_apart() -> None:
    first, second = photo_like(seed=1), photo_like(seed=2)
    prints = [fingerprint(first, 1), fingerprint(half_size(first), 2), fingerprint(second, 3)]
    assert group_photos(prints) == [[1, 2]]


def test_a_copy_cropped_by_four_percent_is_grouped_though_its_hash_moved() -> None:
    original = photo_like(seed=4)
    copy = cropped(original)
    prints = [fingerprint(original, 1), fingerprint(copy, 2), fingerprint(photo_like(seed=5), 3)]
    assert group_photos(prints) == [[1, 2]]


def test_a_crop_from_the_other_corner_and_a_brighter_recompressed_copy_are_grouped_too() -> None:
    original = photo_like(seed=6)
    other_corner = original.crop((0, 0, round(original.width * 0.95), round(original.height * 0.95)))
    prints = [
        fingerprint(original, 1),
        fingerprint(other_corner, 2),
        fingerprint(recompressed(brighter(original)), 3),
    ]
    assert group_photos(prints) == [[1, 2, 3]]


def test_the_layout_of_an_unrelated_photo_does_not_line_up() -> None:
    a, b = fingerprint(photo_like(seed=7), 1), fingerprint(photo_like(seed=8), 2)
    assert layout_similarity(a.layout, b.layout) < 0.6
    assert layout_similarity(a.layout, a.layout) == pytest.approx(1.0)


def test_a_far_hash_needs_a_layout_that_lines_up_and_a_missing_layout_needs_a_close_hash() -> None:
    assert same_picture(15, 0.95)
    assert not same_picture(15, 0.5)
    assert not same_picture(CANDIDATE_BITS + 1, 1.0)
    assert same_picture(4, None)
    assert not same_picture(15, None)


def test_digests_made_together_are_those_made_one_at_a_time_and_a_missing_layout_has_none() -> None:
    rng = np.random.default_rng(11)
    layouts = [rng.integers(20, 200, 32 * 32, dtype=np.uint8).tobytes() for _ in range(20)]
    layouts += [bytes(32 * 32), b""]  # a flat picture, and a photo analysed before layouts were kept
    together = layout_digests(layouts)
    assert together[:-1] == [layout_digest(layout) for layout in layouts[:-1]]
    assert all(len(digest) == 64 for digest in together[:-1])
    assert together[-1] == b""
    # Each photo's digest is its own (nothing leaks between the photos of a batch), and it describes the
    # layout alone: the same picture brighter has the same digest.
    assert layout_digests([bytes(v + 10 for v in layouts[0])])[0] == together[0]


def test_the_best_shot_is_the_largest_then_the_least_compressed_then_the_oldest() -> None:
    assert best_shot([Shot(1, pixels=1000, file_size=10), Shot(2, pixels=4000, file_size=5)]) == 2
    assert best_shot([Shot(1, pixels=4000, file_size=10), Shot(2, pixels=4000, file_size=50)]) == 2
    assert best_shot([Shot(3, pixels=4000, file_size=10), Shot(2, pixels=4000, file_size=10)]) == 2


def test_a_clearly_better_quality_score_beats_resolution_but_only_when_every_version_has_one() -> None:
    sharp_small = Shot(1, pixels=1000, file_size=10, quality=85)
    blurred_large = Shot(2, pixels=4000, file_size=50, quality=40)
    assert best_shot([sharp_small, blurred_large]) == 1
    # Within one band of quality, resolution decides.
    assert best_shot([Shot(1, 1000, 10, quality=81), Shot(2, 4000, 50, quality=88)]) == 2
    # An unscored version: quality is ignored rather than guessed.
    assert best_shot([sharp_small, Shot(2, 4000, 50)]) == 2


def test_the_evaluation_counts_right_pairs_and_wrongly_grouped_ones() -> None:
    report = evaluate_grouping([("a.jpg", photo_like(seed=11)), ("b.jpg", photo_like(seed=12))])
    assert report.photos == 10
    assert report.true_pairs == 2 * 10  # five versions of each: ten pairs each
    assert report.recall == 1.0
    assert report.precision == 1.0
    assert report.wrong_pairs == []
    assert set(report.missed_by_variant.values()) == {0}


def test_a_picture_made_of_one_flat_colour_lines_up_with_nothing() -> None:
    flat = fingerprint(Image.new("RGB", (300, 200), (90, 90, 90)), 1)
    assert layout_similarity(flat.layout, flat.layout) == 0.0
