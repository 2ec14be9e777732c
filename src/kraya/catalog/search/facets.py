"""Facet counts for a search (CAT-5), disjunctive: a facet's counts apply
every filter except the facet's own, so a buyer sees what choosing another
value would give.

Every facet with a fixed list of values (price band, delivery state, seller
segment, MII class, GI, seller state, choice and yes/no golden parameters)
is one `COUNT(*) FILTER (WHERE …)` of one aggregate row; the category facet
and number/text golden parameters are GROUP BY rows of the same statement
(UNION ALL over one materialised base set). The base is the documents
matching the text, the category and
the PIN code (the filters that are no facet), capped at `scan_limit` rows."""

# ruff: noqa: S608 -- SQL here is built from constants and column names only;
# every value travels as a query parameter.

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from kraya.catalog.models import Category, Product, SpecParameter
from kraya.catalog.search import rules, sql
from kraya.catalog.search.types import FacetRow
from kraya.core.money import format_rupees_words as format_rupees
from kraya.sellers.models import Segment

if TYPE_CHECKING:
    from kraya.catalog.search.selectors import _Plan

# Facet counts are cached this long (seconds) per normalised search, under
# a version that every index change moves on (`index_changed`).
CACHE_SECONDS = 60
_CACHE_PREFIX = "kraya:search:facets:"
_VERSION_KEY = "kraya:search:facets:version"

_BASE_COLUMNS = (
    "d.price_paise, d.delivery_state_mask, d.segment_bits, d.mii_class, d.gi_tag,"
    " d.seller_state, d.category_path"
)


@dataclass(frozen=True)
class Counted:
    facets: dict[str, list[FacetRow]]
    total: int
    exact: bool


@dataclass(frozen=True)
class _Value:
    facet: str
    value: str
    label: str
    clause: sql.Clause
    chosen: bool


def count(plan: _Plan, source: sql.Source, *, scan_limit: int) -> Counted:
    """The facets of `plan`, from the cache when the same normalised search
    (text after correction, category, filters, language, cap) was counted
    within CACHE_SECONDS on the same index version (`index_changed`)."""
    seconds = cache_seconds()
    if not seconds:
        return _count(plan, source, scan_limit=scan_limit)
    normalised = (
        plan.vendor,
        source.from_sql,
        source.from_params,
        source.where,
        plan.fixed,
        sorted(plan.facet_filters.items()),
        [parameter.pk for parameter in plan.golden],
        translation.get_language(),
        scan_limit,
    )
    digest = hashlib.sha256(repr(normalised).encode()).hexdigest()
    key = f"{cache_prefix()}{digest}"
    counted = cache.get(key)
    if not isinstance(counted, Counted):
        counted = _count(plan, source, scan_limit=scan_limit)
        cache.set(key, counted, seconds)
    return counted


def _count(plan: _Plan, source: sql.Source, *, scan_limit: int) -> Counted:
    """Every facet in ONE statement: the capped base set once (a CTE), then
    one row of fixed-value counts, one row per category path and one row per
    value of each number/text golden parameter."""
    base_where = sql.conjunction([source.where, *plan.fixed])
    array = "ARRAY" if plan.vendor == "postgresql" else "json_array"
    open_, close = ("[", "]") if plan.vendor == "postgresql" else ("(", ")")
    values = _fixed_values(plan)
    others = {name: _others(plan, name) for name in {v.facet for v in values}}
    everything = sql.conjunction(list(plan.facet_filters.values()))
    columns = ["COUNT(*)", f"COUNT(*) FILTER (WHERE {everything.sql})"]
    params: list[Any] = [*source.from_params, *base_where.params, scan_limit, *everything.params]
    for value in values:
        condition = sql.conjunction([others[value.facet], value.clause])
        columns.append(f"COUNT(*) FILTER (WHERE {condition.sql})")
        params.extend(condition.params)
    parts = [
        f"SELECT '', CAST(NULL AS TEXT), {array}{open_}{', '.join(columns)}{close} FROM d",
        f"SELECT 'category', d.category_path, {array}{open_}COUNT(*){close} FROM d"
        f" WHERE {everything.sql} GROUP BY d.category_path",
    ]
    params.extend(everything.params)
    grouped = [
        parameter
        for parameter in plan.golden
        if parameter.kind in (SpecParameter.Kind.NUMBER, SpecParameter.Kind.TEXT)
    ]
    for parameter in grouped:
        value_sql = sql.spec_text(plan.vendor, parameter.code)
        condition = _others(plan, f"param:{parameter.code}")
        parts.append(
            f"SELECT %s, {value_sql.sql}, {array}{open_}COUNT(*){close} FROM d"
            f" WHERE {condition.sql} AND {value_sql.sql} IS NOT NULL GROUP BY 2"
        )
        params.extend(
            [f"param:{parameter.code}", *value_sql.params, *condition.params, *value_sql.params]
        )
    statement = (
        f"WITH d AS MATERIALIZED (SELECT {_BASE_COLUMNS}"
        # Golden parameters (wide) only when a category brings some.
        f"{', d.golden_specs' if plan.golden else ''} FROM {source.from_sql}"
        f" WHERE {base_where.sql} LIMIT %s) " + " UNION ALL ".join(parts)
    )
    rows = _rows(plan, statement, params)
    head = next(counts for kind, _key, counts in rows if kind == "")
    scanned, total, counts = head[0], head[1], head[2:]
    facets: dict[str, list[FacetRow]] = {}
    for value, number in zip(values, counts, strict=True):
        facet_rows = facets.setdefault(value.facet, [])
        if number or value.chosen:
            facet_rows.append((value.value, value.label, number))
    facets["category"] = _category_facet(
        plan, [(str(key), n[0]) for kind, key, n in rows if kind == "category"]
    )
    for parameter in grouped:
        code = f"param:{parameter.code}"
        facets[code] = _grouped_parameter(
            parameter, [(str(key), n[0]) for kind, key, n in rows if kind == code]
        )
    return Counted(facets=facets, total=total, exact=scanned < scan_limit)


def _rows(plan: _Plan, statement: str, params: list[Any]) -> list[tuple[str, Any, list[int]]]:
    with connection.cursor() as cursor:
        sql.execute_text_first(cursor, plan.vendor, plan.words, statement, params)
        return [(kind, key, _numbers(counts)) for kind, key, counts in cursor.fetchall()]


def cache_seconds() -> int:
    """How long facet counts are reused (setting KRAYA_SEARCH_FACET_CACHE_SECONDS;
    0 turns the cache off)."""
    return int(getattr(settings, "KRAYA_SEARCH_FACET_CACHE_SECONDS", CACHE_SECONDS))


def cache_prefix() -> str:
    """The prefix of cache keys of the current index version."""
    return f"{_CACHE_PREFIX}{cache.get(_VERSION_KEY, 0)}:"


def index_changed() -> None:
    """Forget every cached count: the next searches count afresh. (With the
    per-process local-memory cache of embedded mode, other worker processes
    notice only when their entries expire, within CACHE_SECONDS; with Redis
    every process notices at once.)"""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


def _numbers(counts: Any) -> list[int]:
    """A row's counts: a PostgreSQL array, or SQLite's JSON array text."""
    if isinstance(counts, str):
        counts = json.loads(counts)
    return [int(number) for number in counts]


def _others(plan: _Plan, facet: str) -> sql.Clause:
    return sql.conjunction([c for name, c in plan.facet_filters.items() if name != facet])


def _fixed_values(plan: _Plan) -> list[_Value]:
    query = plan.query
    values: list[_Value] = []
    for band in rules.PRICE_BANDS:
        chosen = (query.price_min_paise, query.price_max_paise) == (band.min_paise, band.max_paise)
        values.append(
            _Value(
                "price_band",
                band.value,
                _price_label(band),
                sql.price_between(band.min_paise, band.max_paise),
                chosen,
            )
        )
    for state, bits in sorted(rules.STATE_BITS.items()):
        values.append(
            _Value(
                "delivery_state",
                state,
                state,
                sql.mask_has("delivery_state_mask", bits),
                state == query.delivery_state,
            )
        )
    segment_labels = dict(Segment.choices)
    for code in rules.SEGMENT_CODES:
        values.append(
            _Value(
                "segments",
                code,
                str(segment_labels[code]),
                sql.mask_has("segment_bits", rules.SEGMENT_BITS[code]),
                code in query.segments,
            )
        )
    for code, label in Product.MiiClass.choices:
        values.append(
            _Value(
                "mii_class",
                code,
                str(label),
                sql.equals("mii_class", code),
                code == query.mii_class,
            )
        )
    values.append(_Value("gi", "true", _("GI-tagged product"), sql.GI, query.gi_only))
    for state in sorted(rules.STATE_BITS):
        values.append(
            _Value(
                "seller_state",
                state,
                state,
                sql.equals("seller_state", state),
                state == query.seller_state,
            )
        )
    for parameter in plan.golden:
        values.extend(_parameter_values(plan, parameter))
    return values


def _parameter_values(plan: _Plan, parameter: SpecParameter) -> list[_Value]:
    facet = f"param:{parameter.code}"
    chosen = plan.query.params.get(parameter.code)
    if parameter.kind == SpecParameter.Kind.BOOLEAN:
        pairs = [("true", _("Yes")), ("false", _("No"))]
    elif parameter.kind == SpecParameter.Kind.CHOICE:
        hindi = (translation.get_language() or "").startswith("hi")
        pairs = [
            (
                str(choice.get("value")),
                str(
                    (choice.get("hi") if hindi else None) or choice.get("en") or choice.get("value")
                ),
            )
            for choice in parameter.choices or []
        ]
    else:
        return []
    return [
        _Value(
            facet,
            value,
            label,
            sql.spec_equals(plan.vendor, parameter.code, value),
            value == chosen,
        )
        for value, label in pairs
    ]


def _price_label(band: rules.PriceBand) -> str:
    return _price_label_in(band, translation.get_language() or "")


@functools.lru_cache(maxsize=64)
def _price_label_in(band: rules.PriceBand, language: str) -> str:
    """Formatting money is slow next to a search; the bands are few and fixed."""
    if band.min_paise == 0 and band.max_paise is not None:
        return _("Under %(high)s") % {"high": format_rupees(band.max_paise + 1)}
    if band.max_paise is None:
        return _("%(low)s and above") % {"low": format_rupees(band.min_paise)}
    return _("%(low)s to %(high)s") % {
        "low": format_rupees(band.min_paise),
        "high": format_rupees(band.max_paise + 1),
    }


def _category_facet(plan: _Plan, by_path: list[tuple[str, int]]) -> list[FacetRow]:
    """Drill-down: the chosen category's children (or the top-level
    categories), each counting the offers in its whole subtree."""
    prefix = plan.category_path
    by_child: dict[int, int] = {}
    for path, number in by_path:
        rest = path[len(prefix) :].strip("/")
        if not path.startswith(prefix) or not rest:
            continue
        child = int(rest.split("/")[0])
        by_child[child] = by_child.get(child, 0) + number
    if not by_child:
        return []
    children = Category.objects.filter(id__in=by_child).only("id", "code", "name", "name_hi")
    rows = [(c.code, c.display_name, by_child[c.id]) for c in children]
    return sorted(rows, key=lambda row: (-row[2], row[1], row[0]))


def _grouped_parameter(parameter: SpecParameter, by_value: list[tuple[str, int]]) -> list[FacetRow]:
    rows = [(value, value, number) for value, number in by_value]
    if parameter.kind == SpecParameter.Kind.NUMBER:
        rows = [(v, f"{v} {parameter.unit}".strip(), n) for v, _label, n in rows]
        return sorted(rows, key=lambda row: (_as_number(row[0]), row[0]))
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def _as_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")
