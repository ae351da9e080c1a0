"""Holding out each user's latest likes, scoring on a split the user provides, and reading ratings
files (MovieLens style) with likes = ratings at or above a threshold."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from django.core.management import CommandError, call_command

from recommender.engine.external import read_external, read_given_split
from recommender.engine.split import aligned_times, time_split


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_time_split_holds_out_each_users_latest_likes() -> None:
    # User 0 liked items 0..5 at times 60, 10, 50, 20, 40, 30: the latest two are items 0 and 2.
    likes = sp.csr_matrix(np.array([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]], dtype=np.float32))
    times = np.array([60, 10, 50, 20, 40, 30, 5, 7], dtype=np.float64)

    split = time_split(likes, times, share=0.34, min_interactions=5)

    assert split.relevant(0).tolist() == [0, 2]
    assert split.train[0].indices.tolist() == [1, 3, 4, 5]
    assert split.test[1].nnz == 0  # too few likes to test on: all in training


def test_the_time_split_refuses_likes_without_a_time() -> None:
    likes = sp.csr_matrix(np.ones((1, 5), dtype=np.float32))

    with pytest.raises(ValueError, match="timestamp"):
        time_split(likes, np.array([1.0, 2.0, np.nan, 4.0, 5.0]))


def test_event_times_line_up_with_the_stored_likes_and_the_latest_counts() -> None:
    likes = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0]], dtype=np.float32))

    times = aligned_times(
        likes,
        users=np.array([0, 1, 0, 0, 5]),
        items=np.array([2, 0, 1, 2, 0]),
        seconds=np.array([3, 4, 5, 9, 1]),
    )

    assert times.tolist() == [5.0, 9.0, 4.0]  # (0,1), (0,2) latest of 3 and 9, (1,0)


def test_a_movielens_file_without_header_reads_ratings_as_likes_at_the_threshold(tmp_path: Path) -> None:
    ratings = write(tmp_path / "u.data", "1\t10\t5\t300\n1\t11\t3\t100\n2\t10\t4\t200\n2\t12\t4.5\t50\n")

    loaded = read_external(ratings, min_rating=4)

    data = loaded.data
    assert data.interactions.nnz == 3  # the 3 is not a like
    assert loaded.below_min_rating == 1
    assert set(data.interactions.data.tolist()) == {1.0}
    assert data.ids is not None
    assert data.interactions[data.ids.user_index("1"), data.ids.item_index("10")] == 1.0
    assert loaded.times is not None
    assert sorted(loaded.times.tolist()) == [50.0, 200.0, 300.0]


def test_dates_are_read_as_times_too(tmp_path: Path) -> None:
    rows = write(tmp_path / "likes.csv", "user,item,timestamp\na,x,2024-01-02\na,y,2024-01-01\n")

    loaded = read_external(rows)

    assert loaded.times is not None
    assert loaded.times[0] - loaded.times[1] == 86400.0  # item x (stored first) is a day later


def base_and_test(tmp_path: Path, test_rows: str) -> tuple[Path, Path]:
    base_rows = "".join(f"{user}\t{item}\t5\t{item}\n" for user in (1, 2, 3) for item in range(10, 16))
    return write(tmp_path / "u1.base", base_rows), write(tmp_path / "u1.test", test_rows)


def test_a_given_split_scores_exactly_the_given_test_likes(tmp_path: Path) -> None:
    base, test = base_and_test(tmp_path, "1\t20\t5\t99\n1\t21\t2\t99\n2\t10\t5\t99\n3\t16\t4\t99\n")

    loaded = read_given_split(base, test, min_rating=4)

    data, split = loaded.data, loaded.split
    assert data.ids is not None
    assert (split.train != data.interactions).nnz == 0
    assert split.train.nnz == 18
    held = {(data.ids.user_ids[u], data.ids.item_ids[i]) for u, i in zip(*split.test.nonzero(), strict=True)}
    # (1, 21) is rated 2, not a like; (2, 10) is in training already, so it cannot be predicted again.
    assert held == {("1", "20"), ("3", "16")}
    assert loaded.test_likes_in_training == 1
    assert data.n_items == 8  # items only in the test (20, 16) are in the catalogue, unseen in training


def test_a_given_split_with_users_unknown_to_training_is_refused(tmp_path: Path) -> None:
    base, test = base_and_test(tmp_path, "1\t10\t5\t1\n9\t10\t5\t1\n8\t11\t4\t1\n")

    with pytest.raises(ValueError, match=r"2 users in the test file are not in the training file.*'9'"):
        read_given_split(base, test)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "test file is empty"),
        ("person,photo\n1,2\n", "needs columns user,item"),
        ("1\t10\t2\t1\n", r"no usable rows \(likes are ratings of 4 or more\)"),
    ],
)
def test_bad_test_files_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    base, test = base_and_test(tmp_path, text)

    with pytest.raises(ValueError, match=message):
        read_given_split(base, test, min_rating=4)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("evaluate_recommender", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def two_taste_ratings(users: int = 12) -> list[str]:
    rows = []
    for user in range(users):
        theme = "a" if user % 2 else "b"
        rows += [f"{user}\t{theme}{item}\t{5 if item < 6 else 1}\t{1000 + item}" for item in range(8)]
    return rows


def test_the_command_scores_a_given_split(tmp_path: Path) -> None:
    rows = two_taste_ratings()
    base = write(
        tmp_path / "u1.base", "\n".join(r for r in rows if not r.split("\t")[1].endswith("5")) + "\n"
    )
    test = write(tmp_path / "u1.test", "\n".join(r for r in rows if r.split("\t")[1].endswith("5")) + "\n")

    out, _ = run("--train", str(base), "--test", str(test), "--min-rating", "4")

    assert "(12 test likes of 12 users)" in out
    assert "Split: the given split." in out
    assert "\nease " in out
    assert "\nhybrid+mmr " in out


def test_the_command_holds_out_the_latest_likes_with_split_time(tmp_path: Path) -> None:
    ratings = write(tmp_path / "u.data", "\n".join(two_taste_ratings()) + "\n")

    out, _ = run("--interactions", str(ratings), "--min-rating", "4", "--split", "time")

    assert "Split: each user's latest likes held out." in out
    assert "Left out 24 ratings under --min-rating." in out
    assert "hybrid" in out


def test_split_time_without_timestamps_is_a_clear_error(tmp_path: Path) -> None:
    likes = write(tmp_path / "likes.csv", "user,item\n" + "".join(f"u{i % 3},p{i}\n" for i in range(30)))

    with pytest.raises(CommandError, match="--split time needs a timestamp column"):
        run("--interactions", str(likes), "--split", "time")


def test_a_given_split_needs_both_files_and_no_other_split(tmp_path: Path) -> None:
    base, test = base_and_test(tmp_path, "1\t10\t5\t1\n")
    with pytest.raises(CommandError, match="--train and --test go together"):
        run("--train", str(base))
    with pytest.raises(CommandError, match="split already"):
        run("--train", str(base), "--test", str(test), "--split", "time")
    with pytest.raises(CommandError, match="not in the training file"):
        run("--train", str(base), "--test", str(write(tmp_path / "t2", "7\t10\t5\t1\n")))
