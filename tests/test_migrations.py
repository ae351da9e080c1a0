"""A model change without its migration fails `pytest` on its own, not only `make test`."""

from io import StringIO

import pytest
from django.core.management import call_command

# makemigrations reads the applied migrations to check the history is consistent.
pytestmark = pytest.mark.django_db


def test_every_model_change_has_a_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit:  # --check exits 1 when a migration is missing
        pytest.fail(f"a model change has no migration; run makemigrations:\n{out.getvalue()}", pytrace=False)
    assert out.getvalue().strip() == "No changes detected"
