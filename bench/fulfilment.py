"""fulfilment: orders driven from placement to payment (ORD-3..ORD-8) by
simulated people and the orders' clock, on PostgreSQL, with the ledger
reconciled at the end.

Uses DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_fulfilment (created when
missing, then migrated). Each run seeds its own world and orders:

- rows, through the accounts services: a buyer organisation with
  `--offices` offices (a Buyer, a Consignee and a Paying Authority each) and
  `--sellers` seller firms (an admin each);
- `--orders` orders (default 100,000), seeded IN BULK — the order (PLACED,
  placed on a Monday at 10:00 IST, its ORD-3 acceptance window set), one item
  and its ORD-2 CONTRACT ledger posting, exactly the rows `order_opened`
  writes, in batched INSERTs, plus one audit event for the seeding. Placement
  is not measured here (`script/bench order_placement` measures it).

Each order follows a plan drawn from its index in the run and `--seed` (so
every process agrees, and a run is repeatable): 3% silent sellers (the clock
auto-cancels them, ORD-3); 3% small direct purchases (≤ ₹25,000) delivered but
never receipted (the clock's automatic CRAC on day 21, ORD-5); 10% receipted
(PRC) with no CRAC (deemed after 10 days, ORD-5); 5% with a unit rejected and
replaced (ORD-6); 5% with a unit rejected and not replaced (short supply); the
rest a CRAC accepting everything. Independently, 8% are delivered after the
delivery date (LD, ORD-4), 10% are paid four days after the bill's last day
(daily interest and escalation by the clock, ORD-7), and 10% are bid contracts
of ₹15–30 lakh (transaction charge, ORD-8).

The simulation moves the clock (`kraya.core.clock.frozen_at`) one day at a
time from placement day. Each day, `--actors` processes (each its slice of
the orders) act as the sellers (accept, dispatch with an invoice, deliver,
replace), consignees (PRC, CRAC) and Paying Authorities (pay through the
simulated treasury), one step per order per day, through the real services;
at the same time a scheduler process runs `orders_tick(now=that day)` until
nothing is due. Notifications go through the outbox and are delivered by
each process's embedded task threads (as without Redis); what is left when
the drive ends is delivered afterwards (`outbox_drain_s`).

Reported: transitions (audited `orders.<event>` of this run's orders) per
second of the drive; p50/p95/p99 ms per service call (a call is one
transition, or two when a CRAC raises the bill) and per kind; the scheduler's
ms per order it acted on; CPU seconds of the actors, the scheduler and
PostgreSQL; what PostgreSQL's backends were doing (sampled wait events:
`Lock:advisory` is the audit log's chain lock); peak RSS; the final states;
then `ledger_check()` over this run's orders and its mismatches. Last line:
one JSON object.

Knobs: --orders N (100000), --actors N (2), --offices N (5), --sellers N (50),
--seed S (1), --max-days N (90)."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import queue
import random
import resource
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_fulfilment"
DEFAULT_ORDERS = 100_000
PASSWORD = "Bench-fulfilment-2024!"
BATCH = 5_000
DAY = dt.timedelta(days=1)
# ORD-1's delivery period of the seeded orders; late deliveries come after it.
DELIVERY_DAYS = 30
ON_TIME_DELIVERY_DAY = 3
LATE_DELIVERY_DAY = DELIVERY_DAYS + 3
PAY_EARLY_DAYS = 2  # on time: two days before the bill's last day
PAY_LATE_DAYS = 4  # late: four days after it
ACTIVE = (
    "PLACED",
    "ACCEPTED",
    "DISPATCHED",
    "DELIVERED",
    "RECEIVED",
    "REPLACEMENT_DUE",
    "CERTIFIED",
    "BILLED",
)
TRANSITION_EVENTS = (
    "accept",
    "decline",
    "auto_cancel",
    "dispatch",
    "deliver",
    "receive",
    "certify",
    "deem",
    "auto_certify",
    "reject",
    "lapse_replacement",
    "bill",
    "pay",
    "cancel",
    "extend",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench fulfilment", description=__doc__)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--offices", type=int, default=5)
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-days", type=int, default=90)
    options = parser.parse_args()
    for name in ("orders", "actors", "offices", "sellers", "max_days"):
        if getattr(options, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return options


# --- the database -----------------------------------------------------------------


def ensure_database() -> str:
    """The benchmark's PostgreSQL database, created when missing."""
    return harness.ensure_database(DEFAULT_DATABASE)


# --- each order's plan ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """What the people do with one order (module docstring)."""

    silent: bool  # the seller never answers (ORD-3)
    crac: str  # ISSUED, DEEMED, REPLACED, SHORT or AUTO (ORD-5, ORD-6)
    late_delivery: bool  # delivered after the delivery date (ORD-4)
    late_payment: bool  # paid after the bill's last day (ORD-7)
    bid: bool  # a bid contract above ₹10 lakh (ORD-8's charge)


def plan_for(index: int, seed: int) -> Plan:
    """The plan of the run's `index`-th order (the same in every process, and
    in every run with the same seed)."""
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).digest()
    u = [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in range(0, 16, 4)]
    if u[0] < 0.03:
        return Plan(True, "ISSUED", False, False, False)
    if u[0] < 0.06:
        return Plan(False, "AUTO", False, u[2] < 0.10, False)
    crac = (
        "DEEMED"
        if u[0] < 0.16
        else "REPLACED"
        if u[0] < 0.21
        else "SHORT"
        if u[0] < 0.26
        else "ISSUED"
    )
    return Plan(False, crac, u[1] < 0.08, u[2] < 0.10, u[3] < 0.10)


def placement_day(today: dt.date) -> dt.datetime:
    """10:00 IST on the next Monday: ORD-3's two working days end on the
    Wednesday, whatever day the benchmark runs."""
    from kraya.core import clock

    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(monday, dt.time(10), tzinfo=clock.IST).astimezone(dt.UTC)


# --- seeding ----------------------------------------------------------------------


@dataclass
class World:
    tag: str
    office_ids: list[int]
    # per office: (buyer, consignee, paying authority) user ids
    people: list[tuple[int, int, int]]
    firm_ids: list[int]
    organisation_id: int


def make_world(offices: int, sellers: int) -> World:
    """A fresh buyer organisation and seller firms, through the services."""
    import reverse_auction as ra_bench
    from kraya.accounts import services
    from kraya.accounts.models import BuyerUnit, Role, User
    from kraya.accounts.services.sellers import seller_firm_create_for_applicant

    tag = uuid.uuid4().hex[:8]
    top = services.buyer_unit_create(
        acting_user=None,
        parent=None,
        level=BuyerUnit.Level.STATE,
        name=f"Bench fulfilment state {tag}",
        code=f"FS{tag}",
        organisation_type="STATE",
        state="Uttar Pradesh",
    )
    department = services.buyer_unit_create(
        acting_user=None,
        parent=top,
        level=BuyerUnit.Level.DEPARTMENT,
        name=f"Bench fulfilment department {tag}",
        code=f"FD{tag}",
        state="Uttar Pradesh",
    )
    organisation, primary = services.organisation_register(
        acting_user=None,
        parent=department,
        name=f"Bench fulfilment organisation {tag}",
        code=f"FO{tag}",
        primary_username=f"bench-ful-{tag}-primary",
        primary_full_name="Bench Primary",
        primary_email=f"bench-ful-{tag}-primary@example.in",
        primary_password=PASSWORD,
    )
    office_ids, people = [], []
    for number in range(1, offices + 1):
        office = services.buyer_unit_create(
            acting_user=None,
            parent=organisation,
            level=BuyerUnit.Level.OFFICE,
            name=f"Bench fulfilment office {tag} {number}",
            code=f"FF{tag}{number}",
            state="Uttar Pradesh",
            district="Lucknow",
        )
        users = [
            services.secondary_user_create(
                acting_user=primary,
                unit=office,
                username=f"bench-ful-{tag}-{number}-{role.lower()}",
                full_name=f"Bench {role.title()} {number}",
                email=f"bench-ful-{tag}-{number}-{role.lower()}@example.in",
                roles=[role],
                password=PASSWORD,
            )
            for role in (Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY)
        ]
        office_ids.append(office.pk)
        people.append((users[0].pk, users[1].pk, users[2].pk))
    rng = random.Random(tag)
    firm_ids = []
    for number in range(1, sellers + 1):
        admin = User(
            username=f"bench-ful-{tag}-s{number}",
            full_name=f"Bench seller {number}",
            email=f"bench-ful-{tag}-s{number}@example.in",
        )
        admin.set_unusable_password()  # the simulation calls the services as them
        admin.save()
        firm = seller_firm_create_for_applicant(
            name=f"Bench Supplier {tag} {number:03d}", pan=ra_bench._pan(rng), admin=admin
        )
        firm_ids.append(firm.pk)
    return World(tag, office_ids, people, firm_ids, organisation.pk)


def seed_orders(world: World, count: int, seed: int, placed_at: dt.datetime) -> tuple[int, int]:
    """`count` PLACED orders in bulk, each with one item and its CONTRACT
    posting (the rows `order_opened` writes); returns the first and last id."""
    from django.db import transaction

    from kraya.core import audit, clock
    from kraya.core.policy import policy_at
    from kraya.orders.models import LedgerLine, LedgerTransaction, Order, OrderItem
    from kraya.orders.models.ledger import COMMITMENT, SELLER_DUE
    from kraya.orders.services.fulfilment import acceptance_due_for

    policy_version = policy_at(clock.to_ist(placed_at).date()).version
    acceptance_due = acceptance_due_for(placed_at)
    due_on = clock.to_ist(placed_at).date() + dt.timedelta(days=DELIVERY_DAYS)
    rng = random.Random(seed)
    first = last = 0
    for start in range(0, count, BATCH):
        orders, items = [], []
        for index in range(start, min(count, start + BATCH)):
            number = f"BF{world.tag}{index:08d}"
            plan = plan_for(index, seed)
            if plan.crac == "AUTO":  # ORD-5: a direct purchase of at most ₹25,000
                mode, quantity, unit_paise = Order.Mode.DIRECT, rng.randint(2, 5), 4_000_00
            elif plan.bid:  # ORD-8: above ₹10 lakh, a bid contract
                mode, quantity, unit_paise = Order.Mode.BID, rng.randint(3, 6), 5_00_000_00
            else:
                mode, quantity = Order.Mode.L1, rng.randint(2, 10)
                unit_paise = rng.randrange(5_000_00, 50_000_00, 100)
            office = index % len(world.office_ids)
            buyer, consignee, paying_authority = world.people[office]
            orders.append(
                Order(
                    number=number,
                    placed_at=placed_at,
                    updated_at=placed_at,
                    acceptance_due_at=acceptance_due,
                    buyer_office_id=world.office_ids[office],
                    buyer_id=buyer,
                    consignee_id=consignee,
                    paying_authority_id=paying_authority,
                    seller_firm_id=world.firm_ids[index % len(world.firm_ids)],
                    mode=mode,
                    total_paise=quantity * unit_paise,
                    delivery_period_days=DELIVERY_DAYS,
                    delivery_due_on=due_on,
                    delivery_state="Uttar Pradesh",
                    delivery_pincode="226001",
                    delivery_address="District Hospital, Civil Lines, Lucknow",
                    receipts_digest="0" * 64,
                    policy_version=policy_version,
                )
            )
            items.append((quantity, unit_paise))
        with transaction.atomic():
            made = Order.objects.bulk_create(orders)
            OrderItem.objects.bulk_create(
                OrderItem(
                    order=order,
                    title="Steel almirah, 4 shelves",
                    brand="Godrej",
                    model="Storwel",
                    manufacturer="Godrej & Boyce",
                    quantity=quantity,
                    unit_price_paise=unit_paise,
                    total_paise=quantity * unit_paise,
                )
                for order, (quantity, unit_paise) in zip(made, items, strict=True)
            )
            postings = LedgerTransaction.objects.bulk_create(
                LedgerTransaction(
                    order=order,
                    kind=LedgerTransaction.Kind.CONTRACT,
                    key=f"contract:{order.pk}",
                    posted_at=placed_at,
                    rule="ORD-2",
                    policy_version=policy_version,
                    memo=order.number,
                )
                for order in made
            )
            LedgerLine.objects.bulk_create(
                line
                for posting, order in zip(postings, made, strict=True)
                for line in (
                    LedgerLine(
                        transaction=posting,
                        order=order,
                        account=COMMITMENT,
                        debit_paise=order.total_paise,
                        credit_paise=0,
                    ),
                    LedgerLine(
                        transaction=posting,
                        order=order,
                        account=SELLER_DUE,
                        debit_paise=0,
                        credit_paise=order.total_paise,
                    ),
                )
            )
        first = first or made[0].pk
        last = made[-1].pk
    with transaction.atomic(), clock.frozen_at(placed_at):
        audit.record(
            actor=None,
            action="bench.fulfilment.seed",
            payload={"orders": count, "first_id": first, "last_id": last, "seed": seed},
        )
    return first, last


# --- the processes ----------------------------------------------------------------


@dataclass
class Job:
    """What the coordinator sends each process: the simulated day."""

    day: int
    at: dt.datetime


def _acting_users(first: int, last: int) -> dict[int, Any]:
    from kraya.accounts.models import Membership, Role, User
    from kraya.orders.models import Order

    orders = Order.objects.filter(pk__range=(first, last))
    ids = set()
    for field in ("consignee_id", "paying_authority_id"):
        ids.update(orders.values_list(field, flat=True).distinct())
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    firms = orders.values_list("seller_firm_id", flat=True).distinct()
    for membership in Membership.objects.filter(
        seller_firm_id__in=firms, role=Role.SELLER_ADMIN
    ).select_related("user"):
        users[-membership.seller_firm_id] = membership.user  # keyed by -firm id
    return users


class Actor:
    """The sellers, consignees and Paying Authorities of one slice of the orders."""

    def __init__(self, first: int, last: int, slice_index: int, slices: int, seed: int):
        self.first, self.last = first, last
        self.slice_index, self.slices = slice_index, slices
        self.seed = seed
        self.users = _acting_users(first, last)
        self.plans: dict[int, Plan] = {}

    def plan(self, order_id: int, number: str) -> Plan:
        found = self.plans.get(order_id)
        if found is None:
            # The contract number ends with the order's index in the run.
            found = self.plans[order_id] = plan_for(int(number[-8:]), self.seed)
        return found

    def day(self, job: Job) -> dict[str, Any]:
        from django.db.models import F

        from kraya.core import clock
        from kraya.core.errors import DomainError
        from kraya.orders.models import Order

        today = clock.to_ist(job.at).date()
        rows = (
            Order.objects.filter(pk__range=(self.first, self.last), status__in=ACTIVE)
            .annotate(slice=F("pk") % self.slices)
            .filter(slice=self.slice_index)
            .order_by("pk")
            .values_list(
                "pk",
                "number",
                "status",
                "seller_firm_id",
                "consignee_id",
                "paying_authority_id",
                "received_at",
                "payment_last_day",
            )
        )
        durations: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        for row in rows:
            order_id, number, status, firm, consignee, paying, received, last_day = row
            step = self.step(
                job,
                today,
                order_id,
                status,
                self.plan(order_id, number),
                received is not None,
                last_day,
                seller=self.users[-firm],
                consignee=self.users[consignee],
                paying_authority=self.users[paying],
            )
            if step is None:
                continue
            kind, call = step
            before = time.perf_counter()
            try:
                call()
            except DomainError as error:
                errors.append(f"{kind} order {order_id}: {error.code}: {error}")
                continue
            durations[kind].append(time.perf_counter() - before)
        return {"durations": dict(durations), "errors": errors}

    def step(
        self,
        job: Job,
        today: dt.date,
        order_id: int,
        status: str,
        plan: Plan,
        receipted: bool,
        last_day: dt.date | None,
        *,
        seller: Any,
        consignee: Any,
        paying_authority: Any,
    ) -> tuple[str, Any] | None:
        """Today's one step of this order, or None (waiting, or the clock's turn)."""
        from kraya.orders.services import fulfilment, payment

        if status == "PLACED":
            if plan.silent:
                return None  # ORD-3: the clock cancels it
            return "accept", lambda: fulfilment.order_accept(order_id=order_id, acting_user=seller)
        if status in ("ACCEPTED", "REPLACEMENT_DUE"):
            return "dispatch", lambda: fulfilment.order_dispatch(
                order_id=order_id,
                acting_user=seller,
                invoice_number=f"INV/{order_id}/{job.day}",
                invoice_date=today,
                evidence=f"Docket {order_id}-{job.day}, Safe Express",
            )
        if status == "DISPATCHED":
            on = LATE_DELIVERY_DAY if plan.late_delivery else ON_TIME_DELIVERY_DAY
            if job.day < on and not receipted:
                return None
            return "deliver", lambda: fulfilment.order_deliver(
                order_id=order_id, acting_user=seller, proof="Challan signed by the store keeper"
            )
        if status == "DELIVERED":
            if plan.crac == "AUTO":
                return None  # ORD-5: the clock's automatic CRAC on day 21
            return "receive", lambda: fulfilment.order_receive(
                order_id=order_id, acting_user=consignee
            )
        if status == "RECEIVED":
            if plan.crac == "DEEMED":
                return None  # ORD-5: the clock deems it accepted
            return "certify", lambda: self.certify(order_id, plan, consignee)
        if status == "BILLED" and last_day is not None:
            pay_on = (
                last_day + dt.timedelta(days=PAY_LATE_DAYS)
                if plan.late_payment
                else last_day - dt.timedelta(days=PAY_EARLY_DAYS)
            )
            if today < pay_on:
                return None
            return "pay", lambda: payment.bill_pay(
                order_id=order_id,
                acting_user=paying_authority,
                idempotency_key=f"bench-pay-{order_id}",
            )
        return None

    @staticmethod
    def certify(order_id: int, plan: Plan, consignee: Any) -> Any:
        """The CRAC: everything accepted, or (first round of a REPLACED or
        SHORT plan) one unit rejected, to be replaced or not."""
        from kraya.orders.models import Shipment
        from kraya.orders.services import fulfilment
        from kraya.orders.services.fulfilment import CracLine

        shipment = Shipment.objects.filter(order_id=order_id).order_by("-round").first()
        assert shipment is not None
        lines = list(shipment.lines.values_list("item_id", "quantity"))
        reject = plan.crac in ("REPLACED", "SHORT") and shipment.round == 1
        crac = [
            CracLine(item_id, quantity - 1, 1, "Door dented in transit")
            if reject and index == 0
            else CracLine(item_id, quantity)
            for index, (item_id, quantity) in enumerate(lines)
        ]
        return fulfilment.order_certify(
            order_id=order_id,
            acting_user=consignee,
            lines=crac,
            replace_rejected=reject and plan.crac == "REPLACED",
        )


def scheduler_day(job: Job) -> dict[str, Any]:
    """The orders' clock at the day's instant, run until nothing is due."""
    from kraya.orders.services.clock import orders_tick

    totals: Counter[str] = Counter()
    passes: list[float] = []
    while True:
        before = time.perf_counter()
        counts = orders_tick(now=job.at)
        passes.append(time.perf_counter() - before)
        totals.update(counts)
        if not any(counts.values()):
            return {"counts": dict(totals), "seconds": sum(passes), "passes": len(passes)}


def process_main(
    role: str,
    slice_index: int,
    slices: int,
    first: int,
    last: int,
    seed: int,
    jobs: Any,
    results: Any,
) -> None:
    """One simulated process: an actor slice or the scheduler. Each job is a
    day; the clock stays frozen at that day until the next job arrives, so
    the embedded task threads (the outbox) see the simulated time too."""
    try:
        harness.setup_django()
        from kraya.core import clock, tasks

        actor = Actor(first, last, slice_index, slices, seed) if role == "actor" else None
        results.put(("ready", role, slice_index, None))
        job = jobs.get()
        while job is not None:
            with clock.frozen_at(job.at):
                outcome = actor.day(job) if actor is not None else scheduler_day(job)
                results.put(("day", role, slice_index, outcome))
                job = jobs.get()
        tasks.wait_for_embedded_tasks(timeout=600)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        results.put(
            (
                "done",
                role,
                slice_index,
                {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": harness.peak_rss_mb()},
            )
        )
    except BaseException:
        results.put(("failed", role, slice_index, traceback.format_exc()))
        raise


# --- the coordinator --------------------------------------------------------------


class WaitSampler(threading.Thread):
    """Samples what this database's backends are doing, every 100 ms, from
    pg_stat_activity: `active` (working or waiting on `wait_event`), or `idle
    in transaction` (the Python side holds a transaction open)."""

    def __init__(self, url: str, name: str) -> None:
        super().__init__(daemon=True)
        self.url, self.name = url, name
        self.samples: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(0.1):
                for state, kind, event in connection.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND state <> 'idle'",
                    [self.name],
                ).fetchall():
                    label = state if state != "active" else "active"
                    if kind and kind != "Client":
                        label += f" {kind}:{event}"
                    elif state == "active":
                        label += " (CPU)"
                    self.samples[label] += 1

    def shares(self) -> dict[str, float]:
        total = sum(self.samples.values()) or 1
        return {label: round(count / total, 3) for label, count in self.samples.most_common(8)}


class Processes:
    def __init__(self, actors: int, first: int, last: int, seed: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.results: Any = context.Queue()
        self.inboxes: list[Any] = []
        self.processes = []
        roles = [("actor", index) for index in range(actors)] + [("scheduler", 0)]
        for role, index in roles:
            inbox = context.Queue()
            process = context.Process(
                target=process_main,
                args=(role, index, actors, first, last, seed, inbox, self.results),
                daemon=True,
            )
            process.start()
            self.inboxes.append(inbox)
            self.processes.append(process)
        self.collect("ready")

    def collect(self, kind: str) -> list[tuple[str, int, Any]]:
        gathered = []
        while len(gathered) < len(self.processes):
            try:
                got, role, index, outcome = self.results.get(timeout=600)
            except queue.Empty:
                raise SystemExit(f"no process answered within 10 minutes ({kind})") from None
            if got == "failed":
                self.terminate()
                raise SystemExit(f"the {role} process {index} failed:\n{outcome}")
            gathered.append((role, index, outcome))
        return gathered

    def day(self, job: Job) -> list[tuple[str, int, Any]]:
        for inbox in self.inboxes:
            inbox.put(job)
        return self.collect("day")

    def finish(self) -> list[tuple[str, int, Any]]:
        for inbox in self.inboxes:
            inbox.put(None)
        done = self.collect("done")
        for process in self.processes:
            process.join(timeout=60)
        return done

    def terminate(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()


def active_left(first: int, last: int) -> int:
    from kraya.orders.models import Order

    return Order.objects.filter(pk__range=(first, last), status__in=ACTIVE).count()


def transitions_audited(first: int, last: int, since_seq: int) -> dict[str, int]:
    """The audited transitions of this run's orders after `since_seq`, by event."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT action, count(*) FROM core_auditevent WHERE seq > %s "
            "AND object_type = 'orders.order' AND action = ANY(%s) "
            "AND object_id::bigint BETWEEN %s AND %s GROUP BY action ORDER BY action",
            [since_seq, [f"orders.{event}" for event in TRANSITION_EVENTS], first, last],
        )
        return {action.removeprefix("orders."): count for action, count in cursor.fetchall()}


def drive(options: argparse.Namespace, first: int, last: int, start: dt.datetime) -> dict[str, Any]:
    """Day after day until every order is paid or cancelled (or --max-days)."""
    from django.db import connections

    connections.close_all()  # the children open their own
    processes = Processes(options.actors, first, last, options.seed)
    durations: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    clock_counts: Counter[str] = Counter()
    clock_seconds = 0.0
    days = 0
    began = time.perf_counter()
    try:
        for day in range(options.max_days + 1):
            days = day + 1
            for role, _index, outcome in processes.day(Job(day, start + day * DAY)):
                if role == "actor":
                    for kind, values in outcome["durations"].items():
                        durations[kind].extend(values)
                    errors.extend(outcome["errors"])
                else:
                    clock_counts.update(outcome["counts"])
                    clock_seconds += outcome["seconds"]
            left = active_left(first, last)
            calls = sum(len(values) for values in durations.values())
            print(
                f"    day {day:>2}: {calls:,} service calls, {sum(clock_counts.values()):,} "
                f"clock actions so far; {left:,} orders open; "
                f"{time.perf_counter() - began:,.0f} s",
                flush=True,
            )
            if not left:
                break
        elapsed = time.perf_counter() - began
        finished = processes.finish()
    except BaseException:
        processes.terminate()
        raise
    return {
        "elapsed": elapsed,
        "days": days,
        "durations": durations,
        "errors": errors,
        "clock_counts": clock_counts,
        "clock_seconds": clock_seconds,
        "finished": finished,
    }


def outbox_drain() -> tuple[int, float]:
    from kraya.core import outbox

    before = time.perf_counter()
    handled = outbox.dispatch_all(now=dt.datetime.now(tz=dt.UTC) + 400 * DAY)
    return handled, round(time.perf_counter() - before, 2)


def notifications_of_run(tag: str) -> int:
    from kraya.notifications.models import Notification

    return Notification.objects.filter(user__username__startswith=f"bench-ful-{tag}-").count()


def main() -> None:
    options = arguments()
    url = ensure_database()
    os.environ.pop("REDIS_URL", None)  # the embedded task threads deliver the outbox
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("KRAYA_LOG_LEVEL", "WARNING")
    harness.setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    import reverse_auction as ra_bench
    from kraya.core import clock
    from kraya.core.audit_models import AuditEvent
    from kraya.orders.services.ledger import ledger_check

    began = time.perf_counter()
    world = make_world(options.offices, options.sellers)
    start = placement_day(clock.today_ist())
    first, last = seed_orders(world, options.orders, options.seed, start)
    seeded_s = round(time.perf_counter() - began, 1)
    print(
        f"==> seeded {options.orders:,} orders in bulk ({first}..{last}) in {seeded_s} s; "
        f"placed {start.isoformat()}; {options.actors} actor processes and one scheduler",
        flush=True,
    )
    from kraya.orders.models import Order

    earlier = Order.objects.filter(status__in=ACTIVE).exclude(pk__range=(first, last)).count()
    if earlier:
        # The clock scans every order: an interrupted earlier run's open
        # orders get its reminders and cancellations too (clock_counts).
        print(f"==> note: {earlier:,} orders of earlier runs are still open", flush=True)
    since_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    sampler = WaitSampler(url, urllib.parse.urlparse(url).path.lstrip("/"))
    sampler.start()
    postgres_before = ra_bench.postgres_cpu_s()
    run = drive(options, first, last, start)
    postgres_s = ra_bench.postgres_cpu_delta_s(postgres_before, ra_bench.postgres_cpu_s())
    sampler.stop.set()
    sampler.join(timeout=5)
    if run["errors"]:
        print(f"{len(run['errors'])} steps refused, e.g.:", file=sys.stderr)
        print("\n".join(run["errors"][:10]), file=sys.stderr)
    print("==> delivering what is left in the outbox", flush=True)
    drained, drain_s = outbox_drain()
    by_event = transitions_audited(first, last, since_seq)
    transitions = sum(by_event.values())
    calls = [d for values in run["durations"].values() for d in values]
    latency = harness.latency_summary(calls) if calls else {}
    per_kind = {
        f"{kind}_p50_ms": harness.latency_summary(values)["p50_ms"]
        for kind, values in sorted(run["durations"].items())
    }
    per_kind.update(
        {
            f"{kind}_p99_ms": harness.latency_summary(values)["p99_ms"]
            for kind, values in sorted(run["durations"].items())
        }
    )
    clock_steps = sum(
        run["clock_counts"].get(name, 0)
        for name in ("auto_cancelled", "deemed", "auto_certified", "replacement_lapsed")
    )
    finished = run["finished"]
    actors_cpu = sum(o["cpu_s"] for role, _i, o in finished if role == "actor")
    scheduler_cpu = sum(o["cpu_s"] for role, _i, o in finished if role == "scheduler")
    statuses = _status_counts(first, last)
    print("==> ledger check", flush=True)
    before = time.perf_counter()
    report = ledger_check(order_ids=range(first, last + 1))
    ledger_s = round(time.perf_counter() - before, 1)
    for mismatch in report.mismatches[:20]:
        print(f"    {mismatch}", file=sys.stderr)
    elapsed = run["elapsed"]
    harness.report(
        "fulfilment",
        {
            "orders": options.orders,
            "database": harness.database_vendor(),
            "seeded": "in bulk (orders, items, CONTRACT postings)",
            "seed_s": seeded_s,
            "actors": options.actors,
            "days_simulated": run["days"],
            "seconds": round(elapsed, 1),
            "transitions": transitions,
            "transitions_by_event": by_event,
            "transitions_per_s": round(transitions / elapsed, 1),
            "service_calls": len(calls),
            **latency,
            **per_kind,
            "clock_steps": clock_steps,
            "clock_counts": dict(run["clock_counts"]),
            "earlier_open_orders": earlier,
            "clock_ms_per_step": round(1000 * run["clock_seconds"] / clock_steps, 2)
            if clock_steps
            else None,
            "refused_steps": len(run["errors"]),
            "final_states": statuses,
            "notifications_delivered": notifications_of_run(world.tag),
            "outbox_left_after_drive": drained,
            "outbox_drain_s": drain_s,
            "cpu_actors_s": round(actors_cpu, 1),
            "cpu_scheduler_s": round(scheduler_cpu, 1),
            "cpu_postgres_s": round(postgres_s, 1),
            "db_backend_states": sampler.shares(),
            "peak_rss_mb": harness.peak_rss_mb(),
            "process_peak_rss_mb": max(o["peak_rss_mb"] for _r, _i, o in finished),
            "ledger_checked_orders": report.orders,
            "ledger_transactions": report.transactions,
            "ledger_check_s": ledger_s,
            "ledger_mismatches": len(report.mismatches),
        },
    )


def _status_counts(first: int, last: int) -> dict[str, int]:
    from django.db.models import Count

    from kraya.orders.models import Order

    return dict(
        Order.objects.filter(pk__range=(first, last))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


if __name__ == "__main__":
    main()
