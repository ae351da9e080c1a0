"""The collection report: four pages whose numbers are the database's, on a full or empty collection,
from the command line and, for staff only, from the admin."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from imgsite.reports.services import build_collection_report
from recommender.models import NotInterested
from tests.factories import make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db

FAMILIES = ["blue", "green", "red", "yellow", "grey"]


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, with runs of whitespace made single spaces (lines wrap where they fit)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def collection() -> dict[str, int]:
    """Nine photos from two sources, six people who like five or more of them, one "not interested"."""
    images = [
        make_image(
            title=f"Photo {n}",
            colours=[(FAMILIES[n % 5], 0.6), ("white", 0.2)],
            tags=["harbour" if n % 2 else "forest"],
            source="openverse" if n < 3 else "commons",
            licence="CC0 1.0" if n < 3 else "CC BY 4.0",
        )
        for n in range(9)
    ]
    users = [make_user(f"person{n}") for n in range(6)]
    likes = 0
    for n, user in enumerate(users):
        for image in images[n % 3 : n % 3 + 5 + (n % 2)]:
            make_like(user, image)
            likes += 1
    make_image_tag(images[0], "lighthouse", user=users[0])
    NotInterested.objects.create(user=users[1], image=images[8])
    return {"photos": len(images), "users": len(users), "likes": likes}


def test_the_report_has_four_pages_carrying_the_databases_counts(collection: dict[str, int]) -> None:
    pages = pdf_pages(build_collection_report(strict=True))

    assert len(pages) == 4
    first, preferences, models, closing = pages
    assert f"Photos {collection['photos']} ({collection['photos']} shown, 0 failed analysis)" in first
    assert f"Users {collection['users']} (0 simulated, {collection['users']} with likes)" in first
    assert f"Likes {collection['likes']}" in first
    assert '"Not interested" marks 1' in first
    assert "Openverse CC0 1.0 3" in first
    assert "Wikimedia Commons CC BY 4.0 6" in first
    assert "no attribution required" in first  # the CC0 row's rule
    assert f"{collection['users']} users have liked {collection['likes']} times" in preferences
    assert f"for each of the {collection['users']} users with at least 5 likes" in models
    assert "hybrid+mmr" in models
    assert "popularity" in models
    assert f"The collection holds {collection['photos']} photos from 2 source(s)" in closing
    assert "This report was built in" in closing


def test_the_reports_evaluation_table_is_the_one_evaluate_recommender_prints(
    collection: dict[str, int],
) -> None:
    printed = io.StringIO()
    call_command("evaluate_recommender", stdout=printed)
    command_rows: dict[str, list[str]] = {}
    for line in printed.getvalue().splitlines():  # the held-out table comes first
        if line.startswith("hybrid"):
            command_rows.setdefault(line.split()[0], line.split()[2:7])  # precision to coverage

    models_page = pdf_pages(build_collection_report(strict=True))[2]

    for algorithm in ("hybrid", "hybrid+mmr"):
        assert f"{algorithm} {' '.join(command_rows[algorithm])}" in models_page


def test_an_empty_collection_builds_four_pages_that_say_no_photos_yet() -> None:
    pages = pdf_pages(build_collection_report(strict=True))

    assert len(pages) == 4
    assert all("No photos yet" in page for page in pages[:3])
    assert "Photos 0 (0 shown, 0 failed analysis)" in pages[0]
    assert "Not evaluated: there are no photos to recommend yet." in pages[2]


def test_the_command_writes_the_report_where_it_is_told(collection: dict[str, int], tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "reports" / "collection.pdf"

    call_command("report", str(target), stdout=out)

    assert len(PdfReader(target).pages) == 4
    assert f"Report written to {target}" in out.getvalue()


def test_the_command_refuses_a_name_that_is_not_a_pdf(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"something\.pdf"):
        call_command("report", str(tmp_path / "report.txt"))
    assert not (tmp_path / "report.txt").exists()


def test_staff_download_the_report_from_the_admin_index(
    admin_client: Client, collection: dict[str, int]
) -> None:
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin-report") in index

    response = admin_client.get(reverse("admin-report"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="imgsite-report-')
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 4


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_people_who_are_not_staff_are_sent_to_the_admin_login_instead(client: Client, who: str) -> None:
    if who == "member":
        user: User = make_user("member")
        client.force_login(user)

    response = client.get(reverse("admin-report"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "application/pdf" not in response.get("Content-Type", "")
