"""The photos' files: content-addressed originals and derived thumbnails, in the media storage.

Originals live at originals/<sha[:2]>/<sha>.<ext>, so the same bytes are never stored twice and a
name says which content it holds. Every reader and writer of media goes through the functions here,
which go through Django's default storage: the local disk (MEDIA_ROOT, the default) or an
S3-compatible bucket (IMGSITE_STORAGE=s3, django-storages), which every machine of a site reaches.

On the local disk every write goes to a temporary file in the same folder first and is then renamed
into place, so a crash never leaves a half-written file under a real name. An object store gives
the same promise itself: an upload becomes visible whole, or not at all.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from gallery.models import Image

log = logging.getLogger(__name__)

EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "TIFF": "tif",
    "GIF": "gif",
    "BMP": "bmp",
    "HEIF": "heic",
    "AVIF": "avif",
}


def media_path(name: str) -> Path:
    """Where a media file lies on this machine's disk; only for the local storage (see is_local_storage)."""
    return Path(settings.MEDIA_ROOT) / name


def is_local_storage() -> bool:
    """True when media files are this machine's files under MEDIA_ROOT (the default storage)."""
    return isinstance(default_storage, FileSystemStorage)


def media_exists(name: str) -> bool:
    return default_storage.exists(name)


def read_media(name: str) -> bytes:
    """A stored file's bytes; FileNotFoundError when there is none."""
    if is_local_storage():
        return media_path(name).read_bytes()
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def folder_bytes(folder: str) -> int:
    """The bytes of every file stored under a media folder ("thumbs"), in one listing, not a request
    per file: an object store answers a thousand sizes per request."""
    if is_local_storage():
        return sum(path.stat().st_size for path in media_path(folder).rglob("*") if path.is_file())
    prefix = "/".join(part for part in (default_storage.location, folder) if part) + "/"  # type: ignore[attr-defined]
    return sum(item.size for item in default_storage.bucket.objects.filter(Prefix=prefix))  # type: ignore[attr-defined]


def remove_media(name: str) -> None:
    """Delete a stored file; a file already gone is no error."""
    if is_local_storage():
        remove_quietly(media_path(name))
    else:
        default_storage.delete(name)


def original_name(sha256: str, image_format: str) -> str:
    extension = EXTENSIONS.get(image_format.upper(), "bin")
    return f"originals/{sha256[:2]}/{sha256}.{extension}"


# The folders of the files derived from each original (derivative_name's kinds).
DERIVED_FOLDERS = ("thumbs", "previews")


def derivative_name(kind: str, sha256: str) -> str:
    """Thumbnails and previews are JPEG and named by the original's hash."""
    return f"{kind}/{sha256[:2]}/{sha256}.jpg"


# Errors that mean no file can be written at all, so going on with the next item is pointless.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


# What an object store answers when no file can be written by anyone: it cannot be reached, the
# credentials are missing or refused, or the bucket is gone. Like a full disk, not one item's fault.
STORE_REFUSALS = frozenset(
    {"AccessDenied", "NoSuchBucket", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}
)


def is_store_unavailable(error: BaseException) -> bool:
    if isinstance(error, (BotoConnectionError, NoCredentialsError, PartialCredentialsError)):
        return True
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in STORE_REFUSALS


def cannot_write_media(error: BaseException) -> bool:
    """True when no photo could be stored now, so a batch should stop rather than fail every item."""
    return is_disk_full(error) or is_store_unavailable(error)


def new_temp_file(folder: Path, *, prefix: str) -> tuple[BinaryIO, Path]:
    """An open, empty file under a fresh name in `folder`. Every file the site writes starts here."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix)
    return os.fdopen(fd, "wb"), Path(name)


def write_bytes_atomically(name: str, data: bytes) -> None:
    """Store a media file under exactly `name`, replacing any file of that name, never half-written."""
    if is_local_storage():
        write_file_atomically(media_path(name), data)
        return
    # Object stores overwrite (AWS_S3_FILE_OVERWRITE, set in the settings): names are content hashes,
    # so a second write of a name writes the same bytes. A storage that renamed instead would leave
    # the row naming a file it never got, so that is refused loudly.
    stored = default_storage.save(name, ContentFile(data))
    if stored != name:
        default_storage.delete(stored)
        raise RuntimeError(f"the media storage stored {name} as {stored}; it must overwrite instead")


def write_file_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it into place: readers see the
    old file or the new one, never half of one. Media files and the commands' reports both use it."""
    handle, temp = new_temp_file(target.parent, prefix=".partial-")
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        remove_quietly(temp)
        raise


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def image_file_names(image: Image) -> list[str]:
    return [field.name for field in (image.file, image.thumbnail, image.preview) if field and field.name]


def delete_image(image: Image) -> None:
    """Delete the row, then its files once the deletion has committed (a rollback keeps them)."""
    names = image_file_names(image)
    image.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        remove_media(name)
        log.info("deleted %s", name)
