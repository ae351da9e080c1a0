"""Where the photos' files live: this machine's disk, or an S3-compatible bucket every machine reaches.

Pure helpers for the settings modules, which read the environment (base.py) and pass the values in.
The checks that say what is missing live in gallery/checks.py (`manage.py check`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"
STORAGE_KINDS = (LOCAL, S3)
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"


def storage_kind(raw: str) -> str:
    kind = raw.strip().lower() or LOCAL
    if kind not in STORAGE_KINDS:
        raise ImproperlyConfigured(f"IMGSITE_STORAGE must be one of {', '.join(STORAGE_KINDS)}, got {raw!r}.")
    return kind


def s3_options(
    *,
    bucket: str,
    endpoint_url: str,
    region: str,
    prefix: str,
    custom_domain: str,
    signed_urls: bool,
    url_seconds: int,
    max_age: int,
) -> dict[str, Any]:
    """django-storages' S3Storage options. Credentials are not here: boto3 finds them itself
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or the machine's role)."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "location": prefix.strip("/"),
        "custom_domain": custom_domain or None,
        "querystring_auth": signed_urls,
        "querystring_expire": url_seconds,
        # Names are content hashes: a second write of a name is the same bytes, so overwrite (never
        # store it under another name the row would not know).
        "file_overwrite": True,
        # Every S3-compatible server speaks v4; a custom endpoint (MinIO, Ceph, a test server) is
        # reached by path, since its host name has no per-bucket DNS.
        "signature_version": "s3v4",
        "addressing_style": "path" if endpoint_url else None,
        "object_parameters": {"CacheControl": f"public, max-age={max_age}"},
    }


def s3_media_origins(*, bucket: str, endpoint_url: str, region: str, custom_domain: str) -> list[str]:
    """The origins browsers load photos from, for the Content-Security-Policy's img-src."""
    if custom_domain:
        return [f"https://{custom_domain}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


def s3_problems(*, bucket: str, endpoint_url: str) -> list[str]:
    """What stops the S3 settings from working, in words a deployer can act on."""
    problems = []
    if not bucket:
        problems.append("IMGSITE_STORAGE=s3 but IMGSITE_S3_BUCKET is not set")
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            problems.append(f"IMGSITE_S3_ENDPOINT_URL must be an http(s) URL, got {endpoint_url!r}")
    return problems
