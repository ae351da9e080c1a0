"""Downloading a photo: the original file, or the web size (the 1024 px preview), as an attachment
named after the photo. Only visible photos can be downloaded; the bytes go out the way every media
file does (`gallery.media`), so X-Accel-Redirect and 304s work here too. From an object store the
bytes are passed on by the web process, with the same attachment name."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from gallery.media import media_file_response, public_media_file, stored_file_response
from gallery.selectors import visible_image_or_404
from gallery.services.storage import is_local_storage

DOWNLOAD_KINDS = ("original", "web")
# Long titles make long file names; this keeps the name readable and well under any file system's limit.
MAX_SLUG_LENGTH = 60


def download_filename(*, title: str, pk: int, kind: str, stored_name: str) -> str:
    """`harbour-at-dawn-42.jpg`, `harbour-at-dawn-42-web.jpg`: the title, the id (unique), the size.

    Non-Latin titles keep their letters; a title with none becomes "photo". The extension is the
    stored file's, which the analysis chose from the bytes.
    """
    slug = slugify(title, allow_unicode=True)[:MAX_SLUG_LENGTH].strip("-") or "photo"
    suffix = "-web" if kind == "web" else ""
    extension = PurePosixPath(stored_name).suffix.lower() or ".jpg"
    return f"{slug}-{pk}{suffix}{extension}"


def _stored_file(field: FieldFile) -> Path:
    path = public_media_file(media_root=Path(settings.MEDIA_ROOT), name=field.name or "")
    if path is None:
        raise Http404("This photo's file is missing.")
    return path


@require_safe
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse | FileResponse:
    if kind not in DOWNLOAD_KINDS:
        raise Http404("No such download.")
    image = visible_image_or_404(pk)
    # A photo too small for a preview has none: its web size is the original.
    field = image.preview if kind == "web" and image.preview else image.file
    response: HttpResponse | FileResponse
    if is_local_storage():
        response = media_file_response(request, file_path=_stored_file(field), name=field.name or "")
    else:
        response = stored_file_response(field.name or "")
    filename = download_filename(title=image.title, pk=image.pk, kind=kind, stored_name=field.name or "")
    # RFC 6266: a plain quoted name, or filename*=utf-8'' for a title with non-ASCII letters.
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
