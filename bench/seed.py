"""Seed the bench database with a realistic site at any size, with PostgreSQL's COPY.

Used by bench/pages.py. Everything is generated with numpy from one seed and streamed into the tables
with psycopg 3's `cursor.copy()`; the search index's triggers are switched off while rows go in and
the index is built once afterwards (what the triggers would have written, in one statement).

What makes the data realistic enough for the pages and look-ups to have real work:
- photos belong to topics of skewed size; a topic gives its photos their usual tags, colour families,
  a colour histogram and a visual feature vector near the topic's own, so "similar photos" and the
  recommender's content part find real neighbours;
- popularity is skewed (a Zipf law over photos), and each person likes mostly within one to three
  topics of their own, the rest from what is popular, with a skewed number of likes per person;
- perceptual hashes come in families whose members are about 16 bits apart, so the near-duplicate
  check a new photo gets has candidates to sift (about 0.5% of pairs are within its 20 bits, as
  on real photos), and 1% of photos are planted near-copies of another, already grouped;
- every person has a real session, made as auth's login() makes one.

The images' files are a few hundred small gradient JPEGs reused by path.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from bench.words import MOODS, SUBJECTS, WORDS
from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, DESCRIPTOR_VERSION, to_bytes
from gallery.analysis.features import HISTOGRAM_LENGTH
from gallery.analysis.near_duplicates import LAYOUT_SIZE, layout_digests
from gallery.analysis.palette import FAMILIES, families_field
from gallery.models import AnalysisStatus, Image, Orientation, SizeClass, Source, TagOrigin

CAMERAS = (
    ("Canon", "Canon EOS 5D Mark IV"),
    ("NIKON CORPORATION", "NIKON D750"),
    ("SONY", "ILCE-7M3"),
    ("FUJIFILM", "X-T3"),
    ("Apple", "iPhone 12"),
    ("", ""),
)
LICENCES = (
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
)
SHAPES = ((4000, 3000), (3000, 4000), (2048, 2048), (1600, 900), (800, 600))
AUTHORS = 97  # "Photographer 0" to "Photographer 96"
HASH_FAMILIES = 150  # about 1 pair in 150 shares a family, and most of those are within 20 bits
HASH_FLIP = 0.13  # each bit of a photo's hash differs from its family's with this chance
COPIES = 0.01  # share of photos that are near-copies of another
TOPIC_TAGS = 6
HISTOGRAM_VARIANTS = 16
SEARCH_TABLE = "gallery_image_search"
SEEDED_TABLES = (
    "gallery_image_search",
    "gallery_like",
    "gallery_imagetag",
    "gallery_colour",
    "gallery_tag",
    "gallery_image",
    "recommender_recommendermodel",
    "django_session",
    "auth_user",
)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
LAST_MOMENT = EPOCH + timedelta(days=700)  # the newest photo's arrival; likes come before it
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Size:
    images: int
    users: int
    likes: int

    def label(self) -> str:
        return f"{self.images:,} photos, {self.users:,} users, {self.likes:,} likes"


@dataclass
class Seeded:
    """What the pages bench needs to know about the seeded site, and how long each step took."""

    image_ids: list[int]  # some photos to open, spread over the catalogue
    common_tag: str
    session_cookies: tuple[str, ...]  # Cookie headers of the first users, each a real session
    likes: int
    steps: dict[str, float] = field(default_factory=dict)

    def timing_line(self) -> str:
        total = sum(self.steps.values())
        parts = ", ".join(f"{name} {seconds:.1f}" for name, seconds in self.steps.items())
        return f"seeded in {total:.1f} s ({parts})"


def seed_site(size: Size, *, thumbnails: Sequence[str], signed_in: int, seed: int = 20240615) -> Seeded:
    """Empty the seeded tables and fill them for `size`; returns what the bench needs."""
    rng = np.random.default_rng(seed)
    steps: dict[str, float] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        steps[name] = time.perf_counter() - started
        return result

    with transaction.atomic():
        timed("empty", _empty_tables)
        indexes = _drop_secondary_indexes()
        _bulk_load_mode(on=True)
        catalogue = timed("generate", lambda: Catalogue.generate(size, rng))
        timed("images", lambda: _copy_images(catalogue, thumbnails, rng))
        timed("colours", lambda: _copy_colours(catalogue, rng))
        tag_names = timed("tags", lambda: _copy_tags(catalogue, rng))
        password = make_password("bench-password-not-used")  # one hash for everyone
        timed("users", lambda: _copy_users(size.users, password))
        likes = timed("likes", lambda: _copy_likes(catalogue, size, rng))
        timed("user tags", lambda: _copy_user_tags(catalogue, size.users, rng))
        cookies = timed("sessions", lambda: _copy_sessions(size.users, password, signed_in))
        timed("like counts", _fill_stored_like_counts)
        _bulk_load_mode(on=False)
        timed("indexes", lambda: _recreate([sql for table, sql in indexes if table != SEARCH_TABLE]))
        timed("search index", _build_search_index)
        timed("search GIN index", lambda: _recreate([sql for table, sql in indexes if table == SEARCH_TABLE]))
        _reset_sequences()
    timed("vacuum analyze", _analyse_tables)
    spread = np.linspace(0, size.images - 1, 50).astype(int)
    return Seeded([int(i) + 1 for i in spread], tag_names[0], cookies, likes, steps)


# --- Generating the catalogue ----------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """Per photo (ids 1..n): its topic, popularity weight, hash, layout and the copy it was made from."""

    topics: IntArray
    popularity: npt.NDArray[np.float64]
    topic_tags: IntArray  # (topics, TOPIC_TAGS) tag indices
    topic_families: IntArray  # (topics, 3) colour family indices
    topic_visual: npt.NDArray[np.float32]  # (topics, DESCRIPTOR_LENGTH)
    topic_histogram: npt.NDArray[np.float64]  # (topics, HISTOGRAM_LENGTH)
    tag_count: int
    hashes: npt.NDArray[np.uint64]
    layouts: npt.NDArray[np.uint8]  # (n, 32 * 32)
    copy_of: IntArray  # index of the photo each is a copy of, -1 for none

    @property
    def size(self) -> int:
        return len(self.topics)

    @staticmethod
    def generate(size: Size, rng: np.random.Generator) -> Catalogue:
        n = size.images
        topic_count = max(20, n // 500)
        tag_count = max(300, n // 50)
        topic_weights = _zipf(topic_count, 0.8, rng)
        topics = rng.choice(topic_count, size=n, p=topic_weights)
        copy_of = np.full(n, -1)
        copies: IntArray = rng.choice(np.arange(1, n), size=int(n * COPIES), replace=False)
        for index in np.sort(copies):
            copy_of[index] = rng.integers(0, index)
            copy_of[index] = copy_of[index] if copy_of[copy_of[index]] < 0 else copy_of[copy_of[index]]
            topics[index] = topics[copy_of[index]]
        hashes, layouts = _hashes_and_layouts(n, copy_of, rng)
        return Catalogue(
            topics=topics,
            popularity=_zipf(n, 0.9, rng),
            topic_tags=rng.choice(tag_count, size=(topic_count, TOPIC_TAGS)),
            topic_families=np.array(
                [rng.choice(len(FAMILIES), 3, replace=False) for _ in range(topic_count)]
            ),
            topic_visual=_unit_rows(rng.standard_normal((topic_count, DESCRIPTOR_LENGTH)).astype(np.float32)),
            topic_histogram=rng.dirichlet(np.full(HISTOGRAM_LENGTH, 0.05), size=topic_count),
            tag_count=tag_count,
            hashes=hashes,
            layouts=layouts,
            copy_of=copy_of,
        )


def _zipf(n: int, exponent: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Weights summing to 1 that fall as rank**-exponent, in random order."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return np.asarray(rng.permutation(weights / weights.sum()))


def _unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _hashes_and_layouts(
    n: int, copy_of: IntArray, rng: np.random.Generator
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint8]]:
    families = rng.integers(0, HASH_FAMILIES, n)
    family_hash = rng.integers(0, 2**63, HASH_FAMILIES, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    flips = np.packbits(rng.random((n, 64)) < HASH_FLIP, axis=1).view(">u8").ravel().astype(np.uint64)
    hashes = family_hash[families] ^ flips
    # Layouts: a coarse 8x8 pattern of the photo's own, a weaker one shared by its hash family, and noise.
    family_coarse = rng.normal(0, 25, (HASH_FAMILIES, 8, 8))
    coarse = rng.normal(0, 40, (n, 8, 8)) + family_coarse[families]
    copied = copy_of >= 0
    # A copy: its original's hash with a few bits changed, its original's layout with a little noise.
    few_bits = np.packbits(rng.random((int(copied.sum()), 64)) < 0.04, axis=1).view(">u8").ravel()
    hashes[copied] = hashes[copy_of[copied]] ^ few_bits.astype(np.uint64)
    coarse[copied] = coarse[copy_of[copied]] + rng.normal(0, 6, (int(copied.sum()), 8, 8))
    fine = np.kron(coarse, np.ones((4, 4))) + rng.normal(0, 8, (n, LAYOUT_SIZE, LAYOUT_SIZE))
    layouts = np.clip(128 + fine, 0, 255).astype(np.uint8).reshape(n, -1)
    return hashes, layouts


# --- COPY -------------------------------------------------------------------------------------------


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3's own cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _copy_lines(table: str, columns: Sequence[str], lines: Sequence[str]) -> int:
    """COPY rows already written as text lines (tab-separated, ending in a newline), in large blocks."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for start in range(0, len(lines), 50_000):
            copy.write("".join(lines[start : start + 50_000]))
    return len(lines)


def _timestamps(seconds_before_last: IntArray) -> list[str]:
    """PostgreSQL timestamps (UTC) this many seconds before the seeded site's last moment."""
    last = np.datetime64(LAST_MOMENT.replace(tzinfo=None), "s")
    return [f"{t}+00" for t in np.datetime_as_string(last - seconds_before_last.astype("timedelta64[s]"))]


def _execute(sql: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _empty_tables() -> None:
    _execute(f"TRUNCATE {', '.join(SEEDED_TABLES)} RESTART IDENTITY CASCADE")


def _bulk_load_mode(*, on: bool) -> None:
    # As a restore does: no foreign-key checks and no user triggers (the search index's) while the
    # generated rows, consistent by construction, go in; the index is built once afterwards.
    _execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")


def _drop_secondary_indexes() -> list[tuple[str, str]]:
    """Drop the seeded tables' indexes and unique constraints but their primary keys; returns each one's
    table and the SQL that recreates it. Building an index once over loaded rows is much quicker than keeping it up
    to date row by row."""
    tables = [table for table in SEEDED_TABLES if table != "django_session"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _, name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    recreate = [
        (table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}') for table, name, sql in constraints
    ]
    return recreate + [(table, sql) for table, _, sql in indexes]


def _recreate(statements: Sequence[str]) -> None:
    for statement in statements:
        _execute(statement)


def _build_search_index() -> None:
    # Statistics first, or the planner guesses at the just-loaded tables inside the document function.
    _execute("ANALYZE gallery_image, gallery_imagetag, gallery_tag")
    # What the insert triggers would have written row by row (migration 0010's own statement).
    _execute(
        "INSERT INTO gallery_image_search (rowid, gallery_image_search) "
        "SELECT id, gallery_image_search_document(id) FROM gallery_image"
    )


def _reset_sequences() -> None:
    for table in (
        "gallery_image",
        "gallery_colour",
        "gallery_tag",
        "gallery_imagetag",
        "gallery_like",
        "auth_user",
    ):
        _execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _analyse_tables() -> None:
    # Bulk-loaded tables have no planner statistics until autovacuum gets to them; without these
    # PostgreSQL guesses one row per filter and picks nested loops that a live site would not use.
    _execute("VACUUM ANALYZE")


def _stored_fields() -> dict[str, Any]:
    """Every column of gallery_image with the value an ingested photo gets when nothing says otherwise,
    so the bench fills columns added after it was written (e.g. a stored like count)."""
    values: dict[str, Any] = {}
    for model_field in Image._meta.concrete_fields:
        if model_field.primary_key:
            continue
        default = model_field.get_default()
        if isinstance(default, (dict, list)):
            default = json.dumps(default)
        values[model_field.column] = default
    return values


def _copy_images(catalogue: Catalogue, thumbnails: Sequence[str], rng: np.random.Generator) -> None:
    n = catalogue.size
    base = _stored_fields()
    columns = ["id", *base]
    sources = [s.value for s in Source]
    created = EPOCH + timedelta(days=700)
    noise = rng.standard_normal((n, DESCRIPTOR_LENGTH)).astype(np.float32) * 0.045
    visual = _unit_rows(catalogue.topic_visual[catalogue.topics] + noise)
    copied = catalogue.copy_of >= 0
    visual[copied] = _unit_rows(visual[catalogue.copy_of[copied]] + noise[copied] * 0.1)
    picks = rng.integers(0, 1 << 30, (n, 8))
    histograms = _histogram_variants(catalogue, rng)
    signatures = [layout.tobytes() for layout in catalogue.layouts]
    digests = layout_digests(signatures)
    words = rng.integers(0, len(WORDS), (n, 12)).tolist()
    originals = set(catalogue.copy_of[copied].tolist())

    def rows() -> Iterable[list[Any]]:
        for index in range(n):
            image_id = index + 1
            pick = picks[index]
            width, height = SHAPES[pick[0] % len(SHAPES)]
            make, model = CAMERAS[pick[1] % len(CAMERAS)]
            licence, licence_url = LICENCES[pick[2] % len(LICENCES)]
            orientation = (
                Orientation.SQUARE
                if width == height
                else Orientation.LANDSCAPE
                if width > height
                else Orientation.PORTRAIT
            )
            original = int(catalogue.copy_of[index])
            group = original + 1 if original >= 0 else (image_id if index in originals else None)
            values = {
                **base,
                "sha256": f"{image_id:064x}",
                "file": thumbnails[index % len(thumbnails)],
                "thumbnail": thumbnails[index % len(thumbnails)],
                "width": width,
                "height": height,
                "format": "JPEG",
                "mode": "RGB",
                "file_size": 200_000 + int(pick[3]) % 7_800_000,
                "orientation": orientation,
                "size_class": SizeClass.LARGE if width * height > 4_000_000 else SizeClass.MEDIUM,
                "taken_at": EPOCH - timedelta(days=int(pick[4]) % 7000) if pick[5] % 5 else None,
                "camera_make": make,
                "camera_model": model,
                "colour_histogram": histograms[catalogue.topics[index]][(pick[5] >> 8) % HISTOGRAM_VARIANTS],
                "phash": f"{int(catalogue.hashes[index]):016x}",
                "layout_signature": signatures[index],
                "layout_digest": digests[index],
                "visual_features": to_bytes(visual[index]),
                "visual_features_by": DESCRIPTOR_VERSION,
                "duplicate_group": group,
                "is_group_best": original < 0,
                "quality_score": 40 + int(pick[6]) % 60,
                "source": sources[pick[7] % len(sources)],
                "source_id": f"bench-{image_id}",
                "source_page_url": f"https://example.org/photo/{image_id}",
                "licence": licence,
                "licence_url": licence_url,
                "author": f"Photographer {index % AUTHORS}",
                "title": f"{MOODS[pick[0] % len(MOODS)].title()} {SUBJECTS[pick[1] % len(SUBJECTS)]} {image_id}",
                "description": " ".join([WORDS[k] for k in words[index]]),
                "status": AnalysisStatus.DONE,
                # Newer photos have higher ids, as on a site that ingests over time.
                "created_at": created - timedelta(minutes=int(n - index) * 7),
                "updated_at": created,
            }
            yield [image_id, *(values[column] for column in base)]

    _copy("gallery_image", columns, rows())


def _histogram_variants(catalogue: Catalogue, rng: np.random.Generator) -> list[list[str]]:
    """Per topic, a few variations of its colour histogram as JSON (writing one per photo is slow)."""
    variants = []
    for histogram in catalogue.topic_histogram:
        varied = histogram * (0.5 + rng.random((HISTOGRAM_VARIANTS, HISTOGRAM_LENGTH)))
        varied = np.round(varied / varied.sum(axis=1, keepdims=True), 4)
        variants.append([json.dumps(row.tolist()) for row in varied])
    return variants


def _copy_colours(catalogue: Catalogue, rng: np.random.Generator) -> None:
    """Three to five colours a photo, ranked by share; the first three are its topic's families."""
    counts = rng.integers(3, 6, catalogue.size)
    images = np.repeat(np.arange(catalogue.size), counts)
    ranks = np.arange(len(images)) - np.repeat(np.cumsum(counts) - counts, counts)
    own = catalogue.topic_families[catalogue.topics[images], np.minimum(ranks, 2)]
    families = np.where(ranks < 3, own, rng.integers(0, len(FAMILIES), len(images)))
    raw = rng.random(len(images))
    raw = raw[np.lexsort((-raw, images))]  # largest share first within each photo
    shares = np.round(raw / np.repeat(np.add.reduceat(raw, np.cumsum(counts) - counts), counts), 3)
    rgb = rng.integers(0, 256, (len(images), 3)).tolist()
    lines = [
        f"{n + 1}\t{image + 1}\t{rank}\t#{r:02x}{g:02x}{b:02x}\t{r}\t{g}\t{b}\t{share}\t{FAMILIES[family]}ish\t{FAMILIES[family]}\n"
        for n, (image, rank, (r, g, b), share, family) in enumerate(
            zip(images.tolist(), ranks.tolist(), rgb, shares.tolist(), families.tolist(), strict=True)
        )
    ]
    _copy_lines(
        "gallery_colour",
        ["id", "image_id", "rank", "hex", "red", "green", "blue", "share", "name", "family"],
        lines,
    )
    _store_colour_families(images, families, shares)


def _store_colour_families(images: IntArray, families: IntArray, shares: npt.NDArray[np.float64]) -> None:
    """Each photo's stored families from the colours just copied, by the palette's own rule."""
    by_image: dict[int, list[tuple[str, float]]] = {}
    for image, family, share in zip(images.tolist(), families.tolist(), shares.tolist(), strict=True):
        by_image.setdefault(image + 1, []).append((FAMILIES[family], share))
    _execute("CREATE TEMPORARY TABLE seeded_families (id bigint, colour_families text) ON COMMIT DROP")
    _copy("seeded_families", ["id", "colour_families"], ((i, families_field(c)) for i, c in by_image.items()))
    _execute(
        "UPDATE gallery_image SET colour_families = f.colour_families FROM seeded_families f "
        "WHERE gallery_image.id = f.id"
    )


def _copy_tags(catalogue: Catalogue, rng: np.random.Generator) -> list[str]:
    """Two to four of the topic's tags per photo, and one to three common ones ("tag 000" the commonest)."""
    names = [f"tag {n:03d}" for n in range(catalogue.tag_count)]
    _copy_lines("gallery_tag", ["id", "name"], [f"{n + 1}\t{name}\n" for n, name in enumerate(names)])
    own_counts = rng.integers(2, 5, catalogue.size)
    own_images = np.repeat(np.arange(catalogue.size), own_counts)
    own_tags = catalogue.topic_tags[
        catalogue.topics[own_images], rng.integers(0, TOPIC_TAGS, len(own_images))
    ]
    common_counts = rng.integers(1, 4, catalogue.size)
    common_images = np.repeat(np.arange(catalogue.size), common_counts)
    common_tags = np.minimum(catalogue.tag_count - 1, rng.exponential(25, len(common_images)).astype(int))
    keys = np.unique(
        np.concatenate([own_images, common_images]) * catalogue.tag_count
        + np.concatenate([own_tags, common_tags])
    )
    created = _timestamps(np.zeros(1, dtype=np.int64))[0]
    lines = [
        f"{n + 1}\t{key // catalogue.tag_count + 1}\t{key % catalogue.tag_count + 1}\t{TagOrigin.SOURCE.value}\t\\N\t1.0\t{created}\n"
        for n, key in enumerate(keys.tolist())
    ]
    _copy_lines(
        "gallery_imagetag",
        ["id", "image_id", "tag_id", "origin", "user_id", "confidence", "created_at"],
        lines,
    )
    return names


def _copy_users(count: int, password: str) -> None:
    joined = EPOCH
    _copy(
        "auth_user",
        [
            "id",
            "username",
            "email",
            "password",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
        ],
        (
            (
                n + 1,
                f"bench{n:05d}",
                f"bench{n:05d}@example.com",
                password,
                "",
                "",
                False,
                True,
                False,
                joined,
            )
            for n in range(count)
        ),
    )


def like_pairs(catalogue: Catalogue, size: Size, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """(user index, photo index) of size.likes distinct likes (fewer only when the site is too small to
    hold them): a skewed number per person, skewed popularity per photo, 70% within the person's own
    one to three topics."""
    n, topic_count = catalogue.size, len(catalogue.topic_tags)
    activity = np.minimum(rng.lognormal(0, 0.8, size.users), 20)
    interests = rng.integers(0, topic_count, (size.users, 3))
    interest_count = rng.integers(1, 4, size.users)
    order = np.argsort(catalogue.topics, kind="stable")
    starts = np.searchsorted(catalogue.topics[order], np.arange(topic_count + 1))
    members = [order[starts[t] : starts[t + 1]] for t in range(topic_count)]
    pairs = np.zeros(0, dtype=np.int64)
    for _ in range(8):  # draws repeat pairs; draw again for what is missing
        wanted = int((size.likes - len(pairs)) * 1.2)
        if wanted <= 0:
            break
        users = rng.choice(size.users, size=wanted, p=activity / activity.sum())
        images = _popular_draw(np.arange(n), catalogue.popularity, wanted, rng)
        chosen_topic = interests[users, (rng.random(wanted) * interest_count[users]).astype(int)]
        within_taste = rng.random(wanted) < 0.7
        for topic in np.unique(chosen_topic[within_taste]):
            mask = within_taste & (chosen_topic == topic)
            if len(members[topic]):
                images[mask] = _popular_draw(
                    members[topic], catalogue.popularity[members[topic]], int(mask.sum()), rng
                )
        pairs = np.union1d(pairs, users.astype(np.int64) * n + images)
    pairs = rng.permutation(pairs)[: size.likes]
    return pairs // n, pairs % n


def _popular_draw(
    members: IntArray, weights: npt.NDArray[np.float64], count: int, rng: np.random.Generator
) -> IntArray:
    cumulative = np.cumsum(weights)
    positions = np.searchsorted(cumulative, rng.random(count) * cumulative[-1])
    return np.asarray(members[np.minimum(positions, len(members) - 1)])


def _copy_likes(catalogue: Catalogue, size: Size, rng: np.random.Generator) -> int:
    users, images = like_pairs(catalogue, size, rng)
    # Each like after its photo arrived (photo i arrives 7 * (n - i) minutes before the last one).
    ages = (catalogue.size - images) * 7 * 60
    times = _timestamps((rng.random(len(images)) * ages).astype(np.int64))
    lines = [
        f"{n + 1}\t{user + 1}\t{image + 1}\t{time}\n"
        for n, (user, image, time) in enumerate(zip(users.tolist(), images.tolist(), times, strict=True))
    ]
    return _copy_lines("gallery_like", ["id", "user_id", "image_id", "created_at"], lines)


def _copy_user_tags(catalogue: Catalogue, users: int, rng: np.random.Generator) -> None:
    # Five tags per person on photos of their choosing (numbered after the source tags).
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM gallery_imagetag")
        first = int(cursor.fetchone()[0]) + 1
    created = EPOCH + timedelta(days=700)
    images = rng.integers(0, catalogue.size, (users, 5))
    tags = np.minimum(catalogue.tag_count - 1, rng.exponential(25, (users, 5)).astype(int))
    seen: set[tuple[int, int, int]] = set()
    rows: list[tuple[Any, ...]] = []
    for user in range(users):
        for image, tag in zip(images[user], tags[user], strict=True):
            key = (int(image), int(tag), user)
            if key not in seen:
                seen.add(key)
                rows.append(
                    (
                        first + len(rows),
                        int(image) + 1,
                        int(tag) + 1,
                        TagOrigin.USER.value,
                        user + 1,
                        1.0,
                        created,
                    )
                )
    _copy(
        "gallery_imagetag",
        ["id", "image_id", "tag_id", "origin", "user_id", "confidence", "created_at"],
        rows,
    )


def _copy_sessions(users: int, password: str, signed_in: int) -> tuple[str, ...]:
    """A session for every person, as auth's login() writes one; Cookie headers for the first `signed_in`."""
    backend = settings.AUTHENTICATION_BACKENDS[0]
    # User.get_session_auth_hash(): an HMAC of the password hash, the same for everyone here.
    auth_hash = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", password, algorithm="sha256"
    ).hexdigest()
    store = SessionStore()
    expires = datetime.now(UTC) + timedelta(days=14)
    keys = [secrets.token_hex(16) for _ in range(users)]
    _copy(
        "django_session",
        ["session_key", "session_data", "expire_date"],
        (
            (
                key,
                store.encode(
                    {"_auth_user_id": str(n + 1), "_auth_user_backend": backend, "_auth_user_hash": auth_hash}
                ),
                expires,
            )
            for n, key in enumerate(keys)
        ),
    )
    return tuple(f"{settings.SESSION_COOKIE_NAME}={key}" for key in keys[:signed_in])


def _fill_stored_like_counts() -> None:
    # A branch that stores each photo's like count (Image.like_count) reads it instead of counting.
    if "like_count" not in {f.name for f in Image._meta.concrete_fields}:
        return
    _execute(
        "UPDATE gallery_image i SET like_count = c.n FROM "
        "(SELECT image_id, count(*) AS n FROM gallery_like GROUP BY image_id) c WHERE i.id = c.image_id"
    )
