"""Licence names as sources spell them, and which ones the site accepts."""

import pytest

from gallery.licences import is_free_licence, licence_url_for, normalise_licence


@pytest.mark.parametrize(
    ("given", "url", "canonical"),
    [
        ("CC BY-SA 4.0", "", "CC BY-SA 4.0"),
        ("cc-by-sa-3.0", "", "CC BY-SA 3.0"),
        ("CC BY 2.0", "", "CC BY 2.0"),
        ("CC-BY-4", "", "CC BY 4.0"),
        ("CC BY-SA 3.0 de", "", "CC BY-SA 3.0 de"),
        ("CC-BY-SA-3.0-DE", "", "CC BY-SA 3.0 de"),
        ("CC BY-SA 3.0-migrated", "", "CC BY-SA 3.0"),
        ("CC BY-SA 3.0,2.5,2.0,1.0", "", "CC BY-SA 3.0"),
        ("Creative Commons Attribution-ShareAlike 4.0", "", "CC BY-SA 4.0"),
        ("CC BY-SA-NC 2.0", "", "CC BY-NC-SA 2.0"),
        ("cc by-nd 4.0", "", "CC BY-ND 4.0"),
        ("CC0", "", "CC0 1.0"),
        ("cc-zero", "", "CC0 1.0"),
        ("Public domain", "", "Public domain"),
        ("PD-self", "", "Public domain"),
        ("PD-old-70", "", "Public domain"),
        ("pdm", "", "Public Domain Mark 1.0"),
        ("Public Domain Mark 1.0", "", "Public Domain Mark 1.0"),
        ("No known copyright restrictions", "", "No known copyright restrictions"),
        ("  GFDL   1.2 ", "", "GFDL 1.2"),
        ("", "https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0"),
        ("", "http://creativecommons.org/licenses/by/2.5/nl/deed.en", "CC BY 2.5 nl"),
        ("", "https://creativecommons.org/publicdomain/zero/1.0/deed.en", "CC0 1.0"),
        ("", "https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0"),
        ("Attribution", "https://creativecommons.org/licenses/by/4.0/", "Attribution"),
        ("GFDL", "https://creativecommons.org/licenses/by-sa/4.0/", "GFDL"),
        ("", "https://example.org/my-terms", ""),
        ("All rights reserved", "", "All rights reserved"),
    ],
)
def test_it_gives_one_spelling_for_each_licence(given, url, canonical):
    assert normalise_licence(given, url) == canonical


@pytest.mark.parametrize(
    "name",
    [
        "CC0 1.0",
        "CC0",
        "Public domain",
        "PD-self",
        "PD-USGov-NASA",
        "Public Domain Mark 1.0",
        "No known copyright restrictions",
        "CC BY 4.0",
        "CC BY 2.0",
        "cc-by-sa-3.0-de",
        "CC BY-SA 2.5 nl",
        "CC BY-SA",
    ],
)
def test_it_accepts_free_licences(name):
    assert is_free_licence(name)


@pytest.mark.parametrize(
    "name",
    [
        "CC BY-NC 2.0",
        "CC BY-NC-SA 4.0",
        "CC BY-ND 4.0",
        "CC BY-NC-ND 3.0",
        "GFDL",
        "GFDL 1.2",
        "All rights reserved",
        "Copyrighted",
        "",
        "Some licence we never heard of",
    ],
)
def test_it_refuses_licences_that_limit_reuse_or_are_unknown(name):
    assert not is_free_licence(name)


def test_it_accepts_a_licence_the_owner_added_ignoring_case():
    assert is_free_licence("Unsplash License", extra_accepted=["unsplash license"])
    assert is_free_licence("GFDL", extra_accepted=("GFDL",))
    assert not is_free_licence("Unsplash License", extra_accepted=["Unsplash"])


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("cc-by-sa-3.0-de", "https://creativecommons.org/licenses/by-sa/3.0/de/"),
        ("CC BY-NC 2.0", "https://creativecommons.org/licenses/by-nc/2.0/"),
        ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("Public Domain Mark 1.0", "https://creativecommons.org/publicdomain/mark/1.0/"),
        ("Public domain", ""),
        ("CC BY-SA", ""),
        ("GFDL", ""),
    ],
)
def test_it_gives_the_deed_url_for_creative_commons_licences(name, url):
    assert licence_url_for(name) == url
