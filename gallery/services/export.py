"""Image metadata as plain JSON-ready dicts, for `export_metadata` and the admin export action."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from gallery.models import Image, ImageTag


def image_metadata(images: QuerySet[Image]) -> list[dict[str, Any]]:
    rows = images.order_by("pk").prefetch_related(
        "colours", Prefetch("image_tags", queryset=ImageTag.objects.select_related("tag", "user"))
    )
    return [image_record(image) for image in rows]


def image_record(image: Image) -> dict[str, Any]:
    return {
        "id": image.pk,
        "sha256": image.sha256,
        "file": image.file.name,
        "title": image.title,
        "description": image.description,
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "mode": image.mode,
        "file_size": image.file_size,
        "orientation": image.orientation,
        "size_class": image.size_class,
        "taken_at": image.taken_at.isoformat() if image.taken_at else None,
        "taken_at_offset_minutes": image.taken_at_offset,
        "camera": {"make": image.camera_make, "model": image.camera_model, "lens": image.lens},
        "exposure": {
            "iso": image.iso,
            "f_number": image.f_number,
            "exposure_time": image.exposure_time,
            "focal_length": image.focal_length,
        },
        "gps": {
            "latitude": image.gps_latitude,
            "longitude": image.gps_longitude,
            "altitude": image.gps_altitude,
        },
        "provenance": {
            "source": image.source,
            "source_id": image.source_id,
            "file_url": image.file_url,
            "source_page_url": image.source_page_url,
            "licence": image.licence,
            "licence_url": image.licence_url,
            "author": image.author,
            "attribution": image.attribution,
        },
        "status": image.status,
        "analysis_error": image.analysis_error,
        "phash": image.phash,
        # The photo's near-duplicate group (null when it has no other versions) and whether it is the
        # version the gallery shows.
        "duplicate_group": image.duplicate_group,
        "is_group_best": image.is_group_best,
        "quality": {
            "score": image.quality_score,
            "problems": image.quality_problems,
            "values": image.quality_values,
        },
        "colours": [
            {"rank": c.rank, "hex": c.hex, "share": c.share, "name": c.name, "family": c.family}
            for c in image.colours.all()
        ],
        "tags": [
            {
                "name": t.tag.name,
                "origin": t.origin,
                "user": t.user.get_username() if t.user else None,
                "confidence": t.confidence,
            }
            for t in image.image_tags.all()
        ],
        "exif": image.exif,
    }
