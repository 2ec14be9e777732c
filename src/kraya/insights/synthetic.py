"""`kraya seed --orders N`: realistic order history for the statistics and
their benchmark (issue 8, item 6).

Adds, on top of the synthetic catalogue (`kraya.catalog.synthetic`, seeded
first when absent, at one offer per 200 orders): a buyer tree of central
ministries and states → departments → organisations → offices in the
catalogue's districts, with a Primary User per organisation and a Buyer,
Consignee and Paying Authority per office; then N orders over the last five
financial years, growing each year, with March peaks and quiet Sundays,
across offices, sellers (and so their segments), categories, modes (direct,
L1, bid) and statuses with consistent timestamps: older orders are paid,
3 % declined and 3 % cancelled; recent ones are on their way.

Seeded orders have no items, ledger rows or audit events (writing them would
multiply the load for figures no statistic reads); they are marked with
`policy_version = "synthetic"` so that reconciliations (`kraya ledger check`)
can leave them out. Everything goes in one transaction, orders by COPY on
PostgreSQL (foreign keys are not re-checked row by row when the connection
may skip triggers: every id comes from rows just read or written).
After seeding, `kraya insights refresh --full` rolls the history up."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from kraya.accounts import rules as account_rules
from kraya.accounts.models import BuyerUnit, Membership, OrganisationType, User
from kraya.catalog.models import Category
from kraya.catalog.synthetic import generator as gen
from kraya.catalog.synthetic import loader
from kraya.catalog.synthetic import vocabulary as vocab
from kraya.core import audit, clock
from kraya.core.bulk import insert_rows
from kraya.insights import rules
from kraya.orders.models import Order
from kraya.orders.rules import states
from kraya.sellers.models import Registration

SYNTHETIC = "synthetic"  # Order.policy_version of seeded history
SEED_ACTION = "insights.synthetic.seed_orders"
CHUNK = 50_000
YEARS = 5
Say = Callable[[str], None]

MINISTRIES = (
    ("Ministry of Defence", "रक्षा मंत्रालय"),
    ("Ministry of Railways", "रेल मंत्रालय"),
    ("Ministry of Health and Family Welfare", "स्वास्थ्य एवं परिवार कल्याण मंत्रालय"),
    ("Ministry of Home Affairs", "गृह मंत्रालय"),
    ("Ministry of Education", "शिक्षा मंत्रालय"),
    ("Ministry of Power", "विद्युत मंत्रालय"),
)
DEPARTMENTS = (
    ("Health", "स्वास्थ्य"),
    ("Education", "शिक्षा"),
    ("Public Works", "लोक निर्माण"),
    ("Rural Development", "ग्रामीण विकास"),
    ("Police", "पुलिस"),
    ("Agriculture", "कृषि"),
)
ORGANISATION_KINDS = (
    ("Directorate", "निदेशालय"),
    ("Corporation", "निगम"),
    ("Board", "बोर्ड"),
    ("Commissionerate", "आयुक्तालय"),
)
# Mode shares and contract values (₹) by mode.
MODES = ((Order.Mode.DIRECT, 0.55), (Order.Mode.L1, 0.30), (Order.Mode.BID, 0.15))
VALUE_RUPEES: dict[str, tuple[int, int]] = {
    Order.Mode.DIRECT: (1_500, 50_000),
    Order.Mode.L1: (50_001, 10_00_000),
    Order.Mode.BID: (5_00_000, 5_00_00_000),
}


class SeedRefused(Exception):
    """Synthetic orders of another size are present; the message says what to do."""


@dataclass
class OrdersSeedReport:
    orders: int
    seed: int
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    already_seeded: bool = False

    @property
    def rows_per_s(self) -> float:
        return round(self.counts.get("orders", 0) / self.seconds, 1) if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class _Office:
    id: int
    state: str
    district: str
    pincode: str
    buyer_id: int
    consignee_id: int
    paying_authority_id: int


def seeded_orders() -> int:
    return Order.objects.filter(policy_version=SYNTHETIC).count()


def seed_orders(*, orders: int, seed: int = 1, say: Say | None = None) -> OrdersSeedReport:
    """Add `orders` synthetic orders (see the module docstring); does nothing
    when exactly that many are already there, refuses when another number is."""
    say = say or (lambda message: None)
    if orders < 1:
        raise SeedRefused("--orders must be at least 1.")
    report = OrdersSeedReport(orders=orders, seed=seed)
    found = seeded_orders()
    if found == orders:
        report.already_seeded = True
        return report
    if found:
        raise SeedRefused(
            f"The database already holds {found:,} synthetic orders; seed into another database."
        )
    started = time.perf_counter()
    if loader.existing() is None:
        offers = min(max(orders // 200, 5_000), 200_000)
        say(f"  no synthetic catalogue: seeding {offers:,} offers first")
        loader.seed_catalogue(offers=offers, seed=seed, say=say)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit = off")
        rng = random.Random(f"kraya-orders-{seed}")  # noqa: S311 -- synthetic data, not secrets
        offices = _buyer_tree(rng, seed=seed, target=min(max(orders // 2_000, 60), 5_000))
        report.counts["offices"] = len(offices)
        say(f"  buyer offices: {len(offices):,}")
        firms = list(
            Registration.objects.filter(source=gen.SOURCE, firm__isnull=False)
            .order_by("firm_id")
            .values_list("firm_id", flat=True)
        )
        categories = list(
            Category.objects.filter(code__startswith=gen.CATEGORY_PREFIX, children__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not firms or not categories:
            raise SeedRefused("The synthetic catalogue has no sellers or categories.")
        loaded = time.perf_counter()
        report.counts["orders"] = _orders(
            rng,
            seed=seed,
            count=orders,
            offices=offices,
            firms=firms,
            categories=categories,
            say=say,
        )
        say(
            f"  orders: {report.counts['orders']:,} in {time.perf_counter() - loaded:.1f} s "
            f"({report.counts['orders'] / max(time.perf_counter() - loaded, 1e-9):,.0f} rows/s)"
        )
        audit.record(
            actor=None,
            action=SEED_ACTION,
            payload={"parameters": {"orders": orders, "seed": seed}, "counts": report.counts},
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Order._meta.db_table)}")
    report.seconds = round(time.perf_counter() - started, 1)
    return report


# --- the buyer tree -----------------------------------------------------------------


def _units(rows: list[dict[str, Any]]) -> list[int]:
    """Insert buyer units and set their materialised path from their parent's."""
    ids = insert_rows(BuyerUnit, rows)
    table = connection.ops.quote_name(BuyerUnit._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"UPDATE {table} SET path = COALESCE((SELECT p.path FROM {table} p "  # noqa: S608
                f"WHERE p.id = {table}.parent_id), '/') || CAST(id AS TEXT) || '/' "
                f"WHERE id IN ({marks})",
                part,
            )
    return ids


def _buyer_tree(rng: random.Random, *, seed: int, target: int) -> list[_Office]:
    now = clock.now()
    number = itertools.count(1)
    prefix = f"syn-b{seed}-"
    places = [(state, tuple(districts), pins) for state, _w, districts, pins in vocab.PLACES]
    roots: list[dict[str, Any]] = [
        {
            "level": BuyerUnit.Level.MINISTRY,
            "organisation_type": OrganisationType.CENTRAL,
            "name": name,
            "name_hi": hi,
            "state": "",
        }
        for name, hi in MINISTRIES
    ] + [
        {
            "level": BuyerUnit.Level.STATE,
            "organisation_type": OrganisationType.STATE,
            "name": f"Government of {state}",
            "name_hi": "",
            "state": state,
        }
        for state, _d, _p in places
    ]
    for row in roots:
        row.update(code=f"{prefix}{next(number)}", district="", created_at=now, path="")
    root_ids = _units(roots)
    departments: list[dict[str, Any]] = []
    for root, root_id in zip(roots, root_ids, strict=True):
        for name, hi in rng.sample(DEPARTMENTS, 4):
            departments.append(
                {
                    "level": BuyerUnit.Level.DEPARTMENT,
                    "parent_id": root_id,
                    "organisation_type": root["organisation_type"],
                    "name": f"Department of {name}"
                    + (f", {root['state']}" if root["state"] else ""),
                    "name_hi": f"{hi} विभाग",
                    "state": root["state"],
                    "district": "",
                    "code": f"{prefix}{next(number)}",
                    "created_at": now,
                    "path": "",
                }
            )
    department_ids = _units(departments)
    per_department = max(1, math.ceil(target / (4 * len(departments))))
    organisations: list[dict[str, Any]] = []
    for department, department_id in zip(departments, department_ids, strict=True):
        for index in range(per_department):
            kind, kind_hi = ORGANISATION_KINDS[index % len(ORGANISATION_KINDS)]
            organisations.append(
                {
                    "level": BuyerUnit.Level.ORGANISATION,
                    "parent_id": department_id,
                    "organisation_type": department["organisation_type"],
                    "name": f"{department['name']} {kind} {index + 1}",
                    "name_hi": f"{department['name_hi']} {kind_hi} {index + 1}",
                    "state": department["state"],
                    "district": "",
                    "code": f"{prefix}{next(number)}",
                    "created_at": now,
                    "path": "",
                }
            )
    organisation_ids = _units(organisations)
    BuyerUnit.objects.filter(pk__in=organisation_ids).update(organisation_id=F("pk"))
    offices: list[dict[str, Any]] = []
    by_state = {state: (districts, pins) for state, districts, pins in places}
    state_weights = [weight for _s, weight, _d, _p in vocab.PLACES]
    for organisation, organisation_id in zip(organisations, organisation_ids, strict=True):
        for index in range(4):
            state = (
                organisation["state"]
                or rng.choices([s for s, _d, _p in places], weights=state_weights)[0]
            )
            districts, pins = by_state[state]
            offices.append(
                {
                    "level": BuyerUnit.Level.OFFICE,
                    "parent_id": organisation_id,
                    "organisation_id": organisation_id,
                    "organisation_type": organisation["organisation_type"],
                    "name": f"{organisation['name']}, Office {index + 1}",
                    "name_hi": f"{organisation['name_hi']}, कार्यालय {index + 1}",
                    "state": state,
                    "district": rng.choice(districts),
                    "code": f"{prefix}{next(number)}",
                    "created_at": now,
                    "path": "",
                    "_pin": f"{rng.choice(pins)}{rng.randrange(1000, 9999)}",
                }
            )
    office_pins = [office.pop("_pin") for office in offices]
    office_ids = _units(offices)
    users = _people(seed, organisation_ids, office_ids, now)
    return [
        _Office(oid, row["state"], row["district"], pin, *users[oid])
        for oid, row, pin in zip(office_ids, offices, office_pins, strict=True)
    ]


def _people(
    seed: int, organisation_ids: list[int], office_ids: list[int], now: dt.datetime
) -> dict[int, tuple[int, int, int]]:
    """A Primary User per organisation; a Buyer, Consignee and Paying
    Authority per office (ROLE-2: three different people)."""

    def user(name: str) -> dict[str, Any]:
        return {
            "username": f"syn-{seed}-{name}",
            "full_name": name,
            "email": f"syn-{seed}-{name}@example.in",
            "password": "!synthetic",  # cannot sign in
            "date_joined": now,
        }

    primary_ids = insert_rows(User, [user(f"primary-{oid}") for oid in organisation_ids])
    roles = (account_rules.BUYER, account_rules.CONSIGNEE, account_rules.PAYING_AUTHORITY)
    people = insert_rows(
        User, [user(f"{role.lower()}-{oid}") for oid in office_ids for role in roles]
    )
    memberships = [
        {"user_id": uid, "role": account_rules.PRIMARY, "buyer_unit_id": oid, "created_at": now}
        for uid, oid in zip(primary_ids, organisation_ids, strict=True)
    ] + [
        {"user_id": people[i * 3 + j], "role": role, "buyer_unit_id": oid, "created_at": now}
        for i, oid in enumerate(office_ids)
        for j, role in enumerate(roles)
    ]
    insert_rows(Membership, memberships)
    return {
        oid: (people[i * 3], people[i * 3 + 1], people[i * 3 + 2])
        for i, oid in enumerate(office_ids)
    }


# --- the orders ---------------------------------------------------------------------


def _days(now: dt.datetime) -> tuple[list[dt.date], list[float]]:
    """Every day of the last five FYs up to today, with cumulative weights:
    +35 % a year, March ×2.5 (the year-end rush), Sundays ×0.2."""
    today = now.astimezone(rules.IST).date()
    first = dt.date(rules.fy_of(now) - YEARS + 1, 4, 1)
    days: list[dt.date] = []
    cumulative: list[float] = []
    total = 0.0
    day = first
    while day <= today:
        weight = 1.35 ** ((day - first).days / 365)
        weight *= 2.5 if day.month == 3 else 1.0
        weight *= 0.2 if day.weekday() == 6 else 1.0
        total += weight
        days.append(day)
        cumulative.append(total)
        day += dt.timedelta(days=1)
    return days, cumulative


def _zipf(count: int, exponent: float = 0.8) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


def _orders(
    rng: random.Random,
    *,
    seed: int,
    count: int,
    offices: list[_Office],
    firms: list[int],
    categories: list[int],
    say: Say,
) -> int:
    now = clock.now()
    days, day_weights = _days(now)
    shuffled_firms = firms[:]
    rng.shuffle(shuffled_firms)
    firm_weights = _zipf(len(shuffled_firms))
    office_weights = _zipf(len(offices), 0.6)
    category_weights = _zipf(len(categories), 1.0)
    mode_weights = list(itertools.accumulate(share for _m, share in MODES))
    modes = [mode for mode, _s in MODES]
    fields = [f for f in Order._meta.concrete_fields if not f.primary_key]
    base = {f.attname: f.get_default() for f in fields}
    base.update(terms="[]", receipts="[]", receipts_digest="", policy_version=SYNTHETIC)
    names = [f.attname for f in fields]
    written = 0
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        picked_days = rng.choices(days, cum_weights=day_weights, k=size)
        picked_offices = rng.choices(offices, cum_weights=office_weights, k=size)
        picked_firms = rng.choices(shuffled_firms, cum_weights=firm_weights, k=size)
        picked_categories = rng.choices(categories, cum_weights=category_weights, k=size)
        picked_modes = rng.choices(modes, cum_weights=mode_weights, k=size)
        rows = [
            _order_row(
                base,
                rng,
                now,
                number=start + i + 1,
                seed=seed,
                day=day,
                office=office,
                firm=firm,
                category=category,
                mode=mode,
            )
            for i, (day, office, firm, category, mode) in enumerate(
                zip(
                    picked_days,
                    picked_offices,
                    picked_firms,
                    picked_categories,
                    picked_modes,
                    strict=True,
                )
            )
        ]
        _write(rows, names)
        written += size
        if (written // 500_000) != ((written - size) // 500_000):
            say(f"    {written:,} orders")
    return written


def _order_row(
    base: dict[str, Any],
    rng: random.Random,
    now: dt.datetime,
    *,
    number: int,
    seed: int,
    day: dt.date,
    office: _Office,
    firm: int,
    category: int,
    mode: str,
) -> dict[str, Any]:
    placed = dt.datetime.combine(day, dt.time(9, 30), tzinfo=rules.IST) + dt.timedelta(
        seconds=rng.randrange(9 * 3600)
    )
    placed = min(placed, now - dt.timedelta(minutes=10)).astimezone(dt.UTC)
    low, high = VALUE_RUPEES[mode]
    rupees = int(math.exp(rng.uniform(math.log(low), math.log(high))))
    period = rng.choice((7, 10, 15, 30)) if mode != Order.Mode.BID else rng.choice((30, 45, 60))
    row = dict(base)
    row.update(
        number=f"SYN{seed}-{number:010d}",
        placed_at=placed,
        buyer_office_id=office.id,
        buyer_id=office.buyer_id,
        consignee_id=office.consignee_id,
        paying_authority_id=office.paying_authority_id,
        seller_firm_id=firm,
        category_id=None if mode == Order.Mode.BID and rng.random() < 0.1 else category,
        mode=mode,
        total_paise=rupees * 100,
        delivery_period_days=period,
        delivery_due_on=(placed + dt.timedelta(days=period)).date(),
        delivery_state=office.state,
        delivery_pincode=office.pincode,
        delivery_address=f"Stores, {office.district}, {office.state}",
        acceptance_due_at=placed + dt.timedelta(days=2),
    )
    age_days = (now - placed).total_seconds() / 86_400
    roll = rng.random()
    if roll < 0.03:
        row.update(
            status=states.DECLINED,
            closed_by_side=Order.Side.SELLER,
            closed_at=placed + dt.timedelta(hours=20),
            close_reason="Out of stock",
        )
        row["updated_at"] = row["closed_at"]
        return row
    if roll < 0.06 and age_days > 5:
        row.update(
            status=states.CANCELLED,
            closed_by_side=Order.Side.BUYER,
            accepted_at=placed + dt.timedelta(hours=18),
            closed_at=placed + dt.timedelta(days=4),
            close_reason="Requirement withdrawn",
        )
        row["updated_at"] = row["closed_at"]
        return row
    # The lifecycle, each step a few days after the one before, up to today.
    steps = (
        (states.ACCEPTED, "accepted_at", 0.8),
        (states.DISPATCHED, None, period * 0.5),
        (states.DELIVERED, "delivered_at", period * 0.5),
        (states.RECEIVED, "received_at", 1.0),
        (states.CERTIFIED, "certified_at", 4.0),
        (states.BILLED, None, 2.0),
        (states.PAID, "paid_at", 8.0),
    )
    status, at = states.PLACED, placed
    for step, attribute, days in steps:
        moment = at + dt.timedelta(days=days)
        if moment > now:
            break
        status, at = step, moment
        if attribute:
            row[attribute] = moment
    row["status"] = status
    row["updated_at"] = at
    if row.get("certified_at"):
        row["certification"] = Order.Certification.ISSUED
    return row


def _write(rows: list[dict[str, Any]], names: list[str]) -> None:
    if connection.vendor != "postgresql":
        Order.objects.bulk_create(
            [Order(**{**row, "terms": [], "receipts": []}) for row in rows], batch_size=500
        )
        return
    quote = connection.ops.quote_name
    by_name = {f.attname: str(f.column) for f in Order._meta.concrete_fields}
    columns = ", ".join(quote(by_name[name]) for name in names)
    statement = f"COPY {quote(Order._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])
