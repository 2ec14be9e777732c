"""The one place an incident changes state (DESIGN: state machines): under
the incident's row lock, checked against `kraya.incidents.states`, with the
audit event in the same transaction, and the order's `has_open_incident`
flag (ORD-5) brought up to date. Services decide *whether* (sides, roles,
the clock); nothing else writes `Incident.status`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kraya.core import audit, clock
from kraya.incidents import notices, states
from kraya.incidents.models import Incident
from kraya.incidents.services._common import not_found, wrong_state
from kraya.orders.models import Order


def incident_locked(incident_id: int) -> Incident:
    try:
        return Incident.objects.select_for_update().get(pk=incident_id)
    except Incident.DoesNotExist as error:
        raise not_found() from error


def sync_order_flag(order_id: int | None) -> None:
    """ORD-5: orders never import incidents; they read this flag. True while
    any incident against the order is undecided."""
    if order_id is None:
        return
    open_now = Incident.objects.filter(
        order_id=order_id, status__in=sorted(states.OPEN_STATES)
    ).exists()
    Order.objects.filter(pk=order_id).update(has_open_incident=open_now)


def incident_transition(
    *,
    incident_id: int,
    event: str,
    actor: Any | None,
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    expect: str | None = None,
) -> Incident:
    """Apply `event`: lock, check the transition (and, with `expect`, that the
    incident is still in that state: a re-run of a clock step then refuses
    with `incidents.wrong_state`), set the state and `changes`, audit
    `incidents.<event>` with `payload`, and refresh the order's flag."""
    with transaction.atomic():
        incident = incident_locked(incident_id)
        target = states.next_state(incident.status, event)
        if target is None or (expect is not None and incident.status != expect):
            raise wrong_state(incident)
        before = incident.status
        incident.status = target
        for name, value in (changes or {}).items():
            setattr(incident, name, value)
        incident.updated_at = clock.now()
        if target not in states.OPEN_STATES and incident.closed_at is None:
            incident.closed_at = incident.updated_at
        incident.save()
        audit.record(
            actor=actor,
            action=f"incidents.{event}",
            target=incident,
            payload={"from": before, "to": target, "number": incident.number, **(payload or {})},
        )
        sync_order_flag(incident.order_id)
        told = notices.ON_EVENT.get(event)
        if told is not None:
            notices.announce(incident=incident, kind=told[0], sides=told[1])
        return incident
