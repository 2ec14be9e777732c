"""The full-text parts of the search index, which differ by database.

PostgreSQL: pg_trgm, a `tsvector` column with a GIN index, a LIKE-prefix
index on the category path, a GIN index on golden parameters and a trigram
index on the vocabulary. SQLite: an FTS5 table and its vocabulary view."""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE catalog_search_offerdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX search_doc_vector ON catalog_search_offerdocument USING gin (search_vector)",
    "CREATE INDEX search_doc_cat_prefix ON catalog_search_offerdocument"
    " (category_path varchar_pattern_ops)",
    "CREATE INDEX search_doc_golden ON catalog_search_offerdocument"
    " USING gin (golden_specs jsonb_path_ops)",
    "CREATE INDEX search_word_trgm ON catalog_search_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP INDEX IF EXISTS search_doc_golden",
    "DROP INDEX IF EXISTS search_doc_cat_prefix",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE catalog_search_offerdocument DROP COLUMN IF EXISTS search_vector",
]
SQLITE = [
    # Devanagari writes vowels with combining marks (category M): keep them
    # inside words, as the query side (`rules.words`) does.
    "CREATE VIRTUAL TABLE catalog_search_fts USING fts5(title, body, "
    "tokenize=\"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\")",
    "CREATE VIRTUAL TABLE catalog_search_fts_vocab USING fts5vocab(catalog_search_fts, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS catalog_search_fts_vocab",
    "DROP TABLE IF EXISTS catalog_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
