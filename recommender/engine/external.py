"""Reading external data sets: interactions CSV `user,item[,timestamp][,weight]`, optional `item,tag`.

- A header row names the columns; extra columns are ignored. Ids are kept as strings.
- weight defaults to 1. A negative weight is a "not interested" (it goes to `not_interested`); a zero
  weight is no interaction. Repeated (user, item) rows add up.
- timestamp is accepted but not used: the evaluation split is a seeded random holdout.
- A row with a blank user or item, or a weight that is not a number, is skipped and counted, and the
  file goes on; a file without the required columns is refused.
- With an item-tags file, items get TF-IDF tag features (and tag names for reasons); items that only
  appear there join the catalogue with no interactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from recommender.engine.data import IdMap, InteractionData, ItemMetadata

CsvSource = str | Path | IO[str]


@dataclass(frozen=True)
class LoadedData:
    data: InteractionData
    skipped_rows: int = 0
    problems: list[str] = field(default_factory=list)  # the first few skipped rows, for the user


def read_external(interactions: CsvSource, item_tags: CsvSource | None = None) -> LoadedData:
    problems: list[str] = []
    frame, skipped = _interaction_rows(_read_csv(interactions, ("user", "item"), "interactions"), problems)
    tag_frame = None
    if item_tags is not None:
        tag_frame = _read_csv(item_tags, ("item", "tag"), "item tags")
        blank = (tag_frame["item"] == "") | (tag_frame["tag"] == "")
        skipped += int(blank.sum())
        tag_frame = tag_frame[~blank]
    user_ids = list(pd.unique(frame["user"]))
    extra_items = [] if tag_frame is None else list(pd.unique(tag_frame["item"]))
    item_ids = list(pd.unique(pd.Series(list(frame["item"]) + extra_items, dtype=object)))
    ids = IdMap(user_ids=user_ids, item_ids=item_ids)
    users = frame["user"].map(ids.user_index).to_numpy()
    items = frame["item"].map(ids.item_index).to_numpy()
    weights = frame["weight"].to_numpy(dtype=np.float32)
    shape = (len(user_ids), len(item_ids))
    positive = weights > 0
    data = InteractionData(
        interactions=sp.csr_matrix((weights[positive], (users[positive], items[positive])), shape=shape),
        not_interested=sp.csr_matrix(
            (np.ones(int((~positive).sum())), (users[~positive], items[~positive])), shape=shape
        ),
        item_features=None if tag_frame is None else _tag_features(tag_frame, ids),
        metadata=_metadata(item_ids, tag_frame),
        ids=ids,
    )
    return LoadedData(data=data, skipped_rows=skipped, problems=problems[:10])


def _read_csv(source: CsvSource, required: tuple[str, ...], what: str) -> pd.DataFrame:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"the {what} CSV needs columns {','.join(required)}; missing {missing}, found {list(frame.columns)}"
        )
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame


def _interaction_rows(frame: pd.DataFrame, problems: list[str]) -> tuple[pd.DataFrame, int]:
    raw_weight = frame["weight"] if "weight" in frame.columns else pd.Series("", index=frame.index)
    weight = pd.to_numeric(raw_weight.replace("", "1"), errors="coerce")
    bad = (frame["user"] == "") | (frame["item"] == "") | weight.isna() | ~np.isfinite(weight.fillna(0))
    for line in frame.index[bad][:10]:
        problems.append(f"line {line + 2}: needs a user, an item and a numeric weight; skipped")
    kept = pd.DataFrame({"user": frame["user"], "item": frame["item"], "weight": weight})[
        ~bad & (weight != 0)
    ]
    if kept.empty:
        raise ValueError("the interactions CSV has no usable rows")
    return kept, int(bad.sum())


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
