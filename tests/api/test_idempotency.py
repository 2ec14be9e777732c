"""Idempotency-Key on POSTs: replay, reuse, scoping, failures, expiry, concurrency.

Decision under test: a request that fails (4xx) is not stored; its whole
transaction rolls back and the key stays free for a corrected retry."""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from tests.api import probe
from tests.api.conftest import make_person, make_token

from kraya.api.idempotency import idempotency_keys_purge, lock_key
from kraya.api.models import IdempotencyKey
from kraya.core import clock
from kraya.core.audit_models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.probe")]

NOTES = "/probe/v1/notes"
NOTE = {"title": "Chairs", "email": "a@example.in", "quantity": 2}


@pytest.fixture
def buyer_client(person_client):
    return person_client


def post(client: Client, key: str | None, body: dict | None = None, path: str = NOTES, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(path, data=body or NOTE, content_type="application/json", headers=headers)


def notes_written() -> int:
    return AuditEvent.objects.filter(action="probe.note").count()


def test_first_request_runs_and_is_stored(buyer_client, person):
    response = post(buyer_client, "key-1")
    assert response.status_code == 201
    assert REPLAYED not in response
    assert notes_written() == 1
    record = IdempotencyKey.objects.get()
    assert (record.user_id, record.key, record.method, record.path) == (
        person.pk,
        "key-1",
        "POST",
        NOTES,
    )
    assert record.response_status == 201
    assert record.response_body == response.content.decode()
    assert record.response_content_type == response["Content-Type"]
    assert len(record.request_hash) == 64


REPLAYED = "Idempotent-Replayed"


def test_repeat_replays_without_running_again(buyer_client):
    first = post(buyer_client, "key-1")
    second = post(buyer_client, "key-1")
    assert second.status_code == 201
    assert second.content == first.content
    assert second[REPLAYED] == "true"
    assert notes_written() == 1
    assert IdempotencyKey.objects.count() == 1


def test_same_key_different_body_is_422_and_changes_nothing(buyer_client):
    post(buyer_client, "key-1")
    response = post(buyer_client, "key-1", {**NOTE, "quantity": 3})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency.key_reused"
    assert notes_written() == 1


def test_same_key_different_path_is_422(buyer_client):
    post(buyer_client, "key-1")
    response = post(buyer_client, "key-1", path=NOTES + "?copy=1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency.key_reused"


def test_keys_are_scoped_per_user(buyer_client, person):
    post(buyer_client, "shared-key")
    someone_else = make_person()
    other = Client()
    other.force_login(someone_else)
    response = post(other, "shared-key")
    assert response.status_code == 201
    assert REPLAYED not in response
    assert notes_written() == 2
    assert set(IdempotencyKey.objects.values_list("user_id", flat=True)) == {
        person.pk,
        someone_else.pk,
    }


def test_token_and_session_of_one_user_share_keys(world):
    _membership, raw = make_token(world.buyer)
    first = post(Client(), "key-1", Authorization=f"Bearer {raw}")
    assert first.status_code == 201
    browser = Client()
    browser.force_login(world.buyer)
    second = post(browser, "key-1")
    assert second[REPLAYED] == "true"
    assert second.content == first.content
    assert notes_written() == 1


def test_refused_request_is_not_stored_and_its_writes_roll_back(buyer_client):
    seq_before = AuditEvent.objects.count()
    response = post(buyer_client, "key-1", path="/probe/v1/notes/refused")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "probe.refused"
    assert AuditEvent.objects.count() == seq_before
    assert not IdempotencyKey.objects.exists()
    # The key stays free: the retry runs (and is refused) again, not replayed.
    again = post(buyer_client, "key-1", path="/probe/v1/notes/refused")
    assert again.status_code == 409
    assert REPLAYED not in again


def test_invalid_request_leaves_the_key_free_for_the_corrected_one(buyer_client):
    bad = post(buyer_client, "key-1", {**NOTE, "email": "nope"})
    assert bad.status_code == 422
    assert not IdempotencyKey.objects.exists()
    good = post(buyer_client, "key-1")
    assert good.status_code == 201
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "clé", "two words"])
def test_bad_key_is_422(buyer_client, key):
    response = post(buyer_client, key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency.bad_key"
    assert notes_written() == 0


def test_without_a_key_every_post_runs(buyer_client):
    post(buyer_client, None)
    post(buyer_client, None)
    assert notes_written() == 2
    assert not IdempotencyKey.objects.exists()


def test_key_is_ignored_for_anonymous_callers(client):
    post(client, "key-1", path="/probe/v1/public-notes")
    response = post(client, "key-1", path="/probe/v1/public-notes")
    assert response.status_code == 201
    assert REPLAYED not in response
    assert notes_written() == 2
    assert not IdempotencyKey.objects.exists()


def test_unauthenticated_request_with_key_is_401(client):
    response = post(client, "key-1")
    assert response.status_code == 401
    assert notes_written() == 0


def test_key_expires_after_24_hours(buyer_client):
    start = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        post(buyer_client, "key-1")
    with clock.frozen_at(start + dt.timedelta(hours=23, minutes=59)):
        assert post(buyer_client, "key-1")[REPLAYED] == "true"
    with clock.frozen_at(start + dt.timedelta(hours=24)):
        response = post(buyer_client, "key-1", {**NOTE, "title": "Tables"})
    assert response.status_code == 201
    assert REPLAYED not in response
    assert notes_written() == 2
    assert IdempotencyKey.objects.get().created_at == start + dt.timedelta(hours=24)


def test_purge_deletes_only_expired_keys(buyer_client):
    start = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        post(buyer_client, "old")
    with clock.frozen_at(start + dt.timedelta(hours=20)):
        post(buyer_client, "young")
    assert idempotency_keys_purge(now=start + dt.timedelta(hours=25)) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_key_in_progress_elsewhere_is_409(buyer_client, person):
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        # Another request with this (user, key) is mid-transaction.
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(user_id=person.pk, key="key-1")])
        response = post(buyer_client, "key-1")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency.in_progress"
        assert notes_written() == 0
        other.execute("SELECT pg_advisory_unlock_all()")
        assert post(buyer_client, "key-1").status_code == 201
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_concurrent_repeat_is_409_then_replays(world):
    _membership, raw = make_token(world.buyer)
    auth = {"Authorization": f"Bearer {raw}"}
    probe.SLOW_STARTED.clear()
    probe.SLOW_RELEASE.clear()
    results: dict[str, object] = {}

    def first_request() -> None:
        try:
            results["first"] = post(Client(), "key-1", path="/probe/v1/slow-notes", **auth)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_request)
    thread.start()
    try:
        assert probe.SLOW_STARTED.wait(timeout=10)
        started = time.monotonic()
        concurrent = post(Client(), "key-1", path="/probe/v1/slow-notes", **auth)
        # Refused at once: not queued behind the first (nor its token row).
        assert time.monotonic() - started < 5
        assert concurrent.status_code == 409
        assert concurrent.json()["error"]["code"] == "idempotency.in_progress"
    finally:
        probe.SLOW_RELEASE.set()
        thread.join(timeout=20)
    first = results["first"]
    assert first.status_code == 201
    replay = post(Client(), "key-1", path="/probe/v1/slow-notes", **auth)
    assert replay[REPLAYED] == "true"
    assert replay.content == first.content
    assert notes_written() == 1
