"""The periodic purge of expired Idempotency-Keys, run as a Celery task."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.api.models import IdempotencyKey
from kraya.api.tasks import idempotency_keys_purge_task
from kraya.core import clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


def store_key(*, user, key: str, at: dt.datetime) -> None:
    IdempotencyKey.objects.create(
        user=user,
        key=key,
        method="POST",
        path="/api/v1/things",
        request_hash="0" * 64,
        response_status=201,
        response_content_type="application/json",
        response_body="{}",
        created_at=at,
    )


def test_purge_task_drops_keys_older_than_a_day(person):
    store_key(user=person, key="old", at=START)
    store_key(user=person, key="young", at=START + dt.timedelta(hours=30))
    with clock.frozen_at(START + dt.timedelta(hours=23)):
        assert idempotency_keys_purge_task.delay().get() == 0
    with clock.frozen_at(START + dt.timedelta(hours=26)):
        assert idempotency_keys_purge_task.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


def test_purge_task_is_registered_under_its_name():
    assert idempotency_keys_purge_task.name == "kraya.api.idempotency_keys_purge"
