"""The photo search index (gallery.search): an FTS5 table on SQLite, a GIN-indexed tsvector table on
PostgreSQL, each kept right by triggers on gallery_image, gallery_imagetag and gallery_tag, and
filled for the photos already stored.

The model's state is declared here; the database side depends on the vendor, so it is written out
below rather than generated.
"""

import django.db.models.deletion
from django.db import NotSupportedError, migrations, models

import gallery.search

# --- SQLite: FTS5 with the porter stemmer ------------------------------------------------------------

_SQLITE_TAGS = """coalesce((SELECT group_concat(name, ' ') FROM (
    SELECT DISTINCT t.name AS name FROM gallery_imagetag it JOIN gallery_tag t ON t.id = it.tag_id
    WHERE it.image_id = {image})), '')"""


def _sqlite_refresh_tags(image):
    return f"UPDATE gallery_image_search SET tags = {_SQLITE_TAGS.format(image=image)} WHERE rowid = {image};"


SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE gallery_image_search USING fts5(
        title, description, tags, author, camera, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""INSERT INTO gallery_image_search (rowid, title, description, tags, author, camera)
        SELECT i.id, i.title, i.description, {_SQLITE_TAGS.format(image='i.id')}, i.author,
               trim(i.camera_make || ' ' || i.camera_model)
        FROM gallery_image i""",
    """CREATE TRIGGER gallery_image_search_insert AFTER INSERT ON gallery_image BEGIN
        INSERT INTO gallery_image_search (rowid, title, description, tags, author, camera)
        VALUES (NEW.id, NEW.title, NEW.description, '', NEW.author,
                trim(NEW.camera_make || ' ' || NEW.camera_model));
    END""",
    """CREATE TRIGGER gallery_image_search_update
        AFTER UPDATE OF title, description, author, camera_make, camera_model ON gallery_image
        WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description
          OR OLD.author IS NOT NEW.author OR OLD.camera_make IS NOT NEW.camera_make
          OR OLD.camera_model IS NOT NEW.camera_model
    BEGIN
        UPDATE gallery_image_search SET title = NEW.title, description = NEW.description,
            author = NEW.author, camera = trim(NEW.camera_make || ' ' || NEW.camera_model)
        WHERE rowid = NEW.id;
    END""",
    """CREATE TRIGGER gallery_image_search_delete AFTER DELETE ON gallery_image BEGIN
        DELETE FROM gallery_image_search WHERE rowid = OLD.id;
    END""",
    f"""CREATE TRIGGER gallery_imagetag_search_insert AFTER INSERT ON gallery_imagetag BEGIN
        {_sqlite_refresh_tags('NEW.image_id')}
    END""",
    f"""CREATE TRIGGER gallery_imagetag_search_delete AFTER DELETE ON gallery_imagetag BEGIN
        {_sqlite_refresh_tags('OLD.image_id')}
    END""",
    f"""CREATE TRIGGER gallery_imagetag_search_update AFTER UPDATE OF image_id, tag_id ON gallery_imagetag
    BEGIN
        {_sqlite_refresh_tags('OLD.image_id')}
        {_sqlite_refresh_tags('NEW.image_id')}
    END""",
    f"""CREATE TRIGGER gallery_tag_search_rename AFTER UPDATE OF name ON gallery_tag
        WHEN OLD.name IS NOT NEW.name
    BEGIN
        UPDATE gallery_image_search SET tags = {_SQLITE_TAGS.format(image='gallery_image_search.rowid')}
        WHERE rowid IN (SELECT image_id FROM gallery_imagetag WHERE tag_id = NEW.id);
    END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS gallery_tag_search_rename",
    "DROP TRIGGER IF EXISTS gallery_imagetag_search_update",
    "DROP TRIGGER IF EXISTS gallery_imagetag_search_delete",
    "DROP TRIGGER IF EXISTS gallery_imagetag_search_insert",
    "DROP TRIGGER IF EXISTS gallery_image_search_delete",
    "DROP TRIGGER IF EXISTS gallery_image_search_update",
    "DROP TRIGGER IF EXISTS gallery_image_search_insert",
    "DROP TABLE IF EXISTS gallery_image_search",
]

# --- PostgreSQL: a weighted tsvector per photo, GIN-indexed --------------------------------------------

POSTGRES_CREATE = [
    """CREATE TABLE gallery_image_search (
        rowid bigint PRIMARY KEY,
        gallery_image_search tsvector NOT NULL
    )""",
    "CREATE INDEX gallery_image_search_gin ON gallery_image_search USING gin (gallery_image_search)",
    # Title A, tags B, author and camera C, description D: ts_rank weighs them 1, 0.4, 0.2, 0.1.
    f"""CREATE FUNCTION gallery_image_search_document(photo bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('{gallery.search.PG_CONFIG}', i.title), 'A')
            || setweight(to_tsvector('{gallery.search.PG_CONFIG}', coalesce((
                   SELECT string_agg(DISTINCT t.name, ' ') FROM gallery_imagetag it
                   JOIN gallery_tag t ON t.id = it.tag_id WHERE it.image_id = i.id), '')), 'B')
            || setweight(to_tsvector('{gallery.search.PG_CONFIG}',
                   i.author || ' ' || i.camera_make || ' ' || i.camera_model), 'C')
            || setweight(to_tsvector('{gallery.search.PG_CONFIG}', i.description), 'D')
        FROM gallery_image i WHERE i.id = photo
    $$""",
    """CREATE FUNCTION gallery_image_search_refresh(photo bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO gallery_image_search (rowid, gallery_image_search)
        SELECT i.id, gallery_image_search_document(i.id) FROM gallery_image i WHERE i.id = photo
        ON CONFLICT (rowid) DO UPDATE SET gallery_image_search = EXCLUDED.gallery_image_search
    $$""",
    """CREATE FUNCTION gallery_image_search_on_image() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM gallery_image_search WHERE rowid = OLD.id;
        ELSE
            PERFORM gallery_image_search_refresh(NEW.id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION gallery_image_search_on_imagetag() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM gallery_image_search_refresh(OLD.image_id);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.image_id <> OLD.image_id) THEN
            PERFORM gallery_image_search_refresh(NEW.image_id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION gallery_image_search_on_tag() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM gallery_image_search_refresh(it.image_id)
        FROM (SELECT DISTINCT image_id FROM gallery_imagetag WHERE tag_id = NEW.id) it;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER gallery_image_search_insert AFTER INSERT ON gallery_image
        FOR EACH ROW EXECUTE FUNCTION gallery_image_search_on_image()""",
    """CREATE TRIGGER gallery_image_search_update AFTER UPDATE ON gallery_image FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
              OR OLD.author IS DISTINCT FROM NEW.author OR OLD.camera_make IS DISTINCT FROM NEW.camera_make
              OR OLD.camera_model IS DISTINCT FROM NEW.camera_model)
        EXECUTE FUNCTION gallery_image_search_on_image()""",
    """CREATE TRIGGER gallery_image_search_delete AFTER DELETE ON gallery_image
        FOR EACH ROW EXECUTE FUNCTION gallery_image_search_on_image()""",
    """CREATE TRIGGER gallery_imagetag_search AFTER INSERT OR DELETE OR UPDATE OF image_id, tag_id
        ON gallery_imagetag FOR EACH ROW EXECUTE FUNCTION gallery_image_search_on_imagetag()""",
    """CREATE TRIGGER gallery_tag_search_rename AFTER UPDATE OF name ON gallery_tag FOR EACH ROW
        WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION gallery_image_search_on_tag()""",
    """INSERT INTO gallery_image_search (rowid, gallery_image_search)
        SELECT id, gallery_image_search_document(id) FROM gallery_image""",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS gallery_tag_search_rename ON gallery_tag",
    "DROP TRIGGER IF EXISTS gallery_imagetag_search ON gallery_imagetag",
    "DROP TRIGGER IF EXISTS gallery_image_search_delete ON gallery_image",
    "DROP TRIGGER IF EXISTS gallery_image_search_update ON gallery_image",
    "DROP TRIGGER IF EXISTS gallery_image_search_insert ON gallery_image",
    "DROP FUNCTION IF EXISTS gallery_image_search_on_tag()",
    "DROP FUNCTION IF EXISTS gallery_image_search_on_imagetag()",
    "DROP FUNCTION IF EXISTS gallery_image_search_on_image()",
    "DROP FUNCTION IF EXISTS gallery_image_search_refresh(bigint)",
    "DROP FUNCTION IF EXISTS gallery_image_search_document(bigint)",
    "DROP TABLE IF EXISTS gallery_image_search",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, create):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotSupportedError(f"Photo search needs SQLite (FTS5) or PostgreSQL, not {vendor}.")
    for statement in STATEMENTS[vendor][0 if create else 1]:
        schema_editor.execute(statement, params=None)


def create_search_index(apps, schema_editor):
    _run(schema_editor, create=True)


def drop_search_index(apps, schema_editor):
    _run(schema_editor, create=False)


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0009_tag_suggestions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImageSearch',
                    fields=[
                        ('image', models.OneToOneField(db_column='rowid', db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='gallery.image')),
                        ('document', gallery.search.SearchDocumentField(db_column='gallery_image_search', editable=False)),
                    ],
                    options={
                        'db_table': 'gallery_image_search',
                    },
                ),
            ],
            database_operations=[migrations.RunPython(create_search_index, drop_search_index)],
        ),
    ]
