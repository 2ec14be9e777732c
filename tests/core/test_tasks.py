"""The task runner: after commit; inline in tests, Celery with Redis, a
thread pool when embedded."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import transaction

from kraya.core import tasks


class Recorder:
    """A stand-in with Celery's task interface (`delay` sends, `run` runs)."""

    name = "tests.recorder"

    def __init__(self) -> None:
        self.ran: list[tuple[tuple[Any, ...], dict[str, Any], str]] = []
        self.sent: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.done = threading.Event()

    def delay(self, *args: Any, **kwargs: Any) -> None:
        self.sent.append((args, kwargs))

    def run(self, *args: Any, **kwargs: Any) -> str:
        self.ran.append((args, kwargs, threading.current_thread().name))
        self.done.set()
        return "ok"


def test_the_mode_follows_the_settings(settings):
    settings.KRAYA_TASKS_INLINE = True
    assert tasks.mode() == "inline"
    settings.KRAYA_TASKS_INLINE = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert tasks.mode() == "celery"
    settings.REDIS_URL = ""
    assert tasks.mode() == "thread"


@pytest.mark.django_db(transaction=True)
def test_inline_runs_after_commit_and_not_after_rollback(settings):
    settings.KRAYA_TASKS_INLINE = True
    task = Recorder()
    with transaction.atomic():
        tasks.enqueue(task, 1, kind="a")
        assert task.ran == []
    assert [(args, kwargs) for args, kwargs, _thread in task.ran] == [((1,), {"kind": "a"})]
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue(task, 2)
        raise RuntimeError("rolled back")
    assert len(task.ran) == 1


@pytest.mark.django_db(transaction=True)
def test_with_redis_the_task_is_sent_to_celery_after_commit(settings):
    settings.KRAYA_TASKS_INLINE = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    task = Recorder()
    with transaction.atomic():
        tasks.enqueue(task, 7)
        assert task.sent == []
    assert task.sent == [((7,), {})]
    assert task.ran == []


@pytest.mark.django_db(transaction=True)
def test_embedded_runs_on_a_background_thread(settings):
    settings.KRAYA_TASKS_INLINE = False
    settings.REDIS_URL = ""
    task = Recorder()
    tasks.enqueue(task, "batch")
    assert task.done.wait(timeout=10)
    tasks.wait_for_embedded_tasks(timeout=10)
    ((args, _kwargs, thread_name),) = task.ran
    assert args == ("batch",)
    assert thread_name.startswith("kraya-task")
    assert thread_name != threading.current_thread().name
