"""The bid clock: the time-driven steps of a bid's life, run by Celery beat
every minute in production (`kraya.bids.tasks.bids_tick_task`), by the
embedded server's scheduler thread, or by hand (`kraya bids_tick`).

`bids_tick` finds the due work and does each step in its own transaction:

1. PUBLISHED bids whose end has come: `opening.bid_end` (BID-4: too few bids
   extend the end once, "extended due to less competition"; the count is
   never disclosed, not even in what the tick returns);
2. PUBLISHED bids whose opening has come (and whose end was not just moved):
   `opening.technical_open` (BID-5);
3. reverse auctions: `kraya.bids.services.auction.auction_tick(now)` (RA-3/RA-4);
4. MATCHING bids whose invitations are all answered or past their time:
   `preferences.preferences_settle` (§7).

Safe to re-run and to run twice at once: each bid is taken under its row
lock with `skip_locked` (PostgreSQL; SQLite has one writer anyway), each step
re-checks the state under that lock and refuses (`bids.wrong_state`) what is
already done, and a refusal is counted as nothing to do."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

from kraya.bids import states
from kraya.bids.models import Bid
from kraya.bids.services import opening, preferences
from kraya.core import clock
from kraya.core.errors import DomainError

logger = logging.getLogger(__name__)


def _claimed(bid_id: int, status: str) -> bool:
    """Lock the bid for this transaction unless another worker holds it."""
    return Bid.objects.select_for_update(skip_locked=True).filter(pk=bid_id, status=status).exists()


def _step(bid_id: int, status: str, run: Callable[[], Any]) -> Any | None:
    """Run one step on one bid in its own transaction; None when another
    worker has it, the state moved on, or the step refused."""
    try:
        with transaction.atomic():
            if not _claimed(bid_id, status):
                return None
            return run()
    except DomainError as refused:
        logger.debug("bids tick: bid %s: %s", bid_id, refused.code)
        return None
    except Exception:
        # One broken bid (a missing sealing key) must not stop the others.
        logger.exception("bids tick: bid %s failed", bid_id)
        return None


def _auction_tick(now: dt.datetime) -> int:
    """RA-3/RA-4 through task D's `auction_tick(now) -> int`, looked up as a
    module attribute so this module imports before that one exists."""
    try:
        module = importlib.import_module("kraya.bids.services.auction")
    except ModuleNotFoundError:
        return 0
    tick = getattr(module, "auction_tick", None)
    if tick is None:
        return 0
    try:
        return int(tick(now))
    except Exception:
        logger.exception("bids tick: auctions failed")
        return 0


def _tick() -> dict[str, int]:
    now = clock.now()
    counts = {"extended": 0, "opened": 0, "auctions": 0, "settled": 0}
    ended = Bid.objects.filter(status=states.PUBLISHED, end_at__lte=now).order_by("pk")
    for bid_id in list(ended.values_list("pk", flat=True)):
        decision = _step(bid_id, states.PUBLISHED, partial(opening.bid_end, bid_id=bid_id))
        if decision is not None and decision.extended:
            counts["extended"] += 1
    # Read again: an extension moved the end and the opening into the future.
    due = Bid.objects.filter(
        status=states.PUBLISHED, end_at__lte=now, opening_at__lte=now
    ).order_by("pk")
    for bid_id in list(due.values_list("pk", flat=True)):
        opened = _step(bid_id, states.PUBLISHED, partial(opening.technical_open, bid_id=bid_id))
        counts["opened"] += int(opened is not None)
    counts["auctions"] = _auction_tick(now)
    for bid_id in preferences.bids_due_for_settling(now):
        settled = _step(
            bid_id, states.MATCHING, partial(preferences.preferences_settle, bid_id=bid_id)
        )
        counts["settled"] += int(settled is not None)
    return counts


def bids_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Do the bid work due at `now` (the current time when None). Returns how
    many bids were extended, opened, settled and auction steps taken — never
    how many submissions a bid has (BID-4).

    Passing `now` freezes the process clock for the tick (tests, replays);
    the scheduler passes nothing."""
    if now is None:
        return _tick()
    with clock.frozen_at(now):
        return _tick()


__all__ = ["bids_tick"]
