"""Background work of the bids app: the bid clock (`services.clock.bids_tick`).

- Production: Celery beat sends `kraya.bids.tick` every minute
  (`CELERY_BEAT_SCHEDULE` in settings; run exactly one `celery -A kraya beat`);
- embedded mode (`script/server`, no Redis): the one in-process scheduler
  (`kraya.core.scheduler`) runs the same schedule entry, every
  `KRAYA_BIDS_TICK_SECONDS` (60);
- by hand or from cron: `kraya bids_tick`.

The tick is idempotent and safe to run twice at once, so a beat that fires
twice or two schedulers racing change nothing."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kraya.bids.tick")
def bids_tick_task() -> dict[str, int]:
    """The bid clock, once (BID-4, BID-5, RA-3, §7)."""
    from kraya.bids.services.clock import bids_tick

    return bids_tick()
