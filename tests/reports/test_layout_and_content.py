"""The report's pure parts: text wrapping, what fits on a page, and the sentences read off the data."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from imgsite.reports.content import (
    CollectionShape,
    DataSize,
    EvaluationTable,
    MethodFigure,
    Preferences,
    ReportData,
    SourceLicenceRow,
    StoredGroup,
    attribution_rule,
    limitations,
)
from imgsite.reports.pdf import ReportOverflow, render_report
from imgsite.reports.pdf.layout import text_width, wrap
from imgsite.reports.selectors import architecture_layers


def sample_data(**changes: object) -> ReportData:
    """A plausible mid-sized collection, built by hand so every number is known."""
    size = DataSize(
        photos=412, visible_photos=400, failed_photos=12, users=80, simulated_users=60, users_with_likes=70,
        likes=2345, not_interested=17, tags=321, tag_links={"source": 900, "automatic": 800, "user": 150},
        bytes_originals=1_234_567_890, bytes_derived=98_765_432, ingest_jobs=9, profiles=64,
    )  # fmt: skip
    data = ReportData(
        generated_at=datetime(2026, 11, 30, 6, 0, tzinfo=UTC),
        goal="To test the layout.",
        size=size,
        sources=[
            SourceLicenceRow("Wikimedia Commons", "CC BY-SA 4.0", 300),
            SourceLicenceRow("Openverse", "CC0 1.0", 112),
        ],
        stored=[StoredGroup("Camera (EXIF)", ["taken_at", "camera_make"], 250, "taken_at")],
        shape=CollectionShape(
            years=[(2019, 40), (2021, 200)], undated=160, size_classes=[("Small", 100), ("Large", 300)]
        ),
        preferences=Preferences(
            families=[("blue", 0.5, 0.3), ("green", 0.2, 0.25), ("pink", 0.02, 0.01)],
            top_tags=[("lighthouse", 120), ("harbour", 80)],
            likes_per_week=[
                (datetime(2026, 11, 1, tzinfo=UTC), 100),
                (datetime(2026, 11, 8, tzinfo=UTC), 140),
            ],
            orientation=[("Landscape", 0.7, 0.6), ("Portrait", 0.3, 0.4)],
            median_likes_per_user=21.5,
            most_liked_title="Harbour at dawn",
            most_liked_count=33,
        ),
        evaluation=EvaluationTable(
            users=45,
            columns=["precision@10", "ndcg@10"],
            rows=[("popularity", [0.05, 0.09]), ("hybrid+mmr", [0.21, 0.41])],
        ),
        evaluation_missing="",
        model=None,
        methods=[MethodFigure("TF-IDF", "tags", "321 tags")],
        quality=None,
        duplicate_groups=4,
        photos_in_duplicate_groups=9,
        architecture={"Sources": ["Wikimedia Commons"], "Tasks (Celery)": ["rebuild_model_task"]},
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_wrapped_lines_never_run_past_the_column() -> None:
    text = (
        "The recommender " * 30 + "a-single-word-far-too-long-to-fit-on-any-line-of-this-narrow-column-at-all"
    )

    lines = wrap(text, 2.0, 8.5)

    assert len(lines) > 5
    assert all(text_width(line, 8.5) <= 2.0 for line in lines)
    assert lines[-1].endswith("…")  # the giant word is cut, not left to run off the page


def test_numbers_from_the_data_are_the_numbers_in_the_pdf() -> None:
    pages = pdf_text(render_report(sample_data(), strict=True))

    assert len(pages) == 4
    assert "Photos 412 (400 shown, 12 failed analysis)" in pages[0]
    assert "Likes 2,345" in pages[0]
    assert "1.3 GB (1.2 GB originals, 98.8 MB thumbnails and previews)" in pages[0]
    assert "Wikimedia Commons CC BY-SA 4.0 300" in pages[0]
    assert "70 users have liked 2,345 times (median 21.5 likes a user)" in pages[1]
    # Blue is liked 20 points above its share; pink's double share is 1 point, and noise.
    assert "above its presence is blue: in 50% of liked photos against 30% of the collection" in pages[1]
    assert "for each of the 45 users with at least 5 likes" in pages[2]
    assert "4 groups of near-duplicates hold 9 photos" in pages[2]


def test_a_long_source_table_is_cut_to_a_summary_row_so_all_four_pages_still_fit() -> None:
    sources = [
        SourceLicenceRow(f"Source {n} with a rather long name", f"CC BY {n}.0", 100 - n) for n in range(40)
    ]

    pages = pdf_text(render_report(sample_data(sources=sources), strict=True))

    assert len(pages) == 4
    assert "other sources and licences" in pages[0]
    assert "Source 39 with" not in pages[0]


def test_limitations_are_read_off_the_data() -> None:
    found = " ".join(limitations(sample_data()))

    assert "60 of the 80 users are simulated" in found
    assert "12 photos failed analysis" in found
    assert "The evaluation rests on" not in found  # 45 test users is not a handful

    few = " ".join(limitations(sample_data(evaluation=EvaluationTable(users=7, columns=[], rows=[]))))
    assert "The evaluation rests on 7 test users" in few


@pytest.mark.parametrize(
    ("licence", "rule"),
    [
        ("CC BY-SA 3.0 de", "share adaptations alike"),
        ("CC BY 4.0", "credit the author"),
        ("CC0 1.0", "no attribution required"),
        ("Public Domain Mark 1.0", "no attribution required"),
    ],
)
def test_each_licence_gets_its_attribution_rule(licence: str, rule: str) -> None:
    assert rule in attribution_rule(licence)


def test_the_architecture_is_read_from_the_code() -> None:
    layers = architecture_layers()

    assert "Wikimedia Commons" in layers["Sources"]
    assert "rebuild_model_task" in layers["Tasks (Celery)"]
    assert any(line.startswith("imgsite.reports.pdf: diagram,") for line in layers["Analysis (pure)"])
    assert "report" in " ".join(layers["Views and commands"]).replace(",", " ").split()


def test_titles_and_tags_that_look_like_mathtext_are_printed_as_written() -> None:
    data = sample_data()
    assert data.preferences is not None
    odd = replace(data.preferences, most_liked_title="Price $\\frac{1}{", top_tags=[("$x^", 3)])

    pages = pdf_text(render_report(replace(data, preferences=odd), strict=True))

    assert '"Price $\\frac{1}{"' in pages[1]


def test_strict_rendering_refuses_a_page_whose_content_runs_off_the_bottom() -> None:
    groups = [StoredGroup(f"Group {n}", [f"field_{n}_a", f"field_{n}_b"]) for n in range(80)]

    with pytest.raises(ReportOverflow, match="did not fit"):
        render_report(sample_data(stored=groups), strict=True)
