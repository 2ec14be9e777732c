"""The incident clock (INC-1): escalate incidents left unanswered for 7
days, lapse show-cause notices unanswered for 5, and tell the search index
when a suspension or debarment has ended. Idempotent and safe to run twice
at once: rows are taken with `skip_locked` and each step re-checks the state
under the row lock."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.db.models import Q

from kraya.accounts.models import SellerFirm
from kraya.core import clock
from kraya.core.errors import Conflict
from kraya.incidents import rules, states
from kraya.incidents.models import Incident
from kraya.incidents.services.transitions import incident_transition
from kraya.sellers.signals import seller_firms_changed

logger = logging.getLogger(__name__)


def _due_ids(query: Q) -> list[int]:
    with transaction.atomic():
        return list(
            Incident.objects.select_for_update(skip_locked=True)
            .filter(query)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _step(incident_id: int, event: str, expect: str, changes: dict[str, object]) -> bool:
    try:
        incident_transition(
            incident_id=incident_id,
            event=event,
            actor=None,
            changes=changes,
            payload={"by": "clock", "clause": "INC-1"},
            expect=expect,
        )
    except Conflict:
        return False  # another tick, or a person, moved it first
    return True


def _reindex(firm_id: int) -> None:
    seller_firms_changed.send(sender=SellerFirm, firm_ids=[firm_id])


def _bars_ended(now: dt.datetime) -> int:
    """Re-index the offers of firms whose bar from a decided incident ended."""
    ended = 0
    due = Q(
        action__in=[rules.SUSPENSION, rules.DEBARMENT],
        action_until__lte=now,
        bar_end_indexed=False,
    )
    for incident_id in _due_ids(due):
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=incident_id)
            if incident.bar_end_indexed:
                continue
            incident.bar_end_indexed = True
            incident.save(update_fields=["bar_end_indexed"])
            if incident.respondent_firm_id is not None:
                transaction.on_commit(partial(_reindex, incident.respondent_firm_id))
            ended += 1
    return ended


def _tick() -> dict[str, int]:
    now = clock.now()
    counts = {"escalated": 0, "lapsed": 0, "bars_ended": 0}
    # INC-1: exactly `response_days` after raising, not a moment before.
    for incident_id in _due_ids(Q(status=states.OPEN, response_due_at__lte=now)):
        counts["escalated"] += _step(
            incident_id, states.ESCALATE, states.OPEN, {"escalated_at": now}
        )
    for incident_id in _due_ids(Q(status=states.SHOW_CAUSE, reply_due_at__lte=now)):
        counts["lapsed"] += _step(incident_id, states.LAPSE, states.SHOW_CAUSE, {})
    counts["bars_ended"] = _bars_ended(now)
    return counts


def incidents_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Do the incident work due at `now` (the current time when None); returns
    how many incidents were escalated and lapsed and bars ended. Passing
    `now` freezes the process clock for the tick (tests, replays)."""
    if now is None:
        return _tick()
    with clock.frozen_at(now):
        return _tick()
