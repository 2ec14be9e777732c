"""Indexes for the delivery-time and rating sorts, and (PostgreSQL) for a
top-level category read in price order."""

import django.db.models.functions.comparison
from django.db import migrations, models

ROOT_PRICE = (
    "CREATE INDEX search_doc_root_price ON catalog_search_offerdocument"
    " ((split_part(category_path, '/', 2)), price_paise, offer_id)"
)


def _postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_catalogue"),
        ("catalog_search", "0002_fulltext"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offerdocument",
            index=models.Index(
                fields=["lead_time_days", "price_paise", "offer"], name="search_doc_lead_time"
            ),
        ),
        migrations.AddIndex(
            model_name="offerdocument",
            index=models.Index(
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce("rating_hundredths", -1),
                    descending=True,
                ),
                models.F("price_paise"),
                models.F("offer"),
                name="search_doc_rating",
            ),
        ),
        migrations.RunPython(
            _postgresql(ROOT_PRICE), _postgresql("DROP INDEX IF EXISTS search_doc_root_price")
        ),
    ]
