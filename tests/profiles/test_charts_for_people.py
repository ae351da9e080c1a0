"""Charts a person can read: on a first day and after years of likes, on a phone, honest about what
they rest on, and linked to the photos they show."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gallery.models import Image
from profiles.charts.user import interests, likes_over_time, time_period
from profiles.models import UserProfile
from profiles.views import coverage_note, shares_of
from tests.factories import make_like

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        element.text.strip() for element in root.iter(f"{SVG}text") if element.text and element.text.strip()
    ]


def likes_profile(per_day: dict[date, int]) -> dict[str, object]:
    return {"likes_over_time": [[day.isoformat(), count] for day, count in sorted(per_day.items())]}


def test_six_likes_on_one_day_are_one_bar_on_a_week_of_dates_not_hours() -> None:
    svg = likes_over_time(likes_profile({date(2026, 3, 14): 6}))

    labels = texts(svg)
    assert "Likes per day" in labels
    assert not [label for label in labels if re.fullmatch(r"\d\d:\d\d", label)]  # no hour labels
    assert "2026-Mar" in labels  # the month once, then day numbers
    assert {"13", "15"} <= set(labels)


@pytest.mark.parametrize(
    ("likes", "span_days", "period"),
    [(1, 0, "day"), (5, 4, "day"), (50, 40, "day"), (500, 300, "week"), (500, 1500, "month")],
)
def test_likes_are_counted_per_day_week_or_month_as_the_span_needs(
    likes: int, span_days: int, period: str
) -> None:
    first = date(2024, 1, 1)
    per_day: dict[date, int] = {}
    for n in range(likes):
        day = first + timedelta(days=round(n * span_days / max(likes - 1, 1)))
        per_day[day] = per_day.get(day, 0) + 1

    svg = likes_over_time(likes_profile(per_day))

    assert f"Likes per {period}" in texts(svg)
    assert time_period(pd.Timestamp(first), pd.Timestamp(first + timedelta(days=span_days))).name == period
    patches = svg.count('<g id="patch_')  # a bar per period with likes, and 3 background patches
    assert 1 <= patches - 3 <= 100


def test_one_interest_is_one_labelled_bar_without_a_share_axis_beyond_100_percent() -> None:
    svg = interests({"interests": [{"label": "blue · sea", "share": 1.0, "size": 6, "colours": ["#2255aa"]}]})

    labels = texts(svg)
    assert "100%" in labels  # the photo count is on the interest card beside the chart
    assert not [label for label in labels if re.fullmatch(r"[01]\.\d+", label)]  # no 0.25 … 1.25 ticks


def test_profile_tables_give_shares_that_add_up_not_weights() -> None:
    rows = shares_of([("Canon EOS 5D", 1.5), ("SONY ILCE-6300", 1.0), ("Nikon D750", 0.5)])

    assert rows == [
        {"label": "Canon EOS 5D", "percent": 50},
        {"label": "SONY ILCE-6300", "percent": 33},
        {"label": "Nikon D750", "percent": 17},
    ]
    assert shares_of([]) == []


def test_a_chart_resting_on_part_of_the_collection_says_so() -> None:
    assert (
        coverage_note(4, 104, "have no date taken")
        == "Based on 4 of 104 photos: the others have no date taken."
    )
    assert coverage_note(104, 104, "have no date taken") == ""


@pytest.mark.django_db
def test_the_stats_page_says_the_year_chart_rests_on_the_dated_photos_only(
    collection: list[Image], client: Client
) -> None:
    dated = Image.objects.exclude(taken_at=None).count()
    total = Image.objects.count()
    assert 0 < dated < total

    page = client.get(reverse("profiles:stats")).content.decode()

    assert f"Based on {dated} of {total} photos: the others have no date taken." in page


@pytest.mark.django_db
def test_each_colour_of_the_mosaic_opens_its_photo_in_the_page(
    collection: list[Image], client: Client
) -> None:
    response = client.get(reverse("profiles:stats_chart", args=["mosaic"]))

    root = ET.fromstring(response.content)
    links = [
        element.get("{http://www.w3.org/1999/xlink}href", "")
        for element in root.iter(f"{SVG}a")
        if element.get("target") == "_top"
    ]
    assert sorted(links) == sorted(reverse("gallery:image", args=[image.pk]) for image in collection)


@pytest.mark.django_db
def test_linked_charts_may_be_embedded_by_the_site_and_pages_by_nobody(
    collection: list[Image], client: Client
) -> None:
    chart = client.get(reverse("profiles:stats_chart", args=["map"]))
    page = client.get(reverse("profiles:stats"))

    assert chart["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in chart["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert (
        f'<object class="chart__document" data="{reverse("profiles:stats_chart", args=["map"])}"' in page.text
    )


@pytest.mark.django_db
def test_someone_elses_profile_names_them_instead_of_saying_you(
    alice: User, bob: User, seascapes: list[Image]
) -> None:
    for image in seascapes:
        make_like(alice, image)
    client = Client()
    client.force_login(bob)
    UserProfile.objects.create(user=alice, is_public=True)

    page = client.get(reverse("profiles:profile", args=["alice"])).content.decode()

    assert "alice's taste" in page
    assert "your" not in re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1]).lower().split("</main>")[0]
