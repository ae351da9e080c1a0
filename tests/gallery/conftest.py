"""Gallery fixtures."""

from collections.abc import Iterator

import pytest

from gallery.services.duplicates import collection_index


@pytest.fixture(autouse=True)
def fresh_duplicate_index() -> Iterator[None]:
    # The index lives for the process; each test's database starts over, and ids may be reused.
    collection_index.forget()
    yield
    collection_index.forget()
