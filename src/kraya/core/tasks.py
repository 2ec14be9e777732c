"""Running background work: Celery in production, a small thread pool when
embedded, inline in tests.

`enqueue(task, *args, **kwargs)` always waits for the current transaction to
commit (a task never sees rows that were rolled back, and never runs before
the rows it needs are visible), then

- with `REDIS_URL` set, sends the Celery task (`task.delay`) to the workers;
- in the embedded mode (no Redis), runs it on a process-wide pool of daemon
  threads, so the web request returns at once and a page can show progress;
- with the setting `KRAYA_TASKS_INLINE = True` (the tests), runs it at once
  in the caller's thread, so tests are deterministic.

Tasks must be idempotent: a worker can die half-way, and the same task can
be sent twice."""

from __future__ import annotations

import logging
import threading
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger(__name__)

EMBEDDED_THREADS = 2


class Task(Protocol):
    """A Celery task: `delay` sends it, `run` is its body."""

    name: str

    def delay(self, *args: Any, **kwargs: Any) -> Any: ...

    def run(self, *args: Any, **kwargs: Any) -> Any: ...


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending: set[Future[Any]] = set()


def _forget(future: Future[Any]) -> None:
    with _pool_lock:
        _pending.discard(future)


def _embedded_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # ThreadPoolExecutor's workers are daemon-like: the interpreter
            # does not wait for queued work beyond the running task at exit;
            # a batch cut short is resumed when it is enqueued again.
            _pool = ThreadPoolExecutor(
                max_workers=EMBEDDED_THREADS, thread_name_prefix="kraya-task"
            )
        return _pool


def _run_in_thread(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    close_old_connections()
    try:
        return task.run(*args, **kwargs)
    except Exception:
        logger.exception("background task %s failed", task.name)
        raise
    finally:
        # Each pool thread has its own connection; do not leave it open
        # between tasks (SQLite locks, PostgreSQL connection limits).
        connections.close_all()


def mode() -> str:
    """How `enqueue` runs tasks here: "inline", "celery" or "thread"."""
    if getattr(settings, "KRAYA_TASKS_INLINE", False):
        return "inline"
    if getattr(settings, "REDIS_URL", ""):
        return "celery"
    return "thread"


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Run `task(*args, **kwargs)` in the background once the current
    transaction commits (at once when there is none)."""

    def send() -> None:
        how = mode()
        if how == "inline":
            task.run(*args, **kwargs)
        elif how == "celery":
            task.delay(*args, **kwargs)
        else:
            future: Future[Any] = _embedded_pool().submit(_run_in_thread, task, args, kwargs)
            with _pool_lock:
                _pending.add(future)
            future.add_done_callback(_forget)

    transaction.on_commit(send)


def wait_for_embedded_tasks(timeout: float | None = None) -> None:
    """Block until the embedded pool has run everything queued so far (for
    commands and tests that use the thread mode)."""
    with _pool_lock:
        pending = list(_pending)
    futures.wait(pending, timeout=timeout)


@shared_task(name="kraya.core.outbox_dispatch")
def outbox_dispatch_task() -> int:
    """Deliver every due outbox message (`kraya.core.outbox`): nudged after
    each commit that emits one, and sent by Celery beat every 10 seconds as
    the safety net for a lost nudge. Idempotent: a message is done once."""
    from kraya.core import outbox

    return outbox.dispatch_all()
