"""Forms for the public gallery: the filter bar (GET) and adding a tag (POST)."""

from __future__ import annotations

from django import forms

from gallery.analysis.palette import FAMILIES
from gallery.analysis.quality import QUALITY_LEVEL_LABELS
from gallery.analysis.search_terms import clean_search_text
from gallery.models import Orientation, SizeClass, Source, Verdict
from gallery.selectors import LIKED_BY_VIEWER, RELEVANCE, SORTS, GalleryFilters
from gallery.tagging import MAX_TAG_LENGTH, InvalidTag, normalise_tag


class TagForm(forms.Form):
    # A little room over the limit so that "#Sunset  Beach" is normalised before it is measured.
    tag = forms.CharField(
        label="Add a tag",
        max_length=MAX_TAG_LENGTH * 3,
        widget=forms.TextInput(attrs={"placeholder": "e.g. sunset beach", "autocomplete": "off"}),
    )

    def clean_tag(self) -> str:
        try:
            return normalise_tag(self.cleaned_data["tag"])
        except InvalidTag as exc:
            raise forms.ValidationError(str(exc)) from exc


class SuggestionAnswerForm(forms.Form):
    """✓ or ✗ on a suggested tag: the button pressed names the verdict."""

    verdict = forms.ChoiceField(choices=Verdict.choices)


def _tag_or_raw(raw: str) -> str:
    """A tag typed into a URL as people type them ("#Sunset") finds the stored "sunset"."""
    try:
        return normalise_tag(raw) if raw.strip() else ""
    except InvalidTag:
        return raw.strip().lower()  # matches nothing, and the page says so


def _blank_choice(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class SearchTextField(forms.CharField):
    """Search text as typed. Whatever arrives (a NUL, a 10 kB paste) is cleaned, never refused:
    the page then says which words it looked for."""

    def to_python(self, value: object) -> str:
        return clean_search_text(str(super().to_python(value)))


class GalleryFilterForm(forms.Form):
    """Reads the filters from the query string. A value that does not parse is ignored, not an error:
    a shared link with a stale option should still show a gallery."""

    q = SearchTextField(required=False)
    tag = forms.CharField(required=False, max_length=64)
    colour = forms.ChoiceField(required=False, choices=_blank_choice([(f, f.title()) for f in FAMILIES]))
    orientation = forms.ChoiceField(required=False, choices=_blank_choice(list(Orientation.choices)))
    size = forms.ChoiceField(required=False, choices=_blank_choice(list(SizeClass.choices)))
    year = forms.IntegerField(required=False, min_value=1800, max_value=2200)
    camera = forms.CharField(required=False, max_length=100)
    licence = forms.CharField(required=False, max_length=100)
    source = forms.ChoiceField(required=False, choices=_blank_choice(list(Source.choices)))
    quality = forms.ChoiceField(required=False, choices=_blank_choice(list(QUALITY_LEVEL_LABELS.items())))
    author = forms.CharField(required=False, max_length=500)
    liked = forms.ChoiceField(required=False, choices=_blank_choice([(LIKED_BY_VIEWER, "Liked by me")]))
    sort = forms.ChoiceField(required=False, choices=[*SORTS.items(), (RELEVANCE, "Relevance")])

    def filters(self) -> GalleryFilters:
        self.is_valid()
        data = self.cleaned_data  # only the fields that parsed
        q = data.get("q") or ""
        return GalleryFilters(
            q=q,
            tag=_tag_or_raw(data.get("tag") or ""),
            colour=data.get("colour") or "",
            orientation=data.get("orientation") or "",
            size=data.get("size") or "",
            year=data.get("year"),
            camera=(data.get("camera") or "").strip(),
            licence=(data.get("licence") or "").strip(),
            source=data.get("source") or "",
            quality=data.get("quality") or "",
            author=(data.get("author") or "").strip(),
            liked=data.get("liked") or "",
            sort=data.get("sort") or (RELEVANCE if q else "newest"),
        )
