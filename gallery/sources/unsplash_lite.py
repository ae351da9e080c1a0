"""A local copy of the Unsplash Lite dataset (https://github.com/unsplash/datasets, DOCS.md).

The dataset is tab-separated files with a header row, possibly split into parts: photos.tsv000,
photos.tsv001, ... (also accepted: photos.tsv, photos.csv000). They are read with the csv module
(tab delimiter, double-quote quoting, as the dataset's own psql loader does), row by row, so the
listing starts at once however big the files are.

Columns used:
  photos:   photo_id, photo_url, photo_image_url, photo_description, ai_description,
            photographer_username, photographer_first_name, photographer_last_name,
            photo_submitted_at, exif_camera_make, exif_camera_model
  keywords: photo_id, keyword, ai_service_1_confidence, ai_service_2_confidence, suggested_by_user
colors.tsv is not read: the analysis measures every photo's colours itself, the same way for all
sources.

file_url is photo_image_url with `fit=max&w=2400` (imgix parameters the URL supports, per the
dataset's docs): originals run to 50 megapixels, and 2400 px wide is plenty for the site;
fit=max never enlarges a smaller original. Such resized copies carry no EXIF, so the camera make
and model from the dataset go into `extra`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gallery.sources.base import Candidate, Rejection, SourceError

LICENCE = "Unsplash License"
LICENCE_URL = "https://unsplash.com/license"
DOWNLOAD_PARAMS = {"fit": "max", "w": "2400"}
# Keywords come from two AI services with a confidence in percent (0-100), or from people.
# A keyword becomes a tag when a person suggested it or either service is at least this sure.
KEYWORD_CONFIDENCE_THRESHOLD = 50.0
MAX_TITLE_LENGTH = 120
_TRUE = frozenset({"t", "true", "1", "yes"})


class UnsplashLiteSource:
    name = "unsplash-lite"

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise SourceError(f"The Unsplash Lite folder {folder} does not exist.")
        self.folder = folder
        self.photo_files = dataset_files(folder, "photos")
        if not self.photo_files:
            raise SourceError(f"No photos.tsv000 (the Unsplash Lite photos file) in {folder}.")
        self.keyword_files = dataset_files(folder, "keywords")

    def candidates(self) -> Iterator[Candidate | Rejection]:
        keywords = self._keywords_by_photo()
        for row in _rows(self.photo_files):
            yield self._item(row, keywords)

    def _keywords_by_photo(self) -> dict[str, list[str]]:
        """The tag-worthy keywords per photo id: one pass over keywords, kept in memory."""
        kept: dict[str, list[str]] = {}
        for row in _rows(self.keyword_files):
            keyword = " ".join((row.get("keyword") or "").split()).lower()
            if keyword and keyword_is_tag(row):
                kept.setdefault(row.get("photo_id") or "", []).append(keyword)
        return kept

    def _item(self, row: dict[str, str], keywords: dict[str, list[str]]) -> Candidate | Rejection:
        photo_id = (row.get("photo_id") or "").strip()
        image_url = (row.get("photo_image_url") or "").strip()
        if not photo_id or not image_url.startswith(("http://", "https://")):
            return Rejection(photo_id or "?", "no photo id or image URL in photos.tsv")
        author = photographer(row)
        description = (row.get("photo_description") or "").strip() or (
            row.get("ai_description") or ""
        ).strip()
        return Candidate(
            source=self.name,
            source_id=photo_id,
            file_url=sized_url(image_url),
            source_page_url=(row.get("photo_url") or "").strip(),
            title=_shorten(description) or f"Unsplash photo {photo_id}",
            description=description,
            author=author,
            attribution=f"Photo by {author} on Unsplash",
            licence=LICENCE,
            licence_url=LICENCE_URL,
            tags=tuple(dict.fromkeys(keywords.get(photo_id, []))),
            extra={
                "submitted_at": (row.get("photo_submitted_at") or "").strip(),
                "camera_make": (row.get("exif_camera_make") or "").strip(),
                "camera_model": (row.get("exif_camera_model") or "").strip(),
            },
        )


def dataset_files(folder: Path, stem: str) -> list[Path]:
    """photos.tsv000, photos.tsv001, ... in order; .csv parts when there are no .tsv ones."""
    for suffix in ("tsv", "csv"):
        found = sorted(path for path in folder.glob(f"{stem}.{suffix}*") if path.is_file())
        if found:
            return found
    return []


def keyword_is_tag(row: dict[str, str]) -> bool:
    if (row.get("suggested_by_user") or "").strip().lower() in _TRUE:
        return True
    confidences = [_number(row.get("ai_service_1_confidence")), _number(row.get("ai_service_2_confidence"))]
    return max(confidences) >= KEYWORD_CONFIDENCE_THRESHOLD


def photographer(row: dict[str, str]) -> str:
    names = [(row.get(key) or "").strip() for key in ("photographer_first_name", "photographer_last_name")]
    return " ".join(name for name in names if name) or (row.get("photographer_username") or "").strip()


def sized_url(image_url: str) -> str:
    """The image URL with DOWNLOAD_PARAMS added (replacing any width it already had)."""
    parts = urlsplit(image_url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query |= DOWNLOAD_PARAMS
    return urlunsplit(parts._replace(query=urlencode(query)))


def _rows(files: Iterable[Path]) -> Iterator[dict[str, str]]:
    """Rows of each part in turn; every part has its own header row."""
    for path in files:
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                yield from csv.DictReader(handle, delimiter="\t")
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(f"Could not read {path.name}: {exc}.") from exc


def _number(text: str | None) -> float:
    try:
        return float(text or "")
    except ValueError:
        return 0.0


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= MAX_TITLE_LENGTH:
        return line
    return line[:MAX_TITLE_LENGTH].rsplit(" ", 1)[0] + "…"
