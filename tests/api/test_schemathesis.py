"""Schemathesis against a live server, from the schema the server publishes at /api/v1/openapi.json.

For every operation, Hypothesis generates requests from the schema, both valid ones (positive) and
ones the schema forbids (negative: wrong types, out-of-range numbers, missing fields), sends them over HTTP to pytest-django's live server on an ephemeral port,
and checks each answer: never a 5xx, a status the schema documents, the content type it documents,
and a body matching its schema. The database holds a small seeded collection, a built recommender
model and a write token, so most operations reach their real code and not only the 401 path.

Bounded: EXAMPLES_PER_OPERATION per operation, no shrinking, a fixed seed, so it takes well under
two minutes and a failure repeats. It prints how many cases it ran.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from profiles.accounts.api_tokens import create_api_token
from profiles.services import set_profile_public
from recommender import services
from tests.factories import make_image_tag
from tests.recommender.site_factories import two_taste_site

pytestmark = [pytest.mark.schema, pytest.mark.django_db(transaction=True)]

EXAMPLES_PER_OPERATION = int(os.environ.get("IMGSITE_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True)
class Seeded:
    headers: dict[str, str]
    # Ids that exist, swapped into generated path parameters half the time: random integers alone
    # would reach little beyond the 404 path.
    existing: dict[str, list[int]]


@pytest.fixture
def seeded_site(settings_override: None) -> Seeded:
    site = two_taste_site(sea_count=4, food_count=4)
    own_tag = make_image_tag(site.sea[0], "dusk", user=site.alice)
    set_profile_public(user=site.alice, is_public=True)
    services.build_model(tune=False)
    token = create_api_token(user=site.alice, name="schemathesis", scope="write")
    photo_ids = [image.pk for image in [*site.sea, *site.food]]
    return Seeded(
        headers={"Authorization": f"Bearer {token.secret}"},
        existing={"photo_id": photo_ids, "tag_id": [own_tag.pk]},
    )


@pytest.fixture
def settings_override(settings) -> None:
    # Thousands of requests from one address and token in a minute: the limits are tested elsewhere.
    settings.API_MAX_REQUESTS_PER_CREDENTIAL = 1_000_000
    settings.API_MAX_REQUESTS_PER_IP = 1_000_000


@dataclass
class Tally:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def fuzz(
    operation: APIOperation, mode: GenerationMode, *, base_url: str, seeded: Seeded, tally: Tally
) -> None:
    """Send EXAMPLES_PER_OPERATION generated requests to one operation and record what came back."""
    label = f"{operation.label} ({mode})"

    @given(
        case=operation.as_strategy(generation_mode=mode), use_existing=st.booleans(), pick=st.integers(0, 99)
    )
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case, use_existing: bool, pick: int) -> None:
        tally.cases[label] += 1
        for name, ids in seeded.existing.items():
            if use_existing and mode == GenerationMode.POSITIVE and name in (case.path_parameters or {}):
                case.path_parameters[name] = ids[pick % len(ids)]
        response = case.call(base_url=base_url, headers=seeded.headers)
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            tally.failures += [
                f"{label}: {failure.title}: {failure.message[:300]}" for failure in group.exceptions
            ]

    check()


def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(
    live_server, seeded_site, fresh_model_cache
):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    tally = Tally()
    # Alice is not staff, so the staff operations answer 403 (checked like any other answer) and
    # start no real ingest job.
    for operation in operations:
        for mode in GenerationMode:
            fuzz(operation, mode, base_url=live_server.url, seeded=seeded_site, tally=tally)
    total = sum(tally.cases.values())
    print(f"\nschemathesis: {total} cases over {len(operations)} operations, positive and negative")
    print("  answers by status: " + ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items())))
    assert len(operations) >= 15
    assert not tally.failures, "\n".join(sorted(set(tally.failures)))
