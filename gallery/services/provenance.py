"""A candidate's credits completed from what its file says (XMP, IPTC): the one call the ingest makes.

The rule itself is gallery.analysis.embedded.merge_provenance (pure); here it meets the Candidate and
the job: conflicts and unreadable metadata become warnings on the job, never failures.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PIL.Image import Image as PILImage

from gallery.analysis.embedded import Provenance, embedded_metadata_of, merge_provenance
from gallery.models import IngestJob
from gallery.services import jobs
from gallery.sources.base import Candidate, attribution_line

log = logging.getLogger(__name__)


def with_embedded_metadata(
    candidate: Candidate, picture: PILImage, *, job: IngestJob | None, name: str
) -> Candidate:
    """`candidate` with the blanks in its credits filled from what its file says, read from the
    picture the ingest decoded once; `name` labels warnings."""
    embedded = embedded_metadata_of(picture)
    stated = _provenance(candidate)
    merged, conflicts = merge_provenance(
        stated, embedded, title_from_file_name=candidate.title_from_file_name
    )
    for message in ([embedded.warning] if embedded.warning else []) + conflicts:
        _warn(job, f"{name}: {message}")
    if merged == stated:
        return candidate
    attribution = candidate.attribution
    if attribution == attribution_line(stated.title, stated.author, stated.licence):
        # The source made the credit line from these fields, so it follows them; a source's own stays.
        attribution = attribution_line(merged.title, merged.author, merged.licence)
    return replace(
        candidate,
        title=merged.title,
        description=merged.description,
        author=merged.author,
        licence_url=merged.licence_url,
        tags=merged.tags,
        attribution=attribution,
    )


def _provenance(candidate: Candidate) -> Provenance:
    return Provenance(
        title=candidate.title,
        description=candidate.description,
        author=candidate.author,
        licence=candidate.licence,
        licence_url=candidate.licence_url,
        tags=candidate.tags,
    )


def _warn(job: IngestJob | None, message: str) -> None:
    if job is None:
        log.info("%s", message)
    else:
        jobs.record_warning(job, message)
