"""The audit log's public face (OPEN-5) under `/api/v1/audit`: the sealed
daily checkpoints (Merkle root and chain head of each IST day) and the
inclusion proof of an event, asked for by the event's hash. Public: no login.

A proof gives only hashes and positions, never another event's content, so
it cannot be used to count what the log holds about anyone (BID-4)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from kraya.api.pagination import MAX_CURSOR_LENGTH, paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.audit_models import AuditCheckpoint
from kraya.core.audit_proofs import ProofUnavailable, audit_proof
from kraya.core.errors import NotFound, ValidationFailed

router = Router(tags=["audit"])
_HASH = re.compile(r"[0-9a-fA-F]{64}")


class CheckpointOut(Schema):
    day: dt.date
    count: int
    first_seq: int | None
    last_seq: int | None
    merkle_root: str
    head_seq: int
    head_hash: str
    published_at: dt.datetime


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    next_cursor: str | None


class CheckpointQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int = Field(50, ge=1, le=200)


class ProofOut(Schema):
    event_hash: str
    day: dt.date
    index: int = Field(description="The event's position among the day's events (0-based).")
    size: int = Field(description="How many events the day holds.")
    path: list[str] = Field(description="Sibling hashes from the leaf to the root (RFC 6962).")
    merkle_root: str
    head_hash: str


@router.get(
    "/checkpoints",
    auth=None,
    response={200: CheckpointPage, **error_responses(422)},
    summary="The sealed days of the audit log, newest first",
)
def checkpoints(request: HttpRequest, page: Query[CheckpointQuery]) -> Any:
    found = paginate_queryset(
        AuditCheckpoint.objects.all(), cursor=page.cursor, limit=page.limit, ordering=("-day",)
    )
    return {"items": list(found.items), "next_cursor": found.next_cursor}


@router.get(
    "/proof",
    auth=None,
    response={200: ProofOut, **error_responses(404, 422)},
    summary="The inclusion proof of an event in its day's published Merkle root",
)
def proof(request: HttpRequest, event_hash: str) -> Any:
    if not _HASH.fullmatch(event_hash):
        message = _("Give the event's SHA-256 hash: 64 hexadecimal characters.")
        raise ValidationFailed(message, code="audit.bad_hash", fields={"event_hash": [message]})
    try:
        found = audit_proof(event_hash=event_hash)
    except ProofUnavailable as error:
        raise NotFound(
            _("No sealed day holds this event (a day is sealed after it ends)."),
            code="audit.no_proof",
        ) from error
    return {
        "event_hash": found.event_hash,
        "day": found.day,
        "index": found.index,
        "size": found.size,
        "path": list(found.path),
        "merkle_root": found.merkle_root,
        "head_hash": found.head_hash,
    }
