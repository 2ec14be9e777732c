"""The audit log (OPEN-5): append-only and SHA-256 hash-chained.

Every service that changes state calls `record(...)` inside its own
transaction, so the event commits or rolls back with the change it describes.
On PostgreSQL appends are serialised by a transaction-scoped advisory lock
(held until commit) so two writers never chain onto the same head; on SQLite
the immediate transaction already serialises writers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.bulk import insert_rows

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 0x4B52_4159  # "KRAY"


def _reject_floats(value: Any, path: str = "payload") -> None:
    # JSON floats do not survive a round trip through PostgreSQL's jsonb
    # unchanged (1e20 comes back as an integer), which would break the hash;
    # and money is integer paise anyway.
    if isinstance(value, float):
        raise TypeError(f"{path} is a float; audit payloads hold ints, strings or Decimals")
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _reject_floats(item, f"{path}[{index}]")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(
    *,
    seq: int,
    at_iso: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Any,
    ip: str | None,
    prev_hash: str,
) -> str:
    body = _canonical(
        {
            "seq": seq,
            "at": at_iso,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "payload": payload,
            "ip": ip,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    """The hash the stored fields of `event` should have."""
    return compute_hash(
        seq=event.seq,
        at_iso=event.at.isoformat(),
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        payload=event.payload,
        ip=event.ip,
        prev_hash=event.prev_hash,
    )


def record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    seq = (head["seq"] + 1) if head else 1
    prev_hash = head["hash"] if head else GENESIS_HASH
    _reject_floats(payload or {})
    # Round-trip the payload through JSON so the hash is over what is stored.
    clean_payload = json.loads(_canonical(payload or {}))
    at = clock.now()
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(getattr(actor, "username", "") or "system")[:200],
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        payload=clean_payload,
        ip=ip,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event


def record_many(
    *,
    actor: Any | None,
    action: str,
    model: type[models.Model],
    entries: list[tuple[Any, dict[str, Any]]],
    ip: str | None = None,
) -> int:
    """Append one `action` event per (primary key of a `model` row, payload)
    in one insert, for bulk work (KYC-5 imports): the chain is computed here
    under the same lock as `record`, so it is exactly as if `record` had been
    called for each. Returns how many events were written."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the transaction of the change")
    if not entries:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    head_row = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    seq = head_row["seq"] if head_row else 0
    prev_hash = head_row["hash"] if head_row else GENESIS_HASH
    at = clock.now()
    at_iso = at.isoformat()
    actor_id = getattr(actor, "pk", None)
    actor_label = str(getattr(actor, "username", "") or "system")[:200]
    object_type = model._meta.label_lower
    rows = []
    for object_pk, payload in entries:
        _reject_floats(payload)
        seq += 1
        clean_payload = json.loads(_canonical(payload))
        object_id = str(object_pk)
        event_hash_value = compute_hash(
            seq=seq,
            at_iso=at_iso,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload=clean_payload,
            ip=ip,
            prev_hash=prev_hash,
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor_id": actor_id,
                "actor_label": actor_label,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "payload": clean_payload,
                "ip": ip,
                "prev_hash": prev_hash,
                "hash": event_hash_value,
            }
        )
        prev_hash = event_hash_value
    insert_rows(AuditEvent, rows)
    return len(rows)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_action: str = ""
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS_HASH


def head() -> tuple[int, str]:
    """The latest event's (seq, hash); (0, GENESIS_HASH) when the log is empty."""
    latest = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return latest if latest else (0, GENESIS_HASH)


def verify(*, batch_size: int = 2000) -> VerifyResult:
    """Re-check the whole chain, streaming; stop at the first bad event.

    Finds a changed row (its content no longer matches its hash, or its hash
    no longer links to the next), a deleted row (a gap in `seq`) and a
    re-chained forgery that starts anywhere but the end. Dropping the newest
    rows leaves a valid shorter chain: compare `head()` with a published head."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0

    def bad(event: AuditEvent, reason: str) -> VerifyResult:
        return VerifyResult(False, checked, event.seq, event.action, reason, expected_seq - 1)

    with transaction.atomic():
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
            if event.seq != expected_seq:
                return bad(event, f"gap: expected seq {expected_seq}, found {event.seq}")
            if event.prev_hash != prev_hash:
                return bad(event, "prev_hash does not link to the previous event")
            if event_hash(event) != event.hash:
                return bad(event, "content does not match its hash")
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
    return VerifyResult(True, checked, head_seq=checked, head_hash=prev_hash)
