"""Serving the photos' files (MEDIA_ROOT) in production, where Django's static() helper does nothing.

A single-machine deploy needs no other server: gunicorn streams the file (FileResponse uses the
WSGI file wrapper, i.e. sendfile), with Last-Modified, 304 answers and a Cache-Control lifetime.
Behind nginx, IMGSITE_MEDIA_ACCEL_REDIRECT hands the sending to nginx instead (X-Accel-Redirect to
an `internal` location), and nginx may also serve `/media/` itself, in which case this view is
never reached. Only image files under the folders the site writes are served: never the download
scratch folder, dot files (partial writes) or anything a symlink leads outside MEDIA_ROOT.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# The folders gallery.services.storage writes finished files to (originals, and the derivatives
# named by derivative_name). Its "tmp" folder holds downloads in progress and stays private.
PUBLIC_MEDIA_FOLDERS = frozenset({"originals", "thumbs", "previews"})


def public_media_file(*, media_root: Path, name: str) -> Path | None:
    """The file a public media URL names, or None when it is missing or not ours to serve."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] not in PUBLIC_MEDIA_FOLDERS:
        return None
    if any(part.startswith(".") for part in parts):
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
