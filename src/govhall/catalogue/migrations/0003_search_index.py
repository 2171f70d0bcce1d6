"""Full-text index over ItemSearchDocument: FTS5 on SQLite, a generated tsvector with GIN on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE catalogue_item_fts USING fts5(
        name_terms, keyword_terms, body_terms,
        content='catalogue_itemsearchdocument', content_rowid='item_id', tokenize='unicode61')""",
    """CREATE TRIGGER catalogue_item_fts_ai AFTER INSERT ON catalogue_itemsearchdocument BEGIN
        INSERT INTO catalogue_item_fts(rowid, name_terms, keyword_terms, body_terms)
        VALUES (new.item_id, new.name_terms, new.keyword_terms, new.body_terms); END""",
    """CREATE TRIGGER catalogue_item_fts_ad AFTER DELETE ON catalogue_itemsearchdocument BEGIN
        INSERT INTO catalogue_item_fts(catalogue_item_fts, rowid, name_terms, keyword_terms, body_terms)
        VALUES ('delete', old.item_id, old.name_terms, old.keyword_terms, old.body_terms); END""",
    """CREATE TRIGGER catalogue_item_fts_au AFTER UPDATE ON catalogue_itemsearchdocument BEGIN
        INSERT INTO catalogue_item_fts(catalogue_item_fts, rowid, name_terms, keyword_terms, body_terms)
        VALUES ('delete', old.item_id, old.name_terms, old.keyword_terms, old.body_terms);
        INSERT INTO catalogue_item_fts(rowid, name_terms, keyword_terms, body_terms)
        VALUES (new.item_id, new.name_terms, new.keyword_terms, new.body_terms); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS catalogue_item_fts_au",
    "DROP TRIGGER IF EXISTS catalogue_item_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_item_fts_ai",
    "DROP TABLE IF EXISTS catalogue_item_fts",
]
# PostgreSQL: a narrow side table, kept in step with catalogue_itemsearchdocument by a trigger (as FTS5 is on
# SQLite), holds the vectors searches read: every term (stripped, large, stored out of line) for matching and
# counting, and the name's terms (small, inline) for the first stage and its ranking. Narrow rows mean that
# counting or ranking thousands of matches reads few pages.
POSTGRES = [
    """ALTER TABLE catalogue_itemsearchdocument ADD COLUMN keyword_document tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', keyword_terms)) STORED""",
    """CREATE TABLE catalogue_item_tsv (
        item_id bigint PRIMARY KEY,
        name_document tsvector NOT NULL,
        document tsvector NOT NULL) WITH (toast_tuple_target = 128)""",
    "ALTER TABLE catalogue_item_tsv ALTER COLUMN name_document SET STORAGE MAIN",
    # fastupdate off: the catalogue changes rarely, and searches then never scan a GIN pending list.
    "CREATE INDEX catalogue_item_tsv_gin ON catalogue_item_tsv USING gin (document) WITH (fastupdate = off)",
    "CREATE INDEX catalogue_item_tsv_name_gin ON catalogue_item_tsv USING gin (name_document) WITH (fastupdate = off)",
    """CREATE FUNCTION catalogue_item_tsv_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO catalogue_item_tsv (item_id, name_document, document)
        VALUES (NEW.item_id, to_tsvector('simple', NEW.name_terms), strip(to_tsvector('simple',
                NEW.name_terms || ' ' || NEW.keyword_terms || ' ' || NEW.body_terms)))
        ON CONFLICT (item_id) DO UPDATE
            SET name_document = EXCLUDED.name_document, document = EXCLUDED.document;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER catalogue_item_tsv_sync AFTER INSERT OR UPDATE ON catalogue_itemsearchdocument
        FOR EACH ROW EXECUTE FUNCTION catalogue_item_tsv_sync()""",
    # No foreign key (Django's flush truncates the document table alone): deletes follow by triggers.
    """CREATE FUNCTION catalogue_item_tsv_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM catalogue_item_tsv WHERE item_id = OLD.item_id;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER catalogue_item_tsv_delete AFTER DELETE ON catalogue_itemsearchdocument
        FOR EACH ROW EXECUTE FUNCTION catalogue_item_tsv_delete()""",
    """CREATE FUNCTION catalogue_item_tsv_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE catalogue_item_tsv;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER catalogue_item_tsv_truncate AFTER TRUNCATE ON catalogue_itemsearchdocument
        FOR EACH STATEMENT EXECUTE FUNCTION catalogue_item_tsv_truncate()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS catalogue_item_tsv_truncate ON catalogue_itemsearchdocument",
    "DROP FUNCTION IF EXISTS catalogue_item_tsv_truncate()",
    "DROP TRIGGER IF EXISTS catalogue_item_tsv_delete ON catalogue_itemsearchdocument",
    "DROP FUNCTION IF EXISTS catalogue_item_tsv_delete()",
    "DROP TRIGGER IF EXISTS catalogue_item_tsv_sync ON catalogue_itemsearchdocument",
    "DROP FUNCTION IF EXISTS catalogue_item_tsv_sync()",
    "DROP TABLE IF EXISTS catalogue_item_tsv",
    "ALTER TABLE catalogue_itemsearchdocument DROP COLUMN IF EXISTS keyword_document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
