"""Serving the photos' files (MEDIA_ROOT) in production, where Django's static() helper does nothing.

A single-machine deploy needs no other server: gunicorn streams the file (FileResponse uses the
WSGI file wrapper, i.e. sendfile), with Last-Modified, 304 answers and a Cache-Control lifetime.
Behind nginx, IMGSITE_MEDIA_ACCEL_REDIRECT hands the sending to nginx instead (X-Accel-Redirect to
an `internal` location), and nginx may also serve `/media/` itself, in which case this view is
never reached. Only image files under the folders the site writes are served: never the download
scratch folder, dot files (partial writes) or anything a symlink leads outside MEDIA_ROOT.

With the media in an object store (IMGSITE_STORAGE=s3), pages link the store's own URLs
(storage.url()), so browsers fetch photos from it; a /media/ URL (an old link, a bookmark) is
answered with a redirect there, after the same checks on its name. Downloads pass the bytes on
(`stored_file_response`), since an attachment's file name cannot be set on every store's URL.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from gallery.services.storage import DERIVED_FOLDERS, is_local_storage

# The folders gallery.services.storage writes finished files to (originals, and the derivatives
# named by derivative_name). Its "tmp" folder holds downloads in progress and stays private.
PUBLIC_MEDIA_FOLDERS = frozenset({"originals", *DERIVED_FOLDERS})


def is_public_media_name(name: str) -> bool:
    """True for the names of the image files the site publishes, wherever they are stored."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] not in PUBLIC_MEDIA_FOLDERS:
        return False
    if any(part.startswith(".") or part == ".." for part in parts):
        return False
    return (mimetypes.guess_type(parts[-1])[0] or "").startswith("image/")


def public_media_file(*, media_root: Path, name: str) -> Path | None:
    """The file a public media URL names, or None when it is missing or not ours to serve."""
    if not is_public_media_name(name):
        return None
    try:
        path = Path(safe_join(str(media_root), name)).resolve()
    except SuspiciousFileOperation:
        return None
    # resolve() followed any symlink: the target must still be inside the media folder.
    if not path.is_relative_to(Path(media_root).resolve()) or not path.is_file():
        return None
    if not (mimetypes.guess_type(path.name)[0] or "").startswith("image/"):
        return None
    return path


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    if not is_local_storage():
        if not is_public_media_name(path):
            raise Http404("No such photo file.")
        return HttpResponseRedirect(default_storage.url(path))
    file_path = public_media_file(media_root=Path(settings.MEDIA_ROOT), name=path)
    if file_path is None:
        raise Http404("No such photo file.")
    return media_file_response(request, file_path=file_path, name=path)


def media_file_response(request: HttpRequest, *, file_path: Path, name: str) -> HttpResponse | FileResponse:
    """Send a checked media file (`name` relative to MEDIA_ROOT): 304, X-Accel-Redirect or streamed."""
    stat = file_path.stat()
    content_type = mimetypes.guess_type(file_path.name)[0] or "application/octet-stream"
    response: HttpResponse | FileResponse
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), int(stat.st_mtime)):
        response = HttpResponseNotModified()
    elif settings.IMGSITE_MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.IMGSITE_MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(file_path.open("rb"), content_type=content_type)
    response["Last-Modified"] = http_date(stat.st_mtime)
    # Public: the same bytes for everyone. Not "immutable": re-analysis may rewrite a thumbnail
    # under the same name, so browsers revalidate (a cheap 304) once the lifetime ends.
    response["Cache-Control"] = f"public, max-age={settings.IMGSITE_MEDIA_MAX_AGE}"
    return response


def stored_file_response(name: str) -> FileResponse:
    """A public media file streamed from the media storage (an object store), or 404."""
    if not is_public_media_name(name):
        raise Http404("No such photo file.")
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("This photo's file is missing.") from error
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={settings.IMGSITE_MEDIA_MAX_AGE}"
    return response
