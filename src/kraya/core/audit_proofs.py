"""OPEN-5, "anyone can verify it": daily checkpoints of the audit log and
inclusion proofs against them.

Each closed IST day is sealed once (`checkpoints_publish`, daily on Celery
beat and by `kraya audit checkpoint`): the Merkle root (RFC 6962, see
`kraya.core.merkle`) of the hashes of the day's events in seq order, and the
chain's head at the end of the day. The roots and heads are public
(`/api/v1/audit/checkpoints`, the transparency page); whoever wrote them down
can later prove that the log was not rewritten: `audit_proof(seq)` gives an
event's hash, its position in its day and the sibling hashes up to the root,
and `proof_verifies` checks it with nothing but hashing. A day is sealed only
after it ends, so a proof of today's events comes tomorrow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery import shared_task
from django.db import IntegrityError, transaction

from kraya.core import audit, clock, merkle
from kraya.core.audit_models import AuditCheckpoint, AuditEvent


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=clock.IST)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _day_events(day: dt.date) -> list[tuple[int, str]]:
    start, end = _day_bounds(day)
    return list(
        AuditEvent.objects.filter(at__gte=start, at__lt=end)
        .order_by("seq")
        .values_list("seq", "hash")
    )


def checkpoint_day(day: dt.date) -> AuditCheckpoint:
    """Seal one closed IST day (idempotent: a sealed day is never changed)."""
    if day >= clock.today_ist():
        raise ValueError("only a day that has ended can be sealed")
    existing = AuditCheckpoint.objects.filter(day=day).first()
    if existing is not None:
        return existing
    events = _day_events(day)
    _, end = _day_bounds(day)
    head = AuditEvent.objects.filter(at__lt=end).order_by("-seq").values_list("seq", "hash").first()
    head_seq, head_hash = head if head else (0, audit.GENESIS_HASH)
    leaves = [bytes.fromhex(h) for _, h in events]
    try:
        with transaction.atomic():
            return AuditCheckpoint.objects.create(
                day=day,
                first_seq=events[0][0] if events else None,
                last_seq=events[-1][0] if events else None,
                count=len(events),
                merkle_root=merkle.root(leaves).hex(),
                head_seq=head_seq,
                head_hash=head_hash,
                published_at=clock.now(),
            )
    except IntegrityError:  # sealed by a concurrent run
        return AuditCheckpoint.objects.get(day=day)


def checkpoints_publish(*, until: dt.date | None = None) -> int:
    """Seal every closed day from the first event's day (or the day after the
    last sealed one) to yesterday; returns how many were sealed."""
    yesterday = clock.today_ist() - dt.timedelta(days=1)
    last_day = min(until or yesterday, yesterday)
    latest = AuditCheckpoint.objects.order_by("-day").values_list("day", flat=True).first()
    if latest is not None:
        day = latest + dt.timedelta(days=1)
    else:
        first = AuditEvent.objects.order_by("seq").values_list("at", flat=True).first()
        if first is None:
            return 0
        day = clock.to_ist(first).date()
    sealed = 0
    while day <= last_day:
        checkpoint_day(day)
        sealed += 1
        day += dt.timedelta(days=1)
    return sealed


class ProofUnavailable(LookupError):
    """No such event, or its day is not sealed yet."""


@dataclass(frozen=True, slots=True)
class InclusionProof:
    seq: int
    action: str
    at: dt.datetime
    event_hash: str
    day: dt.date
    index: int
    size: int
    path: tuple[str, ...]
    merkle_root: str
    head_seq: int
    head_hash: str


def audit_proof(*, seq: int | None = None, event_hash: str = "") -> InclusionProof:
    """The inclusion proof of an event (by seq, for operators; by its hash,
    for the public: whoever holds an event knows its hash, and nobody learns
    what other events are, e.g. how many sealed bids a bid received)."""
    wanted = (
        AuditEvent.objects.filter(seq=seq)
        if seq is not None
        else AuditEvent.objects.filter(hash=event_hash.lower())
    )
    event = wanted.values("seq", "action", "at", "hash").first()
    if event is None:
        raise ProofUnavailable("no such event")
    day = clock.to_ist(event["at"]).date()
    checkpoint = AuditCheckpoint.objects.filter(day=day).first()
    if checkpoint is None:
        raise ProofUnavailable("the event's day is not sealed yet")
    events = _day_events(day)
    hashes = [h for _, h in events]
    index = next(i for i, (s, _) in enumerate(events) if s == event["seq"])
    path = merkle.inclusion_path([bytes.fromhex(h) for h in hashes], index)
    return InclusionProof(
        seq=event["seq"],
        action=event["action"],
        at=event["at"],
        event_hash=event["hash"],
        day=day,
        index=index,
        size=len(hashes),
        path=tuple(p.hex() for p in path),
        merkle_root=checkpoint.merkle_root,
        head_seq=checkpoint.head_seq,
        head_hash=checkpoint.head_hash,
    )


def proof_verifies(proof: InclusionProof, published_root: str | None = None) -> bool:
    """Whether the proof's event hash is in the root (the published one when
    given: a verifier compares with the root it wrote down)."""
    return merkle.verify_inclusion(
        bytes.fromhex(proof.event_hash),
        proof.index,
        proof.size,
        [bytes.fromhex(p) for p in proof.path],
        bytes.fromhex(published_root or proof.merkle_root),
    )


def checkpoints_verify() -> list[str]:
    """Re-derive every sealed day from the log: the roots and heads must be
    what was published (a rewritten past shows here even when the rewriter
    re-chained the hashes). Returns the days that differ."""
    differing = []
    for checkpoint in AuditCheckpoint.objects.order_by("day").iterator():
        events = _day_events(checkpoint.day)
        leaves = [bytes.fromhex(h) for _, h in events]
        if merkle.root(leaves).hex() != checkpoint.merkle_root or len(events) != checkpoint.count:
            differing.append(f"{checkpoint.day}: the day's events no longer match its root")
    return differing


@shared_task(name="kraya.core.audit_checkpoints")
def audit_checkpoints_task() -> int:
    """Seal the days that have ended (Celery beat, hourly: idempotent)."""
    return checkpoints_publish()
