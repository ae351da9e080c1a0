"""Staff curate images in the admin: list, search, detail, and the bulk actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gallery.admin import camera_label, fit_within
from gallery.models import AnalysisStatus, Image
from tests.factories import make_colour, make_image, make_image_tag

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:gallery_image_changelist"


def changelist(client: Client, **params: str) -> str:
    return client.get(reverse(CHANGELIST), params).content.decode()


def listed_titles(client: Client, **params: str) -> list[str]:
    response = client.get(reverse(CHANGELIST), params)
    return sorted(image.title for image in response.context["cl"].result_list)


def post_action(client: Client, action: str, images: list[Image], **extra: str):
    data = {"action": action, "_selected_action": [image.pk for image in images], **extra}
    return client.post(reverse(CHANGELIST), data, follow=extra.get("post") != "yes")


def test_thumbnails_are_drawn_at_the_images_shape_inside_the_box() -> None:
    assert fit_within(4000, 3000, 80) == (80, 60)
    assert fit_within(300, 600, 80) == (40, 80)
    assert fit_within(40, 30, 80) == (40, 30)
    assert fit_within(None, None, 80) == (80, 80)


def test_the_camera_column_does_not_repeat_the_maker() -> None:
    assert camera_label("Canon", "Canon EOS 5D") == "Canon EOS 5D"
    assert camera_label("NIKON CORPORATION", "D750") == "NIKON CORPORATION D750"
    assert camera_label("", "") == ""


def test_the_list_shows_a_sized_thumbnail_title_and_camera(admin_client: Client) -> None:
    image = make_image(
        width=400, height=200, title="Harbour at dawn", camera_make="Canon", camera_model="EOS 5D"
    )
    make_colour(image, family="blue", share=0.8, rank=0)

    html = changelist(admin_client)

    assert f'src="{image.thumbnail.url}" width="64" height="32"' in html
    assert 'alt="Harbour at dawn"' in html
    assert "Canon EOS 5D" in html
    assert "CC BY 4.0" in html
    assert '<title>#285ac8</title><rect width="1" height="1" fill="#285ac8"/>' in html  # the palette swatch


def test_filters_narrow_the_list_by_camera_make_and_analysis_status(admin_client: Client) -> None:
    make_image(title="Canon shot", camera_make="Canon")
    make_image(title="Nikon shot", camera_make="Nikon", status=AnalysisStatus.FAILED)
    make_image(title="Scanned print", camera_make="")

    assert listed_titles(admin_client, camera_make="Canon") == ["Canon shot"]
    assert listed_titles(admin_client, camera_make="__unknown__") == ["Scanned print"]
    assert listed_titles(admin_client, status__exact="failed") == ["Nikon shot"]
    assert "Nikon" in changelist(admin_client)  # the make is offered as a filter choice


def test_search_by_tag_lists_each_matching_image_once(admin_client: Client) -> None:
    image = make_image(title="Waves", tags=["sea", "sea shore", "seagull"])
    make_image(title="Forest", tags=["trees"])

    response = admin_client.get(reverse(CHANGELIST), {"q": "sea"})

    assert response.context["cl"].result_count == 1
    assert list(response.context["cl"].result_list) == [image]


def test_search_finds_camera_model(admin_client: Client) -> None:
    make_image(title="Night sky", camera_make="Sony", camera_model="ILCE-7M3")
    make_image(title="Portrait", camera_make="Canon", camera_model="EOS R")

    assert listed_titles(admin_client, q="ILCE") == ["Night sky"]


def _changelist_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return len(queries)


def test_the_list_needs_the_same_number_of_queries_for_5_or_30_images(admin_client: Client) -> None:
    def add_images(count: int) -> None:
        for _ in range(count):
            image = make_image(with_files=False, thumbnail="thumbs/x.jpg", camera_make="Canon")
            make_colour(image, family="blue", share=0.6, rank=0)
            make_colour(image, family="white", share=0.4, rank=1)
            make_image_tag(image, "sea")

    add_images(5)
    with_five = _changelist_queries(admin_client)
    add_images(25)
    with_thirty = _changelist_queries(admin_client)

    assert with_thirty == with_five


def test_the_change_page_shows_exif_as_pretty_json_colours_and_tags(admin_client: Client) -> None:
    image = make_image(
        title="Lake",
        exif={"Make": "Canon", "Model": "EOS 5D", "UserComment": "<b>hi</b>"},
        source_id="File:Lake.jpg",
    )
    make_colour(image, family="blue", share=0.7, rank=0, name="steelblue")
    lake = make_image_tag(image, "lake")

    html = admin_client.get(reverse("admin:gallery_image_change", args=[image.pk])).content.decode()

    assert '<pre class="exif-json">{\n  &quot;Make&quot;: &quot;Canon&quot;,' in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html  # EXIF text is shown, never interpreted as HTML
    assert "steelblue" in html
    assert "70%" in html
    assert 'fill="#2' in html
    assert f'<option value="{lake.tag_id}" selected>lake</option>' in html  # the tag inline, filled in
    assert "File:Lake.jpg" in html


def test_derived_fields_cannot_be_edited_but_provenance_can(admin_client: Client) -> None:
    image = make_image(title="Old title", width=120, height=80)
    url = reverse("admin:gallery_image_change", args=[image.pk])
    form = admin_client.get(url).context["adminform"].form

    assert "width" not in form.fields
    assert "camera_make" not in form.fields
    assert "exif" not in form.fields
    assert {"title", "licence", "author", "attribution"} <= set(form.fields)


def test_re_analyse_queues_the_selected_images_and_says_how_many(
    admin_client: Client, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, other = make_image(), make_image(), make_image()
    sent: list[int] = []
    monkeypatch.setattr("gallery.services.analysis.send_analysis", lambda image_id: sent.append(image_id))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, "reanalyse", [first, second])

    assert "Queued 2 images for analysis." in response.content.decode()
    assert sorted(sent) == sorted([first.pk, second.pk])  # each sent once the request commits
    statuses = dict(Image.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "pending", second.pk: "pending", other.pk: "done"}


def test_export_downloads_the_selected_images_as_json(admin_client: Client) -> None:
    chosen = make_image(title="Chosen one", tags=["sea"])
    make_image(title="Left out")

    response = post_action(admin_client, "export_json", [chosen])

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="imgsite-images-')
    records = json.loads(response.content)
    assert [record["title"] for record in records] == ["Chosen one"]


def _files_of(image: Image, media_root: Path) -> list[Path]:
    return [media_root / field.name for field in (image.file, image.thumbnail, image.preview)]


def test_deleting_selected_images_removes_their_files(
    admin_client: Client, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    doomed, kept = make_image(), make_image()
    doomed_files, kept_files = _files_of(doomed, media_root), _files_of(kept, media_root)
    assert all(path.exists() for path in doomed_files)

    confirm = post_action(admin_client, "delete_selected", [doomed])
    assert "Are you sure" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post_action(admin_client, "delete_selected", [doomed], post="yes")

    assert not Image.objects.filter(pk=doomed.pk).exists()
    assert not any(path.exists() for path in doomed_files)
    assert all(path.exists() for path in kept_files)


def test_deleting_one_image_from_its_page_removes_its_files(
    admin_client: Client, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    image = make_image()
    files = _files_of(image, media_root)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:gallery_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(path.exists() for path in files)


def test_images_cannot_be_added_by_hand(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:gallery_image_add")).status_code == 403
