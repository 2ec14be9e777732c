"""Bills and payments (ORD-4, ORD-7): the bill raised at the CRAC with
liquidated damages deducted, the Paying Authority's payment through the
treasury gateway (idempotent by key), and penal interest for each day late,
accrued in the ledger day by day and paid with the principal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.core.receipts import DecisionReceipt
from kraya.orders.gateway import PaymentInstruction, payment_gateway
from kraya.orders.models import Bill, Order, Payment, Shipment, ShipmentLine
from kraya.orders.models.ledger import (
    COMMITMENT,
    INTEREST_DUE,
    INTEREST_EXPENSE,
    LD,
    SELLER_DUE,
    TREASURY,
    LedgerTransaction,
)
from kraya.orders.rules import deadlines, money
from kraya.orders.services import notices
from kraya.orders.services._common import (
    MESSAGES,
    conflict,
    invalid,
    order_policy,
    require_paying_authority,
)
from kraya.orders.services.ledger import balance, ledger_post
from kraya.orders.services.transitions import order_locked, order_transition

MESSAGES.update(
    {
        "orders.key_required": _("Give an idempotency key (up to 100 characters)."),
        "orders.key_reused": _("This idempotency key was used for another payment."),
    }
)


def _delayed(order: Order, ld_from: dt.date) -> tuple[int, int]:
    """ORD-4: the accepted value received after `ld_from`, and the most days
    late of it. Each shipment counts by its own receipt date (the PRC, else
    the delivery, else the CRAC), so a late replacement bears LD too."""
    delayed_paise, late_days = 0, 0
    for shipment in Shipment.objects.filter(order=order):
        arrived = shipment.received_at or shipment.delivered_at or shipment.certified_at
        if arrived is None:
            continue
        days = deadlines.days_late(ld_from, deadlines.ist_date(arrived))
        if days <= 0:
            continue
        value = (
            ShipmentLine.objects.filter(shipment=shipment).aggregate(
                v=Sum(F("accepted_quantity") * F("item__unit_price_paise"))
            )["v"]
            or 0
        )
        if value:
            delayed_paise += value
            late_days = max(late_days, days)
    return delayed_paise, late_days


def bill_raise(*, order: Order, at: dt.datetime) -> Bill:
    """ORD-7 (inside the certifying transaction, the order locked): the bill
    for the accepted goods, LD deducted (ORD-4, capped at 10% of the contract
    value), payable by the last day of the window that starts at the CRAC."""
    policy = order_policy(order)
    orders_policy = policy.orders
    accepted_paise = (
        ShipmentLine.objects.filter(shipment__order=order).aggregate(
            v=Sum(F("accepted_quantity") * F("item__unit_price_paise"))
        )["v"]
        or 0
    )
    short_paise = order.total_paise - accepted_paise
    delayed_paise, late_days = _delayed(order, order.ld_due_on or order.delivery_due_on)
    ld = money.liquidated_damages(
        delayed_value_paise=delayed_paise,
        contract_value_paise=order.total_paise,
        days_late=late_days,
        percent_per_week=orders_policy.ld_percent_per_week,
        cap_percent=orders_policy.ld_cap_percent,
    )
    ld_paise = min(ld.paise, accepted_paise)  # never more than what is billed
    receipt = DecisionReceipt(
        kind="orders.ld",
        rules=("ORD-4",),
        policy=(policy.receipt("orders"),),
        inputs={
            "delayed_value_paise": delayed_paise,
            "contract_value_paise": order.total_paise,
            "days_late": late_days,
            "ld_from": str(order.ld_due_on or order.delivery_due_on),
        },
        outcome={"ld_paise": ld_paise, "weeks": ld.weeks, "capped": ld.capped},
        message="orders.ld",
        params={"ld_paise": ld_paise, "weeks": ld.weeks},
    )
    last_day = deadlines.payment_last_day(at, orders_policy.payment_days_after_crac)
    bill = Bill.objects.create(
        order=order,
        accepted_value_paise=accepted_paise,
        short_supply_paise=short_paise,
        ld_paise=ld_paise,
        payable_paise=accepted_paise - ld_paise,
        ld_receipt=receipt.as_dict(),
        raised_at=at,
        last_day=last_day,
        policy_version=policy.version,
    )
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.SHORT_SUPPLY,
        key=f"short:{order.pk}",
        entries=[(SELLER_DUE, short_paise, 0), (COMMITMENT, 0, short_paise)],
        rule="ORD-5",
        policy_version=policy.version,
    )
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.LD,
        key=f"ld:{order.pk}",
        entries=[(SELLER_DUE, ld_paise, 0), (LD, 0, ld_paise)],
        rule="ORD-4",
        policy_version=policy.version,
    )
    order_transition(
        order=order,
        event="bill",
        actor=None,
        changes={"payment_last_day": last_day},
        payload={
            "payable_paise": bill.payable_paise,
            "ld_paise": ld_paise,
            "short_supply_paise": short_paise,
            "last_day": str(last_day),
            "rule": "ORD-7",
        },
    )
    return bill


def interest_due(order: Order, bill: Bill, on: dt.date) -> money.Interest:
    """ORD-7: the interest on the bill's payable amount if paid on `on`."""
    orders_policy = order_policy(order).orders
    return money.late_payment_interest(
        principal_paise=bill.payable_paise,
        last_day=bill.last_day,
        on=on,
        percent_per_month=orders_policy.late_payment_interest_percent_per_month,
        days_per_month=orders_policy.interest_days_per_month,
    )


def interest_accrue(*, order: Order, bill: Bill, on: dt.date) -> int:
    """ORD-7 (the order locked): post the interest accrued since the last
    accrual up to `on`, computed on the whole period so daily accruals and a
    single one agree to the paisa. Idempotent per day. Returns the delta."""
    total = interest_due(order, bill, on).paise
    delta = total - bill.interest_accrued_paise
    if delta <= 0 or (bill.interest_accrued_on and bill.interest_accrued_on >= on):
        return 0
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.INTEREST,
        key=f"interest:{order.pk}:{on.isoformat()}",
        entries=[(INTEREST_EXPENSE, delta, 0), (INTEREST_DUE, 0, delta)],
        rule="ORD-7",
        policy_version=order.policy_version,
        memo=f"to {on.isoformat()}",
    )
    Bill.objects.filter(pk=bill.pk).update(interest_accrued_paise=total, interest_accrued_on=on)
    bill.interest_accrued_paise, bill.interest_accrued_on = total, on
    return delta


def bill_pay(*, order_id: int, acting_user: Any, idempotency_key: str) -> Payment:
    """ORD-7: the Paying Authority pays the bill in full, with the interest
    accrued for each day past the last day. The same key again answers with
    the same payment and pays nothing more (a retried or doubled request)."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise invalid("idempotency_key", "orders.key_required")
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing, order_id)
    try:
        return _pay(order_id, acting_user, key)
    except IntegrityError:  # the same key, paid by a concurrent request
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replayed(existing, order_id)


def _replayed(payment: Payment, order_id: int) -> Payment:
    if payment.order_id != order_id:
        raise conflict("orders.key_reused")
    return payment


@transaction.atomic
def _pay(order_id: int, acting_user: Any, key: str) -> Payment:
    order = order_locked(order_id)
    actor = require_paying_authority(acting_user, order)
    bill = Bill.objects.filter(order=order).first()
    if bill is None or order.status != Order.Status.BILLED:
        raise conflict("orders.wrong_state", status=order.get_status_display())
    now = clock.now()
    today = clock.to_ist(now).date()
    interest_accrue(order=order, bill=bill, on=today)
    interest = interest_due(order, bill, today)
    principal_paise = balance(order.pk, SELLER_DUE)
    interest_paise = balance(order.pk, INTEREST_DUE)
    receipt = payment_gateway().pay(
        PaymentInstruction(
            key=key,
            order_number=order.number,
            payee=order.seller_firm.name,
            principal_paise=principal_paise,
            interest_paise=interest_paise,
        )
    )
    payment = Payment.objects.create(
        order=order,
        idempotency_key=key,
        principal_paise=principal_paise,
        interest_paise=interest_paise,
        days_late=interest.days_late,
        paid_at=now,
        paid_by=actor.user,
        gateway=receipt.gateway,
        gateway_reference=receipt.reference,
        receipt=DecisionReceipt(
            kind="orders.interest",
            rules=("ORD-7",),
            policy=(order_policy(order).receipt("orders"),),
            inputs={
                "payable_paise": bill.payable_paise,
                "last_day": str(bill.last_day),
                "paid_on": str(today),
            },
            outcome={"days_late": interest.days_late, "interest_paise": interest_paise},
            message="orders.interest",
            params={"days_late": interest.days_late, "interest_paise": interest_paise},
        ).as_dict(),
    )
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.PAYMENT,
        key=f"payment:{key}",
        entries=[
            (SELLER_DUE, principal_paise, 0),
            (INTEREST_DUE, interest_paise, 0),
            (TREASURY, 0, principal_paise + interest_paise),
        ],
        rule="ORD-7",
        policy_version=order.policy_version,
        memo=receipt.reference,
    )
    order_transition(
        order=order,
        event="pay",
        actor=actor.user,
        changes={"paid_at": now},
        payload={
            "principal_paise": principal_paise,
            "interest_paise": interest_paise,
            "days_late": interest.days_late,
            "gateway": receipt.gateway,
            "reference": receipt.reference,
            "rule": "ORD-7",
        },
    )
    notices.announce(order=order, kind="orders.paid", to=("seller",))
    return payment
