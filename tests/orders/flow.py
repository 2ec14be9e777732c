"""Orders placed through the buying services and driven through fulfilment
by the services, for the orders tests (`place`, `drive`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kraya.buying import services as buying
from kraya.buying.services import LineInput
from kraya.core import clock
from kraya.orders.models import Order
from kraya.orders.rules import states
from kraya.orders.services import fulfilment, payment
from kraya.orders.services.fulfilment import CracLine
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, Market


def place(world: Any, market: Market, quantity: int = 10, offer: Any = None) -> Order:
    """An order of `quantity` of `offer` (the Usha 9 L at ₹12,000 by default):
    1 makes a direct purchase of ₹12,000 (ORD-5's automatic CRAC applies), 10
    an L1 purchase of ₹1,20,000."""
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[LineInput((offer or market.usha_9).pk, quantity)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    buying.funds_block(acting_user=world.paying_authority, demand=demand)
    [order] = buying.order_place(acting_user=world.buyer, demand=demand)
    return Order.objects.get(pk=order.pk)


def later(days: float = 0, hours: float = 0) -> dt.datetime:
    return clock.now() + dt.timedelta(days=days, hours=hours)


def all_accepted(order: Order) -> list[CracLine]:
    shipment = order.shipments.order_by("-round").first()
    assert shipment is not None
    return [CracLine(line.item_id, line.quantity) for line in shipment.lines.all()]


def drive(world: Any, order: Order, to: str) -> Order:
    """Move `order` forward through the services until it is in state `to`."""
    steps = {
        states.PLACED: lambda: fulfilment.order_accept(
            order_id=order.pk, acting_user=world.seller_admin
        ),
        states.ACCEPTED: lambda: fulfilment.order_dispatch(
            order_id=order.pk,
            acting_user=world.seller_admin,
            invoice_number="INV-1",
            invoice_date=clock.today_ist(),
            evidence="Docket 42, Safe Express",
        ),
        states.DISPATCHED: lambda: fulfilment.order_deliver(
            order_id=order.pk, acting_user=world.seller_admin, proof="Signed challan"
        ),
        states.DELIVERED: lambda: fulfilment.order_receive(
            order_id=order.pk, acting_user=world.consignee
        ),
        states.RECEIVED: lambda: fulfilment.order_certify(
            order_id=order.pk,
            acting_user=world.consignee,
            lines=all_accepted(Order.objects.get(pk=order.pk)),
        ),
        states.BILLED: lambda: payment.bill_pay(
            order_id=order.pk, acting_user=world.paying_authority, idempotency_key=f"pay-{order.pk}"
        ),
    }
    current = Order.objects.get(pk=order.pk)
    while current.status != to:
        steps[current.status]()
        current = Order.objects.get(pk=order.pk)
    return current


def bid_order(world: Any, *, quantity: int, unit_price_paise: int) -> Order:
    """A BID order of BOQ lines (no catalogue offer), made as
    `kraya.bids.services.award` makes one, for values above the L1 limit."""

    with transaction.atomic():
        return _bid_order(world, quantity, unit_price_paise)


def _bid_order(world: Any, quantity: int, unit_price_paise: int) -> Order:
    from kraya.buying.services.ordering import next_contract_number
    from kraya.orders.models import OrderItem
    from kraya.orders.services.fulfilment import acceptance_due_for, order_opened

    now = clock.now()
    total = quantity * unit_price_paise
    order = Order.objects.create(
        number=next_contract_number(clock.today_ist()),
        placed_at=now,
        acceptance_due_at=acceptance_due_for(now),
        buyer_office=world.office,
        buyer=world.buyer,
        consignee=world.consignee,
        paying_authority=world.paying_authority,
        seller_firm=world.seller_firm,
        mode=Order.Mode.BID,
        total_paise=total,
        delivery_period_days=30,
        delivery_due_on=clock.today_ist() + dt.timedelta(days=30),
        delivery_state="Uttar Pradesh",
        delivery_pincode="226001",
        delivery_address="District Hospital, Lucknow",
        receipts_digest="0" * 64,
        policy_version="2024-08-09",
    )
    OrderItem.objects.create(
        order=order,
        title="Steel almirah",
        brand="Godrej",
        manufacturer="Godrej & Boyce",
        quantity=quantity,
        unit_price_paise=unit_price_paise,
        total_paise=total,
    )
    order_opened(order=order)
    return order
