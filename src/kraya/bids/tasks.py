"""Background work of the bids app: the bid clock (`services.clock.bids_tick`).

- Production: Celery beat sends `kraya.bids.tick` every minute
  (`CELERY_BEAT_SCHEDULE` in settings; run exactly one `celery -A kraya beat`);
- embedded mode (`script/server`, no Redis): `start_embedded_scheduler()`
  runs the tick on a daemon thread every `KRAYA_BIDS_TICK_SECONDS` (60) in
  the web server's process; the gunicorn hook `post_worker_init` (this
  module is given to gunicorn as `--config python:kraya.bids.tasks`) starts
  it in every worker, and a file lock lets only one of them tick;
- by hand or from cron: `kraya bids_tick`.

The tick is idempotent and safe to run twice at once, so a beat that fires
twice or two schedulers racing change nothing."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 60


@shared_task(name="kraya.bids.tick")
def bids_tick_task() -> dict[str, int]:
    """The bid clock, once (BID-4, BID-5, RA-3, §7)."""
    from kraya.bids.services.clock import bids_tick

    return bids_tick()


_started = threading.Event()
_stop = threading.Event()


def _holds_lock() -> Any | None:
    """An exclusive, non-blocking lock on `var/bids_tick.lock`: the one
    process of the embedded server that ticks (None: another one does)."""
    import fcntl

    path = settings.VAR_DIR / "bids_tick.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _run(seconds: float) -> None:
    from django.db import close_old_connections, connections

    from kraya.bids.services.clock import bids_tick

    lock = None
    while not _stop.wait(seconds):
        if lock is None:
            lock = _holds_lock()
            if lock is None:
                continue
        close_old_connections()
        try:
            counts = bids_tick()
            if any(counts.values()):
                logger.info("bids tick: %s", counts)
        except Exception:
            logger.exception("bids tick failed")
        finally:
            connections.close_all()


def start_embedded_scheduler(seconds: float | None = None) -> bool:
    """Start the in-process bid clock (embedded mode only; once per process).
    Returns whether this call started it."""
    if getattr(settings, "REDIS_URL", "") or _started.is_set():
        return False
    _started.set()
    interval = float(seconds or settings.KRAYA_BIDS_TICK_SECONDS or DEFAULT_SECONDS)
    thread = threading.Thread(target=_run, args=(interval,), name="kraya-bids-clock", daemon=True)
    thread.start()
    return True


def post_worker_init(worker: Any) -> None:
    """gunicorn hook (`--config python:kraya.bids.tasks`, script/server only):
    start the embedded bid clock in the worker once Django is loaded."""
    start_embedded_scheduler()
