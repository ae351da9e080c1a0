"""Reading external data sets: interactions `user,item[,timestamp][,weight]`, optional `item,tag`, and
splits a data set ships (train and test files).

- A header row names the columns; extra columns are ignored. Ids are kept as strings. A file without
  a header whose lines are `user<TAB>item<TAB>rating[<TAB>timestamp]` (MovieLens `u.data`, `u1.base`,
  `u1.test`; commas or `::` work too) is read as user, item, weight, timestamp.
- weight defaults to 1. A negative weight is a "not interested" (it goes to `not_interested`); a zero
  weight is no interaction. Repeated (user, item) rows add up.
- With `min_rating` (the usual protocol: likes = ratings >= 4), the weight column holds ratings: a
  rating at or above it is a like of weight 1, lower ratings are left out (counted, not errors).
- timestamp is a number (e.g. Unix seconds) or a date; per (user, item) the latest counts. It is kept
  (`LoadedData.times`) for `split.time_split`, which holds out each user's latest likes.
- A row with a blank user or item, or a weight that is not a number, is skipped and counted, and the
  file goes on; a file without the required columns, or with no usable row, is refused.
- With an item-tags file, items get TF-IDF tag features (and tag names for reasons); items that only
  appear there join the catalogue with no interactions.
- A given split (`read_given_split`): users in the test file must all appear in the training file; test
  items never seen in training stay in the catalogue (they count as misses for every algorithm); a
  test like already in training is left out of the test, and counted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from recommender.engine.data import IdMap, InteractionData, ItemMetadata
from recommender.engine.split import Split

CsvSource = str | Path | IO[str]
HEADERLESS_COLUMNS = ("user", "item", "weight", "timestamp")
_NUMBER = re.compile(r"^-?\d+(\.\d*)?$")


@dataclass(frozen=True)
class LoadedData:
    data: InteractionData
    skipped_rows: int = 0
    problems: list[str] = field(default_factory=list)  # the first few skipped rows, for the user
    # One timestamp (seconds) per like, in the order of data.interactions.data; None without a
    # timestamp column, NaN where a row had none.
    times: np.ndarray | None = None
    below_min_rating: int = 0  # rows left out because their rating was under min_rating


@dataclass(frozen=True)
class LoadedSplit:
    data: InteractionData  # the training likes, over the items of both files
    split: Split
    skipped_rows: int = 0
    problems: list[str] = field(default_factory=list)
    below_min_rating: int = 0
    test_likes_in_training: int = 0  # left out of the test: they cannot be recommended again


@dataclass(frozen=True)
class _Rows:
    frame: pd.DataFrame  # user, item, weight, time (seconds or NaN)
    skipped: int
    below_min_rating: int


def read_external(
    interactions: CsvSource, item_tags: CsvSource | None = None, *, min_rating: float | None = None
) -> LoadedData:
    problems: list[str] = []
    rows = _interaction_rows(_read_interactions(interactions, "interactions"), problems, min_rating)
    if rows.frame.empty:
        raise ValueError(_no_rows_message("interactions", min_rating))
    tag_frame, skipped_tags = _tag_rows(item_tags)
    ids = IdMap(
        user_ids=list(pd.unique(rows.frame["user"])),
        item_ids=_item_ids([rows.frame["item"], *_tag_items(tag_frame)]),
    )
    matrices = _matrices(rows.frame, ids)
    data = InteractionData(
        interactions=matrices.likes,
        not_interested=matrices.not_interested,
        item_features=None if tag_frame is None else _tag_features(tag_frame, ids),
        metadata=_metadata(list(ids.item_ids), tag_frame),
        ids=ids,
    )
    return LoadedData(
        data=data,
        skipped_rows=rows.skipped + skipped_tags,
        problems=problems[:10],
        times=matrices.times,
        below_min_rating=rows.below_min_rating,
    )


def read_given_split(
    train: CsvSource,
    test: CsvSource,
    item_tags: CsvSource | None = None,
    *,
    min_rating: float | None = None,
) -> LoadedSplit:
    """The training file as the model's data and the test file as what is held out, e.g. MovieLens
    u1.base and u1.test."""
    problems: list[str] = []
    train_raw = _read_interactions(train, "training")
    test_raw = _read_interactions(test, "test")
    _check_test_users_known(train_raw, test_raw)
    train_rows = _interaction_rows(train_raw, problems, min_rating)
    test_rows = _interaction_rows(test_raw, problems, min_rating)
    test_likes = test_rows.frame[test_rows.frame["weight"] > 0]
    if test_likes.empty:
        raise ValueError(_no_rows_message("test", min_rating))
    tag_frame, skipped_tags = _tag_rows(item_tags)
    known_users = train_raw.loc[train_raw["user"] != "", "user"]
    ids = IdMap(
        user_ids=list(pd.unique(known_users)),
        item_ids=_item_ids([train_rows.frame["item"], test_likes["item"], *_tag_items(tag_frame)]),
    )
    matrices = _matrices(train_rows.frame, ids)
    held = _matrices(test_likes, ids).likes
    held.data[:] = 1.0
    already_trained = held.multiply(matrices.likes > 0)
    held = sp.csr_matrix(held - already_trained)
    held.eliminate_zeros()
    data = InteractionData(
        interactions=matrices.likes,
        not_interested=matrices.not_interested,
        item_features=None if tag_frame is None else _tag_features(tag_frame, ids),
        metadata=_metadata(list(ids.item_ids), tag_frame),
        ids=ids,
    )
    return LoadedSplit(
        data=data,
        split=Split(train=data.interactions, test=held),
        skipped_rows=train_rows.skipped + test_rows.skipped + skipped_tags,
        problems=problems[:10],
        below_min_rating=train_rows.below_min_rating + test_rows.below_min_rating,
        test_likes_in_training=int(already_trained.nnz),
    )


def _check_test_users_known(train: pd.DataFrame, test: pd.DataFrame) -> None:
    known = set(train["user"])
    unknown = [user for user in pd.unique(test["user"]) if user and user not in known]
    if unknown:
        shown = ", ".join(repr(user) for user in unknown[:5])
        raise ValueError(
            f"{len(unknown)} users in the test file are not in the training file (e.g. {shown}); "
            "a given split must train on every user it tests"
        )


def _read_interactions(source: CsvSource, what: str) -> pd.DataFrame:
    text = _text(source)
    if not text.strip():
        raise ValueError(f"the {what} file is empty")
    first = text.lstrip().split("\n", 1)[0]
    separator = "\t" if "\t" in first else "::" if "::" in first else ","
    fields = [value.strip() for value in first.split(separator)]
    if _headerless(fields):
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            names=list(HEADERLESS_COLUMNS[: len(fields)]),
            dtype=str,
            keep_default_na=False,
            engine="python" if separator == "::" else "c",
        )
        return _stripped(frame)
    return _read_csv(io.StringIO(text), ("user", "item"), what, separator)


def _headerless(fields: list[str]) -> bool:
    """MovieLens style: user, item, a numeric rating and maybe a numeric timestamp; no header names."""
    return 3 <= len(fields) <= 4 and all(fields) and all(_NUMBER.match(value) for value in fields[2:])


def _text(source: CsvSource) -> str:
    if isinstance(source, str | Path):
        return Path(source).read_text(encoding="utf-8")
    return source.read()


def _read_csv(source: CsvSource, required: tuple[str, ...], what: str, separator: str = ",") -> pd.DataFrame:
    frame = pd.read_csv(source, sep=separator, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"the {what} file needs columns {','.join(required)}; missing {missing}, found "
            f"{list(frame.columns)} (or, without a header, user<TAB>item<TAB>rating[<TAB>timestamp])"
        )
    return _stripped(frame)


def _stripped(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame


def _interaction_rows(frame: pd.DataFrame, problems: list[str], min_rating: float | None) -> _Rows:
    if min_rating is not None and "weight" not in frame.columns:
        raise ValueError("a minimum rating needs a rating (weight) column")
    raw_weight = frame["weight"] if "weight" in frame.columns else pd.Series("", index=frame.index)
    weight = pd.to_numeric(raw_weight.replace("", "1"), errors="coerce")
    bad = (frame["user"] == "") | (frame["item"] == "") | weight.isna() | ~np.isfinite(weight.fillna(0))
    for line in frame.index[bad][:10]:
        problems.append(f"line {line + 2}: needs a user, an item and a numeric weight; skipped")
    below = pd.Series(False, index=frame.index)
    if min_rating is not None:
        below = ~bad & (weight < min_rating)
        weight = weight.where(weight < min_rating, 1.0)
    kept = ~bad & ~below & (weight != 0)
    rows = pd.DataFrame(
        {"user": frame["user"], "item": frame["item"], "weight": weight, "time": _seconds(frame)}
    )[kept]
    return _Rows(rows, int(bad.sum()), int(below.sum()))


def _seconds(frame: pd.DataFrame) -> pd.Series:
    """Timestamps as seconds: numbers as they are, dates parsed (UTC); NaN where there is none."""
    if "timestamp" not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    raw = frame["timestamp"].replace("", np.nan)
    numeric = pd.to_numeric(raw, errors="coerce")
    dates = pd.to_datetime(raw.where(numeric.isna()), errors="coerce", utc=True, format="mixed")
    from_dates = (dates - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return numeric.fillna(from_dates).astype(np.float64)


def _no_rows_message(what: str, min_rating: float | None) -> str:
    rule = f" (likes are ratings of {min_rating:g} or more)" if min_rating is not None else ""
    return f"the {what} file has no usable rows{rule}"


@dataclass(frozen=True)
class _Matrices:
    likes: sp.csr_matrix
    not_interested: sp.csr_matrix
    times: np.ndarray | None


def _matrices(frame: pd.DataFrame, ids: IdMap) -> _Matrices:
    """Likes (weights added up per user and item, rows in sorted order), "not interested", and the
    latest timestamp of each like in the likes' stored order."""
    users = frame["user"].map(ids.user_index).to_numpy()
    items = frame["item"].map(ids.item_index).to_numpy()
    shape = (len(ids.user_ids), len(ids.item_ids))
    positive = frame["weight"].to_numpy() > 0
    grouped = (
        pd.DataFrame(
            {
                "user": users[positive],
                "item": items[positive],
                "weight": frame["weight"].to_numpy(dtype=np.float32)[positive],
                "time": frame["time"].to_numpy(dtype=np.float64)[positive],
            }
        )
        .groupby(["user", "item"], sort=True)
        .agg(weight=("weight", "sum"), time=("time", "max"))
        .reset_index()
    )
    likes = sp.csr_matrix(
        (grouped["weight"].to_numpy(), (grouped["user"].to_numpy(), grouped["item"].to_numpy())), shape=shape
    )
    negative = ~positive
    not_interested = sp.csr_matrix(
        (np.ones(int(negative.sum())), (users[negative], items[negative])), shape=shape
    )
    has_times = "time" in frame.columns and frame["time"].notna().any()
    return _Matrices(likes, not_interested, grouped["time"].to_numpy() if has_times else None)


def _tag_rows(item_tags: CsvSource | None) -> tuple[pd.DataFrame | None, int]:
    if item_tags is None:
        return None, 0
    tag_frame = _read_csv(item_tags, ("item", "tag"), "item tags")
    blank = (tag_frame["item"] == "") | (tag_frame["tag"] == "")
    return tag_frame[~blank], int(blank.sum())


def _tag_items(tag_frame: pd.DataFrame | None) -> list[pd.Series]:
    return [] if tag_frame is None else [tag_frame["item"]]


def _item_ids(columns: list[pd.Series]) -> list[object]:
    return list(pd.unique(pd.Series([item for column in columns for item in column], dtype=object)))


def _tag_features(tags: pd.DataFrame, ids: IdMap) -> sp.csr_matrix:
    vocabulary = {tag: index for index, tag in enumerate(sorted(set(tags["tag"])))}
    rows = tags["item"].map(ids.item_index).to_numpy()
    columns = tags["tag"].map(vocabulary).to_numpy()
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(ids.item_ids), len(vocabulary)))
    counts.data[:] = 1.0  # a tag listed twice for an item is still one tag
    return sp.csr_matrix(TfidfTransformer(norm="l2").fit_transform(counts), dtype=np.float32)


def _metadata(item_ids: list[object], tags: pd.DataFrame | None) -> ItemMetadata:
    by_item: dict[object, list[str]] = {}
    if tags is not None:
        for item, tag in zip(tags["item"], tags["tag"], strict=True):
            by_item.setdefault(item, [])
            if tag not in by_item[item]:
                by_item[item].append(tag)
    return ItemMetadata(
        titles=[str(item) for item in item_ids],
        tags=[by_item.get(item, []) for item in item_ids],
        colour_families=[()] * len(item_ids),
    )
