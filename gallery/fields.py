"""Fitting outside text into a model's fields: the length comes from the field, never a literal."""

from __future__ import annotations

from django.db.models import Field, Model


def clipped(model: type[Model], field_name: str, text: str) -> str:
    """`text` cut to the field's max_length (unchanged for fields without one, such as TextField)."""
    field = model._meta.get_field(field_name)
    max_length = field.max_length if isinstance(field, Field) else None
    return text[:max_length] if max_length else text
