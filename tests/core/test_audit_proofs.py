"""OPEN-5, "anyone can verify it": each ended IST day of the audit log is
sealed with the Merkle root of its events and the chain's head; an event's
inclusion proof verifies against the published root, and fails once the log
is tampered with — even if the tamperer re-chains every hash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from kraya.core import audit, clock
from kraya.core.audit_models import AuditCheckpoint, AuditEvent
from kraya.core.audit_proofs import (
    ProofUnavailable,
    audit_proof,
    checkpoint_day,
    checkpoints_publish,
    checkpoints_verify,
    proof_verifies,
)

pytestmark = pytest.mark.django_db
IST = clock.IST


def events_on(day: dt.date, count: int, hour: int = 10) -> list[AuditEvent]:
    made = []
    for i in range(count):
        moment = dt.datetime.combine(day, dt.time(hour, i), tzinfo=IST)
        with clock.frozen_at(moment), transaction.atomic():
            made.append(audit.record(actor=None, action="tests.event", payload={"i": i}))
    return made


@pytest.fixture
def two_days():
    today = clock.today_ist()
    first, second = today - dt.timedelta(days=3), today - dt.timedelta(days=2)
    # 23:30 IST on the first day is 18:00 UTC the same date; 00:10 IST on the
    # second day is 18:40 UTC of the FIRST date: days are IST days.
    return events_on(first, 5, hour=23) + events_on(second, 7, hour=0)


def test_open5_each_ended_ist_day_is_sealed_once(two_days) -> None:
    assert checkpoints_publish() == 3  # two days with events, yesterday without
    assert checkpoints_publish() == 0
    days = list(AuditCheckpoint.objects.order_by("day"))
    assert [d.count for d in days] == [5, 7, 0]
    assert days[0].last_seq == two_days[4].seq and days[1].first_seq == two_days[5].seq
    assert days[1].head_hash == two_days[-1].hash
    # An empty day carries the head over.
    assert (days[2].head_seq, days[2].head_hash) == (two_days[-1].seq, two_days[-1].hash)
    with pytest.raises(ValueError):
        checkpoint_day(clock.today_ist())


def test_open5_every_event_proves_its_inclusion(two_days) -> None:
    checkpoints_publish()
    for event in two_days:
        proof = audit_proof(event_hash=event.hash)
        assert proof.seq == event.seq and proof_verifies(proof)
        published = AuditCheckpoint.objects.get(day=proof.day).merkle_root
        assert proof_verifies(proof, published)


def test_open5_no_proof_before_the_day_is_sealed(two_days) -> None:
    with pytest.raises(ProofUnavailable):
        audit_proof(seq=two_days[0].seq)
    with pytest.raises(ProofUnavailable):
        audit_proof(event_hash="0" * 64)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the UPDATE")
def test_open5_a_rewritten_and_rechained_past_fails_against_the_published_root(two_days) -> None:
    checkpoints_publish()
    published = AuditCheckpoint.objects.get(day=clock.to_ist(two_days[6].at).date()).merkle_root
    # Rewrite event 7's payload and re-chain everything after it, so the chain
    # alone verifies again; the published roots still catch it.
    prev = two_days[5].hash
    for event in AuditEvent.objects.filter(seq__gte=two_days[6].seq).order_by("seq"):
        if event.seq == two_days[6].seq:
            event.payload = {"i": 999}
        event.prev_hash = prev
        event.hash = audit.event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            payload=event.payload, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    assert audit.verify().ok  # the chain was re-built…
    assert checkpoints_verify()  # …but the sealed day no longer matches its root
    forged = audit_proof(seq=two_days[6].seq)
    assert not proof_verifies(forged, published)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_open5_checkpoints_and_proofs_are_public_through_the_api(two_days) -> None:
    checkpoints_publish()
    anonymous = Client()
    listed = anonymous.get("/api/v1/audit/checkpoints").json()["items"]
    assert [item["count"] for item in listed] == [0, 7, 5]  # newest first
    event = two_days[2]
    body = anonymous.get("/api/v1/audit/proof", {"event_hash": event.hash}).json()
    assert body["event_hash"] == event.hash and body["index"] == 2 and body["size"] == 5
    assert body["merkle_root"] == listed[2]["merkle_root"]
    assert "action" not in body and "payload" not in body  # nothing about other events
    bad = anonymous.get("/api/v1/audit/proof", {"event_hash": "xyz"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "audit.bad_hash"
    missing = anonymous.get("/api/v1/audit/proof", {"event_hash": "ab" * 32})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "audit.no_proof"


def test_open5_audit_prove_command_prints_a_verifying_proof(two_days, capsys) -> None:
    call_command("audit", "checkpoint")
    call_command("audit", "prove", str(two_days[0].seq))
    out = capsys.readouterr().out
    assert '"verifies": true' in out


def test_open5_the_open_data_page_publishes_the_sealed_days(two_days) -> None:
    checkpoints_publish()
    page = Client().get("/open-data/").content.decode()
    for checkpoint in AuditCheckpoint.objects.all():
        assert checkpoint.merkle_root in page and checkpoint.head_hash in page
