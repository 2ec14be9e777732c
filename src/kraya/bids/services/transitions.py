"""The one place a bid changes state (DESIGN: state machines): under the
bid's row lock, checked against `kraya.bids.states.TRANSITIONS`, with the
audit event in the same transaction. Services decide *whether* (roles,
rules, the clock) and then call `bid_transition`; nothing else writes
`Bid.status`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kraya.bids import states
from kraya.bids.models import Bid
from kraya.bids.services._common import conflict, not_found
from kraya.core import audit, clock


def bid_locked(bid_id: int) -> Bid:
    """The bid under its row lock (inside the caller's transaction)."""
    try:
        return Bid.objects.select_for_update().get(pk=bid_id)
    except Bid.DoesNotExist as error:
        raise not_found() from error


def bid_transition(
    *,
    bid_id: int,
    event: str,
    actor: Any | None,
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    expect: str | None = None,
) -> Bid:
    """Apply `event` to the bid: lock it, check the transition (and, with
    `expect`, that it is still in that state — a re-run of a scheduled step
    then finds nothing to do and raises `bids.wrong_state`), set the new state
    and the `changes` fields, and audit `bids.<event>` with `payload`.

    Runs in its own transaction, or in the caller's when there is one."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        target = states.next_state(bid.status, event)
        if target is None or (expect is not None and bid.status != expect):
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        before = bid.status
        bid.status = target
        for name, value in (changes or {}).items():
            setattr(bid, name, value)
        bid.updated_at = clock.now()
        bid.save()
        audit.record(
            actor=actor,
            action=f"bids.{event}",
            target=bid,
            payload={"from": before, "to": target, "number": bid.number, **(payload or {})},
        )
        return bid
