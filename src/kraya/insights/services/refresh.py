"""`insights_refresh`: keep the rollups (`kraya.insights.models`) in step with
the orders, incrementally, so no statistics page reads the orders.

Incremental: orders changed since the watermark (less `OVERLAP`, so a
transaction that committed late with an earlier `updated_at` is still seen)
are read in (updated_at, id) order, `batch_size` at a time. For each batch,
in one transaction under the refresh row's lock, each order's new fact is
compared with the fact rolled up before (`OrderFact`); the difference is
added to the rollups with upserts, the facts replaced and the watermark
moved. Reading an order twice changes nothing (its fact already says what
was added), so the overlap, a retried task and two workers are all safe.
A counted order keeps the keys it was first rolled up with (its seller's
segments at that time); only its counting and value change.

Full (`full=True`, and the first run): the facts are rebuilt from the orders
with one `INSERT … SELECT` and the rollups from the facts with one
`INSERT … SELECT … GROUP BY` each, in one transaction. A full rebuild takes
the seller segments as they are now.

Headcounts (sellers by segment, buyer organisations, users, products and
services) are recounted at the end of every refresh."""

# ruff: noqa: S608 -- SQL here is built from constants and column names only;
# every value is a parameter.

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Q

from kraya.accounts import rules as account_rules
from kraya.accounts.models import BuyerUnit, Membership, SellerFirm
from kraya.catalog.models import Category, Product
from kraya.core import audit, clock
from kraya.core.bulk import any_of
from kraya.insights import rules
from kraya.insights.models import (
    BuyerRollup,
    CategoryRollup,
    Headcount,
    MonthRollup,
    OrderFact,
    PlaceRollup,
    RefreshState,
)
from kraya.insights.services._dimensions import firm_segments, office_places
from kraya.orders.models import Order
from kraya.sellers.models import Registration, SocialCategory

OVERLAP = dt.timedelta(minutes=5)
BATCH_SIZE = 5_000
REBUILD_ACTION = "insights.rebuild"

_FACT_KEYS = (
    "month",
    "fy",
    "mode",
    "segments",
    "state",
    "district",
    "department_id",
    "organisation_id",
    "office_id",
    "category_id",
)
_ORDER_FIELDS = (
    "id",
    "placed_at",
    "updated_at",
    "buyer_office_id",
    "seller_firm_id",
    "category_id",
    "mode",
    "status",
    "total_paise",
    "delivery_state",
)


@dataclass
class RefreshReport:
    full: bool = False
    orders_read: int = 0
    facts: int = 0
    batches: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Rollup:
    table: str
    keys: tuple[str, ...]

    def key_of(self, fact: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            fact["segments"] & rules.COMPLIANCE_MASK
            if key == "segments" and self.table != MonthRollup._meta.db_table
            else fact[key]
            for key in self.keys
        )


_ROLLUPS = (
    _Rollup(MonthRollup._meta.db_table, ("month", "fy", "mode", "segments")),
    _Rollup(PlaceRollup._meta.db_table, ("fy", "state", "district", "segments")),
    _Rollup(
        BuyerRollup._meta.db_table,
        ("fy", "department_id", "organisation_id", "office_id", "segments"),
    ),
    _Rollup(CategoryRollup._meta.db_table, ("fy", "category_id", "mode")),
)
# The conflict targets (the tables' unique constraints): month has fy as a
# plain column, not part of its key.
_CONFLICT = {
    MonthRollup._meta.db_table: ("month", "mode", "segments"),
}


def insights_refresh(*, full: bool = False, batch_size: int = BATCH_SIZE) -> RefreshReport:
    """Bring the rollups up to date (see the module docstring)."""
    started = time.perf_counter()
    state = RefreshState.objects.first()
    report = RefreshReport(full=full or state is None or state.watermark is None)
    if report.full:
        _rebuild(report)
    else:
        for _batch in _incremental(report, batch_size=batch_size):
            report.batches += 1
    _recount()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _locked_state() -> RefreshState:
    state = RefreshState.objects.select_for_update().order_by("pk").first()
    if state is None:
        state = RefreshState.objects.create()
    return state


# --- incremental --------------------------------------------------------------------


def _incremental(report: RefreshReport, *, batch_size: int) -> Iterator[int]:
    with transaction.atomic():
        start = _locked_state().watermark
    assert start is not None
    after: tuple[dt.datetime, int] = (start - OVERLAP, 0)
    while True:
        with transaction.atomic():
            state = _locked_state()
            orders = list(
                Order.objects.filter(
                    Q(updated_at__gt=after[0]) | Q(updated_at=after[0], id__gt=after[1])
                )
                .order_by("updated_at", "id")
                .values(*_ORDER_FIELDS)[:batch_size]
            )
            if not orders:
                return
            _apply(orders)
            last = orders[-1]
            after = (last["updated_at"], last["id"])
            now = clock.now()
            if state.watermark is None or last["updated_at"] > state.watermark:
                state.watermark = last["updated_at"]
            state.refreshed_at = now
            state.save(update_fields=["watermark", "refreshed_at"])
        report.orders_read += len(orders)
        yield len(orders)
        if len(orders) < batch_size:
            return


def _apply(orders: list[dict[str, Any]]) -> None:
    ids = [order["id"] for order in orders]
    old = {
        fact["order_id"]: fact
        for fact in OrderFact.objects.filter(order_id__in=any_of(ids)).values(
            "order_id", "gmv_paise", *_FACT_KEYS
        )
    }
    fresh = [o for o in orders if rules.counted(o["status"]) and o["id"] not in old]
    places = office_places(o["buyer_office_id"] for o in fresh)
    segments = firm_segments(o["seller_firm_id"] for o in fresh)
    new: dict[int, dict[str, Any]] = {}
    for order in orders:
        if not rules.counted(order["status"]):
            continue
        fact = old.get(order["id"])
        if fact is not None:
            new[order["id"]] = {**fact, "gmv_paise": order["total_paise"]}
        else:
            new[order["id"]] = _fact(order, places, segments)
    deltas: dict[str, dict[tuple[Any, ...], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for facts, sign in ((old.values(), -1), (new.values(), 1)):
        for fact in facts:
            for rollup in _ROLLUPS:
                delta = deltas[rollup.table][rollup.key_of(fact)]
                delta[0] += sign
                delta[1] += sign * fact["gmv_paise"]
    unchanged = {pk for pk, fact in new.items() if old.get(pk) == fact}
    OrderFact.objects.filter(order_id__in=any_of(sorted(set(old) - unchanged))).delete()
    OrderFact.objects.bulk_create(
        [OrderFact(**fact) for pk, fact in new.items() if pk not in unchanged], batch_size=1000
    )
    for rollup in _ROLLUPS:
        _upsert(rollup, deltas[rollup.table])


def _fact(
    order: dict[str, Any], places: dict[int, Any], segments: dict[int, int]
) -> dict[str, Any]:
    month = rules.month_of(order["placed_at"])
    place = places.get(order["buyer_office_id"])
    return {
        "order_id": order["id"],
        "month": month,
        "fy": rules.fy_of_month(month),
        "mode": order["mode"],
        "segments": segments.get(order["seller_firm_id"], 0),
        "state": (place.state if place else "") or order["delivery_state"],
        "district": place.district if place else "",
        "department_id": place.department_id if place else 0,
        "organisation_id": place.organisation_id if place else 0,
        "office_id": order["buyer_office_id"],
        "category_id": order["category_id"] or 0,
        "gmv_paise": order["total_paise"],
    }


def _upsert(rollup: _Rollup, deltas: dict[tuple[Any, ...], list[int]]) -> None:
    rows = [(*key, orders, gmv) for key, (orders, gmv) in deltas.items() if orders or gmv]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(rollup.table)
    columns = ", ".join(quote(c) for c in (*rollup.keys, "orders", "gmv_paise"))
    marks = ", ".join(["%s"] * (len(rollup.keys) + 2))
    target = ", ".join(quote(c) for c in _CONFLICT.get(rollup.table, rollup.keys))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({target}) "
            f"DO UPDATE SET orders = {table}.orders + excluded.orders, "
            f"gmv_paise = {table}.gmv_paise + excluded.gmv_paise",
            rows,
        )
        cursor.execute(f"DELETE FROM {table} WHERE orders = 0 AND gmv_paise = 0")


# --- full rebuild -------------------------------------------------------------------

_OFFICE_DIM = "insights_tmp_office"
_FIRM_DIM = "insights_tmp_firm"


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        local = "(o.placed_at AT TIME ZONE 'Asia/Kolkata')"
        return f"CAST(EXTRACT(YEAR FROM {local}) * 100 + EXTRACT(MONTH FROM {local}) AS integer)"
    # SQLite keeps UTC as text; IST is UTC+05:30 all year (no summer time).
    return "CAST(strftime('%%Y%%m', o.placed_at, '+330 minutes') AS integer)"


def _rebuild(report: RefreshReport) -> None:
    quote = connection.ops.quote_name
    facts = quote(OrderFact._meta.db_table)
    orders = quote(Order._meta.db_table)
    placeholders = ", ".join(["%s"] * len(rules.NOT_COUNTED))
    with transaction.atomic():
        state = _locked_state()
        watermark = Order.objects.aggregate(last=Max("updated_at"))["last"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL work_mem = '256MB'")
            _dimension_tables(cursor)
            tables = [facts, *(quote(r.table) for r in _ROLLUPS)]
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE " + ", ".join(tables))
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"INSERT INTO {facts} (order_id, month, fy, mode, segments, state, district, "
                "department_id, organisation_id, office_id, category_id, gmv_paise) "
                "SELECT id, month, CASE WHEN month %% 100 >= 4 THEN month / 100 "
                "ELSE month / 100 - 1 END, mode, segments, state, district, department_id, "
                "organisation_id, office_id, category_id, gmv_paise FROM ("
                f"SELECT o.id AS id, {_month_sql()} AS month, o.mode AS mode, "
                "COALESCE(f.segments, 0) AS segments, "
                "COALESCE(NULLIF(d.state, ''), o.delivery_state) AS state, "
                "COALESCE(d.district, '') AS district, "
                "COALESCE(d.department_id, 0) AS department_id, "
                "COALESCE(d.organisation_id, 0) AS organisation_id, "
                "o.buyer_office_id AS office_id, COALESCE(o.category_id, 0) AS category_id, "
                f"o.total_paise AS gmv_paise FROM {orders} o "
                f"LEFT JOIN {_OFFICE_DIM} d ON d.office_id = o.buyer_office_id "
                f"LEFT JOIN {_FIRM_DIM} f ON f.firm_id = o.seller_firm_id "
                f"WHERE o.status NOT IN ({placeholders})) AS counted",
                sorted(rules.NOT_COUNTED),
            )
            report.facts = max(cursor.rowcount, 0)
            for rollup in _ROLLUPS:
                selected = ", ".join(
                    f"segments & {rules.COMPLIANCE_MASK}"
                    if key == "segments" and rollup.table != MonthRollup._meta.db_table
                    else key
                    for key in rollup.keys
                )
                cursor.execute(
                    f"INSERT INTO {quote(rollup.table)} "
                    f"({', '.join(rollup.keys)}, orders, gmv_paise) "
                    f"SELECT {selected}, COUNT(*), SUM(gmv_paise) FROM {facts} "
                    f"GROUP BY {selected}"
                )
            cursor.execute(f"DROP TABLE {_OFFICE_DIM}")
            cursor.execute(f"DROP TABLE {_FIRM_DIM}")
            if connection.vendor == "postgresql":
                for table in tables:
                    cursor.execute(f"ANALYZE {table}")
        now = clock.now()
        state.watermark = watermark or now
        state.refreshed_at = now
        state.rebuilt_at = now
        state.save()
        audit.record(
            actor=None,
            action=REBUILD_ACTION,
            payload={"facts": report.facts, "watermark": state.watermark.isoformat()},
        )
    report.orders_read = report.facts


def _dimension_tables(cursor: Any) -> None:
    """Temporary tables of every office's place and every firm's segments, for
    the rebuild's one join."""
    cursor.execute(f"DROP TABLE IF EXISTS {_OFFICE_DIM}")
    cursor.execute(f"DROP TABLE IF EXISTS {_FIRM_DIM}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_OFFICE_DIM} (office_id bigint PRIMARY KEY, "
        "state varchar(100), district varchar(100), department_id bigint, "
        "organisation_id bigint)"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_FIRM_DIM} (firm_id bigint PRIMARY KEY, segments integer)"
    )
    places = office_places()
    cursor.executemany(
        f"INSERT INTO {_OFFICE_DIM} VALUES (%s, %s, %s, %s, %s)",
        [(pk, p.state, p.district, p.department_id, p.organisation_id) for pk, p in places.items()],
    )
    cursor.executemany(f"INSERT INTO {_FIRM_DIM} VALUES (%s, %s)", list(firm_segments().items()))


# --- headcounts ---------------------------------------------------------------------

SELLERS = "sellers"
SELLERS_BY_SEGMENT = "sellers_segment"
BUYER_ORGANISATIONS = "buyer_organisations"
PRIMARY_USERS = "primary_users"
SECONDARY_USERS = "secondary_users"
PRODUCTS = "products"
SERVICES = "services"


def headcounts_now() -> dict[tuple[str, str], int]:
    """OPEN-2's counts as the tables hold them now."""
    counts: dict[tuple[str, str], int] = {
        (SELLERS, ""): SellerFirm.objects.filter(is_active=True).count(),
        (BUYER_ORGANISATIONS, ""): BuyerUnit.objects.filter(
            level=BuyerUnit.Level.ORGANISATION, is_active=True
        ).count(),
        (PRIMARY_USERS, ""): Membership.objects.filter(
            role=account_rules.PRIMARY, is_active=True, user__is_active=True
        )
        .values("user_id")
        .distinct()
        .count(),
        (SECONDARY_USERS, ""): Membership.objects.filter(
            role__in=sorted(account_rules.SECONDARY_BUYER_ROLES),
            is_active=True,
            user__is_active=True,
        )
        .values("user_id")
        .distinct()
        .count(),
    }
    published = Product.objects.filter(status=Product.Status.PUBLISHED)
    kinds = dict(
        published.values("category__kind")
        .annotate(n=Count("id"))
        .values_list("category__kind", "n")
    )
    counts[(PRODUCTS, "")] = kinds.get(Category.Kind.PRODUCT, 0)
    counts[(SERVICES, "")] = kinds.get(Category.Kind.SERVICE, 0)
    by_segment = dict(
        SocialCategory.objects.filter(
            verified=True,
            registration__status=Registration.Status.VERIFIED,
            registration__firm__is_active=True,
        )
        .values("kind")
        .annotate(n=Count("registration__firm_id", distinct=True))
        .values_list("kind", "n")
    )
    for segment in rules.SEGMENTS:
        counts[(SELLERS_BY_SEGMENT, segment)] = by_segment.get(segment, 0)
    return counts


def _recount() -> None:
    counts = headcounts_now()
    with transaction.atomic():
        Headcount.objects.all().delete()
        Headcount.objects.bulk_create(
            [Headcount(name=name, key=key, value=value) for (name, key), value in counts.items()]
        )
