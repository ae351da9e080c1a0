"""Near-duplicate groups on the site: joining on analysis, the gallery's one card per group, the photo
page's versions, merging a group in the admin, the export and the commands."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gallery.analysis.duplicate_evaluation import cropped, half_size
from gallery.models import Image, ImageTag, Like, TagOrigin
from gallery.services.analysis import analyse_image
from gallery.services.duplicates import choose_best_shot, merge_group, regroup_collection
from gallery.services.export import image_record
from tests.factories import make_image, make_image_tag, make_like, make_user
from tests.support.images import encode, photo_like

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:gallery_image_changelist"


def stored_photo(picture, **fields) -> Image:
    """An image row whose original is `picture`, analysed as the site would."""
    name = default_storage.save("originals/photo.jpg", ContentFile(encode(picture, "JPEG", quality=92)))
    image = make_image(file=name, width=picture.width, height=picture.height, status="pending", **fields)
    analyse_image(image.pk)
    image.refresh_from_db()
    return image


def grouped(*images: Image, best: Image) -> None:
    """Put existing rows in one group without analysing them."""
    Image.objects.filter(pk__in=[i.pk for i in images]).update(
        duplicate_group=images[0].pk, is_group_best=False
    )
    Image.objects.filter(pk=best.pk).update(is_group_best=True)


def test_analysing_a_resized_copy_puts_it_in_its_originals_group_with_the_original_as_best() -> None:
    picture = photo_like(seed=21)
    original = stored_photo(picture, title="Original")
    other = stored_photo(photo_like(seed=22), title="Another picture")
    copy = stored_photo(half_size(picture), title="Half size")
    original.refresh_from_db()

    assert copy.duplicate_group is not None
    assert original.duplicate_group == copy.duplicate_group
    assert original.is_group_best
    assert not copy.is_group_best
    assert other.duplicate_group is None
    assert other.is_group_best


def test_analysing_a_cropped_copy_joins_the_existing_group() -> None:
    picture = photo_like(seed=23)
    original = stored_photo(picture)
    smaller = stored_photo(half_size(picture))
    crop = stored_photo(cropped(picture))
    original.refresh_from_db()

    assert {original.duplicate_group, smaller.duplicate_group, crop.duplicate_group} == {original.pk}
    assert Image.objects.filter(duplicate_group=original.pk, is_group_best=True).get() == original


def test_the_gallery_shows_one_card_per_group_saying_how_many_other_versions_it_has(client: Client) -> None:
    best, copy_a, copy_b = make_image(title="Best"), make_image(title="Copy A"), make_image(title="Copy B")
    alone = make_image(title="Alone")
    grouped(best, copy_a, copy_b, best=best)

    html = client.get("/gallery/").content.decode()

    shown = [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', html)]
    assert sorted(shown) == sorted([best.pk, alone.pk])
    assert html.count("+2 other versions") == 1
    assert "other version" not in html.split(f'href="/photos/{alone.pk}/"')[1].split("</li>")[0]


def test_the_photo_page_lists_the_other_versions_and_marks_the_best_shot(client: Client) -> None:
    best, copy = make_image(width=800, height=600), make_image(width=400, height=300)
    grouped(best, copy, best=best)

    html = client.get(f"/photos/{copy.pk}/").content.decode()

    assert "Other versions" in html
    assert f'href="/photos/{best.pk}/"' in html
    assert "800 \u00d7 600 px" in html  # the multiplication sign
    assert "best shot" in html
    assert "Other versions" not in client.get(f"/photos/{make_image().pk}/").content.decode()


def test_merging_keeps_every_like_and_tag_exactly_once_and_deletes_the_others_with_their_files(
    media_root: Path, django_capture_on_commit_callbacks
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    keep, first, second = make_image(), make_image(), make_image()
    grouped(keep, first, second, best=keep)
    for image, user in [(keep, alice), (first, alice), (first, bob), (second, bob)]:
        make_like(user, image)
    make_image_tag(keep, "harbour", user=alice)
    make_image_tag(first, "harbour", user=alice)
    make_image_tag(first, "sea", origin=TagOrigin.SOURCE)
    make_image_tag(second, "sea", origin=TagOrigin.SOURCE)
    make_image_tag(second, "boat", user=bob)
    make_image_tag(first, "green", origin=TagOrigin.AUTO)
    files = [
        media_root / name for image in (first, second) for name in (image.file.name, image.thumbnail.name)
    ]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = merge_group(keep_id=keep.pk)

    assert sorted(Like.objects.filter(image=keep).values_list("user__username", flat=True)) == [
        "alice",
        "bob",
    ]
    tags = sorted(
        (t.tag.name, t.origin, t.user.username if t.user else "") for t in ImageTag.objects.filter(image=keep)
    )
    assert tags == [("boat", "user", "bob"), ("harbour", "user", "alice"), ("sea", "source", "")]
    assert not Image.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert Like.objects.count() == 2
    assert not any(path.exists() for path in files)
    keep.refresh_from_db()
    assert keep.duplicate_group is None
    assert keep.is_group_best
    assert sorted(outcome.deleted) == sorted([first.pk, second.pk])


def test_staff_keep_the_best_shot_from_the_admin_list(admin_client: Client) -> None:
    user = make_user()
    best, copy = make_image(), make_image()
    grouped(best, copy, best=best)
    make_like(user, copy)

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "keep_best_shot", "_selected_action": [copy.pk]}, follow=True
    )

    assert "Merged 1 group(s): deleted 1 other version(s), moved 1 like(s)" in response.content.decode()
    assert list(Image.objects.values_list("pk", flat=True)) == [best.pk]
    assert Like.objects.get().image_id == best.pk


def test_staff_may_keep_a_version_other_than_the_best_shot(admin_client: Client) -> None:
    best, chosen, third = make_image(), make_image(), make_image()
    grouped(best, chosen, third, best=best)

    admin_client.post(
        reverse(CHANGELIST), {"action": "keep_selected_version", "_selected_action": [chosen.pk]}
    )

    assert list(Image.objects.values_list("pk", flat=True)) == [chosen.pk]


def test_choosing_two_versions_of_one_group_merges_nothing(admin_client: Client) -> None:
    best, copy = make_image(), make_image()
    grouped(best, copy, best=best)

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "keep_selected_version", "_selected_action": [best.pk, copy.pk]},
        follow=True,
    )

    assert "Choose one version per group" in response.content.decode()
    assert Image.objects.count() == 2


def test_the_merge_action_is_refused_to_a_signed_in_visitor_who_is_not_staff(client: Client) -> None:
    visitor = make_user()
    client.force_login(visitor)
    best, copy = make_image(), make_image()
    grouped(best, copy, best=best)

    response = client.post(reverse(CHANGELIST), {"action": "keep_best_shot", "_selected_action": [copy.pk]})

    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert Image.objects.count() == 2


def test_the_merge_action_is_refused_to_staff_who_may_not_delete_photos(client: Client) -> None:
    editor = make_user(is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_image", "change_image"]))
    client.force_login(editor)
    best, copy = make_image(), make_image()
    grouped(best, copy, best=best)

    response = client.post(reverse(CHANGELIST), {"action": "keep_best_shot", "_selected_action": [copy.pk]})

    assert Image.objects.count() == 2
    assert response.status_code in (200, 302)


def test_the_admin_change_page_shows_the_versions_and_the_list_filters_groups(admin_client: Client) -> None:
    best, copy = make_image(title="Best"), make_image(title="Copy")
    make_image(title="Alone")
    grouped(best, copy, best=best)

    page = admin_client.get(reverse("admin:gallery_image_change", args=[copy.pk])).content.decode()
    listed = admin_client.get(reverse(CHANGELIST), {"versions": "grouped"}).context["cl"].result_list

    assert reverse("admin:gallery_image_change", args=[best.pk]) in page
    assert "★" in page
    assert sorted(image.title for image in listed) == ["Best", "Copy"]


def test_the_export_gives_each_photo_its_group() -> None:
    best, copy, alone = make_image(), make_image(), make_image()
    grouped(best, copy, best=best)
    copy.refresh_from_db()
    alone.refresh_from_db()

    record = image_record(copy)
    assert record["duplicate_group"] == best.pk
    assert record["is_group_best"] is False
    assert image_record(alone)["duplicate_group"] is None
    json.dumps(record)


def test_regrouping_the_collection_finds_groups_analysed_before_grouping_existed() -> None:
    picture = photo_like(seed=31)
    original, copy = stored_photo(picture), stored_photo(half_size(picture))
    Image.objects.update(duplicate_group=None, is_group_best=True)

    assert regroup_collection() == 1
    out = io.StringIO()
    call_command("group_duplicates", stdout=out)

    original.refresh_from_db()
    copy.refresh_from_db()
    assert original.duplicate_group == copy.duplicate_group == original.pk
    assert "1 groups of near-duplicates, 2 photos in them." in out.getvalue()


def test_evaluate_quality_reports_precision_recall_and_wrong_pairs_on_a_folder(tmp_path: Path) -> None:
    for seed in (41, 42, 43):
        (tmp_path / f"photo{seed}.jpg").write_bytes(encode(photo_like(seed=seed), "JPEG", quality=92))
    chart = tmp_path / "chart.svg"

    out = io.StringIO()
    call_command(
        "evaluate_quality",
        "--folder",
        str(tmp_path),
        "--only",
        "duplicates",
        "--chart",
        str(chart),
        stdout=out,
    )

    text = out.getvalue()
    assert "precision 1.000" in text
    assert "recall    1.000" in text
    assert "pairs of distinct photos wrongly grouped: 0" in text
    assert "4% crop          grouped with its original in 3/3" in text
    assert chart.read_text().startswith("<?xml")


def test_a_sharp_smaller_version_is_the_best_shot_over_a_larger_blurred_one() -> None:
    blurred = make_image(title="Large but blurred", width=4000, height=3000, quality_score=35)
    sharp = make_image(title="Smaller and sharp", width=2000, height=1500, quality_score=90)
    grouped(blurred, sharp, best=blurred)

    choose_best_shot(blurred.pk)

    sharp.refresh_from_db()
    blurred.refresh_from_db()
    assert sharp.is_group_best
    assert not blurred.is_group_best


def test_between_equally_good_versions_the_larger_one_is_the_best_shot() -> None:
    small = make_image(title="Small", width=2000, height=1500, quality_score=88)
    large = make_image(title="Large", width=4000, height=3000, quality_score=84)
    grouped(small, large, best=small)

    choose_best_shot(small.pk)

    large.refresh_from_db()
    assert large.is_group_best


def test_merging_queues_a_profile_rebuild_for_each_person_whose_like_or_tag_moved(
    django_capture_on_commit_callbacks,
) -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    keep, copy = make_image(), make_image()
    grouped(keep, copy, best=keep)
    make_like(alice, copy)
    make_image_tag(copy, "boat", user=bob)
    make_like(carol, keep)  # nothing of carol's moves

    with (
        mock.patch("profiles.rebuilds.schedule_profile_rebuild") as schedule,
        django_capture_on_commit_callbacks(execute=True),
    ):
        merge_group(keep_id=keep.pk)

    rebuilt = sorted(call.kwargs["user_id"] for call in schedule.call_args_list)
    assert alice.pk in rebuilt
    assert bob.pk in rebuilt
    assert carol.pk not in rebuilt


def test_a_photo_analysed_after_newer_ones_is_still_found_as_the_original_of_a_copy() -> None:
    """The process's hash index takes in photos analysed late (a retried or re-queued analysis),
    not only photos newer than the last it saw."""
    picture = photo_like(seed=31)
    name = default_storage.save("originals/late.jpg", ContentFile(encode(picture, "JPEG", quality=92)))
    late = make_image(file=name, width=picture.width, height=picture.height, status="pending")
    stored_photo(photo_like(seed=32))  # analysed first: the index now reaches past `late`
    analyse_image(late.pk)

    copy = stored_photo(half_size(picture))

    late.refresh_from_db()
    assert copy.duplicate_group is not None
    assert copy.duplicate_group == late.duplicate_group


def test_a_reanalysed_photo_is_matched_by_its_new_hash() -> None:
    first, second = photo_like(seed=33), photo_like(seed=34)
    photo = stored_photo(first)
    stored_photo(photo_like(seed=35))
    # The original file is replaced and the photo analysed again (as `analyse --missing` would).
    name = default_storage.save("originals/replaced.jpg", ContentFile(encode(second, "JPEG", quality=92)))
    Image.objects.filter(pk=photo.pk).update(file=name, width=second.width, height=second.height)
    analyse_image(photo.pk)

    copy = stored_photo(half_size(second))

    photo.refresh_from_db()
    assert copy.duplicate_group is not None
    assert copy.duplicate_group == photo.duplicate_group
