"""The one search behind the web pages and the API (CAT-5).

`search_offers` runs, for one page: a vocabulary look-up when there is text
(typo correction; its document counts also tell a rare word from a common
one), the category and its golden parameters when one is chosen, the hits
query (keyset-paginated), the golden parameter names of the hits' categories,
and — only with facets — ONE statement counting every facet plus the names
of the category facet's children. Facets are disjunctive: each facet's
counts apply every filter but its own. The category facet is a drill-down:
it counts the chosen category's children (or the top-level categories)
under every other filter.

Counting a huge match (a one-word query over 1.5 million offers) would
dominate the request, so facets and `total` are counted over at most
FACET_SCAN_LIMIT documents matching the text, category and PIN code; the
result then says `counts_exact=False`.

Relevance: an exact model-number match first, then full-text rank, then
price, then offer id. Sellers stay anonymous to buyers (`seller_name` None):
direct purchase hides who sells until the decision; operators see every
name, a seller its own firm's."""

# ruff: noqa: S608 -- SQL here is built from constants and column names only;
# every value travels as a query parameter.

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import connection

from kraya.accounts.selectors import Actor
from kraya.catalog.models import SpecParameter
from kraya.catalog.search import facets as facet_counts
from kraya.catalog.search import rules, sql
from kraya.catalog.search.hits import (
    HIT_COLUMNS,
    golden_parameters,
    hits_of,
    offers_for_compare,
)
from kraya.catalog.search.types import (
    BadSearchCursor,
    FacetRow,
    OfferHit,
    SearchQuery,
    SearchRefused,
    SearchResult,
    refuse,
)

__all__ = [
    "FACET_SCAN_LIMIT",
    "RANK_CANDIDATES",
    "TEXT_SCAN_LIMIT",
    "BadSearchCursor",
    "FacetRow",
    "OfferHit",
    "SearchQuery",
    "SearchRefused",
    "SearchResult",
    "offers_for_compare",
    "search_offers",
]

FACET_SCAN_LIMIT = 2_000
RANK_CANDIDATES = 1_000
# PostgreSQL with text: hits are looked for among at most this many text
# matches (`_text_first_statement`), so no query reads 500,000 rows.
TEXT_SCAN_LIMIT = 2_000
# Above this many documents holding every word, sorting by an index beats
# reading every match first (see `_Plan.filter_first`).
DENSE_MATCHES = 30_000
_CURSOR_SALT = "kraya.catalog.search.cursor"
_MAX_CURSOR_LENGTH = 500


# The order of each sort as (alias of the hits query, descending); the
# offer id ends every order, so it is total and a cursor is unambiguous.
_ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "text": (("mm", True), ("rk", True), ("price_paise", False), ("offer_id", False)),
    rules.RELEVANCE: (("price_paise", False), ("offer_id", False)),
    rules.PRICE_ASC: (("price_paise", False), ("offer_id", False)),
    rules.PRICE_DESC: (("price_paise", True), ("offer_id", True)),
    rules.DELIVERY: (("lead_time_days", False), ("price_paise", False), ("offer_id", False)),
    rules.RATING: (("rating_key", True), ("price_paise", False), ("offer_id", False)),
}


class _Plan:
    """A validated query turned into SQL pieces."""

    def __init__(self, query: SearchQuery) -> None:
        self.vendor = connection.vendor
        self.query = query
        self.category: dict[str, Any] | None = None
        self.category_path = "/"
        self.golden: list[SpecParameter] = []
        self.words: list[str] = []
        self.text: str | None = None
        self.corrected_text: str | None = None
        self.fixed: list[sql.Clause] = []  # filters that are no facet
        self.facet_filters: dict[str, sql.Clause] = {}
        self.estimated_matches: int | None = None  # documents holding every word

    @property
    def filter_first(self) -> bool:
        """PostgreSQL: read the matches first, then sort them, instead of
        walking a sort index and filtering (which the planner prefers, and
        which takes seconds when the matches are not where the sort begins:
        a category's cheapest offer may be the 85,000th cheapest overall).
        Only a very common word alone is better read in sort order."""
        if self.vendor != "postgresql":
            return False
        if self.category is not None:
            # A top-level category alone is read in price order by its index.
            return bool(self.words) or self.category_path.count("/") > 2
        return self.estimated_matches is not None and self.estimated_matches < DENSE_MATCHES


def search_offers(*, actor: Actor | None, query: SearchQuery) -> SearchResult:
    """One page of listed offers matching `query`, with facets if asked (CAT-5)."""
    plan = _plan(query)
    source = sql.source(plan.vendor, text=plan.text, words=plan.words)
    sort_key = "text" if plan.words and query.sort == rules.RELEVANCE else query.sort
    keys = _ORDERS[sort_key]
    after = _decode_cursor(query.cursor, sort_key, len(keys)) if query.cursor else None
    rows = _hit_rows(plan, source, keys, after, ranked=sort_key == "text")
    page = rows[: query.limit]
    next_cursor = None
    if len(rows) > query.limit and page:
        last = page[-1]
        next_cursor = _encode_cursor(sort_key, [last[alias] for alias, _desc in keys])
    hits = hits_of(actor, page, plan.golden)
    facets: dict[str, list[FacetRow]] = {}
    total = None
    exact = True
    if query.with_facets:
        counted = facet_counts.count(plan, source, scan_limit=FACET_SCAN_LIMIT)
        facets, total, exact = counted.facets, counted.total, counted.exact
    return SearchResult(
        hits=hits,
        facets=facets,
        next_cursor=next_cursor,
        corrected_text=plan.corrected_text,
        total=total,
        counts_exact=exact,
    )


# --- planning ----------------------------------------------------------------


def _plan(query: SearchQuery) -> _Plan:
    problems = rules.query_problems(
        text=query.text,
        sort=query.sort,
        limit=query.limit,
        price_min_paise=query.price_min_paise,
        price_max_paise=query.price_max_paise,
        delivery_state=query.delivery_state or "",
        pincode=query.pincode or "",
        segments=query.segments,
        mii_class=query.mii_class or "",
        seller_state=query.seller_state or "",
    )
    plan = _Plan(query)
    if query.category_code:
        plan.category = _category_with_path(query.category_code)
        if plan.category is None:
            problems.append(rules.Problem("category", "search.unknown_category"))
        else:
            plan.category_path = plan.category["path"]
            plan.golden = golden_parameters(plan.category["id"])
    elif query.params:
        problems.append(rules.Problem("params", "search.params_need_category"))
    spec_filters = _spec_filters(plan, problems) if plan.category else {}
    if problems:
        raise refuse(problems)
    if plan.category is not None:
        plan.fixed.append(sql.in_category(plan.vendor, plan.category_path))
    if query.pincode:
        plan.fixed.append(sql.delivers_to_pincode(query.pincode))
    _add_facet_filters(plan, spec_filters)
    _plan_text(plan, query.text)
    return plan


# (index version prefix, category code) → (expires at, category with path).
_CATEGORY_MEMO: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
_CATEGORY_MEMO_MAX = 5000


def _category_with_path(code: str) -> dict[str, Any] | None:
    """The category with `code` and its path of ids from the root, remembered
    in this process per index version for the facet cache's seconds (a
    category moved or added changes the index, so the version moves on)."""
    seconds = facet_counts.cache_seconds()
    if not seconds:
        return _category_path_query(code)
    key = (facet_counts.cache_prefix(), code)
    now = time.monotonic()
    remembered = _CATEGORY_MEMO.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    found = _category_path_query(code)
    if found is None:
        return None  # not remembered: a category made a moment later is found at once
    if len(_CATEGORY_MEMO) > _CATEGORY_MEMO_MAX:
        _CATEGORY_MEMO.clear()
    _CATEGORY_MEMO[key] = (now + seconds, found)
    return found


def _category_path_query(code: str) -> dict[str, Any] | None:
    """The category with `code` and its path of ids from the root, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE up(id, parent_id, depth) AS ("
            " SELECT id, parent_id, 0 FROM catalog_category WHERE code = %s"
            " UNION ALL SELECT c.id, c.parent_id, up.depth + 1"
            " FROM catalog_category c JOIN up ON c.id = up.parent_id)"
            " SELECT id FROM up ORDER BY depth DESC",
            [code],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return None
    return {"id": ids[-1], "code": code, "path": "/" + "/".join(str(i) for i in ids) + "/"}


def _spec_filters(plan: _Plan, problems: list[rules.Problem]) -> dict[str, sql.Clause]:
    golden = {parameter.code: parameter for parameter in plan.golden}
    filters: dict[str, sql.Clause] = {}
    for code, raw in plan.query.params.items():
        parameter = golden.get(code)
        field = f"params.{code}"
        value = str(raw).strip()
        if parameter is None:
            problems.append(rules.Problem(field, "search.unknown_parameter"))
            continue
        clause = _spec_clause(plan.vendor, parameter, value)
        if clause is None:
            problems.append(rules.Problem(field, "search.bad_parameter_value"))
        else:
            filters[f"param:{code}"] = clause
    return filters


def _spec_clause(vendor: str, parameter: SpecParameter, value: str) -> sql.Clause | None:
    if parameter.kind == SpecParameter.Kind.NUMBER:
        span = rules.parse_numeric_range(value)
        return None if span is None else sql.spec_in_range(vendor, parameter.code, span)
    if parameter.kind == SpecParameter.Kind.BOOLEAN:
        if value not in ("true", "false"):
            return None
        return sql.spec_equals(vendor, parameter.code, value)
    if parameter.kind == SpecParameter.Kind.CHOICE:
        allowed = {str(choice.get("value")) for choice in parameter.choices or []}
        if value not in allowed:
            return None
    if not value:
        return None
    return sql.spec_equals(vendor, parameter.code, value)


def _add_facet_filters(plan: _Plan, spec_filters: dict[str, sql.Clause]) -> None:
    query = plan.query
    filters = plan.facet_filters
    if query.price_min_paise is not None or query.price_max_paise is not None:
        filters["price_band"] = sql.price_between(query.price_min_paise, query.price_max_paise)
    if query.delivery_state:
        filters["delivery_state"] = sql.mask_has(
            "delivery_state_mask", rules.STATE_BITS[query.delivery_state]
        )
    if query.segments:
        filters["segments"] = sql.mask_has("segment_bits", rules.segment_mask(query.segments))
    if query.mii_class:
        filters["mii_class"] = sql.equals("mii_class", query.mii_class)
    if query.gi_only:
        filters["gi"] = sql.GI
    if query.seller_state:
        filters["seller_state"] = sql.equals("seller_state", query.seller_state)
    filters.update(spec_filters)


def _plan_text(plan: _Plan, text: str) -> None:
    """The words to search for, each unknown word replaced by its nearest
    known word (CAT-5 typo tolerance) when one is near enough."""
    words = rules.words(text)
    if not words:
        return
    corrections, counts = _corrections(plan.vendor, [w for w in words if rules.is_correctable(w)])
    plan.words = [corrections.get(word, word) for word in words]
    # All words must match, so the rarest bounds the match; a word not in
    # the vocabulary (a model number, a corrected word) counts as rare.
    plan.estimated_matches = min(counts.get(word, 0) for word in plan.words)
    plan.text = rules.normalise(text)
    if corrections:
        corrected = plan.text
        for wrong, right in corrections.items():
            corrected = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, corrected)
        plan.text = plan.corrected_text = corrected


def _corrections(vendor: str, candidates: list[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Corrections of unknown words, and the document counts of known ones."""
    if not candidates:
        return {}, {}
    with connection.cursor() as cursor:
        known = _known_words(vendor, cursor, candidates)
        corrections: dict[str, str] = {}
        for word in candidates:
            if word in known:
                continue
            if vendor == "postgresql":
                nearest = _nearest_word_postgresql(cursor, word)
            else:
                cursor.execute(sql.CANDIDATE_WORDS_SQLITE, [len(word) - 2, len(word) + 2])
                nearest = rules.nearest_word(word, cursor.fetchall())
            if nearest and nearest != word:
                corrections[word] = nearest
    return corrections, known


def _known_words(vendor: str, cursor: Any, candidates: list[str]) -> dict[str, int]:
    """The document counts of the candidates the vocabulary holds. On
    PostgreSQL remembered per index version (every change of the index,
    hence of `SearchWord`, moves it on), for the cache's seconds."""
    seconds = facet_counts.cache_seconds() if vendor == "postgresql" else 0
    keys: dict[str, str] = {}
    cached: dict[str, Any] = {}
    if seconds:
        prefix = facet_counts.cache_prefix()
        keys = {word: f"{prefix}word:{_digest(word)}" for word in candidates}
        cached = cache.get_many(list(keys.values()))
    known = {
        word: int(cached[key]) for word, key in keys.items() if key in cached and cached[key] >= 0
    }
    missing = [word for word in candidates if keys.get(word) not in cached]
    if missing:
        cursor.execute(sql.known_words_sql(vendor, len(missing)), missing)
        found = {str(row[0]): int(row[1]) for row in cursor.fetchall()}
        known.update(found)
        if seconds:
            cache.set_many({keys[word]: found.get(word, -1) for word in missing}, seconds)
    return known


def _digest(word: str) -> str:
    return hashlib.sha1(word.encode(), usedforsecurity=False).hexdigest()


def _nearest_word_postgresql(cursor: Any, word: str) -> str | None:
    """The vocabulary's nearest word (a trigram search of ~10 ms), remembered
    like facet counts: for the cache's seconds, per index version."""
    seconds = facet_counts.cache_seconds()
    key = f"{facet_counts.cache_prefix()}near:{_digest(word)}"
    if seconds:
        found = cache.get(key)
        if isinstance(found, str):
            return found or None
    cursor.execute(sql.NEAREST_WORD_POSTGRESQL, [word, word])
    row = cursor.fetchone()
    nearest = str(row[0]) if row else None
    if seconds:
        cache.set(key, nearest or "", seconds)
    return nearest


# --- hits ----------------------------------------------------------------------


def _hit_rows(
    plan: _Plan,
    source: sql.Source,
    keys: Sequence[tuple[str, bool]],
    after: list[Any] | None,
    *,
    ranked: bool,
) -> list[dict[str, Any]]:
    where = sql.conjunction([source.where, *plan.fixed, *plan.facet_filters.values()])
    columns = ", ".join(f"d.{column.strip()}" for column in HIT_COLUMNS.split(","))

    def branch(model_match: int, extra: sql.Clause, limit: int | None) -> tuple[str, list[Any]]:
        statement = (
            f"SELECT {columns}, {model_match} AS mm, {source.rank_sql} AS rk,"
            " COALESCE(d.rating_hundredths, -1) AS rating_key"
            f" FROM {source.from_sql} WHERE {where.sql} AND {extra.sql}"
        )
        params = [*source.from_params, *where.params, *extra.params]
        if limit is not None:
            statement += " LIMIT %s"
            params.append(limit)
        return f"SELECT * FROM ({statement}) b{model_match}", params

    if ranked:
        # Ranking every match of a word found in 190,000 offers costs seconds,
        # so relevance ranks at most RANK_CANDIDATES text matches, plus every
        # exact model-number match (an indexed look-up), which comes first.
        key = rules.model_key(plan.query.text)
        others, others_params = branch(0, sql.Clause("d.model_key <> %s", [key]), RANK_CANDIDATES)
        exact, exact_params = branch(
            1, sql.Clause("d.model_key = %s AND d.model_key <> ''", [key]), None
        )
        inner, params = f"{exact} UNION ALL {others}", [*exact_params, *others_params]
    else:
        inner, params = branch(0, sql.TRUE, None)
    outer_where = ""
    keyset_params: list[Any] = []
    if after is not None:
        keyset = sql.keyset_after(keys, after)
        outer_where = f" WHERE {keyset.sql}"
        keyset_params = keyset.params
    order = ", ".join(f"s.{alias} {'DESC' if desc else 'ASC'}" for alias, desc in keys)
    if plan.vendor == "postgresql" and plan.words:
        statement, params = _text_first_statement(plan, source, columns, outer_where, order, ranked)
        params = [*params, *keyset_params, plan.query.limit + 1]
        with connection.cursor() as cursor:
            sql.execute_text_first(cursor, plan.vendor, plan.words, statement, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if plan.filter_first and not ranked:
        statement = _filter_first_statement(source, where, columns, outer_where, order)
        params = [*source.from_params, *where.params]
    else:
        statement = f"SELECT * FROM ({inner}) s{outer_where} ORDER BY {order} LIMIT %s"
    params = [*params, *keyset_params, plan.query.limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_TEXT_FIRST_COLUMNS = (
    "d.offer_id, d.price_paise, d.lead_time_days, COALESCE(d.rating_hundredths, -1) AS rating_key,"
    " d.delivery_state_mask, d.segment_bits, d.mii_class, d.gi_tag, d.seller_state"
)


def _text_first_statement(
    plan: _Plan,
    source: sql.Source,
    columns: str,
    outer_where: str,
    order: str,
    ranked: bool,
) -> tuple[str, list[Any]]:
    """PostgreSQL with text: the text matches first (the GIN index, or a
    scan that stops early for a common word), at most TEXT_SCAN_LIMIT of
    them with the narrow columns filters and sorts need (MATERIALIZED, so
    the planner cannot walk a sort index and filter 500,000 rows instead),
    then the filters and the sort within them, then the page's columns.
    Relevance ranks at most RANK_CANDIDATES of them; an exact model-number
    match (an indexed look-up) is added whatever the cap."""
    base_where = sql.conjunction([source.where, *plan.fixed])
    filters = sql.conjunction(list(plan.facet_filters.values()))
    rank = source.rank_sql
    keys = "d.offer_id, d.price_paise, d.lead_time_days, d.rating_key"
    # Only the wide columns some filter or the rank needs: the set stays in memory.
    wide = (
        [", d.golden_specs"]
        if any(name.startswith("param:") for name in plan.facet_filters)
        else []
    )
    if ranked:
        wide.append(", d.model_key, d.search_vector, qq")
    statement = (
        f"WITH t AS MATERIALIZED (SELECT {_TEXT_FIRST_COLUMNS}{''.join(wide)}"
        f" FROM {source.from_sql}"
        f" WHERE {base_where.sql} LIMIT %s)"
    )
    params: list[Any] = [*source.from_params, *base_where.params, TEXT_SCAN_LIMIT]
    if ranked:
        key = rules.model_key(plan.query.text)
        every = sql.conjunction([base_where, filters])
        statement += (
            f", x AS (SELECT d.offer_id, d.price_paise, d.lead_time_days,"
            f" COALESCE(d.rating_hundredths, -1) AS rating_key, 1 AS mm, {rank} AS rk"
            f" FROM {source.from_sql} WHERE {every.sql}"
            " AND d.model_key = %s AND d.model_key <> ''),"
            f" c AS (SELECT {keys}, 0 AS mm, {rank} AS rk FROM"
            f" (SELECT * FROM t d WHERE {filters.sql} AND d.model_key <> %s LIMIT %s) d),"
            " u AS (SELECT * FROM x UNION ALL SELECT * FROM c)"
        )
        params += [*source.from_params, *every.params, key, *filters.params, key]
        params.append(RANK_CANDIDATES)
    else:
        statement += f", u AS (SELECT {keys}, 0 AS mm, 0 AS rk FROM t d WHERE {filters.sql})"
        params += filters.params
    statement += (
        f", page AS (SELECT * FROM u s{outer_where} ORDER BY {order} LIMIT %s)"
        f" SELECT {columns}, s.mm, s.rk, s.rating_key FROM page s"
        f" JOIN {sql.DOCUMENT_TABLE} d ON d.offer_id = s.offer_id ORDER BY {order}"
    )
    return statement, params


def _filter_first_statement(
    source: sql.Source, where: sql.Clause, columns: str, outer_where: str, order: str
) -> str:
    """Every match's sort keys first (narrow rows), then the page, then its
    columns: the planner cannot walk a sort index past a sparse match."""
    return (
        "WITH m AS MATERIALIZED (SELECT d.offer_id, d.price_paise, d.lead_time_days,"
        " COALESCE(d.rating_hundredths, -1) AS rating_key"
        f" FROM {source.from_sql} WHERE {where.sql}),"
        f" page AS (SELECT * FROM m s{outer_where} ORDER BY {order} LIMIT %s)"
        f" SELECT {columns}, 0 AS mm, 0 AS rk, s.rating_key FROM page s"
        f" JOIN {sql.DOCUMENT_TABLE} d ON d.offer_id = s.offer_id ORDER BY {order}"
    )


# --- cursors -------------------------------------------------------------------


def _encode_cursor(sort_key: str, values: list[Any]) -> str:
    return signing.dumps({"s": sort_key, "v": [int(v) for v in values]}, salt=_CURSOR_SALT)


def _decode_cursor(cursor: str, sort_key: str, length: int) -> list[Any]:
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise BadSearchCursor()
    try:
        payload = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadSearchCursor() from None
    values = payload.get("v") if isinstance(payload, dict) else None
    if (
        payload.get("s") != sort_key
        or not isinstance(values, list)
        or len(values) != length
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    ):
        # A cursor of another sort (or forged shape) is not ours to follow.
        raise BadSearchCursor()
    return values
