"""Quality on the site: the photo page's score and reasons, the gallery's quality sort and filter, the
home page's best photos, the admin's worst-first list (staff only), the export, and the commands."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gallery.models import Image
from gallery.services.export import image_metadata
from tests.factories import ingest_folder, make_image, make_user
from tests.support import quality_images as made

pytestmark = pytest.mark.django_db

DARK_VALUES = {"too_dark": 0.3, "noisy": 0.4, "out_of_focus": 0.5}
DARK_REASON = "Too dark: even the brightest parts are only 30% grey; the photo is underexposed"


def _shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', html)]


def scored(
    title: str, score: int | None, problems: list[str] | None = None, values: dict | None = None
) -> Image:
    return make_image(
        title=title, quality_score=score, quality_problems=problems or [], quality_values=values or {}
    )


def test_the_photo_page_shows_the_score_and_the_reasons_in_words(client: Client) -> None:
    image = scored("Night street", 31, ["too_dark"], DARK_VALUES)

    html = client.get(f"/photos/{image.pk}/").content.decode()

    assert "<strong data-quality-score>31</strong>" in html
    assert DARK_REASON in html
    assert "no technical problem found" not in html


def test_the_photo_page_lists_each_measurement_beside_its_threshold(client: Client) -> None:
    image = scored("Night street", 31, ["too_dark"], DARK_VALUES)

    html = client.get(f"/photos/{image.pk}/").content.decode()

    assert (
        '<tr class="is-problem"><th scope="row">Too dark</th><td>30% '
        '<span class="muted small">(a problem below 45%)</span></td></tr>'
    ) in html
    assert (
        '<th scope="row">Noisy</th><td>0.4 levels <span class="muted small">(a problem above 2.5 levels)'
        in html
    )
    assert '<th scope="row">JPEG artefacts</th><td>not measured' in html


def test_the_photo_page_says_so_when_no_problem_was_found(client: Client) -> None:
    image = scored("Clean", 93, [], {"too_dark": 0.95, "noisy": 0.4})

    html = client.get(f"/photos/{image.pk}/").content.decode()

    assert "<strong data-quality-score>93</strong>" in html
    assert "no technical problem found" in html


def test_the_gallery_sorts_by_quality_best_first_with_unjudged_photos_last(client: Client) -> None:
    fair = scored("Fair", 60)
    unjudged = scored("Unjudged", None)
    best = scored("Best", 95)
    poor = scored("Poor", 20)

    html = client.get("/gallery/", {"sort": "quality"}).content.decode()

    assert _shown_ids(html) == [best.pk, fair.pk, poor.pk, unjudged.pk]


def test_the_gallery_hides_low_quality_photos_when_asked_and_counts_what_each_level_keeps(
    client: Client,
) -> None:
    best = scored("Best", 95)
    fair = scored("Fair", 60)
    scored("Poor", 20)
    scored("Unjudged", None)

    good_only = client.get("/gallery/", {"quality": "good"}).content.decode()
    best_only = client.get("/gallery/", {"quality": "best"}).content.decode()
    everything = client.get("/gallery/").content.decode()

    assert sorted(_shown_ids(good_only)) == sorted([best.pk, fair.pk])
    assert _shown_ids(best_only) == [best.pk]
    assert len(_shown_ids(everything)) == 4
    assert "Good or better (50+) (2)" in everything
    assert "The best (85+) (1)" in everything
    assert "Quality: Good or better (50+)" in good_only  # the active-filter chip


def test_the_home_page_shows_the_best_of_the_collection_and_not_the_rest(client: Client) -> None:
    best = scored("Best", 95)
    poor = scored("Poor", 20)

    html = client.get("/").content.decode()
    section = html.split('id="best-heading"', 1)[1].split("</section>", 1)[0]

    assert "The best of the collection" in html
    assert _shown_ids(section) == [best.pk]
    assert poor.pk not in _shown_ids(section)


def test_the_home_page_leaves_the_best_section_out_while_no_photo_reaches_it(client: Client) -> None:
    scored("Fair", 60)

    assert "The best of the collection" not in client.get("/").content.decode()


def test_the_admin_lists_low_quality_photos_worst_first_with_their_reasons(admin_client: Client) -> None:
    scored("Fine", 80)
    scored("Dark", 31, ["too_dark"], DARK_VALUES)
    scored("Worse", 12, ["too_dark"], DARK_VALUES)

    response = admin_client.get(reverse("admin:gallery_image_changelist"), {"quality": "low"})

    assert [image.title for image in response.context["cl"].result_list] == ["Worse", "Dark"]
    assert DARK_REASON in response.content.decode()


@pytest.mark.parametrize("staff", [False, None])
def test_the_admin_quality_list_is_refused_to_anyone_but_staff(client: Client, staff: bool | None) -> None:
    scored("Dark", 31, ["too_dark"], DARK_VALUES)
    if staff is not None:
        client.force_login(make_user(is_staff=staff))

    response = client.get(reverse("admin:gallery_image_changelist"), {"quality": "low"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert DARK_REASON not in response.content.decode()


def test_the_export_gives_each_photos_score_and_problem_names() -> None:
    scored("Dark", 31, ["too_dark"], DARK_VALUES)

    [record] = image_metadata(Image.objects.all())

    assert record["quality"]["score"] == 31
    assert record["quality"]["problems"] == ["too_dark"]
    assert record["quality"]["values"] == DARK_VALUES


def test_analyse_quality_judges_stored_photos_again_from_their_originals() -> None:
    blurred = made.defocused(made.sharp_scene(seed=2, size=(1024, 768)), radius=5)
    name = default_storage.save("originals/blurred.jpg", ContentFile(made.jpeg_bytes(blurred, quality=92)))
    image = make_image(file=name, width=1024, height=768, quality_score=None)
    out = StringIO()

    call_command("analyse", "--quality", stdout=out, stderr=StringIO())

    image.refresh_from_db()
    assert image.quality_problems == ["out_of_focus"]
    assert image.quality_score is not None
    assert image.quality_score < 50
    assert image.quality_values["out_of_focus"] < 0.2
    assert "Judged the quality of 1 photos" in out.getvalue()


def test_evaluate_quality_runs_on_a_small_folder_and_writes_its_chart(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(3):
        (folder / f"scene{seed}.png").write_bytes(
            made.png_bytes(made.sharp_scene(seed=seed, size=(800, 600)))
        )
    (folder / "notes.txt").write_text("not a photo")
    chart = tmp_path / "out" / "quality.svg"
    out = StringIO()

    call_command(
        "evaluate_quality", "--folder", str(folder), "--chart", str(chart), stdout=out, stderr=StringIO()
    )

    text = out.getvalue()
    assert "Degraded copies of 3 photos" in text
    for degradation, problem in [
        ("dark", "too_dark"),
        ("defocus", "out_of_focus"),
        ("jpeg", "jpeg_artefacts"),
    ]:
        row = next(line for line in text.splitlines() if line.strip().startswith(degradation))
        assert problem in row
        assert "100.0%" in row
        assert row.rstrip().endswith("met")
    assert chart.read_text().startswith("<?xml")


def test_evaluate_quality_refuses_a_chart_it_cannot_draw(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--chart must end in \.svg or \.png"):
        call_command("evaluate_quality", "--folder", str(tmp_path), "--chart", str(tmp_path / "x.gif"))


@pytest.mark.django_db(transaction=True)
def test_ingesting_a_photo_stores_its_quality_with_the_rest_of_its_analysis(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "sharp.png").write_bytes(made.png_bytes(made.sharp_scene(seed=3, size=(1280, 960))))
    (folder / "dark.png").write_bytes(
        made.png_bytes(made.darkened(made.sharp_scene(seed=3, size=(1280, 960))))
    )

    ingest_folder(folder)

    sharp = Image.objects.get(title__icontains="sharp")
    dark = Image.objects.get(title__icontains="dark")
    assert sharp.quality_problems == []
    assert dark.quality_problems == ["too_dark"]
    assert sharp.quality_score is not None
    assert dark.quality_score is not None
    assert sharp.quality_score > dark.quality_score
    assert set(sharp.quality_values) >= {"out_of_focus", "noisy", "jpeg_artefacts", "low_resolution"}


def test_evaluate_quality_works_on_the_sites_own_photos_by_default() -> None:
    for seed in range(3):
        scene = made.sharp_scene(seed=seed, size=(800, 600))
        name = default_storage.save(f"originals/scene{seed}.png", ContentFile(made.png_bytes(scene)))
        make_image(file=name, width=800, height=600)
    make_image(status="failed", title="Not shown, not judged")
    out = StringIO()

    call_command("evaluate_quality", "--limit", "2", stdout=out, stderr=StringIO())

    assert "Degraded copies of 2 photos" in out.getvalue()
