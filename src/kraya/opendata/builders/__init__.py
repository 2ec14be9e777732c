"""Audit event -> OCDS release, per app: `bids` (a bid's tender and its
changes) and `orders` (awards, contracts, milestones, payments)."""

from __future__ import annotations

from kraya.core.audit_models import AuditEvent
from kraya.opendata.builders import bids, orders
from kraya.opendata.builders.common import Built, Context

ACTIONS = bids.ACTIONS | orders.ACTIONS


class Batch:
    """Builds the releases of one batch of events, sharing the rows read."""

    def __init__(self) -> None:
        self.context = Context()
        self.bid_ids: dict[int, int | None] = {}

    def build(self, event: AuditEvent) -> Built | None:
        if event.action in bids.ACTIONS:
            return bids.build(event, self.context)
        if event.action in orders.ACTIONS:
            return orders.build(event, self.context, self.bid_ids)
        return None


__all__ = ["ACTIONS", "Batch", "Built"]
