"""The orders' clock (ORD-3..ORD-7): every deadline that passes without the
person acting is acted on here, at the deadline's own instant, whenever the
scheduler runs — auto-cancellation, deemed and automatic CRAC, lapsed
replacement, daily interest accrual — and reminders and escalations are sent.

`orders_tick` is idempotent and safe to run twice at once: each order is
claimed under its row lock with `skip_locked`, and re-checked in the state
and deadline that selected it, so a second scheduler, a retried task or a
worker killed half-way makes every due transition happen exactly once.
Celery beat sends `kraya.orders.tick` every minute (embedded: the in-process
scheduler); `kraya orders_tick` runs it by hand."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from kraya.core import clock
from kraya.orders.models import Bill, Order
from kraya.orders.rules import deadlines, states
from kraya.orders.services import notices
from kraya.orders.services.fulfilment import (
    order_auto_cancel,
    order_auto_certify,
    order_deem,
    order_lapse_replacement,
)
from kraya.orders.services.payment import interest_accrue

logger = logging.getLogger(__name__)

BATCH = 500
# A test hook (tests/orders/test_fault.py): seconds to sleep inside each
# order's transaction, after its step and before the commit.
FAULT_SLEEP = float(os.environ.get("KRAYA_FAULT_SLEEP_IN_TICK", "0") or 0)
REMIND_BEFORE = dt.timedelta(days=1)
ESCALATE_EVERY = dt.timedelta(days=7)


def _claim(due: QuerySet[Order], limit: int) -> list[int]:
    return list(due.order_by("pk").values_list("pk", flat=True)[:limit])


def _each(
    due: QuerySet[Order], act: Callable[[Order, dt.datetime], Any], now: dt.datetime, limit: int
) -> int:
    """Apply `act` to each order in `due`, one transaction per order, under
    its row lock, re-checked against `due` (skipping orders another worker holds)."""
    done = 0
    for order_id in _claim(due, limit):
        with transaction.atomic():
            locked = due.filter(pk=order_id)
            if connection.features.has_select_for_update_skip_locked:
                locked = locked.select_for_update(skip_locked=True, of=("self",))
            order = locked.select_related("buyer_office").first()
            if order is None:
                continue  # acted on meanwhile, or held by another worker
            act(order, now)
            done += 1
            if FAULT_SLEEP:  # the fault test's hook: die here, mid-transaction
                time.sleep(FAULT_SLEEP)
    return done


def _accrue(order: Order, now: dt.datetime) -> None:
    bill = Bill.objects.get(order=order)
    interest_accrue(order=order, bill=bill, on=clock.to_ist(now).date())


def _escalate(order: Order, now: dt.datetime) -> None:
    """ORD-7: a late payment is escalated to the Paying Authority, the Buyer
    and the organisation's Primary User, once a week while it stays unpaid."""
    today = clock.to_ist(now).date()
    week = deadlines.days_late(order.payment_last_day or today, today) // 7
    notices.announce(
        order=order,
        kind="orders.payment_overdue",
        to=("paying_authority", "buyer", "primary"),
        key=f"week{week}",
    )
    Order.objects.filter(pk=order.pk).update(escalated_on=today)


def orders_tick(*, now: dt.datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Run every due step once; returns how many orders each step acted on."""
    now = now or clock.now()
    today = clock.to_ist(now).date()
    orders = Order.objects.all()
    counts = {
        # ORD-3: silence auto-cancels a direct or L1 order.
        "auto_cancelled": _each(
            orders.filter(
                status=states.PLACED,
                acceptance_due_at__lte=now,
                mode__in=[Order.Mode.DIRECT, Order.Mode.L1],
            ),
            lambda o, n: order_auto_cancel(order=o, now=n),
            now,
            limit,
        ),
        # ORD-5: no CRAC within 10 days of the PRC: deemed accepted.
        "deemed": _each(
            orders.filter(status=states.RECEIVED, crac_due_at__lte=now),
            lambda o, n: order_deem(order=o, now=n),
            now,
            limit,
        ),
        # ORD-5: a small direct purchase's automatic CRAC on day 21.
        "auto_certified": _each(
            orders.filter(status=states.DELIVERED, auto_crac_at__lte=now, has_open_incident=False),
            lambda o, n: order_auto_certify(order=o, now=n),
            now,
            limit,
        ),
        # ORD-6: rejected goods not replaced in time.
        "replacement_lapsed": _each(
            orders.filter(status=states.REPLACEMENT_DUE, replacement_due_at__lte=now),
            lambda o, n: order_lapse_replacement(order=o, now=n),
            now,
            limit,
        ),
        # ORD-7: interest on late bills, accrued once a day.
        "interest_accrued": _each(
            orders.filter(status=states.BILLED, payment_last_day__lt=today).filter(
                Q(bill__interest_accrued_on__isnull=True) | Q(bill__interest_accrued_on__lt=today)
            ),
            _accrue,
            now,
            limit,
        ),
    }
    counts["reminded"] = _remind(now, limit)
    counts["escalated"] = _each(
        orders.filter(status=states.BILLED, payment_last_day__lt=today).filter(
            Q(escalated_on__isnull=True) | Q(escalated_on__lte=today - ESCALATE_EVERY)
        ),
        _escalate,
        now,
        limit,
    )
    return counts


def _remind(now: dt.datetime, limit: int) -> int:
    """A day before each person's deadline, once: the seller's acceptance, the
    consignee's CRAC, the seller's replacement, the Paying Authority's payment.
    (A BID order's seller is also reminded after its window: ORD-3 cancels
    only direct and L1 orders, so the buyer must chase a silent bid winner.)"""
    soon = now + REMIND_BEFORE
    today = clock.to_ist(now).date()
    # (due orders, kind, who, the deadline field: part of the key, so a
    # second CRAC window after a replacement gets its own reminder)
    steps: list[tuple[QuerySet[Order], str, tuple[str, ...], str]] = [
        (
            Order.objects.filter(status=states.PLACED, acceptance_due_at__lte=soon).exclude(
                last_reminder="orders.acceptance_overdue"
            ),
            "orders.accept_reminder",
            ("seller",),
            "acceptance_due_at",
        ),
        (
            Order.objects.filter(
                status=states.PLACED, acceptance_due_at__lte=now, mode=Order.Mode.BID
            ),
            "orders.acceptance_overdue",
            ("seller", "buyer"),
            "acceptance_due_at",
        ),
        (
            Order.objects.filter(status=states.RECEIVED, crac_due_at__lte=soon),
            "orders.crac_reminder",
            ("consignee",),
            "crac_due_at",
        ),
        (
            Order.objects.filter(status=states.REPLACEMENT_DUE, replacement_due_at__lte=soon),
            "orders.replacement_reminder",
            ("seller",),
            "replacement_due_at",
        ),
        (
            Order.objects.filter(status=states.BILLED, payment_last_day__lte=today),
            "orders.payment_reminder",
            ("paying_authority",),
            "payment_last_day",
        ),
    ]
    told = 0
    for due, kind, sides, deadline in steps:
        for order in (
            due.exclude(last_reminder=kind).select_related("buyer_office").order_by("pk")[:limit]
        ):
            with transaction.atomic():
                if (
                    Order.objects.filter(pk=order.pk)
                    .exclude(last_reminder=kind)
                    .update(last_reminder=kind)
                ):
                    when = getattr(order, deadline)
                    notices.announce(order=order, kind=kind, to=sides, key=str(when))
                    told += 1
    return told
