"""System incidents (INC-1): the orders app emits `orders.auto_cancelled`
(`{"order_id", "seller_firm_id"}`) through the outbox whenever the clock
cancels an order the seller did not answer in time (ORD-3). At the policy's
threshold (3 within 90 days, provisional) the system raises an incident
against the seller, at most one open at a time. (The handler is registered
when `kraya.core` imports every app's `handlers` module at startup.)"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from kraya.core import clock, outbox
from kraya.core.policy import policy_at

logger = logging.getLogger(__name__)

KIND = "orders.auto_cancelled"


@outbox.handler(KIND)
def on_order_auto_cancelled(payload: dict[str, Any]) -> None:
    """Count the seller's auto-cancelled orders in the window and raise the
    system incident at the threshold (idempotent: re-delivery or a later
    cancel while one is open does nothing)."""
    from kraya.incidents import rules
    from kraya.incidents.services.raising import auto_cancelled_since, incident_raise_system
    from kraya.orders.models import Order

    order = Order.objects.select_related("seller_firm").filter(pk=payload["order_id"]).first()
    if order is None:
        logger.warning("incidents: auto-cancelled order %s not found", payload.get("order_id"))
        return
    now = clock.now()
    policy = policy_at(clock.to_ist(now).date()).incidents
    since = now - dt.timedelta(days=policy.auto_cancel_window_days)
    count = auto_cancelled_since(order.seller_firm_id, since)
    if not rules.auto_cancels_raise_incident(count, policy):
        return
    with transaction.atomic():
        incident_raise_system(order=order, count=count, window_days=policy.auto_cancel_window_days)
