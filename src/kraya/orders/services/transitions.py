"""The one place an order changes state (DESIGN: state machines): under the
order's row lock, checked against `kraya.orders.rules.states.TRANSITIONS`,
with the audit event in the same transaction. Services decide *whether*
(roles, rules, the clock) and then call `order_transition`; nothing else
writes `Order.status`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kraya.core import audit, clock
from kraya.orders.models import Order
from kraya.orders.rules import states
from kraya.orders.services._common import conflict, not_found


def order_locked(order_id: int) -> Order:
    """The order under its row lock (inside the caller's transaction)."""
    try:
        return Order.objects.select_for_update().get(pk=order_id)
    except Order.DoesNotExist as error:
        raise not_found() from error


def order_transition(
    *,
    order: Order,
    event: str,
    actor: Any | None,
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> Order:
    """Apply `event` to `order`, which the caller holds under its row lock
    (`order_locked`): check the transition, set the new state and the
    `changes` fields, and audit `orders.<event>` with `payload`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_transition runs inside the caller's transaction")
    target = states.next_state(order.status, event)
    if target is None:
        raise conflict("orders.wrong_state", status=order.get_status_display())
    before = order.status
    order.status = target
    if target != before:
        order.last_reminder = ""  # the new state's deadline gets its own reminder
    fields = {"status", "updated_at", "last_reminder", *(changes or {})}
    for name, value in (changes or {}).items():
        setattr(order, name, value)
    order.updated_at = clock.now()
    order.save(update_fields=sorted(fields))
    audit.record(
        actor=actor,
        action=f"orders.{event}",
        target=order,
        payload={"from": before, "to": target, "number": order.number, **(payload or {})},
    )
    return order
