"""Each photo's like count, stored on the photo (Image.like_count) and filled from the likes already
given, with an index for the "Most liked" order.

On SQLite, adding a NOT NULL column rebuilds gallery_image, which drops the search triggers that
0010 put on it; they are made again here from 0010's own statements.
"""

import importlib

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

search_migration = importlib.import_module("gallery.migrations.0010_image_search")


def fill_like_counts(apps, schema_editor):
    Image = apps.get_model("gallery", "Image")
    Like = apps.get_model("gallery", "Like")
    likes = Like.objects.filter(image=OuterRef("pk")).order_by().values("image").annotate(n=Count("pk")).values("n")
    Image.objects.update(like_count=Coalesce(Subquery(likes, output_field=IntegerField()), 0))


def recreate_sqlite_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in search_migration.SQLITE_DROP:
        if statement.startswith("DROP TRIGGER"):
            schema_editor.execute(statement, params=None)
    for statement in search_migration.SQLITE_CREATE:
        if statement.lstrip().startswith("CREATE TRIGGER"):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0010_image_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='image',
            name='like_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(recreate_sqlite_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_like_counts, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='image',
            index=models.Index(models.OrderBy(models.F('like_count'), descending=True), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='image_most_liked'),
        ),
    ]
