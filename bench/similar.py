"""Similar photos in one process: looked up in the neighbours stored with the model, against the
product with every photo's vector that a model stored without them computes per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imgsite_bench CACHE_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/similar.py [--calls 200]

On a database seeded by `bench/pages.py --seed-only --keep-database` with a model built by
`manage.py rebuild_recommender --no-tune`. Calls `recommender.services.similar_image_ids` for random
photos as the photo page and the API do, with the served model as loaded, then again with its stored
neighbours set aside (as a model built before they were kept serves), and prints wall and CPU p50 /
p99 of each and how many photos got the same similar photos both ways; then the same for the API's
`/api/v1/photos/<id>/similar` through Django's test client (the whole request but HTTP). Also the model's build
metrics (the neighbours' share of the build) and its stored size. No assertions: figures only.
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.local")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from bench.model_load import load_average  # noqa: E402
from bench.pages import _percentiles, _timed  # noqa: E402
from gallery.models import Image  # noqa: E402
from recommender import selectors, services  # noqa: E402
from recommender.engine import ContentRecommender  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="photos looked up")
    args = parser.parse_args()
    print(load_average(), flush=True)
    ids = list(Image.objects.order_by("?").values_list("pk", flat=True)[: args.calls])
    (load_ms, load_cpu_ms), _ = _timed(partial(services.similar_image_ids, ids[0]))
    model = services.current_model()
    if model is None:
        raise SystemExit("no ready model: run manage.py rebuild_recommender first")
    content = model.hybrid.components["content"]
    assert isinstance(content, ContentRecommender)
    row = selectors.latest_ready_model()
    assert row is not None
    print(
        f"model #{model.model_id}: {len(model.item_ids):,} photos, artefact {row.artefact_size / 2**20:.1f} MiB, "
        f"built in {row.metrics.get('build_seconds')} s (similar photos {row.metrics.get('similar_seconds')} s); "
        f"loaded in {load_ms / 1000:.1f} s ({load_cpu_ms / 1000:.1f} s CPU)"
    )
    stored = content.similar
    ways = {"stored neighbours": stored, "product with every photo": None} if stored else {"product": None}
    answers = {}
    client = Client(HTTP_HOST="localhost")
    client.get(f"/api/v1/photos/{ids[0]}/similar")  # the API's first request sets up its routes
    for name, similar in ways.items():
        content.similar = similar
        times, answers[name] = zip(
            *(_timed(partial(services.similar_image_ids, pk)) for pk in ids), strict=True
        )
        print(f"{name}: {_percentiles(list(times))}", flush=True)
        api = [_timed(partial(client.get, f"/api/v1/photos/{pk}/similar"))[0] for pk in ids]
        print(f"  the API's similar photos: {_percentiles(api)}", flush=True)
    content.similar = stored
    if stored is not None:
        same = sum(a == b for a, b in zip(*answers.values(), strict=True))
        print(f"the same similar photos both ways for {same} of {len(ids)} photos")
    print(load_average())


if __name__ == "__main__":
    main()
