"""The orders' clock (ORD-3, ORD-5, ORD-6, ORD-7) with the clock moved, not
slept: each automatic step happens at its deadline (not a second before),
dated at the deadline's instant, once however often the tick runs."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.core import clock, outbox
from kraya.core.audit_models import AuditEvent
from kraya.orders.models import LedgerTransaction, Order
from kraya.orders.rules import states
from kraya.orders.services import fulfilment, payment
from kraya.orders.services.clock import orders_tick
from kraya.orders.services.fulfilment import CracLine
from kraya.orders.services.ledger import ledger_check
from tests.buying.market import make_market
from tests.orders.flow import drive, place

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def market(world):
    return make_market(world)


def tick(at: dt.datetime) -> dict[str, int]:
    """The clock at `at`, then the outbox (the tests' transaction never
    commits, so the dispatcher is run here instead of on commit)."""
    with clock.frozen_at(at):
        counts = orders_tick()
        outbox.dispatch_all()
        return counts


def test_ord3_silence_auto_cancels_at_the_window_end_once(world, market) -> None:
    order = place(world, market)
    assert tick(order.acceptance_due_at - SECOND)["auto_cancelled"] == 0
    assert tick(order.acceptance_due_at)["auto_cancelled"] == 1
    assert tick(order.acceptance_due_at + SECOND)["auto_cancelled"] == 0
    cancelled = Order.objects.get(pk=order.pk)
    assert cancelled.status == states.CANCELLED and cancelled.closed_by_side == "SYSTEM"
    assert cancelled.closed_at == order.acceptance_due_at
    assert AuditEvent.objects.filter(action="orders.auto_cancel").count() == 1
    assert LedgerTransaction.objects.filter(order=order, kind="RELEASE").count() == 1
    assert ledger_check().ok


def test_ord3_a_bid_order_is_not_auto_cancelled(world, market) -> None:
    order = place(world, market)
    Order.objects.filter(pk=order.pk).update(mode=Order.Mode.BID)
    assert tick(order.acceptance_due_at + SECOND)["auto_cancelled"] == 0
    assert Order.objects.get(pk=order.pk).status == states.PLACED


def test_ord5_deemed_accepted_on_day_10_after_the_prc(world, market) -> None:
    order = drive(world, place(world, market), states.RECEIVED)
    assert tick(order.crac_due_at - SECOND)["deemed"] == 0
    assert tick(order.crac_due_at + dt.timedelta(hours=5))["deemed"] == 1
    deemed = Order.objects.get(pk=order.pk)
    assert deemed.status == states.BILLED
    assert deemed.certification == Order.Certification.DEEMED
    # Dated at the window's end, not when the scheduler ran: the payment
    # window starts then.
    assert deemed.certified_at == order.crac_due_at
    assert deemed.bill.accepted_value_paise == order.total_paise
    assert tick(order.crac_due_at + dt.timedelta(days=1))["deemed"] == 0
    assert AuditEvent.objects.filter(action="orders.deem").count() == 1
    assert ledger_check().ok


def test_ord5_small_direct_purchase_gets_an_automatic_crac_on_day_21(world, market) -> None:
    order = place(world, market, quantity=1)  # ₹12,000, direct
    assert order.mode == Order.Mode.DIRECT
    delivered = drive(world, order, states.DELIVERED)
    assert delivered.auto_crac_at == delivered.delivered_at + dt.timedelta(days=21)
    assert tick(delivered.auto_crac_at - SECOND)["auto_certified"] == 0
    assert tick(delivered.auto_crac_at)["auto_certified"] == 1
    done = Order.objects.get(pk=order.pk)
    assert done.status == states.BILLED
    assert done.certification == Order.Certification.AUTOMATIC


def test_ord5_no_automatic_crac_while_an_incident_is_open(world, market) -> None:
    delivered = drive(world, place(world, market, quantity=1), states.DELIVERED)
    Order.objects.filter(pk=delivered.pk).update(has_open_incident=True)
    assert tick(delivered.auto_crac_at + SECOND)["auto_certified"] == 0
    Order.objects.filter(pk=delivered.pk).update(has_open_incident=False)
    assert tick(delivered.auto_crac_at + dt.timedelta(days=2))["auto_certified"] == 1
    # Still dated day 21: the incident only held the step back.
    assert Order.objects.get(pk=delivered.pk).certified_at == delivered.auto_crac_at


def test_ord5_no_automatic_crac_above_25000_or_for_l1(world, market) -> None:
    delivered = drive(world, place(world, market, quantity=10), states.DELIVERED)
    assert delivered.auto_crac_at is None


def test_ord6_replacement_not_made_in_10_days_closes_on_what_was_accepted(world, market) -> None:
    order = drive(world, place(world, market), states.RECEIVED)
    [item] = order.items.all()
    rejected = fulfilment.order_certify(
        order_id=order.pk,
        acting_user=world.consignee,
        lines=[CracLine(item.pk, 6, 4, "Broken")],
        replace_rejected=True,
    )
    assert tick(rejected.replacement_due_at - SECOND)["replacement_lapsed"] == 0
    assert tick(rejected.replacement_due_at)["replacement_lapsed"] == 1
    closed = Order.objects.get(pk=order.pk)
    assert closed.status == states.BILLED
    assert closed.certification == Order.Certification.LAPSED
    assert closed.bill.short_supply_paise == 4 * item.unit_price_paise
    assert ledger_check().ok


def test_ord7_interest_accrues_daily_and_equals_the_interest_paid(world, market) -> None:
    # 25 purifiers: the L1 offer is the Tata at ₹9,000, so ₹2,25,000 payable.
    order = drive(world, place(world, market, quantity=25), states.BILLED)
    assert order.bill.payable_paise == 2_25_000_00
    last = dt.datetime.combine(order.payment_last_day, dt.time(12), tzinfo=clock.IST)
    for day in range(1, 16):
        tick(last + dt.timedelta(days=day))
        tick(last + dt.timedelta(days=day, hours=1))  # a second tick that day: nothing
    accrued = Order.objects.get(pk=order.pk).bill
    assert accrued.interest_accrued_paise == 1_125_00  # 15/30 × 1% of ₹2,25,000
    assert LedgerTransaction.objects.filter(order=order, kind="INTEREST").count() == 15
    with clock.frozen_at(last + dt.timedelta(days=15, hours=2)):
        paid = payment.bill_pay(
            order_id=order.pk, acting_user=world.paying_authority, idempotency_key="k-15"
        )
    assert paid.interest_paise == 1_125_00 and paid.days_late == 15
    assert ledger_check().ok


def test_ord7_late_payment_escalates_weekly_and_reminders_go_once(world, market) -> None:
    from kraya.notifications.models import Notification

    order = drive(world, place(world, market), states.BILLED)
    last = dt.datetime.combine(order.payment_last_day, dt.time(12), tzinfo=clock.IST)
    assert tick(last)["reminded"] >= 1
    assert tick(last + dt.timedelta(hours=1))["reminded"] == 0
    assert tick(last + dt.timedelta(days=1))["escalated"] == 1
    assert tick(last + dt.timedelta(days=3))["escalated"] == 0
    assert tick(last + dt.timedelta(days=8))["escalated"] == 1
    overdue = Notification.objects.filter(kind="orders.payment_overdue")
    assert set(overdue.values_list("user_id", flat=True)) == {
        world.paying_authority.pk,
        world.buyer.pk,
        world.primary.pk,
    }
    assert overdue.count() == 6  # three people, two weeks
    reminders = Notification.objects.filter(kind="orders.payment_reminder")
    assert list(reminders.values_list("user_id", flat=True)) == [world.paying_authority.pk]


def test_ord3_the_seller_is_reminded_a_day_before_the_window_ends(world, market) -> None:
    from kraya.notifications.models import Notification

    order = place(world, market)
    tick(order.acceptance_due_at - dt.timedelta(days=2))
    assert not Notification.objects.filter(kind="orders.accept_reminder").exists()
    tick(order.acceptance_due_at - dt.timedelta(hours=20))
    tick(order.acceptance_due_at - dt.timedelta(hours=19))
    assert (
        Notification.objects.filter(kind="orders.accept_reminder", user=world.seller_admin).count()
        == 1
    )
