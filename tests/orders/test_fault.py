"""Issue 7, reliability: the orders' scheduler (`kraya orders_tick --every`)
killed with SIGKILL in the middle of an order's step, again and again, and
then run to the end does every due transition exactly once — ORD-3's
auto-cancellation, ORD-5's deemed CRAC with its bill (and ORD-4's LD), ORD-7's
daily interest — the ledger reconciles, and each notice is delivered once.

The scheduler runs as a real process against the test database, with the
hook `KRAYA_FAULT_SLEEP_IN_TICK` making it sleep inside each order's
transaction after the step; the test waits until that process sits idle in
a transaction holding the audit log's lock (so mid-step, with the step's rows
written but not committed), kills it, and starts it again. PostgreSQL only: a
second process cannot share SQLite's in-memory test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Count

from kraya.core import clock, outbox
from kraya.core.audit_models import AuditEvent
from kraya.core.models import OutboxMessage
from kraya.notifications.models import Notification
from kraya.orders.models import Bill, LedgerTransaction, Order
from kraya.orders.rules import states
from kraya.orders.services import fulfilment
from kraya.orders.services.clock import orders_tick
from kraya.orders.services.fulfilment import CracLine
from kraya.orders.services.ledger import ledger_check
from kraya.orders.services.payment import interest_due
from tests.orders.flow import bid_order, drive

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a second process needs PostgreSQL"
    ),
]

PER_GROUP = 10
UNIT_PRICE_PAISE = 50_000_00
HOOK_SECONDS = "1"  # the sleep inside each step's transaction
# libpq names the scheduler process's connections by this, so the test watches
# them alone (this worker's own threads may hold connections of their own).
SCHEDULER = "kraya-fault-scheduler"
DAY = dt.timedelta(days=1)


def _made(world, count: int, *, at: dt.datetime, to: str) -> list[Order]:
    with clock.frozen_at(at):
        return [
            drive(world, bid_order(world, quantity=2, unit_price_paise=UNIT_PRICE_PAISE), to)
            for _ in range(count)
        ]


def _overdue_orders(world) -> dict[str, list[int]]:
    """Three groups whose deadlines passed (in real time: the scheduler
    process reads the real clock)."""
    now = clock.now()
    # ORD-3: placed 10 days ago, never answered; direct/L1 orders are cancelled.
    silent = _made(world, PER_GROUP, at=now - 10 * DAY, to=states.PLACED)
    Order.objects.filter(pk__in=[o.pk for o in silent]).update(mode=Order.Mode.L1)
    # ORD-5: dispatched 60 days ago, due 30 days ago, the PRC 15 days ago (late:
    # ORD-4's LD), no CRAC: deemed on day 10 after the PRC and billed.
    unanswered = _made(world, PER_GROUP, at=now - 60 * DAY, to=states.DISPATCHED)
    with clock.frozen_at(now - 15 * DAY):
        unanswered = [drive(world, order, states.RECEIVED) for order in unanswered]
    # ORD-7: certified 40 days ago with one of two units rejected and not to
    # be replaced; the bill's last day is long past, so interest accrues.
    late = _made(world, PER_GROUP, at=now - 40 * DAY, to=states.RECEIVED)
    with clock.frozen_at(now - 40 * DAY):
        for order in late:
            [line] = order.shipments.get().lines.all()
            fulfilment.order_certify(
                order_id=order.pk,
                acting_user=world.consignee,
                lines=[CracLine(line.item_id, accepted=1, rejected=1, reason="Dented door")],
            )
    return {
        "silent": [o.pk for o in silent],
        "unanswered": [o.pk for o in unanswered],
        "late": [o.pk for o in late],
    }


def _environment() -> dict[str, str]:
    settings_dict = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kraya.settings",
        "KRAYA_EMBEDDED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PGAPPNAME": SCHEDULER,
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        ),
    }


def _scalar(sql: str, params: list[object]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _mid_step() -> bool:
    """The scheduler sits in the hook: one of its backends idle inside a
    transaction for longer than any statement gap (the outbox's own
    transactions, in the same process, last milliseconds)."""
    return bool(
        _scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND application_name = %s AND state = 'idle in transaction' "
            "AND state_change < clock_timestamp() - interval '100 milliseconds'",
            [connection.settings_dict["NAME"], SCHEDULER],
        )
    )


def _rolled_back() -> bool:
    """None of the scheduler's backends is left (the killed process's
    connections are closed and their transactions rolled back). Other
    connections of this test process, such as its embedded task threads',
    are not the scheduler's and may stay."""
    return not _scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [connection.settings_dict["NAME"], SCHEDULER],
    )


def _wait(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.05)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _interest_postings() -> int:
    return LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.INTEREST).count()


def _kill_mid_step(env: dict[str, str], done: Callable[[], bool]) -> None:
    """Start the hooked scheduler, wait until `done()` and it is mid-step,
    SIGKILL it, and wait until PostgreSQL has rolled its transaction back."""
    hooked = subprocess.Popen(
        [sys.executable, "-m", "kraya", "orders_tick", "--every", "0.2"],
        env={**env, "KRAYA_FAULT_SLEEP_IN_TICK": HOOK_SECONDS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: done() and _mid_step(), "the scheduler is mid-step")
    finally:
        hooked.send_signal(signal.SIGKILL)
        hooked.wait(timeout=30)
    _wait(_rolled_back, "the killed scheduler's transactions are rolled back")


def test_scheduler_killed_mid_step_does_each_due_transition_once_ord3_ord5_ord7(world) -> None:
    groups = _overdue_orders(world)
    ids = [pk for pks in groups.values() for pk in pks]
    env = _environment()

    # Killed three times, each time inside a step (its transition audited,
    # its ledger rows written, not committed): among the auto-cancellations,
    # the deemed CRACs and the interest accruals.
    _kill_mid_step(env, lambda: _events("orders.auto_cancel") >= 3)
    _kill_mid_step(env, lambda: _events("orders.deem") >= 3)
    _kill_mid_step(env, lambda: _interest_postings() >= 3)
    # The last kill lost a step: the work is not all done yet.
    assert _interest_postings() < PER_GROUP

    # Started again without the hook, it finishes; a second run finds nothing due.
    for _ in range(2):
        again = subprocess.run(
            [sys.executable, "-m", "kraya", "orders_tick"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert again.returncode == 0, again.stderr
    assert "auto_cancelled=0 deemed=0" in again.stdout
    assert "interest_accrued=0" in again.stdout

    statuses = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert {statuses[pk] for pk in groups["silent"]} == {states.CANCELLED}
    assert {statuses[pk] for pk in groups["unanswered"] + groups["late"]} == {states.BILLED}

    # Exactly one audited transition per order and due step.
    per_order = Counter(
        (event.action, int(event.object_id))
        for event in AuditEvent.objects.filter(
            object_type="orders.order", action__in=["orders.auto_cancel", "orders.deem"]
        )
    )
    assert per_order == Counter(
        {("orders.auto_cancel", pk): 1 for pk in groups["silent"]}
        | {("orders.deem", pk): 1 for pk in groups["unanswered"]}
    )
    bills = Counter(
        int(event.object_id)
        for event in AuditEvent.objects.filter(action="orders.bill", object_id__in=map(str, ids))
    )
    assert bills == Counter({pk: 1 for pk in groups["unanswered"] + groups["late"]})
    assert Bill.objects.filter(order_id__in=ids).count() == 2 * PER_GROUP

    # One ledger transaction per order and kind (ORD-2, ORD-3, ORD-4, ORD-5).
    postings = Counter(
        LedgerTransaction.objects.filter(order_id__in=ids)
        .exclude(kind=LedgerTransaction.Kind.INTEREST)
        .values_list("order_id", "kind")
    )
    assert set(postings.values()) == {1}
    kinds = LedgerTransaction.Kind
    for pk in groups["silent"]:
        assert {kinds.CONTRACT, kinds.RELEASE} == {k for o, k in postings if o == pk}
    for pk in groups["unanswered"]:
        # Deemed: everything accepted (no short supply), received 15 days late.
        # (ORD-8: no transaction charge on ₹1 lakh.)
        assert {kinds.CONTRACT, kinds.LD} == {k for o, k in postings if o == pk}
    for pk in groups["late"]:
        assert {kinds.CONTRACT, kinds.SHORT_SUPPLY} == {k for o, k in postings if o == pk}

    # ORD-7: interest posted once for today, for the whole period late.
    today = clock.today_ist()
    interest = LedgerTransaction.objects.filter(kind=kinds.INTEREST, order_id__in=ids)
    assert sorted(interest.values_list("key", flat=True)) == sorted(
        f"interest:{pk}:{today.isoformat()}" for pk in groups["late"]
    )
    for bill in Bill.objects.filter(order_id__in=groups["late"]).select_related("order"):
        assert bill.interest_accrued_on == today
        assert bill.interest_accrued_paise == interest_due(bill.order, bill, today).paise > 0
    # ORD-7: escalated once (this week) for each late bill.
    assert Order.objects.filter(pk__in=groups["late"], escalated_on=today).count() == PER_GROUP

    # Tomorrow: one more posting per late bill, however often the clock runs.
    tomorrow = clock.now() + DAY
    for _ in range(2):
        orders_tick(now=tomorrow)
    assert interest.count() == 2 * PER_GROUP
    assert set(interest.values("order_id").annotate(n=Count("id")).values_list("n", flat=True)) == {
        2
    }

    report = ledger_check(order_ids=ids)
    assert report.orders == 3 * PER_GROUP
    assert report.mismatches == []

    # The outbox: every notice of those transitions delivered, once each.
    outbox.dispatch_all()
    assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()
    assert OutboxMessage.objects.filter(kind="orders.auto_cancelled").count() == PER_GROUP
    seller_notices = Counter(
        Notification.objects.filter(user=world.seller_admin).values_list("kind", "key")
    )
    assert set(seller_notices.values()) == {1}
    for kind, pks in (
        ("orders.auto_cancelled", groups["silent"]),
        ("orders.certified", groups["unanswered"] + groups["late"]),
    ):
        assert {key for k, key in seller_notices if k == kind} == {f"{kind}:{pk}" for pk in pks}
    # The Paying Authority heard of each deemed CRAC's bill once, too.
    assert (
        Notification.objects.filter(
            user=world.paying_authority,
            kind="orders.certified",
            key__in=[f"orders.certified:{pk}" for pk in groups["unanswered"]],
        ).count()
        == PER_GROUP
    )
