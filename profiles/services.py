"""Writes for the profiles app: rebuilding profiles (debounced), the public flag, simulated users,
and the cached chart SVGs and CSVs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gallery.collection_version import cached_for_this_version, collection_changed
from gallery.like_counts import recount_likes
from gallery.models import ImageTag, Like, Tag, TagOrigin
from gallery.tagging import InvalidTag, normalise_tag
from imgsite.background import BROKER_ERRORS, REBUILD_PROFILE, enqueue
from profiles import selectors
from profiles.charts.collection import COLLECTION_CHARTS
from profiles.charts.user import USER_CHARTS
from profiles.models import OwedProfileRebuild, ProfileSnapshot, SimulatedTaste, UserProfile
from profiles.rebuilds import forget_pending_rebuild
from profiles.simulation import SimulatedUser, simulate_users
from profiles.taste import PROFILE_VERSION, InterestGroup, ProfileInputs, build_profile
from recommender import services as recommender_services

logger = logging.getLogger(__name__)

# An owed rebuild queued this long ago that has not run yet lost its message; send it again.
OWED_REBUILD_RESEND_SECONDS = 300
SNAPSHOTS_KEPT = 3  # older snapshots are deleted; the latest one is the profile
CHART_CACHE_SECONDS = 24 * 3600  # keys change with the data anyway; this only bounds memory
DEMO_PASSWORD = "imgsite-demo"  # shared by every demo and simulated account; never for production


def queue_owed_rebuilds() -> int:
    """Queue the rebuilds owed since the broker went down; stops at the first that still fails.

    A row stays until its rebuild runs, so one whose message was lost is sent again later.
    """
    now = timezone.now()
    resend_before = now - timedelta(seconds=OWED_REBUILD_RESEND_SECONDS)
    queued = 0
    due = Q(sent_at__isnull=True) | Q(sent_at__lt=resend_before)
    for owed in OwedProfileRebuild.objects.filter(due).order_by("since"):
        try:
            enqueue(REBUILD_PROFILE, owed.user_id)
        except BROKER_ERRORS as exc:
            logger.warning("owed profile rebuilds still waiting, the broker is down: %s", exc)
            break
        OwedProfileRebuild.objects.filter(pk=owed.pk).update(sent_at=now)
        queued += 1
    return queued


def rebuild_profile(user: AbstractBaseUser) -> ProfileSnapshot:
    """Compute the user's profile from their current likes and tags and store it as the latest snapshot."""
    forget_pending_rebuild(user.pk)
    OwedProfileRebuild.objects.filter(user_id=user.pk).delete()
    data = build_profile(with_taste_interests(selectors.profile_inputs(user)))
    with transaction.atomic():
        snapshot = ProfileSnapshot.objects.create(user_id=user.pk, data=data, version=PROFILE_VERSION)
        stale = ProfileSnapshot.objects.filter(user_id=user.pk).order_by("-computed_at", "-id")[
            SNAPSHOTS_KEPT:
        ]
        ProfileSnapshot.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return snapshot


def with_taste_interests(inputs: ProfileInputs) -> ProfileInputs:
    """The inputs with the person's interests from the taste model /for-you/ ranks by."""
    taste = recommender_services.taste_for_likes([int(i) for i in inputs.likes["image_id"]])
    groups = [
        InterestGroup(interest.name, interest.share, interest.image_ids, interest.tags, interest.colour)
        for interest in taste.interests
    ]
    return replace(inputs, interests=groups, taste_model_id=taste.model_id)


def current_snapshot(user: AbstractBaseUser) -> ProfileSnapshot | None:
    """The latest snapshot; built now if the user has likes or tags but no profile yet (first visit),
    or when its interests come from an older taste model than the one /for-you/ ranks by now."""
    snapshot = selectors.latest_snapshot(user)
    if snapshot is None:
        return rebuild_profile(user) if selectors.has_activity(user) else None
    if _interests_are_stale(snapshot):
        snapshot = rebuild_profile(user)
    return snapshot


def _interests_are_stale(snapshot: ProfileSnapshot) -> bool:
    if snapshot.version != PROFILE_VERSION:
        return True
    return (snapshot.data or {}).get("taste_model_id") != recommender_services.current_model_id()


def set_profile_public(*, user: AbstractBaseUser, is_public: bool) -> UserProfile:
    profile, _ = UserProfile.objects.update_or_create(user_id=user.pk, defaults={"is_public": is_public})
    return profile


def user_chart_svg(*, snapshot: ProfileSnapshot, name: str) -> str:
    """One dashboard chart; cached per snapshot, so a rebuilt profile gets fresh charts."""
    _, render = USER_CHARTS[name]
    key = f"profiles:user-chart:{snapshot.pk}:{snapshot.computed_at.timestamp():.6f}:{name}"
    svg = cache.get(key)
    if svg is None:
        svg = render(snapshot.data)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return str(svg)


def collection_chart(*, name: str, kind: str) -> str:
    """One statistics chart as "svg", "csv" or "json" (rows); cached until the collection changes
    (gallery.collection_version, the version the gallery's counts are kept under)."""
    chart = COLLECTION_CHARTS[name]

    def draw() -> str:
        data = chart.data(selectors.collection_frames())
        return str({"svg": chart.render, "csv": chart.csv, "json": chart.json}[kind](data))

    return cached_for_this_version("stats", f"{name}:{kind}", draw)


def collection_chart_coverage() -> dict[str, int]:
    """How many photos each statistics chart rests on (e.g. only those with a date taken), from one
    read of the collection; cached like the charts."""

    def count() -> dict[str, int]:
        frames = selectors.collection_frames()
        return {str(name): int(chart.covers(frames)) for name, chart in COLLECTION_CHARTS.items()}

    return cached_for_this_version("stats", "coverage", count)


def collection_chart_rows(*, name: str) -> list[dict[str, Any]]:
    """The data behind one statistics chart, row by row: what its CSV holds, typed."""
    rows = json.loads(collection_chart(name=name, kind="json"))
    return [dict(row) for row in rows]


Progress = Callable[[str], None]


def create_simulated_users(*, count: int, seed: int, progress: Progress | None = None) -> list[SimulatedUser]:
    """Create (or recreate) sim001..simNNN with their hidden tastes, likes and tags, then their profiles.

    Re-running with the same seed over the same collection gives the same users, likes and tags:
    a simulated user's earlier likes, tags and taste are replaced. Their profiles are public so the
    demo has profiles to browse. Likes are bulk-created, which sends no signals, and profiles are
    built once per user at the end instead of once per like. `progress` hears how far it got.
    """
    say = progress or (lambda message: None)
    say(f"Simulating {count} users (seed {seed}) over the collection…")
    simulated = simulate_users(selectors.simulation_catalogue(), count=count, seed=seed)
    with transaction.atomic():
        users = [_store_simulated_user(sim, seed) for sim in simulated]
    say(f"Stored their likes and tags; building {len(users)} taste profiles…")
    for done, user in enumerate(users, start=1):
        rebuild_profile(user)
        if done % 10 == 0 or done == len(users):
            say(f"  profiles built: {done}/{len(users)}")
    return simulated


def existing_simulation(*, count: int, seed: int) -> bool:
    """True when sim001..simNNN all exist already, simulated with this seed: `make demo` reuses them."""
    usernames = [f"sim{number:03d}" for number in range(1, count + 1)]
    made = SimulatedTaste.objects.filter(user__username__in=usernames, seed=seed).count()
    return made == count


@dataclass(frozen=True)
class SimulatedRemoval:
    users: int
    likes: int
    tags: int


def remove_simulated_users(*, user_ids: Collection[int] | None = None) -> SimulatedRemoval:
    """Delete every simulated account (or those of `user_ids` that are simulated) with everything it
    did (likes, tags, profiles, "not interested") in one transaction. Real people's accounts, likes and
    tags stay, on the same photos; tag names only the simulated users used are deleted too."""
    users = selectors.simulated_users()
    if user_ids is not None:
        users = users.filter(pk__in=list(user_ids))
    with transaction.atomic():
        user_ids = list(users.values_list("pk", flat=True))
        simulated_tags = ImageTag.objects.filter(user_id__in=user_ids)
        tag_ids = set(simulated_tags.values_list("tag_id", flat=True))
        removal = SimulatedRemoval(
            users=len(user_ids),
            likes=Like.objects.filter(user_id__in=user_ids).count(),
            tags=simulated_tags.count(),
        )
        get_user_model().objects.filter(pk__in=user_ids).delete()
        Tag.objects.filter(pk__in=tag_ids, image_tags__isnull=True).delete()
    return removal


def _store_simulated_user(sim: SimulatedUser, seed: int) -> AbstractUser:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=sim.username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Like.objects.filter(user=user).delete()
    ImageTag.objects.filter(user=user).delete()
    SimulatedTaste.objects.update_or_create(
        user=user, defaults={"interests": sim.interests_json(), "seed": seed, "is_cold": sim.is_cold}
    )
    UserProfile.objects.update_or_create(user=user, defaults={"is_public": True})
    Like.objects.bulk_create([Like(user=user, image_id=image_id) for image_id in sim.liked_image_ids])
    recount_likes(sim.liked_image_ids)  # bulk_create sends no signal to count them by
    _backdate_likes(user, sim)
    _add_user_tags(user, sim)
    return user


def _backdate_likes(user: AbstractBaseUser, sim: SimulatedUser) -> None:
    # created_at is auto_now_add, so the spread over past days is written after the insert.
    now = timezone.now().replace(microsecond=0)
    for image_id, days_ago in zip(sim.liked_image_ids, sim.like_days_ago, strict=True):
        Like.objects.filter(user_id=user.pk, image_id=image_id).update(
            created_at=now - timedelta(days=days_ago)
        )


def _add_user_tags(user: AbstractBaseUser, sim: SimulatedUser) -> None:
    rows = []
    for image_id, raw in sim.user_tags:
        try:
            tag, _ = Tag.objects.get_or_create(name=normalise_tag(raw))
        except InvalidTag:
            logger.warning("Simulated user %s: skipped tag %r", sim.username, raw)
            continue
        rows.append(ImageTag(image_id=image_id, tag=tag, origin=TagOrigin.USER, user_id=user.pk))
    ImageTag.objects.bulk_create(rows, ignore_conflicts=True)
    collection_changed()  # bulk_create sends no signal; the tag filter counts these
