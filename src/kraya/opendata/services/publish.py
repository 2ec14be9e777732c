"""The publisher (OPEN-1): reads the audit log after its watermark, stores an
OCDS release for each event that changes a contracting process, recompiles
that process's record, and advances the watermark — all in one transaction
per batch, so it is idempotent and restartable (a crash loses the batch and
the next run does it again; a release is unique per source event).

Why a feed reader never misses a release
----------------------------------------
`kraya.core.audit.record` takes a transaction-scoped advisory lock (held to
commit) before it reads the head and writes `seq = head + 1` (on SQLite the
immediate transaction serialises writers the same way). So an event with
`seq = n` commits before any writer can even read the head to make `n + 1`:
audit `seq` order is commit order, and once the publisher sees the head at
`h`, no event with `seq <= h` can still appear. The publisher reads events
in `(watermark, h]`, and writes their releases and the new watermark `h` in
one transaction: a reader sees either all of them or none. The feed serves
releases with `source_seq <= watermark`, ordered by `source_seq`, and its
cursor is the last `source_seq` served; every release it will ever serve
after that has a larger `source_seq`, so a reader that follows the cursor
gets every release exactly once. The feed also trails the newest watermark
by `KRAYA_OCDS_FEED_DELAY_SECONDS` (default 2): a margin for readers spread
over database replicas that lag a little behind each other, at the cost of
a two-second-old head. Two publishers never interleave: a second one waits
on the publisher's own advisory lock and then starts from the first one's
watermark."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.opendata import ocds
from kraya.opendata.builders import ACTIONS, Batch
from kraya.opendata.models import Record, Release, Watermark

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x4B52_4F44  # "KROD": the publisher's own lock (the audit log's is "KRAY")
DEFAULT_BATCH = 500
# Watermark rows older than this are pruned (the newest of them is kept).
WATERMARK_KEEP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class PublishResult:
    releases: int
    watermark: int


def watermark() -> int:
    """The last audit event the publisher has read (0: none yet)."""
    return Watermark.objects.aggregate(seq=Max("seq"))["seq"] or 0


def releases_publish(
    *, batch_size: int = DEFAULT_BATCH, max_batches: int | None = None
) -> PublishResult:
    """Publish every audit event committed so far, in batches of `batch_size`
    relevant events, each batch in its own transaction."""
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        published, advanced = _publish_batch(batch_size)
        total += published
        batches += 1
        if not advanced:
            break
    return PublishResult(releases=total, watermark=watermark())


@transaction.atomic
def _publish_batch(batch_size: int) -> tuple[int, bool]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    start = watermark()
    head = AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0
    if head <= start:
        return 0, False
    events = list(
        AuditEvent.objects.filter(seq__gt=start, seq__lte=head, action__in=ACTIONS).order_by("seq")[
            :batch_size
        ]
    )
    end = events[-1].seq if len(events) == batch_size else head
    releases, records = _build(events)
    Release.objects.bulk_create(releases)
    _save_records(records)
    now = clock.now()
    Watermark.objects.create(seq=end, at=now)
    newest_old = (
        Watermark.objects.filter(at__lt=now - WATERMARK_KEEP).order_by("-seq").values("seq").first()
    )
    if newest_old is not None:
        Watermark.objects.filter(seq__lt=newest_old["seq"]).delete()
    return len(releases), True


@dataclass
class _Compiled:
    record: Record | None
    compiled: dict[str, Any] | None
    last_seq: int = 0
    added: int = 0


def _build(events: list[AuditEvent]) -> tuple[list[Release], dict[str, _Compiled]]:
    batch = Batch()
    records: dict[str, _Compiled] = {}
    releases = []
    for event in events:
        built = batch.build(event)
        if built is None:
            continue
        state = records.get(built.ocid)
        if state is None:
            record = Record.objects.filter(ocid=built.ocid).first()
            state = _Compiled(record, ocds.loads(record.compiled) if record else None)
            records[built.ocid] = state
        release = ocds.party_roles_union(built.release, state.compiled)
        state.compiled = ocds.compile_into(state.compiled, release)
        state.last_seq = event.seq
        state.added += 1
        releases.append(
            Release(
                source_seq=event.seq,
                ocid=built.ocid,
                release_id=release["id"],
                date=event.at,
                tags=release["tag"],
                data=ocds.dumps(release),
            )
        )
    return releases, records


def _save_records(records: dict[str, _Compiled]) -> None:
    now = clock.now()
    for ocid, state in records.items():
        assert state.compiled is not None
        text = ocds.dumps(state.compiled)
        if state.record is None:
            Record.objects.create(
                ocid=ocid,
                compiled=text,
                last_seq=state.last_seq,
                release_count=state.added,
                updated_at=now,
            )
        else:
            Record.objects.filter(pk=state.record.pk).update(
                compiled=text,
                last_seq=state.last_seq,
                release_count=state.record.release_count + state.added,
                updated_at=now,
            )


__all__ = ["PublishResult", "releases_publish", "watermark"]
