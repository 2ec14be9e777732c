"""Maintenance of the search index (CAT-5): one `OfferDocument` per listed
offer, its full text, and the vocabulary typo correction looks words up in.

Both entry points write with set-based SQL (INSERT … SELECT over the
catalogue's tables), never row by row in Python:

- `offers_changed(ids)` — called by the catalogue's services on commit for
  every offer whose searchable facts changed (its product, price, stock,
  delivery, status, firm); it deletes those offers' documents and inserts
  them again if they are still listed.
- `rebuild()` — the whole index at once, for `kraya seed` and repairs. On
  PostgreSQL it drops the index's indexes, bulk-inserts, rebuilds them and
  the vocabulary, and analyses the table (1.5 million offers in minutes).

Listed = the offer and its product are PUBLISHED and its seller firm is
active and not barred at indexing time (INC-2; `kraya.incidents`
re-indexes a firm's offers when a bar starts, ends or is lifted). Seller
segments are the firm's *verified* social categories only (KYC-3): a tag
buyers filter on must rest on checked evidence.

The vocabulary: on PostgreSQL the `SearchWord` table (every lexeme of the
index with its document count, from `ts_stat`); `offers_changed` adds new
words but does not lower counts or drop words that left the catalogue (a
stale word only costs a correction that finds nothing; `rebuild` refreshes
it). On SQLite it is FTS5's own `fts5vocab` view, always current."""

# ruff: noqa: S608 -- SQL here is built from constants and column names only;
# every value travels as a query parameter.

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from kraya.catalog.models import Offer
from kraya.catalog.search import rules
from kraya.catalog.search.models import OfferDocument
from kraya.core import clock

_CHUNK = 1000
logger = logging.getLogger(__name__)

DOCUMENT_TABLE = OfferDocument._meta.db_table
FTS_TABLE = "catalog_search_fts"
VOCABULARY_VIEW = "catalog_search_fts_vocab"

# Typo correction only ever corrects to words of letters (`rules.is_correctable`),
# so model numbers, sizes and short words stay out of the vocabulary: at 1.5
# million offers that keeps it thousands of words, not a million.
_CORRECTION_TARGET = "length({word}) BETWEEN 3 AND 200 AND {word} !~ '[0-9]'"

_DOCUMENT_COLUMNS = (
    "offer_id",
    "product_id",
    "category_id",
    "category_path",
    "category_code",
    "category_name",
    "category_name_hi",
    "title",
    "title_hi",
    "brand",
    "model",
    "model_key",
    "oem",
    "price_paise",
    "mrp_paise",
    "lead_time_days",
    "rating_hundredths",
    "delivery_state_mask",
    "delivery_pincodes",
    "seller_firm_id",
    "seller_name",
    "seller_state",
    "segment_bits",
    "mii_class",
    "gi_tag",
    "price_flag",
    "golden_specs",
    "indexed_at",
)

# PostgreSQL indexes that are faster to build after a bulk insert than to
# keep up during it (name, definition); Django's own are dropped and added
# through the schema editor.
_POSTGRESQL_INDEXES = (
    (
        "search_doc_vector",
        f"CREATE INDEX search_doc_vector ON {DOCUMENT_TABLE} USING gin (search_vector)",
    ),
    (
        "search_doc_cat_prefix",
        f"CREATE INDEX search_doc_cat_prefix ON {DOCUMENT_TABLE}"
        " (category_path varchar_pattern_ops)",
    ),
    (
        "search_doc_root_price",
        f"CREATE INDEX search_doc_root_price ON {DOCUMENT_TABLE}"
        " ((split_part(category_path, '/', 2)), price_paise, offer_id)",
    ),
    (
        # MODE-3's L1 candidates (migration 0004): dropped and rebuilt with the rest.
        "search_doc_category_price",
        f"CREATE INDEX search_doc_category_price ON {DOCUMENT_TABLE}"
        " (category_id, price_paise, offer_id)",
    ),
    (
        "search_doc_golden",
        f"CREATE INDEX search_doc_golden ON {DOCUMENT_TABLE}"
        " USING gin (golden_specs jsonb_path_ops)",
    ),
)


def _segment_case() -> str:
    arms = " ".join(
        f"WHEN '{code}' THEN {rules.SEGMENT_BITS[code]}" for code in rules.SEGMENT_CODES
    )
    return f"CASE sc.kind {arms} ELSE 0 END"


def _source_sql(vendor: str, *, only_listed_ids: bool) -> str:
    """SELECT of every document column (and `search_title`, `search_body`)
    for the listed offers, optionally only those with ids in a parameter."""
    postgres = vendor == "postgresql"
    if postgres:
        model_key = "lower(regexp_replace(p.model, '[^[:alnum:]]+', '', 'g'))"
        pincodes = (
            "CASE WHEN regexp_replace(o.delivery_pincodes, '[^0-9]', '', 'g') = '' THEN '' "
            "ELSE ',' || btrim(regexp_replace(regexp_replace("
            "o.delivery_pincodes, '[^0-9,]', '', 'g'), ',+', ',', 'g'), ',') || ',' END"
        )
        golden = (
            "COALESCE((SELECT jsonb_object_agg(sp.code, p.specs -> sp.code)"
            " FROM catalog_specparameter sp WHERE sp.category_id = p.category_id"
            " AND sp.is_golden AND p.specs -> sp.code IS NOT NULL), '{}'::jsonb)"
        )
        ids = "o.id = ANY(%s)"
    else:
        model_key = "kraya_model_key(p.model)"
        pincodes = "kraya_pincodes(o.delivery_pincodes)"
        path = "'$.\"' || sp.code || '\"'"
        golden = (
            f"COALESCE((SELECT json_group_object(sp.code, json_extract(p.specs, {path}))"
            " FROM catalog_specparameter sp WHERE sp.category_id = p.category_id"
            f" AND sp.is_golden AND json_type(p.specs, {path}) IS NOT NULL), '{{}}')"
        )
        ids = "o.id IN (SELECT value FROM json_each(%s))"
    where = f" AND {ids}" if only_listed_ids else ""
    return f"""
WITH RECURSIVE tree(id, path, names) AS (
    SELECT c.id, '/' || c.id || '/', c.name || ' ' || c.name_hi
    FROM catalog_category c WHERE c.parent_id IS NULL
    UNION ALL
    SELECT c.id, t.path || c.id || '/', t.names || ' ' || c.name || ' ' || c.name_hi
    FROM catalog_category c JOIN tree t ON c.parent_id = t.id
),
firm_segments AS (
    SELECT r.firm_id AS firm_id, SUM({_segment_case()}) AS bits
    FROM sellers_socialcategory sc JOIN sellers_registration r ON r.id = sc.registration_id
    WHERE sc.verified AND r.firm_id IS NOT NULL
    GROUP BY r.firm_id
)
SELECT o.id AS offer_id, p.id AS product_id, c.id AS category_id, t.path AS category_path,
    c.code AS category_code, c.name AS category_name, c.name_hi AS category_name_hi,
    p.title AS title, p.title_hi AS title_hi, b.name AS brand, p.model AS model,
    {model_key} AS model_key, p.oem AS oem, o.price_paise AS price_paise,
    o.mrp_paise AS mrp_paise, o.lead_time_days AS lead_time_days,
    o.rating_hundredths AS rating_hundredths, o.delivery_state_mask AS delivery_state_mask,
    {pincodes} AS delivery_pincodes, f.id AS seller_firm_id, f.name AS seller_name,
    f.state AS seller_state, COALESCE(fs.bits, 0) AS segment_bits, p.mii_class AS mii_class,
    p.gi_tag AS gi_tag, o.price_flag AS price_flag, {golden} AS golden_specs,
    %s AS indexed_at,
    p.title || ' ' || p.title_hi || ' ' || b.name || ' ' || p.model AS search_title,
    p.oem || ' ' || t.names AS search_body
FROM catalog_offer o
JOIN catalog_product p ON p.id = o.product_id
JOIN catalog_brand b ON b.id = p.brand_id
JOIN catalog_category c ON c.id = p.category_id
JOIN tree t ON t.id = c.id
JOIN accounts_sellerfirm f ON f.id = o.seller_firm_id
LEFT JOIN firm_segments fs ON fs.firm_id = f.id
WHERE o.status = 'PUBLISHED' AND p.status = 'PUBLISHED' AND f.is_active
    AND (f.suspended_until IS NULL OR f.suspended_until <= %s)
    AND (f.debarred_until IS NULL OR f.debarred_until <= %s){where}
"""


_UPSERT = ", ".join(
    f"{column} = EXCLUDED.{column}" for column in (*_DOCUMENT_COLUMNS[1:], "search_vector")
)


def _insert(cursor: Any, *, ids: list[int] | None, clustered: bool = False) -> int:
    """Insert the documents (and SQLite's FTS rows) of the listed offers
    among `ids` (all when None); return how many were inserted."""
    vendor = connection.vendor
    source = _source_sql(vendor, only_listed_ids=ids is not None)
    columns = ", ".join(_DOCUMENT_COLUMNS)
    now = clock.now()
    if vendor == "postgresql":
        # indexed_at, then INC-2's "not barred at" twice, then the ids.
        params: list[Any] = [now, now, now] + ([ids] if ids is not None else [])
        cursor.execute(
            f"INSERT INTO {DOCUMENT_TABLE} ({columns}, search_vector) "
            f"SELECT {columns}, setweight(to_tsvector('simple', search_title), 'A')"
            f" || setweight(to_tsvector('simple', search_body), 'B') FROM ({source}) s"
            # A whole rebuild writes a category's documents together on disk:
            # a search within a category, or for a word of its names, reads
            # few pages.
            f"{' ORDER BY category_path, price_paise' if clustered else ''}"
            # Two commits re-indexing one offer at once: the later one wins.
            f" ON CONFLICT (offer_id) DO UPDATE SET {_UPSERT}",
            params,
        )
        return int(cursor.rowcount)
    at = connection.ops.adapt_datetimefield_value(now)
    params = [now, at, at] + ([json.dumps(ids)] if ids is not None else [])
    cursor.execute(
        f"INSERT INTO {DOCUMENT_TABLE} ({columns}) SELECT {columns} FROM ({source}) s", params
    )
    inserted = int(cursor.rowcount)
    cursor.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, title, body) "
        f"SELECT offer_id, search_title, search_body FROM ({source}) s",
        params,
    )
    return inserted


def offers_changed(offer_ids: Iterable[int]) -> None:
    """Re-index the given offers; unlisted offers are removed from the index.

    Runs after the catalogue's commit: a failure here is logged, not raised,
    so a committed change never answers with an error (the index is a cache;
    `rebuild` repairs it)."""
    ids = sorted({int(i) for i in offer_ids})
    if not ids:
        return
    try:
        _reindex(ids)
    except DatabaseError:
        logger.exception("search index: re-indexing %d offers failed", len(ids))
    finally:
        _forget_counts()


def _reindex(ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            _delete(cursor, chunk)
            _insert(cursor, ids=chunk)
            if connection.vendor == "postgresql":
                cursor.execute(
                    "INSERT INTO catalog_search_searchword (word, document_count) "
                    "SELECT w, 1 FROM"
                    " (SELECT DISTINCT unnest(tsvector_to_array(search_vector)) AS w"
                    f" FROM {DOCUMENT_TABLE} WHERE offer_id = ANY(%s)) s"
                    f" WHERE {_CORRECTION_TARGET.format(word='w')} ON CONFLICT (word) DO NOTHING",
                    [chunk],
                )


def _delete(cursor: Any, ids: list[int]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(f"DELETE FROM {DOCUMENT_TABLE} WHERE offer_id IN ({marks})", ids)
    if connection.vendor == "sqlite":
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)


def rebuild() -> int:
    """Rebuild the whole index and vocabulary; returns the number of indexed offers."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            inserted = _insert(cursor, ids=None)
            _forget_counts()
            return inserted
        cursor.execute(f"TRUNCATE {DOCUMENT_TABLE}")
        with connection.schema_editor(atomic=False) as editor:
            for index in OfferDocument._meta.indexes:
                editor.remove_index(OfferDocument, index)
            for name, _definition in _POSTGRESQL_INDEXES:
                editor.execute(f"DROP INDEX IF EXISTS {name}")
            count = _insert(cursor, ids=None, clustered=True)
            # Check the deferred foreign keys now: PostgreSQL builds no index
            # on a table with pending trigger events.
            editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            editor.execute("SET CONSTRAINTS ALL DEFERRED")
            for index in OfferDocument._meta.indexes:
                editor.add_index(OfferDocument, index)
            for _name, definition in _POSTGRESQL_INDEXES:
                editor.execute(definition)
        cursor.execute("TRUNCATE catalog_search_searchword")
        cursor.execute(
            "INSERT INTO catalog_search_searchword (word, document_count) "
            f"SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM {DOCUMENT_TABLE}')"
            f" WHERE {_CORRECTION_TARGET.format(word='word')}"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")
        cursor.execute("ANALYZE catalog_search_searchword")
    _forget_counts()
    return count


def seller_ratings_set(
    *, hundredths_by_firm: Mapping[int, int | None], rated_firms: Any = None
) -> int:
    """ORD-9: copy each seller firm's rating (hundredths of a point out of 5,
    or None) onto its offers and their documents, so the rating sort reads
    its index (`search_doc_rating`) and a re-index keeps the value. Offers of
    a firm not among `rated_firms` (a query of firm ids, when given) lose any
    rating they had. Set-based: one UPDATE per distinct rating and chunk of
    firms (a 0-5 scale with one decimal has at most 51 values), not one per
    firm. Returns how many documents changed."""
    firms_by_value: dict[int | None, list[int]] = defaultdict(list)
    for firm_id, hundredths in sorted(hundredths_by_firm.items()):
        firms_by_value[hundredths].append(firm_id)
    changed = 0
    with transaction.atomic():
        for value, firm_ids in firms_by_value.items():
            for start in range(0, len(firm_ids), _CHUNK):
                chunk = firm_ids[start : start + _CHUNK]
                stale = (
                    Q(rating_hundredths__isnull=False)
                    if value is None
                    else ~Q(rating_hundredths=value)
                )
                Offer.objects.filter(stale, seller_firm_id__in=chunk).update(
                    rating_hundredths=value
                )
                changed += OfferDocument.objects.filter(stale, seller_firm_id__in=chunk).update(
                    rating_hundredths=value
                )
        if rated_firms is not None:
            Offer.objects.filter(rating_hundredths__isnull=False).exclude(
                seller_firm_id__in=rated_firms
            ).update(rating_hundredths=None)
            changed += (
                OfferDocument.objects.filter(rating_hundredths__isnull=False)
                .exclude(seller_firm_id__in=rated_firms)
                .update(rating_hundredths=None)
            )
    return changed


def _forget_counts() -> None:
    """Cached facet counts are of the old index."""
    from kraya.catalog.search import facets  # facets → sql → index

    facets.index_changed()
