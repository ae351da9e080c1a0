"""The JSON API's list and record beside the gallery page they mirror, in one process on SQLite.

    .venv/bin/python bench/api.py [--images 300] [--requests 100]

Seeds a temporary SQLite database (test settings, media in a temporary folder) with analysed
images, colours, tags and likes, then times, through Django's test client (no network):
`/gallery/` (24 cards), `GET /api/v1/photos?limit=24`, the same with a colour filter and on the
fifth cursor page, `GET /api/v1/photos/{id}`, and the token check (`/api/v1/me/likes`). Prints
p50/p95 and the number of SQL queries of each, so a query per row would show at once.
No assertions: figures only. The machine is shared, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from gallery.models import TagOrigin  # noqa: E402
from profiles.accounts.api_tokens import create_api_token  # noqa: E402
from tests.factories import make_image, make_image_tag, make_like, make_user  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument("--requests", type=int, default=100)
    return parser.parse_args()


def seed(count: int) -> tuple[int, str]:
    families = ["blue", "red", "green", "yellow", "grey"]
    people = [make_user() for _ in range(20)]
    images = []
    for n in range(count):
        image = make_image(
            colours=[(families[n % 5], 0.6), (families[(n + 1) % 5], 0.4)],
            tags=[f"theme{n % 12}", "outdoors"],
        )
        make_image_tag(image, f"mood{n % 7}", origin=TagOrigin.USER, user=people[n % 20])
        for person in people[: n % 6]:
            make_like(person, image)
        images.append(image)
    token = create_api_token(user=people[0], name="bench", scope="read")
    return images[count // 2].pk, token.secret


def timed(client: Client, url: str, requests: int, headers: dict[str, str]) -> tuple[float, float, int]:
    client.get(url, headers=headers)  # warm-up
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], len(queries)


def fifth_page(client: Client) -> str:
    cursor = ""
    for _ in range(4):
        params = {"limit": "24", "cursor": cursor} if cursor else {"limit": "24"}
        cursor = client.get("/api/v1/photos", params).json()["next_cursor"]
    return f"/api/v1/photos?limit=24&cursor={cursor}"


def main() -> None:
    args = arguments()
    setup_test_environment()
    settings.API_MAX_REQUESTS_PER_CREDENTIAL = settings.API_MAX_REQUESTS_PER_IP = 10**9
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        old_name = connection.creation.create_test_db(verbosity=0)
        try:
            started = time.perf_counter()
            photo_id, secret = seed(args.images)
            print(f"seeded {args.images} images in {time.perf_counter() - started:.1f} s")
            print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
            client = Client()
            token = {"Authorization": f"Bearer {secret}"}
            rows = [
                ("/gallery/ (the page)", "/gallery/", {}),
                ("GET /api/v1/photos?limit=24", "/api/v1/photos?limit=24", {}),
                ("  ?colour=blue&sort=liked", "/api/v1/photos?limit=24&colour=blue&sort=liked", {}),
                ("  fifth cursor page", fifth_page(client), {}),
                ("GET /api/v1/photos/{id}", f"/api/v1/photos/{photo_id}", {}),
                ("GET /api/v1/me/likes (token)", "/api/v1/me/likes", token),
            ]
            print(f"{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
            for label, url, headers in rows:
                p50, p95, queries = timed(client, url, args.requests, headers)
                print(f"{label:34} {p50:8.1f} {p95:8.1f} {queries:8d}")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
