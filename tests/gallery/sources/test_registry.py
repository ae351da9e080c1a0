"""Building sources by name from settings."""

import pytest

from gallery.models import Source
from gallery.sources.base import SourceError
from gallery.sources.commons import CommonsSource
from gallery.sources.folder import FolderSource
from gallery.sources.openverse import OpenverseSource
from gallery.sources.registry import build_source


def test_commons_uses_the_configured_endpoint_user_agent_and_default_category(settings):
    settings.IMGSITE_COMMONS_API = "http://127.0.0.1:9/w/api.php"
    settings.IMGSITE_USER_AGENT = "imgsite-test/2.0 (ops@example.org)"
    settings.IMGSITE_DEFAULT_COMMONS_CATEGORY = "Category:Boats"
    settings.IMGSITE_EXTRA_LICENCES = ["Kodak Photo CD sampler grant"]

    source = build_source("commons", "", options={})

    assert isinstance(source, CommonsSource)
    assert source.api_url == "http://127.0.0.1:9/w/api.php"
    assert source.session.headers["User-Agent"] == "imgsite-test/2.0 (ops@example.org)"
    assert source.request_params()["gcmtitle"] == "Category:Boats"
    assert source.extra_licences == ("Kodak Photo CD sampler grant",)


def test_openverse_and_folder_are_built_from_their_arguments(settings, tmp_path):
    settings.IMGSITE_OPENVERSE_API = "http://127.0.0.1:9/v1/images/"

    openverse = build_source("openverse", "harbour", options={})
    folder = build_source("folder", str(tmp_path), options={"licence": "CC0", "author": "Ann"})

    assert isinstance(openverse, OpenverseSource)
    assert openverse.api_url == "http://127.0.0.1:9/v1/images/"
    assert isinstance(folder, FolderSource)
    assert folder.licence == "CC0 1.0"


def test_an_unknown_source_name_lists_the_valid_ones():
    with pytest.raises(SourceError) as error:
        build_source("flickr", "boats", options={})

    assert str(error.value) == (
        "There is no source called 'flickr'; choose one of: " + ", ".join(Source.values) + "."
    )


def test_a_folder_source_without_a_path_says_what_it_needs():
    with pytest.raises(SourceError, match="needs the folder"):
        build_source("folder", "", options={"licence": "CC0", "author": "Ann"})
