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
POSTGRES = [
    """ALTER TABLE catalogue_itemsearchdocument ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_terms), 'A') ||
        setweight(to_tsvector('simple', keyword_terms), 'B') ||
        setweight(to_tsvector('simple', body_terms), 'C')) STORED""",
    "CREATE INDEX catalogue_item_document_gin ON catalogue_itemsearchdocument USING gin (document)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS catalogue_item_document_gin",
    "ALTER TABLE catalogue_itemsearchdocument DROP COLUMN IF EXISTS document",
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
