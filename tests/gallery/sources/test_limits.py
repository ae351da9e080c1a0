"""Every source refuses to list fewer than one photo, with the same clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from gallery.sources.base import SourceError
from gallery.sources.commons import CommonsSource
from gallery.sources.folder import FolderSource
from gallery.sources.openverse import OpenverseSource


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: CommonsSource("Category:Boats", limit=0, api_url="http://127.0.0.1:9/w/api.php",
                                  session=requests.Session()),
        lambda tmp: OpenverseSource("boats", limit=0, api_url="http://127.0.0.1:9/v1/images/",
                                    session=requests.Session()),
        lambda tmp: FolderSource(tmp, licence="CC0 1.0", author="Ann", limit=0),
    ],
    ids=["commons", "openverse", "folder"],
)  # fmt: skip
def test_a_source_asked_for_no_photos_says_the_limit_must_be_at_least_one(make, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="at least 1, not 0"):
        make(tmp_path)
