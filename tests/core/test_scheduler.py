"""The one embedded scheduler (`kraya.core.scheduler`): every entry of
`CELERY_BEAT_SCHEDULE`, each at its own interval, by Celery task name; one
process of the embedded server runs it (a file lock); never with Redis."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from celery import shared_task
from celery.schedules import crontab, schedule

from kraya.core import scheduler

RUNS: list[tuple[str, tuple[Any, ...]]] = []
SEEN = threading.Event()


@shared_task(name="tests.scheduler.probe")
def probe_task(label: str = "probe") -> str:
    RUNS.append(("probe", (label,)))
    SEEN.set()
    return label


@shared_task(name="tests.scheduler.broken")
def broken_task() -> None:
    RUNS.append(("broken", ()))
    raise RuntimeError("a failing periodic task")


@pytest.fixture(autouse=True)
def _clean():
    RUNS.clear()
    SEEN.clear()
    yield
    scheduler.stop_embedded_scheduler()


def test_the_real_schedule_is_run_by_task_name(settings):
    settings.KRAYA_SCHEDULER_SECONDS = {}
    found = {e.name: e for e in scheduler.entries()}
    assert set(found) == set(settings.CELERY_BEAT_SCHEDULE)
    for name, spec in settings.CELERY_BEAT_SCHEDULE.items():
        assert found[name].task == spec["task"]
        assert callable(scheduler._task_body(spec["task"]))  # registered with Celery
    assert found["bids-tick"].seconds == 60.0
    assert found["outbox-dispatch"].seconds == 10.0


@pytest.mark.django_db(transaction=True)  # each run closes its connections
def test_each_entry_runs_at_its_own_interval_and_a_failure_blocks_nobody(settings):
    settings.KRAYA_SCHEDULER_SECONDS = {}
    settings.CELERY_BEAT_SCHEDULE = {
        "fast": {"task": "tests.scheduler.probe", "schedule": 10.0, "args": ("fast",)},
        "slow": {"task": "tests.scheduler.probe", "schedule": dt.timedelta(seconds=30)},
        "broken": {"task": "tests.scheduler.broken", "schedule": schedule(run_every=10)},
    }
    entries = scheduler.entries(start=1000.0)
    assert scheduler.run_due(entries, now=1005.0) == []
    assert scheduler.run_due(entries, now=1010.0) == ["fast", "broken"]
    assert scheduler.run_due(entries, now=1020.0) == ["fast", "broken"]
    assert scheduler.run_due(entries, now=1030.0) == ["fast", "slow", "broken"]
    assert RUNS[:2] == [("probe", ("fast",)), ("broken", ())]
    # A process busy for a long time runs a late entry once, not once per missed interval.
    assert scheduler.run_due(entries, now=2000.0) == ["fast", "slow", "broken"]
    assert scheduler.run_due(entries, now=2001.0) == []


def test_overrides_and_the_old_bids_tick_setting(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "bids-tick": {"task": "kraya.bids.tick", "schedule": 60.0},
        "nightly": {"task": "tests.scheduler.probe", "schedule": crontab(hour=2, minute=0)},
    }
    settings.KRAYA_SCHEDULER_SECONDS = {"bids-tick": 5.0}
    # A crontab has no fixed interval: it is left to Celery beat.
    assert [(e.name, e.seconds) for e in scheduler.entries()] == [("bids-tick", 5.0)]


@pytest.mark.django_db(transaction=True)
def test_the_thread_runs_the_schedule_in_embedded_mode_only(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.KRAYA_SCHEDULER_SECONDS = {}
    settings.CELERY_BEAT_SCHEDULE = {
        "probe": {"task": "tests.scheduler.probe", "schedule": 0.05},
    }
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert scheduler.start_embedded_scheduler() is False  # production: Celery beat's job
    settings.REDIS_URL = ""
    assert scheduler.post_worker_init(worker=None) is None  # the gunicorn hook starts it
    assert scheduler.start_embedded_scheduler() is False  # once per process
    assert SEEN.wait(timeout=10)
    assert (tmp_path / scheduler.LOCK_NAME).exists()


def test_only_one_process_holds_the_lock(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = scheduler._holds_lock()
    assert first is not None
    try:
        # flock locks belong to the open file: a second open, as another
        # gunicorn worker would make, is refused while the first holds it.
        assert scheduler._holds_lock() is None
    finally:
        first.close()
    again = scheduler._holds_lock()
    assert again is not None
    again.close()
