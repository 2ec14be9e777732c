"""SQL pieces of the search selector, one vocabulary for both databases.

A `Clause` is an SQL condition over the document alias `d` with its
parameters (`%s` placeholders on both backends). The text match differs:
PostgreSQL matches `search_vector` with `plainto_tsquery('simple', …)` and
ranks with `ts_rank_cd`; SQLite joins the FTS5 table and ranks with `bm25`.
Ranks are scaled to integers so a cursor carries them exactly."""

# ruff: noqa: S608 -- SQL here is built from constants and column names only;
# every value travels as a query parameter.

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kraya.catalog.search import rules
from kraya.catalog.search.index import DOCUMENT_TABLE, FTS_TABLE, VOCABULARY_VIEW


@dataclass(frozen=True)
class Clause:
    sql: str
    params: list[Any] = field(default_factory=list)


TRUE = Clause("1 = 1")


def conjunction(clauses: Sequence[Clause]) -> Clause:
    if not clauses:
        return TRUE
    return Clause(
        " AND ".join(f"({c.sql})" for c in clauses),
        [p for c in clauses for p in c.params],
    )


@dataclass(frozen=True)
class Source:
    """The FROM clause (documents, joined with the text match when there is
    text), the text condition, and the rank expression."""

    from_sql: str
    from_params: list[Any]
    where: Clause
    rank_sql: str  # an integer, larger = more relevant; "0" without text


def source(vendor: str, *, text: str | None, words: list[str]) -> Source:
    if not words:
        return Source(f"{DOCUMENT_TABLE} d", [], TRUE, "0")
    if vendor == "postgresql":
        return Source(
            f"{DOCUMENT_TABLE} d CROSS JOIN plainto_tsquery('simple', %s) AS qq",
            [text],
            Clause("d.search_vector @@ qq"),
            "(ts_rank_cd(d.search_vector, qq) * 1000000)::bigint",
        )
    match = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    return Source(
        f"{DOCUMENT_TABLE} d JOIN (SELECT rowid AS rid, bm25({FTS_TABLE}, 10.0, 1.0) AS bm"
        f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) f ON f.rid = d.offer_id",
        [match],
        TRUE,
        "CAST(-f.bm * 1000000000000 AS INTEGER)",
    )


def _json_path(vendor: str, code: str) -> str:
    return code if vendor == "postgresql" else f'$."{code}"'


def spec_text(vendor: str, code: str) -> Clause:
    """A golden parameter's value as text (SQL NULL when the offer has none)."""
    if vendor == "postgresql":
        return Clause("d.golden_specs ->> %s", [code])
    return Clause("CAST(json_extract(d.golden_specs, %s) AS TEXT)", [_json_path(vendor, code)])


def spec_equals(vendor: str, code: str, value: str) -> Clause:
    if vendor == "postgresql":
        # Containment uses the GIN index on golden_specs.
        return Clause("d.golden_specs @> %s::jsonb", [json.dumps({code: value})])
    return Clause(
        "CAST(json_extract(d.golden_specs, %s) AS TEXT) = %s", [_json_path(vendor, code), value]
    )


def spec_in_range(vendor: str, code: str, span: rules.NumericRange) -> Clause:
    if vendor == "postgresql":
        # Only well-formed numbers are cast, so a stray value never errors.
        number = (
            "(CASE WHEN (d.golden_specs ->> %s) ~ '^-?[0-9]+(\\.[0-9]+)?$'"
            " THEN (d.golden_specs ->> %s)::numeric END)"
        )
        number_params: list[Any] = [code, code]
    else:
        number = (
            "(CASE WHEN json_type(d.golden_specs, %s) IN ('integer', 'real', 'text')"
            " THEN CAST(json_extract(d.golden_specs, %s) AS REAL) END)"
        )
        number_params = [_json_path(vendor, code)] * 2
    parts: list[Clause] = []
    if span.low is not None:
        parts.append(Clause(f"{number} >= %s", [*number_params, _number(vendor, span.low)]))
    if span.high is not None:
        parts.append(Clause(f"{number} <= %s", [*number_params, _number(vendor, span.high)]))
    return conjunction(parts)


def _number(vendor: str, value: Decimal) -> Any:
    return value if vendor == "postgresql" else float(value)


def price_between(low: int | None, high: int | None) -> Clause:
    parts = []
    if low is not None:
        parts.append(Clause("d.price_paise >= %s", [low]))
    if high is not None:
        parts.append(Clause("d.price_paise <= %s", [high]))
    return conjunction(parts)


def mask_has(column: str, mask: int) -> Clause:
    return Clause(f"(d.{column} & %s) <> 0", [mask])


def equals(column: str, value: Any) -> Clause:
    return Clause(f"d.{column} = %s", [value])


def delivers_to_pincode(pincode: str) -> Clause:
    return Clause("(d.delivery_pincodes = '' OR d.delivery_pincodes LIKE %s)", [f"%,{pincode},%"])


def in_category(vendor: str, path: str) -> Clause:
    """The offers in the category with this path or below it. A top-level
    category on PostgreSQL compares the path's first id, which an index on
    (that id, price) serves in price order."""
    ids = path.strip("/").split("/")
    if vendor == "postgresql" and len(ids) == 1:
        return Clause("split_part(d.category_path, '/', 2) = %s", [ids[0]])
    return Clause("d.category_path LIKE %s", [path.replace("%", "") + "%"])


GI = Clause("d.gi_tag <> ''")


def keyset_after(keys: Sequence[tuple[str, bool]], values: Sequence[Any]) -> Clause:
    """Rows strictly after `values` in the order `keys` ((alias, descending)):
    (a > x) OR (a = x AND b > y) OR …; aliases are of the wrapped hits query."""
    ors: list[str] = []
    params: list[Any] = []
    equal_sql: list[str] = []
    equal_params: list[Any] = []
    for (alias, descending), value in zip(keys, values, strict=True):
        op = "<" if descending else ">"
        ors.append(" AND ".join([*equal_sql, f"s.{alias} {op} %s"]))
        params.extend([*equal_params, value])
        equal_sql.append(f"s.{alias} = %s")
        equal_params.append(value)
    return Clause(" OR ".join(f"({part})" for part in ors), params)


def known_words_sql(vendor: str, count: int) -> str:
    marks = ", ".join(["%s"] * count)
    if vendor == "postgresql":
        return f"SELECT word, document_count FROM catalog_search_searchword WHERE word IN ({marks})"
    return f"SELECT term, doc FROM {VOCABULARY_VIEW} WHERE term IN ({marks})"


# PostgreSQL: the nearest known word by trigram similarity, through the
# trigram GIN index (`%%` is pg_trgm's similarity operator, threshold 0.3).
NEAREST_WORD_POSTGRESQL = (
    "SELECT word FROM catalog_search_searchword WHERE word %% %s"
    " ORDER BY similarity(word, %s) DESC, document_count DESC, word LIMIT 1"
)
# SQLite: candidates of a similar length from FTS5's vocabulary; the
# similarity is pg_trgm's, computed in Python (`rules.nearest_word`).
CANDIDATE_WORDS_SQLITE = (
    f"SELECT term, doc FROM {VOCABULARY_VIEW} WHERE length(term) BETWEEN %s AND %s"
    " AND term NOT GLOB '*[0-9]*'"
)


# PostgreSQL: the statement between these runs in one implicit transaction
# (a multi-statement query string), so SET LOCAL lasts exactly as long as
# the statement, and costs no round trip of its own.
INDEX_FIRST_PREFIX = "SET LOCAL enable_seqscan = off; "
INDEX_FIRST_SUFFIX = "; SET LOCAL enable_seqscan TO DEFAULT"


def execute_text_first(
    cursor: Any, vendor: str, words: Sequence[str], statement: str, params: Sequence[Any]
) -> None:
    """Execute `statement`; on PostgreSQL with text, reading the text matches
    through the GIN index, never by a sequential scan that stops at the Nth
    match. The planner expects a common word's matches spread evenly over
    the table; the documents lie category by category (`index.rebuild`), so
    a word of one category's names ("safety": 100,000 matches) can sit
    behind a million rows that hold none, and the scan reads them all
    (0.3–1.3 s). Afterwards the cursor holds the statement's rows."""
    if vendor != "postgresql" or not words:
        cursor.execute(statement, params)
        return
    cursor.execute(INDEX_FIRST_PREFIX + statement + INDEX_FIRST_SUFFIX, params)
    cursor.nextset()
