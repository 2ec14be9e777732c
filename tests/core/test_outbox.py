"""The transactional outbox (issue 7: "no notification or task is lost or
doubled when a worker dies"): emitted with the change or not at all, handled
and marked done in one transaction, retried with backoff, never blocking
the others — and, on PostgreSQL, a dispatcher killed mid-handler (SIGKILL)
and restarted does the work exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from kraya.core import audit, clock, outbox
from kraya.core.models import AuditEvent, OutboxMessage
from kraya.notifications.models import Notification
from kraya.notifications.services import notify
from tests.orders.flow import bid_order

ROOT = Path(__file__).resolve().parents[2]
EFFECTS: list[dict[str, Any]] = []


@outbox.handler("tests.record")
def _record(payload: dict[str, Any]) -> None:
    if payload.get("fail"):
        Notification.objects.all().delete()  # an effect that must be rolled back
        raise RuntimeError("handler failed")
    EFFECTS.append(payload)


@pytest.fixture(autouse=True)
def _clean() -> None:
    EFFECTS.clear()


@pytest.mark.django_db
def test_emit_then_dispatch_marks_done_and_duplicate_keys_are_ignored() -> None:
    with transaction.atomic():
        outbox.emit("tests.record", {"n": 1}, key="k1")
        outbox.emit("tests.record", {"n": 2}, key="k1")  # the same work: ignored
    assert OutboxMessage.objects.count() == 1
    assert outbox.dispatch() == 1
    assert EFFECTS == [{"n": 1}]
    assert OutboxMessage.objects.get().done_at is not None
    assert outbox.dispatch() == 0 and EFFECTS == [{"n": 1}]


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        outbox.emit("tests.record", {}, key="k")


@pytest.mark.django_db
def test_a_rolled_back_change_emits_nothing() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.emit("tests.record", {"n": 1}, key="k1")
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_failing_handler_is_rolled_back_retried_later_and_blocks_nobody(world) -> None:
    order = bid_order(world, quantity=1, unit_price_paise=100_00)
    with transaction.atomic():
        notify(users=[world.buyer], kind="orders.accepted", payload={"order_id": order.pk}, key="a")
    outbox.dispatch_all()
    before = Notification.objects.count()
    assert before >= 1
    with transaction.atomic():
        outbox.emit("tests.record", {"fail": True}, key="bad")
        outbox.emit("tests.record", {"n": 2}, key="good")
    now = clock.now()
    assert outbox.dispatch(now=now) == 2
    assert EFFECTS == [{"n": 2}]
    bad = OutboxMessage.objects.get(key="bad")
    assert bad.done_at is None and bad.attempts == 1 and "handler failed" in bad.last_error
    assert bad.available_at == now + dt.timedelta(minutes=1)
    assert Notification.objects.count() == before  # its delete was rolled back
    assert outbox.dispatch(now=now) == 0  # backing off
    assert outbox.dispatch(now=now + dt.timedelta(minutes=1)) == 1
    bad.refresh_from_db()
    assert bad.attempts == 2 and bad.available_at == now + dt.timedelta(minutes=3)


@pytest.mark.django_db
def test_an_unknown_kind_is_recorded_not_raised() -> None:
    with transaction.atomic():
        outbox.emit("tests.nobody", {}, key="lost")
    assert outbox.dispatch() == 1
    assert "no handler" in OutboxMessage.objects.get().last_error


# A countable effect for the tests below: one audit event per handling
# (`kraya outbox_dispatch` in a subprocess imports this module to know it).
@outbox.handler("tests.audited")
def _audited(payload: dict[str, Any]) -> None:
    audit.record(actor=None, action="tests.outbox_effect", payload={"n": payload["n"]})


def _effects() -> list[int]:
    return sorted(e.payload["n"] for e in AuditEvent.objects.filter(action="tests.outbox_effect"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_dispatchers_never_run_the_same_message_twice() -> None:
    later = clock.now() + dt.timedelta(hours=1)  # not due for the inline nudge
    with transaction.atomic():
        for n in range(40):
            outbox.emit("tests.audited", {"n": n}, key=f"c{n}", available_at=later)
    ids = list(OutboxMessage.objects.values_list("id", flat=True))
    start = threading.Barrier(4)
    counts: list[int] = []

    def dispatcher() -> None:
        try:
            start.wait()
            counts.append(outbox.dispatch_all(now=later))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(counts) == 40
    assert _effects() == list(range(40))
    assert OutboxMessage.objects.filter(id__in=ids, done_at__isnull=False).count() == 40


WORKER = (
    "import django; django.setup(); import tests.core.test_outbox; "
    "from django.core.management import call_command; "
    "call_command('outbox_dispatch', '--every', '0.2')"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs PostgreSQL")
def test_a_dispatcher_killed_mid_handler_does_the_work_once_after_restart(tmp_path) -> None:
    """SIGKILL inside the handler's transaction (the KRAYA_FAULT_SLEEP_IN_HANDLER
    hook), restart: the effect happens exactly once."""
    # Due in a moment: the inline nudge of this test process finds nothing due yet.
    with transaction.atomic():
        outbox.emit(
            "tests.audited",
            {"n": 7},
            key="kill",
            available_at=clock.now() + dt.timedelta(seconds=1),
        )
    message = OutboxMessage.objects.get(key="kill")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }

    def start(log: Any, **extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER], cwd=ROOT, env={**env, **extra}, stderr=log
        )

    log_path = tmp_path / "hooked.log"
    with log_path.open("wb") as log:
        hooked = start(log, KRAYA_FAULT_SLEEP_IN_HANDLER="tests.audited:120")
        try:
            deadline = time.monotonic() + 90
            while outbox.FAULT_SLEEP_ENV not in log_path.read_text(errors="replace"):
                assert hooked.poll() is None, log_path.read_text(errors="replace")
                assert time.monotonic() < deadline, "the dispatcher never reached the handler"
                time.sleep(0.1)
        finally:
            hooked.send_signal(signal.SIGKILL)
            hooked.wait(timeout=30)
    # The killed backend's transaction is rolled back: no effect, not done.
    message.refresh_from_db()
    assert message.done_at is None and _effects() == []

    with (tmp_path / "again.log").open("wb") as log:
        again = start(log)
        try:
            deadline = time.monotonic() + 90
            while not OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=False).exists():
                assert again.poll() is None, (tmp_path / "again.log").read_text()
                assert time.monotonic() < deadline, "the restarted dispatcher did nothing"
                time.sleep(0.1)
        finally:
            again.send_signal(signal.SIGKILL)
            again.wait(timeout=30)
    assert _effects() == [7]
