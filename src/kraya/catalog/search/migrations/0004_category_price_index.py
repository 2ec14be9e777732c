"""An index for the L1 comparison (MODE-3): one leaf category's documents in
price order. `kraya.buying.services.comparisons.candidates` filters by
`category_id` and reads the cheapest first; without it PostgreSQL scanned the
golden-parameter GIN index or the whole table at 1.5 million offers.

Plain SQL (as 0003's root-price index) on both databases: the model keeps no
entry for it, so `kraya.catalog.search.index.rebuild` leaves it in place."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS search_doc_category_price ON catalog_search_offerdocument"
    " (category_id, price_paise, offer_id)"
)
DROP = "DROP INDEX IF EXISTS search_doc_category_price"


class Migration(migrations.Migration):
    dependencies = [("catalog_search", "0003_sort_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
