"""order_placement: complete purchases through the HTTP API at national scale.

Ensures a PostgreSQL database (DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_orders) holding the synthetic
catalogue of `--offers` offers (default 1,500,000). It is reused across runs;
when it is missing and the search benchmark's database holds the same scale,
it is copied from that one (`CREATE DATABASE … TEMPLATE`), else seeded with
`kraya seed`. Orders change stock, so the search benchmark's own database is
never used.

Each run makes a fresh organisation with `--clients` offices (a Buyer, a
Consignee and a Paying Authority each) and an API token per Buyer, so the
MODE-5 window starts empty. Demand lines come from the catalogue: offers
whose category holds at least four manufacturers with the same golden
parameters delivering to the chosen state (so MODE-3 L1 purchases happen;
the demand names a dearer offer and L1 picks the cheapest), stock raised so
the run cannot exhaust it. Most purchases are L1 (₹50,000 to ₹3 lakh), some
direct (up to ₹50,000); each office keeps each category's 30-day sum under
the L1 limit, so no demand is refused as a split.

gunicorn (WSGI sync workers, persistent connections) serves the API; with
REDIS_URL set (default redis://127.0.0.1:6379/15, `--redis ""` for the
embedded thread pool) the contract PDFs and seller notices are queued to
Celery on Redis, so the web workers never render; no Celery worker runs
during the measurement (on two cores it would take the CPU the measurement
is about): the queue is counted and cleared afterwards, and the render time
of a few PDFs is measured on its own (pdf_render_ms_p50).

One purchase = three requests with the Buyer's token: POST demands (MODE-1,
MODE-5, MODE-2/3 decided in it), POST sanction (ORD-2, the Buyer quoting a
sanction and naming the Paying Authority), POST orders with an
Idempotency-Key (ORD-1). `--clients` threads (default 8), one per Buyer,
run purchases back to back for `--seconds` after a warm-up. Reported:
purchases per second, p50/p95/p99 per request and per kind, per purchase.

Then the raw insert rate: the same rows (demand, line, fund block, order,
item, three audit events) with plain INSERTs, one transaction per purchase,
from the same number of concurrent connections, into scratch copies of the
tables (same columns and indexes, no foreign keys or audit trigger; dropped
afterwards), so `overhead_ratio` = raw_insert_per_s / purchases_per_s.

Knobs: --offers N, --seed S, --seconds N (default 30), --warmup N (seconds,
default 3), --clients N (8), --workers N (gunicorn workers, 2), --direct-share
F (0.2), --state NAME (Uttar Pradesh), --redis URL. Quick check:
`script/bench order_placement --offers 20000 --seconds 10`. Last line: one
JSON object."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

DEFAULT_OFFERS = 1_500_000
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_orders"
SEARCH_DATABASE = "kraya_bench_search"
SEED_ACTION = "catalog.synthetic.seed"  # kraya.catalog.synthetic.loader, read before Django starts
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
PASSWORD = "Bench-orders-2024!"
API = "/api/v1/buying/demands"
# An offer's stock is raised to this so no run exhausts it.
BENCH_STOCK = 100_000_000
# L1 purchases are worth this much each (the line's offer at its price).
L1_VALUE_PAISE = (50_001_00, 3_00_000_00)
DIRECT_VALUE_PAISE = (5_000_00, 45_000_00)
# Demands per office and category: the split receipt lists the earlier ones.
MAX_DEMANDS_PER_CATEGORY = 3
MIN_MANUFACTURERS = 4
PINCODE = "226001"
ADDRESS = "Store, Bench Office, Lucknow"
PDF_SAMPLES = 3


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench order_placement", description=__doc__)
    parser.add_argument("--offers", type=int, default=DEFAULT_OFFERS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--direct-share", type=float, default=0.2)
    parser.add_argument("--state", default="Uttar Pradesh")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    return parser.parse_args()


# --- the database -----------------------------------------------------------------


def ensure_database(offers: int) -> str:
    """Point DATABASE_URL at PostgreSQL: the orders benchmark's database,
    created from the search benchmark's when that one has the same scale."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        # One database per scale: a quick run at --offers 20000 must not
        # replace the 1.5 million seeded for the full one.
        url = DEFAULT_DATABASE + ("" if offers == DEFAULT_OFFERS else f"_{offers}")
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            template = _search_database_at(parsed, offers) if name != SEARCH_DATABASE else None
            if template:
                print(f"==> copying {template} (same scale) to {name}", flush=True)
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            else:
                connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    return url


def _search_database_at(parsed: urllib.parse.ParseResult, offers: int) -> str | None:
    import psycopg

    url = parsed._replace(path=f"/{SEARCH_DATABASE}").geturl()
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            row = connection.execute(
                "SELECT payload -> 'parameters' FROM core_auditevent WHERE action = %s "
                "ORDER BY seq DESC LIMIT 1",
                [SEED_ACTION],
            ).fetchone()
            busy = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [SEARCH_DATABASE],
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None or (row[0] or {}).get("offers") != offers or (busy and busy[0]):
        return None
    return SEARCH_DATABASE


def migrate_and_seed(offers: int, seed: int) -> dict[str, Any]:
    import search as search_bench

    return dict(search_bench.migrate_and_seed(offers, seed))


# --- the buyers -------------------------------------------------------------------


@dataclass
class Buyer:
    office_id: int
    buyer_id: int
    consignee_id: int
    paying_authority_id: int
    token: str


def make_buyers(count: int, state: str) -> list[Buyer]:
    """A fresh state → department → organisation with `count` offices, each
    with a Buyer, a Consignee and a Paying Authority, and a token per Buyer."""
    from kraya.accounts import services
    from kraya.accounts.models import BuyerUnit, Membership, Role
    from kraya.accounts.services.tokens import api_token_create

    tag = uuid.uuid4().hex[:8]
    top = services.buyer_unit_create(
        acting_user=None,
        parent=None,
        level=BuyerUnit.Level.STATE,
        name=f"Bench {state} {tag}",
        code=f"BS{tag}",
        organisation_type="STATE",
        state=state,
    )
    department = services.buyer_unit_create(
        acting_user=None,
        parent=top,
        level=BuyerUnit.Level.DEPARTMENT,
        name=f"Bench department {tag}",
        code=f"BD{tag}",
        state=state,
    )
    organisation, primary = services.organisation_register(
        acting_user=None,
        parent=department,
        name=f"Bench organisation {tag}",
        code=f"BO{tag}",
        primary_username=f"bench-{tag}-primary",
        primary_full_name="Bench Primary",
        primary_email=f"bench-{tag}-primary@example.in",
        primary_password=PASSWORD,
    )
    buyers = []
    for number in range(1, count + 1):
        office = services.buyer_unit_create(
            acting_user=None,
            parent=organisation,
            level=BuyerUnit.Level.OFFICE,
            name=f"Bench office {tag} {number}",
            code=f"BF{tag}{number}",
            state=state,
            district="Lucknow",
        )
        people = {}
        for role in (Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY):
            username = f"bench-{tag}-{number}-{role.lower()}"
            people[role] = services.secondary_user_create(
                acting_user=primary,
                unit=office,
                username=username,
                full_name=f"Bench {role.title()} {number}",
                email=f"{username}@example.in",
                roles=[role],
                password=PASSWORD,
            )
        membership = Membership.objects.get(
            user=people[Role.BUYER], buyer_unit=office, role=Role.BUYER
        )
        _token, raw = api_token_create(
            acting_user=people[Role.BUYER], membership=membership, name="order bench"
        )
        buyers.append(
            Buyer(
                office_id=office.pk,
                buyer_id=people[Role.BUYER].pk,
                consignee_id=people[Role.CONSIGNEE].pk,
                paying_authority_id=people[Role.PAYING_AUTHORITY].pk,
                token=raw,
            )
        )
    return buyers


# --- what they buy ----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    category_id: int
    offer_id: int
    price_paise: int


@dataclass
class Purchase:
    kind: str  # "L1" or "DIRECT": the mode MODE-1 should pick
    offer_id: int
    quantity: int
    value_paise: int


def l1_lines(state: str, limit: int) -> list[Line]:
    """Per (category, golden parameters) group with at least
    MIN_MANUFACTURERS manufacturers delivering anywhere in `state`: its
    dearest offer (the one the buyer names; L1 then finds the cheapest)."""
    from django.db import connection

    from kraya.catalog.rules.offers import STATE_BITS

    bit = 1 << STATE_BITS[state]
    sql = """
        WITH eligible AS (
            SELECT d.offer_id, d.category_id, d.golden_specs, d.price_paise,
                   lower(coalesce(nullif(d.oem, ''), d.brand)) AS maker
            FROM catalog_search_offerdocument d
            WHERE d.delivery_state_mask & %s <> 0 AND d.delivery_pincodes = ''
              AND d.golden_specs <> '{}'::jsonb
        ), groups AS (
            SELECT category_id, golden_specs,
                   (array_agg(offer_id ORDER BY price_paise DESC, offer_id))[1] AS offer_id,
                   max(price_paise) AS price_paise
            FROM eligible
            GROUP BY category_id, golden_specs
            HAVING count(DISTINCT maker) >= %s
        )
        SELECT category_id, offer_id, price_paise FROM groups
        WHERE price_paise <= %s
        ORDER BY md5(offer_id::text) LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [bit, MIN_MANUFACTURERS, L1_VALUE_PAISE[1], limit])
        return [Line(*row) for row in cursor.fetchall()]


def raise_stock(lines: list[Line], state: str) -> int:
    """Every offer that can serve these lines gets BENCH_STOCK units."""
    from django.db import connection

    from kraya.catalog.rules.offers import STATE_BITS

    categories = sorted({line.category_id for line in lines})
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_offer o SET stock = %s FROM catalog_search_offerdocument d "
            "WHERE d.offer_id = o.id AND d.category_id = ANY(%s) "
            "AND d.delivery_state_mask & %s <> 0 AND o.stock < %s",
            [BENCH_STOCK, categories, 1 << STATE_BITS[state], BENCH_STOCK // 2],
        )
        return cursor.rowcount


def plan(
    lines: list[Line], *, purchases: int, direct_share: float, seed: int, limits: tuple[int, int]
) -> list[Purchase]:
    """One office's purchases, in order. Categories are split between direct
    and L1 use (MODE-5 sums both), and each category's sum stays within the
    limit of its mode, at most MAX_DEMANDS_PER_CATEGORY demands each."""
    direct_max, l1_max = limits
    rng = random.Random(seed)
    by_category: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_category[line.category_id].append(line)
    categories = sorted(by_category)
    rng.shuffle(categories)
    cut = round(len(categories) * direct_share)
    direct_ok = [c for c in categories[:cut] if by_category[c][0].price_paise <= direct_max]
    l1_ok = categories[cut:]
    chosen: list[Purchase] = []
    for category, kind in _interleave(l1_ok, direct_ok, direct_share, rng):
        low, high = DIRECT_VALUE_PAISE if kind == "DIRECT" else L1_VALUE_PAISE
        cap = direct_max if kind == "DIRECT" else l1_max
        spent = 0
        for _ in range(MAX_DEMANDS_PER_CATEGORY):
            line = rng.choice(by_category[category])
            quantity = max(1, rng.randint(low, high) // line.price_paise)
            value = quantity * line.price_paise
            if kind == "L1" and value <= direct_max:
                quantity = direct_max // line.price_paise + 1
                value = quantity * line.price_paise
            if spent + value > cap or (kind == "L1" and value > high):
                break
            spent += value
            chosen.append(Purchase(kind, line.offer_id, quantity, value))
            if len(chosen) >= purchases:
                return chosen
    return chosen


def _interleave(
    l1: list[int], direct: list[int], direct_share: float, rng: random.Random
) -> list[tuple[int, str]]:
    l1_queue, direct_queue = list(l1), list(direct)
    order: list[tuple[int, str]] = []
    while l1_queue or direct_queue:
        if direct_queue and (not l1_queue or rng.random() < direct_share):
            order.append((direct_queue.pop(), "DIRECT"))
        else:
            order.append((l1_queue.pop(), "L1"))
    return order


# --- the clients ------------------------------------------------------------------


@dataclass
class Tally:
    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    purchase_durations: list[float] = field(default_factory=list)
    purchases: int = 0
    by_mode: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    orders: int = 0
    value_paise: int = 0
    failures: list[str] = field(default_factory=list)


class Client(threading.Thread):
    """One Buyer buying back to back until `stop_at`; purchases finished
    before `count_from` are the warm-up and not counted."""

    def __init__(
        self,
        port: int,
        buyer: Buyer,
        purchases: list[Purchase],
        state: str,
        times: tuple[float, float],
    ) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.buyer = buyer
        self.purchases = purchases
        self.state = state
        self.count_from, self.stop_at = times
        self.tally = Tally()
        self.exhausted = False
        self.headers = {
            "Authorization": f"Bearer {buyer.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict[str, Any], **headers: str) -> tuple[int, Any, float]:
        before = time.perf_counter()
        try:
            self.connection.request(
                "POST", path, body=json.dumps(body), headers={**self.headers, **headers}
            )
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        took = time.perf_counter() - before
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:300]
        return response.status, data, took

    def buy(self, purchase: Purchase) -> tuple[dict[str, float], Any] | str:
        """One purchase; its request durations and orders, or why it failed."""
        took: dict[str, float] = {}
        status, demand, took["demand"] = self.post(
            API,
            {
                "office_id": self.buyer.office_id,
                "consignee_id": self.buyer.consignee_id,
                "lines": [{"offer_id": purchase.offer_id, "quantity": purchase.quantity}],
                "delivery_state": self.state,
                "delivery_pincode": PINCODE,
                "delivery_address": ADDRESS,
            },
        )
        if status != 201:
            return f"demand: HTTP {status} {str(demand)[:300]}"
        if demand.get("status") != "OPEN" or demand.get("mode") != purchase.kind:
            return f"demand {demand.get('id')}: {demand.get('status')} {demand.get('mode')}"
        status, body, took["sanction"] = self.post(
            f"{API}/{demand['id']}/sanction",
            {
                "sanction_reference": f"FS/{demand['id']}/2026",
                "paying_authority_id": self.buyer.paying_authority_id,
            },
        )
        if status != 201:
            return f"sanction: HTTP {status} {str(body)[:300]}"
        status, body, took["order"] = self.post(
            f"{API}/{demand['id']}/orders", {}, **{"Idempotency-Key": uuid.uuid4().hex}
        )
        if status != 201:
            return f"order: HTTP {status} {str(body)[:300]}"
        return took, body["orders"]

    def run(self) -> None:
        clock = time.perf_counter
        for purchase in self.purchases:
            if clock() >= self.stop_at:
                return
            started = clock()
            try:
                outcome = self.buy(purchase)
            except (OSError, http.client.HTTPException) as error:
                outcome = f"connection: {error}"
            if started < self.count_from:
                continue
            if isinstance(outcome, str):
                self.tally.failures.append(outcome)
                continue
            took, orders = outcome
            for kind, seconds in took.items():
                self.tally.durations[kind].append(seconds)
            self.tally.purchase_durations.append(clock() - started)
            self.tally.purchases += 1
            self.tally.by_mode[purchase.kind] += 1
            self.tally.orders += len(orders)
            self.tally.value_paise += sum(order["total_paise"] for order in orders)
        self.exhausted = True


def drive(
    port: int,
    buyers: list[Buyer],
    plans: list[list[Purchase]],
    state: str,
    warmup: float,
    seconds: float,
) -> tuple[Tally, float, bool]:
    started = time.perf_counter()
    times = (started + warmup, started + warmup + seconds)
    clients = [Client(port, b, p, state, times) for b, p in zip(buyers, plans, strict=True)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = min(time.perf_counter(), times[1]) - times[0]
    total = Tally()
    for client in clients:
        for kind, values in client.tally.durations.items():
            total.durations[kind].extend(values)
        total.purchase_durations.extend(client.tally.purchase_durations)
        total.purchases += client.tally.purchases
        for mode, count in client.tally.by_mode.items():
            total.by_mode[mode] += count
        total.orders += client.tally.orders
        total.value_paise += client.tally.value_paise
        total.failures.extend(client.tally.failures)
    return total, elapsed, any(client.exhausted for client in clients)


# --- background work --------------------------------------------------------------


def queued_tasks_clear(redis_url: str) -> int:
    """How many Celery messages wait in the default queue; then drop them
    (no worker of this benchmark will run them)."""
    if not redis_url:
        return 0
    import redis

    client = redis.Redis.from_url(redis_url)
    waiting = int(client.llen("celery"))
    client.delete("celery")
    return waiting


def pdf_render_ms(order_ids: list[int]) -> float | None:
    """Median time to render (and store) one contract PDF, in this process."""
    from kraya.orders.models import ContractPdf
    from kraya.orders.services import contract_pdf_render

    durations = []
    for order_id in order_ids:
        ContractPdf.objects.filter(order_id=order_id).delete()
        before = time.perf_counter()
        try:
            contract_pdf_render(order_id=order_id)
        except Exception as error:
            print(f"    PDF rendering failed: {error}", flush=True)
            return None
        durations.append(time.perf_counter() - before)
    return round(harness.percentile(durations, 0.5) * 1000, 1) if durations else None


# --- raw inserts ------------------------------------------------------------------

RAW_TABLES = (
    "buying_demand",
    "buying_demandline",
    "buying_fundblock",
    "orders_order",
    "orders_orderitem",
    "core_auditevent",
)


def raw_templates(office_id: int) -> dict[str, dict[str, Any]]:
    """One row of each table as the purchase path wrote it, for this office."""
    from django.db import connection

    queries = {
        "buying_demand": "SELECT * FROM buying_demand WHERE office_id = %s AND status = 'ORDERED' "
        "ORDER BY id DESC LIMIT 1",
        "buying_demandline": "SELECT l.* FROM buying_demandline l JOIN buying_demand d "
        "ON d.id = l.demand_id WHERE d.office_id = %s AND d.status = 'ORDERED' "
        "ORDER BY l.id DESC LIMIT 1",
        "buying_fundblock": "SELECT * FROM buying_fundblock WHERE office_id = %s "
        "ORDER BY id DESC LIMIT 1",
        "orders_order": "SELECT * FROM orders_order WHERE buyer_office_id = %s "
        "ORDER BY id DESC LIMIT 1",
        "orders_orderitem": "SELECT i.* FROM orders_orderitem i JOIN orders_order o "
        "ON o.id = i.order_id WHERE o.buyer_office_id = %s ORDER BY i.id DESC LIMIT 1",
    }
    templates = {}
    with connection.cursor() as cursor:
        for table, sql in queries.items():
            cursor.execute(sql, [office_id])
            names = [column.name for column in cursor.description]
            row = cursor.fetchone()
            if row is None:
                raise SystemExit(f"no {table} row to copy for the raw insert rate")
            templates[table] = dict(zip(names, row, strict=True))
        cursor.execute(
            "SELECT * FROM core_auditevent WHERE action = 'orders.order_placed' "
            "ORDER BY seq DESC LIMIT 1"
        )
        names = [column.name for column in cursor.description]
        templates["core_auditevent"] = dict(zip(names, cursor.fetchone(), strict=True))
    return templates


class RawInserter(threading.Thread):
    """One connection inserting purchases' rows, one transaction each."""

    def __init__(
        self, url: str, templates: dict[str, dict[str, Any]], stop_at: float, worker: int
    ) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.templates = templates
        self.stop_at = stop_at
        self.worker = worker
        self.done = 0
        self.durations: list[float] = []

    def statement(self, table: str, row: dict[str, Any]) -> tuple[str, list[Any]]:
        from psycopg.types.json import Jsonb

        columns = [name for name in row if name != "id"]
        quoted = ", ".join(f'"{name}"' for name in columns)
        values = [Jsonb(row[c]) if isinstance(row[c], dict | list) else row[c] for c in columns]
        sql = (
            f"INSERT INTO bench_raw.{table} ({quoted}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id"
        )
        return sql, values

    def run(self) -> None:
        import psycopg

        t = self.templates
        count = 0
        with psycopg.connect(self.url) as connection:
            while time.perf_counter() < self.stop_at:
                count += 1
                unique = f"{self.worker}-{count}"
                before = time.perf_counter()
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.execute(*self.statement("buying_demand", t["buying_demand"]))
                    demand_id = cursor.fetchone()[0]
                    line = {**t["buying_demandline"], "demand_id": demand_id}
                    cursor.execute(*self.statement("buying_demandline", line))
                    line_id = cursor.fetchone()[0]
                    block = {**t["buying_fundblock"], "demand_id": demand_id}
                    cursor.execute(*self.statement("buying_fundblock", block))
                    order = {**t["orders_order"], "number": f"RAW-{unique}"}
                    cursor.execute(*self.statement("orders_order", order))
                    order_id = cursor.fetchone()[0]
                    item = {**t["orders_orderitem"], "order_id": order_id}
                    cursor.execute(*self.statement("orders_orderitem", item))
                    cursor.execute(
                        "UPDATE bench_raw.buying_demandline SET order_id = %s WHERE id = %s",
                        [order_id, line_id],
                    )
                    for event in range(3):
                        audit = {
                            **t["core_auditevent"],
                            "seq": self.worker * 10**12 + count * 10 + event,
                            "hash": f"{unique}-{event}",
                        }
                        cursor.execute(*self.statement("core_auditevent", audit))
                self.durations.append(time.perf_counter() - before)
                self.done += 1


def raw_insert_rate(url: str, office_id: int, connections: int, seconds: float) -> dict[str, Any]:
    from django.db import connection

    templates = raw_templates(office_id)
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS bench_raw CASCADE; CREATE SCHEMA bench_raw")
        for table in RAW_TABLES:
            cursor.execute(f"CREATE TABLE bench_raw.{table} (LIKE public.{table} INCLUDING ALL)")
    try:
        warm = [RawInserter(url, templates, time.perf_counter() + 1.0, 99)]
        for thread in warm:
            thread.start()
            thread.join()
        stop_at = time.perf_counter() + seconds
        threads = [RawInserter(url, templates, stop_at, i) for i in range(connections)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS bench_raw CASCADE")
    done = sum(thread.done for thread in threads)
    latency = harness.latency_summary([d for thread in threads for d in thread.durations])
    return {
        "raw_insert_per_s": round(done / elapsed, 1),
        "raw_insert_p99_ms": latency["p99_ms"],
    }


# --- main -------------------------------------------------------------------------


def scale() -> dict[str, int]:
    return harness.data_scale(
        ["catalog.Offer", "catalog_search.OfferDocument", "buying.Demand", "orders.Order"]
    )


def main() -> None:
    options = arguments()
    url = ensure_database(options.offers)
    if options.redis:
        os.environ["REDIS_URL"] = options.redis
    else:
        os.environ.pop("REDIS_URL", None)
    harness.setup_django()
    seeded = migrate_and_seed(options.offers, options.seed)
    import search as search_bench
    from kraya.core import clock, tasks
    from kraya.core.policy import policy_at

    modes = policy_at(clock.to_ist(clock.now()).date()).buying_modes
    limits = (modes.direct_purchase_max_paise, modes.l1_purchase_max_paise)
    lines = l1_lines(options.state, limit=5000)
    if not lines:
        raise SystemExit(f"no L1-comparable offers deliver to {options.state}")
    raised = raise_stock(lines, options.state)
    buyers = make_buyers(options.clients, options.state)
    # Enough for 400 purchases/s per run; a run that uses them all says so.
    wanted = int(400 * (options.seconds + options.warmup) / options.clients) + 50
    plans = [
        plan(
            lines,
            purchases=wanted,
            direct_share=options.direct_share,
            seed=options.seed * 1000 + index,
            limits=limits,
        )
        for index in range(options.clients)
    ]
    before = scale()
    print(
        f"==> {before.get('catalog.Offer', 0):,} offers; {len(lines):,} L1 groups in "
        f"{options.state} ({raised:,} offers' stock raised); {options.clients} buyers, "
        f"{options.workers} gunicorn workers; tasks: {tasks.mode()}",
        flush=True,
    )
    queued_tasks_clear(options.redis)
    with search_bench.server(options.workers) as (port, process):
        tally, elapsed, exhausted = drive(
            port, buyers, plans, options.state, options.warmup, options.seconds
        )
        rss_worker_mb, rss_total_mb = search_bench.process_tree_rss_mb(process.pid)
    queued = queued_tasks_clear(options.redis)
    if tally.failures:
        print(f"{len(tally.failures)} purchases failed, e.g.:", file=sys.stderr)
        print("\n".join(tally.failures[:10]), file=sys.stderr)
    if not tally.purchases:
        raise SystemExit("no purchase completed")
    requests = [d for values in tally.durations.values() for d in values]
    latency = harness.latency_summary(requests)
    per_kind = {
        f"{kind}_p99_ms": harness.latency_summary(values)["p99_ms"]
        for kind, values in tally.durations.items()
    }
    per_kind.update(
        {
            f"{kind}_p50_ms": harness.latency_summary(values)["p50_ms"]
            for kind, values in tally.durations.items()
        }
    )
    purchase = harness.latency_summary(tally.purchase_durations)
    from kraya.orders.models import Order

    recent = list(
        Order.objects.filter(buyer_office_id=buyers[0].office_id)
        .order_by("-id")
        .values_list("id", flat=True)[:PDF_SAMPLES]
    )
    print("==> raw inserts of the same rows", flush=True)
    raw = raw_insert_rate(url, buyers[0].office_id, options.clients, min(options.seconds, 10.0))
    purchases_per_s = round(tally.purchases / elapsed, 1)
    harness.report(
        "order_placement",
        {
            **{f"scale_{label}": count for label, count in scale().items()},
            "database": harness.database_vendor(),
            **seeded,
            "clients": options.clients,
            "workers": options.workers,
            "tasks": "celery (queued to Redis, no worker during the run)"
            if options.redis
            else "embedded thread pool in the web workers",
            "seconds": round(elapsed, 2),
            "purchases": tally.purchases,
            "purchases_by_mode": dict(tally.by_mode),
            "failed_purchases": len(tally.failures),
            "plan_exhausted": exhausted,
            "orders": tally.orders,
            "orders_value_paise": tally.value_paise,
            "purchases_per_s": purchases_per_s,
            "requests_per_s": round(len(requests) / elapsed, 1),
            **latency,
            **per_kind,
            "purchase_p50_ms": purchase["p50_ms"],
            "purchase_p99_ms": purchase["p99_ms"],
            "tasks_queued": queued,
            "pdf_render_ms_p50": pdf_render_ms(recent),
            **raw,
            "overhead_ratio": round(raw["raw_insert_per_s"] / purchases_per_s, 2)
            if purchases_per_s
            else None,
            "server_peak_rss_mb": rss_worker_mb,
            "server_total_peak_rss_mb": rss_total_mb,
            "bench_peak_rss_mb": harness.peak_rss_mb(),
        },
    )


if __name__ == "__main__":
    main()
