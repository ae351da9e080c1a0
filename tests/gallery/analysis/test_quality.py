"""The quality measures on pictures built here, each with one known flaw: the right problem, with a reason
in words, and no other; and the scores rank a photo above its damaged copies."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from gallery.analysis import quality
from gallery.analysis.pipeline import analyse_file
from gallery.analysis.quality_evaluation import judge_picture
from gallery.analysis.result import QualityReport
from tests.support import quality_images as made


def judged(picture: Image.Image, *, width: int | None = None, height: int | None = None) -> QualityReport:
    return judge_picture(
        picture,
        width=width or picture.width,
        height=height or picture.height,
        block_period=quality.JPEG_BLOCK,
    )


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


@pytest.fixture(scope="module")
def scene() -> Image.Image:
    return made.sharp_scene(seed=3)


def test_a_sharp_well_exposed_clean_photo_has_no_problem_and_a_high_score(scene: Image.Image) -> None:
    report = judged(scene)

    assert report.problems == []
    assert report.reasons == []
    assert report.score >= quality.QUALITY_LEVELS["good"]


FLAWS: dict[str, tuple[Callable[[Image.Image], Image.Image], str]] = {
    "out_of_focus": (made.defocused, "Out of focus: fine detail is"),
    "motion_blur": (made.streaked_sideways, "Motion blur: detail is smeared along one direction"),
    "too_dark": (made.darkened, "Too dark: even the brightest parts are only"),
    "too_bright": (made.washed_out, "Too bright: even the darkest parts are"),
    "clipped_highlights": (
        lambda p: made.with_area(p, share=0.2, level=255),
        "Clipped highlights: 20% of the frame is pure white",
    ),
    "clipped_shadows": (
        lambda p: made.with_area(p, share=0.3, level=0),
        "Clipped shadows: 30% of the frame is pure black",
    ),
    "noisy": (made.grainy, "Noisy: grain of about"),
    "jpeg_artefacts": (lambda p: decoded(made.jpeg_bytes(p, quality=6)), "JPEG artefacts: 8x8 blocks show"),
    "low_resolution": (
        lambda p: p.resize((400, 300), Image.Resampling.LANCZOS),
        "Low resolution: 400 px on the long edge is too small",
    ),
}


@pytest.mark.parametrize("problem", list(FLAWS))
def test_a_photo_with_one_flaw_is_flagged_with_that_reason_and_no_other(
    scene: Image.Image, problem: str
) -> None:
    make_flaw, reason_start = FLAWS[problem]

    report = judged(make_flaw(scene))

    assert report.problems == [problem]
    assert len(report.reasons) == 1
    assert report.reasons[0].startswith(reason_start)
    assert report.score < judged(scene).score


def test_a_sharp_photo_ranks_above_its_blurred_copy_and_that_above_a_blurrier_one(scene: Image.Image) -> None:
    sharp = judged(scene).score
    soft = judged(made.defocused(scene, radius=2.5)).score
    blurred = judged(made.defocused(scene, radius=6)).score

    assert sharp > soft > blurred


def test_focus_is_judged_on_the_working_copy_so_a_bigger_file_of_the_same_photo_is_not_sharper() -> None:
    small = made.sharp_scene(seed=5, size=(1024, 768))
    big = small.resize((3072, 2304), Image.Resampling.LANCZOS)

    small_sharpness = judged(small).values["out_of_focus"]
    big_sharpness = judged(big).values["out_of_focus"]

    assert small_sharpness is not None
    assert big_sharpness is not None
    assert big_sharpness == pytest.approx(small_sharpness, rel=0.15)


def test_a_flat_picture_has_no_focus_verdict_rather_than_a_false_one() -> None:
    report = judged(Image.new("RGB", (800, 600), (120, 130, 140)))

    assert report.values["out_of_focus"] is None
    assert "out_of_focus" not in report.problems
    assert "motion_blur" not in report.problems


def test_reasons_are_recomputed_from_stored_values_with_the_same_words() -> None:
    assert quality.reasons_for({"too_dark": 0.3, "noisy": 0.5}) == [
        "Too dark: even the brightest parts are only 30% grey; the photo is underexposed"
    ]
    assert quality.reasons_for({}) == []


def test_the_pipeline_finds_jpeg_blocks_in_a_heavily_compressed_file(
    tmp_path: Path, scene: Image.Image
) -> None:
    crushed = tmp_path / "crushed.jpg"
    crushed.write_bytes(made.jpeg_bytes(scene, quality=5))
    clean = tmp_path / "clean.png"
    clean.write_bytes(made.png_bytes(scene))

    crushed_result = analyse_file(crushed, max_pixels=50_000_000)
    clean_result = analyse_file(clean, max_pixels=50_000_000)

    assert crushed_result.quality.problems == ["jpeg_artefacts"]
    assert clean_result.quality.problems == []
    assert clean_result.quality.score > crushed_result.quality.score


def test_jpeg_blocks_are_found_in_a_big_file_decoded_at_a_draft_scale(tmp_path: Path) -> None:
    big = made.sharp_scene(seed=7, size=(2400, 1800))
    path = tmp_path / "big.jpg"
    path.write_bytes(made.jpeg_bytes(big, quality=6))

    result = analyse_file(path, max_pixels=50_000_000)

    assert "jpeg_artefacts" in result.quality.problems
