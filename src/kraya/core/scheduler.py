"""One scheduler for all periodic work, embedded mode only.

`settings.CELERY_BEAT_SCHEDULE` is the single list of periodic work (the bid
clock, the orders clock, the outbox's safety net, ...). In production Celery
beat sends those tasks to the workers (run exactly one `celery -A kraya
beat`). The embedded server (`script/server`, no Redis) has no beat: this
module runs every entry of the same schedule in-process, each at its own
interval, on one daemon thread, by calling the Celery task's body
(`celery_app.tasks[name].run(*args, **kwargs)`).

gunicorn loads this module as its config (`--config python:kraya.core.scheduler`);
its `post_worker_init` hook starts the scheduler in every worker, and an
exclusive lock on `var/scheduler.lock` lets exactly one of them run the
schedule (the others keep trying, so if that worker dies another takes over).

Intervals: an entry's `schedule` (seconds, a `timedelta` or a Celery
`schedule`; crontab entries are not run here). `KRAYA_SCHEDULER_SECONDS`
overrides them by entry name (`bids-tick=30,outbox-dispatch=5`), and
`KRAYA_BIDS_TICK_SECONDS` still sets the `bids-tick` interval.

Every scheduled task is idempotent and safe to run twice at once, so a
scheduler and a `kraya bids_tick` from cron racing change nothing."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery.schedules import schedule as celery_schedule
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_NAME = "scheduler.lock"


@dataclass
class Entry:
    """One periodic task: its beat entry's name, the Celery task name, its
    interval and when it runs next (monotonic seconds)."""

    name: str
    task: str
    seconds: float
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    next_at: float = 0.0


def _seconds(schedule: Any) -> float | None:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, dt.timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, celery_schedule):  # not crontab: no fixed interval
        return float(schedule.run_every.total_seconds())
    return None


def entries(*, start: float = 0.0) -> list[Entry]:
    """The beat schedule as entries, first due one interval after `start`."""
    overrides: dict[str, float] = dict(getattr(settings, "KRAYA_SCHEDULER_SECONDS", {}))
    found = []
    beat: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    for name, spec in beat.items():
        seconds = overrides.get(name) or _seconds(spec.get("schedule"))
        if not seconds or seconds <= 0:
            logger.warning("scheduler: %s has no interval in seconds; not run in-process", name)
            continue
        found.append(
            Entry(
                name=name,
                task=spec["task"],
                seconds=float(seconds),
                args=tuple(spec.get("args", ())),
                kwargs=dict(spec.get("kwargs", {})),
                next_at=start + float(seconds),
            )
        )
    return found


def _task_body(name: str) -> Callable[..., Any]:
    from kraya.celery import app

    return app.tasks[name].run


def run_due(schedule: list[Entry], *, now: float) -> list[str]:
    """Run every entry due at `now` (monotonic seconds), each once, and move
    it to its next time. A failing task is logged; the others still run.
    Returns the names of the entries run."""
    from django.db import close_old_connections, connections

    ran = []
    for entry in schedule:
        if entry.next_at > now:
            continue
        # Skip runs missed while the process was busy: one run, then on time.
        entry.next_at = max(entry.next_at + entry.seconds, now + entry.seconds / 2)
        close_old_connections()
        try:
            result = _task_body(entry.task)(*entry.args, **entry.kwargs)
            logger.debug("scheduler: %s -> %r", entry.name, result)
        except Exception:
            logger.exception("scheduler: %s (%s) failed", entry.name, entry.task)
        finally:
            connections.close_all()
        ran.append(entry.name)
    return ran


def _holds_lock() -> Any | None:
    """An exclusive, non-blocking lock on `var/scheduler.lock`: the one
    process of the embedded server that runs the schedule (None: another
    one does)."""
    import fcntl

    path = settings.VAR_DIR / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


LOCK_RETRY_SECONDS = 30.0
_guard = threading.Lock()
_stop: threading.Event | None = None  # the running scheduler's, if any


def _run(schedule: list[Entry], stop: threading.Event) -> None:
    lock = None
    while not stop.is_set():
        if lock is None:
            lock = _holds_lock()
            if lock is None:
                stop.wait(LOCK_RETRY_SECONDS)
                continue
        run_due(schedule, now=time.monotonic())
        next_at = min(e.next_at for e in schedule)
        stop.wait(max(0.05, next_at - time.monotonic()))
    if lock is not None:
        lock.close()


def start_embedded_scheduler() -> bool:
    """Start the in-process scheduler (embedded mode only, i.e. without
    `REDIS_URL`; once per process). Returns whether this call started it."""
    global _stop
    if getattr(settings, "REDIS_URL", ""):
        return False
    with _guard:
        if _stop is not None:
            return False
        schedule = entries(start=time.monotonic())
        if not schedule:
            return False
        _stop = threading.Event()
        thread = threading.Thread(
            target=_run, args=(schedule, _stop), name="kraya-scheduler", daemon=True
        )
        thread.start()
    logger.info("scheduler: %s", ", ".join(f"{e.name} every {e.seconds:g} s" for e in schedule))
    return True


def stop_embedded_scheduler() -> None:
    """Stop the scheduler thread (tests; the process exiting stops it too)."""
    global _stop
    with _guard:
        if _stop is not None:
            _stop.set()
            _stop = None


def post_worker_init(worker: Any) -> None:
    """gunicorn hook (`--config python:kraya.core.scheduler`, script/server
    only): start the embedded scheduler in the worker once Django is loaded."""
    start_embedded_scheduler()
