"""Reads of orders, each deciding per object what the actor may see: the
buyer office's members and the organisation's Primary User, the seller
firm's users, and operators; everyone else gets a 404.

Issue 7 adds what the API and the pages both show of fulfilment: what the
actor may do next (`allowed_actions`, from the services' own role checks and
the state machine), the running deadlines with IST days left
(`order_deadlines`), the money (`order_money_view`), the shipments, and the
orders waiting for the actor (`orders_awaiting`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.core import clock
from kraya.core.errors import NotFound, PermissionDenied
from kraya.orders.models import (
    Bill,
    ContractPdf,
    DeliveryExtension,
    Order,
    Payment,
    Shipment,
    ShipmentLine,
)
from kraya.orders.rules import deadlines, states
from kraya.orders.services._common import (
    require_buyer,
    require_consignee,
    require_paying_authority,
    require_seller,
)
from kraya.orders.services.ledger import OrderMoney, order_money
from kraya.orders.services.payment import interest_due


def may_see_order(actor: Actor, order: Order) -> bool:
    if actor.is_operator or actor.roles_in_unit(order.buyer_office):
        return True
    if any(m.seller_firm_id == order.seller_firm_id for m in actor.memberships):
        return True
    organisation_id = order.buyer_office.organisation_id
    return organisation_id is not None and any(
        m.role == Role.PRIMARY and m.buyer_unit_id == organisation_id for m in actor.memberships
    )


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related(
        "buyer_office",
        "buyer_office__organisation",
        "buyer",
        "consignee",
        "paying_authority",
        "seller_firm",
        "category",
    )


def order_get(*, actor: Actor, order_id: int | None = None, number: str = "") -> Order:
    rows = _orders().prefetch_related("items")
    order = rows.filter(pk=order_id).first() if order_id else rows.filter(number=number).first()
    if order is None or not may_see_order(actor, order):
        raise NotFound()
    return order


def orders_placed(*, orders: list[Order]) -> list[Order]:
    """Orders just placed by the caller, read back with their parties and
    items in two queries, in the order given (no visibility check: the
    caller placed them)."""
    found = {
        o.pk: o for o in _orders().prefetch_related("items").filter(pk__in=[o.pk for o in orders])
    }
    return [found[order.pk] for order in orders]


def orders_for(*, actor: Actor) -> QuerySet[Order]:
    """The orders of the actor's buyer offices and seller firms."""
    offices = [m.buyer_unit_id for m in actor.memberships if m.buyer_unit_id]
    firms = [m.seller_firm_id for m in actor.memberships if m.seller_firm_id]
    return _orders().filter(buyer_office_id__in=offices) | _orders().filter(
        seller_firm_id__in=firms
    )


def contract_pdf_of(order: Order) -> ContractPdf | None:
    """The rendered contract, or None while it is being rendered."""
    return ContractPdf.objects.filter(order=order).first()


# --- fulfilment (issue 7): what each side may do next, its clocks, its money ----------

# The actions a person may take on an order, in the order the pages offer them.
ACCEPT, DECLINE, DISPATCH, DELIVER = "accept", "decline", "dispatch", "deliver"
RECEIVE, CERTIFY, EXTEND, CANCEL, PAY = "receive", "certify", "extend", "cancel", "pay"
ACTIONS = (ACCEPT, DECLINE, DISPATCH, DELIVER, RECEIVE, CERTIFY, EXTEND, CANCEL, PAY)

# Who acts (the services' own checks, `kraya.orders.services._common`) and in
# which states (`kraya.orders.rules.states.TRANSITIONS`).
_WHO: dict[str, Callable[[Any, Order], Actor]] = {
    ACCEPT: require_seller,
    DECLINE: require_seller,
    DISPATCH: require_seller,
    DELIVER: require_seller,
    RECEIVE: require_consignee,
    CERTIFY: require_consignee,
    EXTEND: require_buyer,
    CANCEL: require_buyer,
    PAY: require_paying_authority,
}
_EVENT = {CERTIFY: "certify", PAY: "pay"}


def action_check(*, actor: Actor, order: Order, action: str) -> None:
    """Raise the service's PermissionDenied when `actor` may never take
    `action` on `order` (the wrong person), whatever its state."""
    _WHO[action](actor, order)


def may_act(*, actor: Actor, order: Order, action: str) -> bool:
    """Whether `actor` is the person for `action` on `order` (any state)."""
    try:
        action_check(actor=actor, order=order, action=action)
    except PermissionDenied:
        return False
    return True


def action_open(order: Order, action: str, now: dt.datetime) -> bool:
    """Whether the order's state and clock let `action` happen now (the
    services refuse it otherwise: ORD-3's window, ORD-5's CRAC window)."""
    if states.next_state(order.status, _EVENT.get(action, action)) is None:
        return False
    if action == ACCEPT and order.acceptance_due_at:
        return now < order.acceptance_due_at
    if action == CERTIFY and order.crac_due_at:
        return now < order.crac_due_at
    return True


def allowed_actions(*, actor: Actor, order: Order, now: dt.datetime | None = None) -> list[str]:
    """What `actor` may do next on `order`, from their role and its state: the
    same list drives the API's `allowed_actions` and the forms on the page."""
    moment = now or clock.now()
    return [
        action
        for action in ACTIONS
        if action_open(order, action, moment) and may_act(actor=actor, order=order, action=action)
    ]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One clock of an order as both sides read it (IST days)."""

    kind: str  # acceptance, delivery, crac, auto_crac, replacement, payment
    side: str  # who must act: seller, consignee, paying_authority, system
    due: dt.datetime
    days_left: int
    overdue: bool


def _deadline(kind: str, side: str, due: dt.datetime | None, now: dt.datetime) -> list[Deadline]:
    if due is None:
        return []
    left = deadlines.days_left(due, now)
    return [Deadline(kind=kind, side=side, due=due, days_left=left.days, overdue=left.overdue)]


def order_deadlines(order: Order, now: dt.datetime | None = None) -> list[Deadline]:
    """The deadlines running in the order's state: the seller's acceptance
    (ORD-3), delivery (ORD-4) and replacement (ORD-6), the consignee's CRAC
    and the automatic one (ORD-5), the Paying Authority's payment (ORD-7)."""
    moment = now or clock.now()
    status = order.status
    found: list[Deadline] = []
    if status == states.PLACED:
        found += _deadline("acceptance", "seller", order.acceptance_due_at, moment)
    if status in (states.PLACED, states.ACCEPTED, states.DISPATCHED):
        found += _deadline(
            "delivery", "seller", deadlines.end_of_ist_day(order.delivery_due_on), moment
        )
    if status == states.DELIVERED:
        found += _deadline("auto_crac", "system", order.auto_crac_at, moment)
    if status == states.RECEIVED:
        found += _deadline("crac", "consignee", order.crac_due_at, moment)
    if status == states.REPLACEMENT_DUE:
        found += _deadline("replacement", "seller", order.replacement_due_at, moment)
    if status == states.BILLED and order.payment_last_day:
        found += _deadline(
            "payment", "paying_authority", deadlines.end_of_ist_day(order.payment_last_day), moment
        )
    return found


@dataclass(frozen=True, slots=True)
class MoneyView:
    """An order's money (ORD-4, ORD-7, ORD-8) as its page and the API show it."""

    value_paise: int
    transaction_charge_paise: int
    bill: Bill | None
    ld_paise: int
    short_supply_paise: int
    payable_paise: int
    interest_accrued_paise: int  # in the ledger so far (the clock accrues it daily)
    interest_due_today_paise: int  # what a payment today would add (ORD-7)
    days_late_today: int
    payments: list[Payment]
    paid_paise: int  # principal and interest
    interest_paid_paise: int
    reconciliation: OrderMoney

    @property
    def outstanding_paise(self) -> int:
        """What is still owed: the principal, plus interest on an unpaid late bill."""
        unpaid_interest = self.interest_due_today_paise if not self.payments else 0
        return self.reconciliation.outstanding_paise + unpaid_interest


def order_money_view(order: Order, now: dt.datetime | None = None) -> MoneyView:
    """The bill with its LD and decision receipt, the interest accrued and due
    today on a late bill, the payments, and the ledger's reconciliation."""
    today = clock.to_ist(now or clock.now()).date()
    bill = Bill.objects.filter(order=order).first()
    payments = list(Payment.objects.filter(order=order).order_by("paid_at", "id"))
    interest_today, days_late = 0, 0
    if bill is not None and order.status == states.BILLED:
        due = interest_due(order, bill, today)
        interest_today, days_late = due.paise, due.days_late
    return MoneyView(
        value_paise=order.total_paise,
        transaction_charge_paise=order.transaction_charge_paise,
        bill=bill,
        ld_paise=bill.ld_paise if bill else 0,
        short_supply_paise=bill.short_supply_paise if bill else 0,
        payable_paise=bill.payable_paise if bill else 0,
        interest_accrued_paise=bill.interest_accrued_paise if bill else 0,
        interest_due_today_paise=interest_today,
        days_late_today=days_late,
        payments=payments,
        paid_paise=sum(p.total_paise for p in payments),
        interest_paid_paise=sum(p.interest_paise for p in payments),
        reconciliation=order_money(order),
    )


def order_shipments(order: Order) -> list[Shipment]:
    """The order's shipments, rounds in order, each with its lines and items
    (the invoice's bytes deferred: only its download reads them)."""
    return list(
        Shipment.objects.filter(order=order)
        .defer("invoice_content")
        .prefetch_related(Prefetch("lines", ShipmentLine.objects.select_related("item")))
        .order_by("round")
    )


def shipment_invoice(*, order: Order, round_number: int) -> Shipment:
    """A shipment's invoice file, of an order the caller already sees
    (`order_get`); 404 when that round has no file."""
    shipment = Shipment.objects.filter(order=order, round=round_number).first()
    if shipment is None or not shipment.invoice_file_name or shipment.invoice_content is None:
        raise NotFound()
    return shipment


def order_extensions(order: Order) -> list[DeliveryExtension]:
    return list(DeliveryExtension.objects.filter(order=order).order_by("granted_at", "id"))


@dataclass(frozen=True, slots=True)
class Awaiting:
    """An order waiting for the actor, and the clock running on it."""

    order: Order
    action: str
    deadline: Deadline | None


# What waits for whom (ORD-3, ORD-5, ORD-6, ORD-7): the action and its deadline.
_AWAITING: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (ACCEPT, (states.PLACED,), "acceptance"),
    (DISPATCH, (states.ACCEPTED, states.REPLACEMENT_DUE), "delivery"),
    (RECEIVE, (states.DISPATCHED, states.DELIVERED), ""),
    (CERTIFY, (states.RECEIVED,), "crac"),
    (PAY, (states.BILLED,), "payment"),
)
AWAITING_LIMIT = 100


def orders_awaiting(*, actor: Actor, now: dt.datetime | None = None) -> list[Awaiting]:
    """The actor's orders that wait for them to act ("to accept", "to
    receive", "to certify", "to pay"), the most urgent first."""
    moment = now or clock.now()
    user_id = actor.user.pk
    firms = [m.seller_firm_id for m in actor.memberships if m.seller_firm_id]
    found: list[Awaiting] = []
    for action, in_states, kind in _AWAITING:
        rows = _orders().filter(status__in=in_states)
        if action in (ACCEPT, DISPATCH):
            rows = rows.filter(seller_firm_id__in=firms)
        elif action in (RECEIVE, CERTIFY):
            rows = rows.filter(consignee_id=user_id)
        else:
            rows = rows.filter(paying_authority_id=user_id)
        for order in rows.order_by("placed_at", "id")[:AWAITING_LIMIT]:
            if not may_act(actor=actor, order=order, action=action):
                continue
            clocks = {d.kind: d for d in order_deadlines(order, moment)}
            if order.status == states.REPLACEMENT_DUE:
                kind_here = "replacement"
            elif order.status == states.DELIVERED and "auto_crac" in clocks:
                kind_here = "auto_crac"
            else:
                kind_here = kind
            found.append(Awaiting(order=order, action=action, deadline=clocks.get(kind_here)))
    found.sort(key=lambda a: (a.deadline is None, a.deadline.due if a.deadline else moment))
    return found
