"""The engine's input built from the site: item features and the like / not-interested matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gallery.analysis.descriptor import describe
from gallery.analysis.features import HISTOGRAM_LENGTH
from recommender.features import (
    COLOUR_COLUMNS,
    EVENT_COLUMNS,
    GROUP_WEIGHTS,
    IMAGE_COLUMNS,
    TAG_COLUMNS,
    CatalogueRows,
    EventRows,
    item_features,
    site_data_from_rows,
)
from recommender.models import NotInterested
from recommender.selectors import load_site_data
from tests.factories import make_image, make_image_tag, make_like, make_user
from tests.support.patterns import COLOUR_PAIRS, checkerboard, stripes


def catalogue() -> CatalogueRows:
    blue = [0.0] * HISTOGRAM_LENGTH
    blue[40] = 1.0
    return CatalogueRows(
        images=pd.DataFrame(
            [
                (10, "Harbour", "landscape", "large", blue),
                (11, "Beach", "landscape", "large", blue),
                (12, "Curry", "portrait", "small", []),
            ],
            columns=IMAGE_COLUMNS,
        ),
        colours=pd.DataFrame(
            [(10, "blue", 0.8), (10, "white", 0.09), (11, "blue", 0.6), (12, "red", 0.9)],
            columns=COLOUR_COLUMNS,
        ),
        tags=pd.DataFrame([(10, "sea"), (11, "sea"), (11, "sand"), (12, "food")], columns=TAG_COLUMNS),
        visual=np.stack(
            [
                describe(stripes(*COLOUR_PAIRS[2])),
                describe(stripes(*COLOUR_PAIRS[0])),
                describe(checkerboard(*COLOUR_PAIRS[1])),
            ]
        ),
    )


def events(likes: list[tuple[int, int]], hidden: list[tuple[int, int]] = ()) -> EventRows:  # type: ignore[assignment]
    return EventRows(
        pd.DataFrame(likes, columns=EVENT_COLUMNS), pd.DataFrame(list(hidden), columns=EVENT_COLUMNS)
    )


def cosine(matrix: np.ndarray, a: int, b: int) -> float:
    return float(matrix[a] @ matrix[b] / (np.linalg.norm(matrix[a]) * np.linalg.norm(matrix[b])))


def test_two_seascapes_are_closer_to_each_other_than_to_the_curry() -> None:
    features = item_features(catalogue()).matrix.toarray()

    assert cosine(features, 0, 1) > 0.8
    assert cosine(features, 0, 2) < 0.1


def test_each_feature_group_has_the_length_of_its_weight() -> None:
    built = item_features(catalogue())
    row = built.matrix.toarray()[0]

    for name, columns in built.groups.items():
        assert np.linalg.norm(row[columns]) == pytest.approx(GROUP_WEIGHTS[name], abs=1e-5), name
    assert built.groups["tags"].stop - built.groups["tags"].start == 3  # sea, sand, food


def test_likes_are_positives_and_not_interested_are_negatives() -> None:
    data = site_data_from_rows(catalogue(), events([(1, 10), (1, 11), (2, 12)], [(1, 12), (3, 10)]))

    assert data.ids is not None
    assert list(data.ids.user_ids) == [1, 2, 3]  # user 3 has only a "not interested"
    assert data.interactions.toarray().tolist() == [[1, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert data.not_interested.toarray().tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_events_on_photos_outside_the_catalogue_are_dropped() -> None:
    data = site_data_from_rows(catalogue(), events([(1, 10), (1, 999)]))

    assert data.interactions.nnz == 1


def test_reasons_get_titles_tags_and_strong_colour_families() -> None:
    data = site_data_from_rows(catalogue(), events([(1, 10)]))

    assert data.metadata.titles[0] == "Harbour"
    assert data.metadata.tags[1] == ("sea", "sand")
    assert data.metadata.colour_families[0] == ("blue",)  # white at 9% is below FAMILY_MIN_SHARE


@pytest.mark.django_db
def test_the_site_data_leaves_out_hidden_photos_and_peoples_own_tags() -> None:
    shown = make_image(tags=["sea"])
    make_image(status="pending")
    person = make_user()
    make_image_tag(shown, "my favourite", user=person)
    make_like(person, shown)
    NotInterested.objects.create(user=make_user(), image=shown)

    data = load_site_data()

    assert data.n_items == 1
    assert data.metadata.tags[0] == ("sea",)
    assert (data.interactions.nnz, data.not_interested.nnz) == (1, 1)
