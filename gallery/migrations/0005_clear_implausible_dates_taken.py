"""Clear dates taken outside 1826..tomorrow that earlier versions stored from crafted EXIF.

On PostgreSQL such a row (e.g. year 10000 in UTC) could be stored but not read back by psycopg, so
every page listing it failed and staff could not open it to delete it. The update filters in SQL and
never loads the rows. The bounds are copied here, not imported: a migration must not change when
gallery.analysis.dates does.
"""

from datetime import UTC, datetime, timedelta

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q

EARLIEST_TAKEN_AT = datetime(1826, 1, 1, tzinfo=UTC)


def clear_implausible_dates_taken(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    image_model = apps.get_model("gallery", "Image")
    latest = datetime.now(UTC) + timedelta(days=1)
    image_model.objects.filter(Q(taken_at__lt=EARLIEST_TAKEN_AT) | Q(taken_at__gt=latest)).update(taken_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0004_image_near_duplicate_groups"),
    ]

    operations = [
        migrations.RunPython(clear_implausible_dates_taken, migrations.RunPython.noop),
    ]
