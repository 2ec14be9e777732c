"""Rows for incident tests: orders built from rows (the orders app's own
tests cover placing them), and incidents driven through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kraya.core import clock
from kraya.core.policy import policy_in_force
from kraya.incidents import services
from kraya.incidents.models import Incident
from kraya.orders.models import Order
from tests.factories import World, unique


def make_order(world: World, *, seller_firm: Any = None, **fields: Any) -> Order:
    values: dict[str, Any] = {
        "number": unique("GEMC-T-")[:24],
        "buyer_office": world.office,
        "buyer": world.buyer,
        "consignee": world.consignee,
        "paying_authority": world.paying_authority,
        "seller_firm": seller_firm or world.seller_firm,
        "mode": Order.Mode.DIRECT,
        "total_paise": 20_000_00,
        "delivery_period_days": 15,
        "delivery_due_on": clock.today_ist() + dt.timedelta(days=15),
        "delivery_state": "Uttar Pradesh",
        "delivery_pincode": "226001",
        "delivery_address": "District Hospital, Lucknow",
        "receipts_digest": "0" * 64,
        "policy_version": policy_in_force().version,
        **fields,
    }
    return Order.objects.create(**values)


def raise_on_order(world: World, order: Order | None = None, **kwargs: Any) -> Incident:
    """The office's Buyer raises a delivery incident against the order's seller."""
    values: dict[str, Any] = {
        "acting_user": world.buyer,
        "order": order or make_order(world),
        "category": Incident.Category.DELIVERY,
        "description": "Nothing delivered by the due date.",
    }
    values.update(kwargs)
    return services.incident_raise(**values)


def escalated(world: World, **kwargs: Any) -> Incident:
    """An incident left unanswered for 7 days: the clock escalated it."""
    incident = raise_on_order(world, **kwargs)
    services.incidents_tick(now=incident.response_due_at)
    return Incident.objects.get(pk=incident.pk)


def replied(world: World, **kwargs: Any) -> Incident:
    """Escalated, a show-cause notice issued, and the seller's reply."""
    incident = escalated(world, **kwargs)
    services.show_cause_issue(acting_user=world.operator, incident=incident, text="Explain.")
    return services.show_cause_reply(
        acting_user=world.seller_admin, incident=incident, text="The truck broke down."
    )
