"""The transactional outbox: follow-up work that is neither lost nor doubled.

A service that wants something done after its change (tell a seller, render
a document, start a task) calls `emit(kind, payload, key=...)` inside its own
transaction. The message is a row (`OutboxMessage`) written in that
transaction, so it exists if and only if the change committed; a second emit
with the same `key` is ignored, so retried services do not double it.

`dispatch()` delivers due messages to the handler registered for their kind
(`@handler("kind")`). Each message is handled in ONE transaction that also
marks it done: the handler's database writes and the done mark commit
together or not at all. A worker killed half-way leaves the message undone,
so it runs again: exactly once in effect, for everything the database holds.
(Side effects outside the database, such as an email, are at-least-once:
they may repeat if the worker dies between the side effect and the commit.)

Each message is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL (concurrent dispatchers take different messages and never the
same one twice; SQLite's immediate transactions serialise writers anyway),
and handled inside a savepoint of the transaction that marks it done.

A handler that raises: its savepoint is rolled back (no half effects), the
attempt is counted, the error is stored in `last_error` and the message
waits `min(2 ** (attempts - 1) minutes, 1 hour)` (1, 2, 4, ... minutes)
before the next try. After `MAX_ATTEMPTS` it is left for an operator
(Django admin: "Outbox messages", with a "retry now" action). An unknown
kind is an error on the row like any other: a handler deployed later picks
it up on a retry. One failing message never blocks the others.

Limitation: a handler that kills the process every time (out of memory, a
segfault) rolls its attempt count back with everything else, so such a
message is retried at once by the next dispatcher; watch the logs.

`emit` nudges the dispatcher when the transaction commits
(`kraya.core.tasks.enqueue`): inline in tests (deterministic), a thread in
the embedded mode, a Celery task in production, where Celery beat also runs
`kraya.core.outbox_dispatch` every 10 seconds as the safety net for a lost
nudge. `kraya outbox_dispatch [--loop]` runs it by hand.

Test hook (never set it in production): the environment variable
`KRAYA_FAULT_SLEEP_IN_HANDLER=<kind>:<seconds>` makes dispatch sleep inside
the handling transaction, after that kind's handler ran and before the
commit, and say so on stderr, so a test can SIGKILL the process there."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from kraya.core import clock
from kraya.core.models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]

MAX_ATTEMPTS = 10
MAX_BACKOFF = dt.timedelta(hours=1)
FAULT_SLEEP_ENV = "KRAYA_FAULT_SLEEP_IN_HANDLER"

_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(payload) -> None` as the handler of `kind`. Apps register
    theirs in `handlers.py` or `tasks.py`, which `kraya.core` imports at
    startup, so every process knows every kind."""

    def register(fn: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and _name(existing) != _name(fn):
            raise ValueError(f"outbox kind {kind!r} already has a handler: {_name(existing)}")
        _handlers[kind] = fn
        return fn

    return register


def _name(fn: Handler) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


def handlers() -> dict[str, Handler]:
    """The registered handlers by kind (a copy)."""
    return dict(_handlers)


def emit(
    kind: str, payload: dict[str, Any], *, key: str, available_at: dt.datetime | None = None
) -> None:
    """Queue `payload` for the handler of `kind`, in the caller's transaction.
    A message with the same `key` already queued (or done) makes this a no-op."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox.emit must run inside the transaction of the change")
    now = clock.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=kind,
                payload=payload,
                key=key,
                created_at=now,
                available_at=available_at or now,
            )
        ],
        ignore_conflicts=True,
    )
    nudge()


def nudge() -> None:
    """Run the dispatcher once the current transaction commits (once per
    transaction, however many messages it emitted)."""
    if any(getattr(entry[1], "outbox_nudge", False) for entry in connection.run_on_commit):
        return
    transaction.on_commit(_dispatch_soon)


def _dispatch_soon() -> None:
    from kraya.core.tasks import enqueue, outbox_dispatch_task

    enqueue(outbox_dispatch_task)


_dispatch_soon.outbox_nudge = True  # type: ignore[attr-defined]


def backoff(attempts: int) -> dt.timedelta:
    """How long a message waits after its `attempts`-th failed try."""
    return min(dt.timedelta(minutes=2 ** max(0, min(attempts - 1, 12))), MAX_BACKOFF)


def _fault_sleep(kind: str, message_id: int) -> None:
    """The test hook (module docstring): sleep inside the transaction."""
    hook = os.environ.get(FAULT_SLEEP_ENV, "")
    hook_kind, _, seconds = hook.rpartition(":")
    if not hook or hook_kind != kind:
        return
    sys.stderr.write(f"{FAULT_SLEEP_ENV}: in handler of {kind} message {message_id}\n")
    sys.stderr.flush()
    time.sleep(float(seconds))


def _next_due(now: dt.datetime, *, after_id: int) -> OutboxMessage | None:
    """Lock the next due message past `after_id` (skipping rows another
    dispatcher holds), or None."""
    due = OutboxMessage.objects.filter(
        done_at__isnull=True, available_at__lte=now, attempts__lt=MAX_ATTEMPTS, id__gt=after_id
    ).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return due.first()


def _handle(message: OutboxMessage, *, now: dt.datetime) -> None:
    """Run the handler in a savepoint; mark the message done, or count the
    failed attempt and back off. Runs in the message's own transaction."""
    fn = _handlers.get(message.kind)
    error = ""
    if fn is None:
        error = f"no handler for the kind {message.kind!r}"
    else:
        try:
            with transaction.atomic():
                fn(dict(message.payload))
        except Exception:
            error = traceback.format_exc(limit=8)
            logger.warning("outbox message %s (%s) failed", message.pk, message.kind, exc_info=True)
        else:
            _fault_sleep(message.kind, message.pk)
    message.locked_until = None
    if error:
        message.attempts += 1
        message.last_error = error[-4000:]
        message.available_at = now + backoff(message.attempts)
    else:
        message.done_at = now
        message.last_error = ""
    message.save(
        update_fields=["attempts", "locked_until", "last_error", "available_at", "done_at"]
    )


def dispatch(*, limit: int = 100, now: dt.datetime | None = None) -> int:
    """Handle up to `limit` due messages, each in its own transaction;
    returns how many were handled (done or failed). Safe to run in many
    processes at once."""
    handled = 0
    last_id = 0
    while handled < limit:
        with transaction.atomic():
            at = now or clock.now()
            message = _next_due(at, after_id=last_id)
            if message is None:
                break
            last_id = message.pk
            _handle(message, now=at)
        handled += 1
    return handled


def dispatch_all(*, now: dt.datetime | None = None) -> int:
    """Handle every message due now, batch after batch (a failed one waits
    for its backoff, so this ends); returns how many were handled."""
    total = 0
    while True:
        handled = dispatch(now=now)
        total += handled
        if not handled:
            return total


def retry_now(*, ids: list[int]) -> int:
    """An operator's "retry now": make undone messages due at once, with
    their attempts reset. Returns how many were reset."""
    with transaction.atomic():
        count = OutboxMessage.objects.filter(id__in=ids, done_at__isnull=True).update(
            attempts=0, available_at=clock.now(), locked_until=None
        )
        if count:
            nudge()
    return count
