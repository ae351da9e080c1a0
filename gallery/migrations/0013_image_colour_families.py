"""Each photo's colour families, stored with its colours (Image.colour_families) and filled from the
colours already stored, an index of the listed photos' facet columns for the gallery's counts, and
an index on when each photo last changed (for the duplicate index of each process) and one on its
author (for an author's page).

On SQLite, adding a NOT NULL column and an index to a field rebuild gallery_image, which drops the search triggers that
0010 put on it; they are made again here, as 0011 does.
"""

import importlib
from itertools import groupby

from django.db import migrations, models

from gallery.analysis.palette import families_field

like_count_migration = importlib.import_module("gallery.migrations.0011_image_like_count")
BATCH = 2000


def fill_colour_families(apps, schema_editor):
    Image = apps.get_model("gallery", "Image")
    Colour = apps.get_model("gallery", "Colour")
    rows = Colour.objects.order_by("image_id").values_list("image_id", "family", "share").iterator(BATCH)
    batch = []
    for image_id, colours in groupby(rows, key=lambda row: row[0]):
        batch.append(Image(pk=image_id, colour_families=families_field((f, s) for _, f, s in colours)))
        if len(batch) == BATCH:
            Image.objects.bulk_update(batch, ["colour_families"])
            batch = []
    Image.objects.bulk_update(batch, ["colour_families"])


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0012_page_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='image',
            name='colour_families',
            field=models.CharField(blank=True, editable=False, help_text='The colour families, as " blue grey ".', max_length=100),
        ),
        migrations.AlterField(
            model_name='image',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='image',
            name='author',
            field=models.CharField(blank=True, db_index=True, max_length=500),
        ),
        migrations.RunPython(like_count_migration.recreate_sqlite_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_colour_families, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='image',
            index=models.Index(condition=models.Q(('is_group_best', True), ('status', 'done'), models.Q(('thumbnail', ''), _negated=True)), fields=['orientation', 'size_class', 'source', 'licence', 'colour_families', 'quality_score', 'taken_at', 'camera_make', 'camera_model', 'id'], name='image_listed_facets'),
        ),
    ]
