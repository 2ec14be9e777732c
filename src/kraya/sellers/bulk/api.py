"""KYC-5: the bulk registration API under `/api/v1/sellers/imports`
(operators only: 401 without sign-in, 403 for anyone else, 404 for a batch
that does not exist).

- `POST /sellers/imports` (multipart: `file`, `source`) → 201 and the batch,
  QUEUED (or FAILED at once when the file is over the size limit);
- `GET /sellers/imports/{id}` → status and counts (poll it for progress);
- `GET /sellers/imports/{id}/rows?outcome=` → the per-row report, paginated,
  reasons worded in the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from kraya.accounts import selectors as account_selectors
from kraya.accounts.models import User
from kraya.accounts.selectors import Actor
from kraya.api.pagination import cursor_paginate
from kraya.api.schemas import error_responses
from kraya.sellers.bulk import selectors, services
from kraya.sellers.models import ImportBatch, ImportRow

router = Router(tags=["sellers"])


class ImportBatchOut(Schema):
    id: int
    source: str
    file_name: str
    status: ImportBatch.Status
    error_code: str
    error: str
    total_rows: int
    processed_rows: int
    percent: int
    registered: int
    already_registered: int
    rejected: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_error(batch: ImportBatch) -> str:
        return selectors.batch_error(batch)

    @staticmethod
    def resolve_percent(batch: ImportBatch) -> int:
        return selectors.progress_percent(batch)


class ReasonOut(Schema):
    field: str
    code: str
    message: str


class ImportRowOut(Schema):
    number: int
    outcome: ImportRow.Outcome
    pan: str
    legal_name: str
    registration_id: int | None
    firm_id: int | None
    reasons: list[ReasonOut]

    @staticmethod
    def resolve_reasons(row: ImportRow) -> list[dict[str, str]]:
        worded = selectors.row_reasons(row)
        return [
            {
                "field": error.get("field", ""),
                "code": error.get("code", ""),
                "message": reason.message,
            }
            for error, reason in zip(row.errors, worded, strict=True)
        ]


class RowFilter(Schema):
    outcome: ImportRow.Outcome | None = None


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return account_selectors.actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


@router.post(
    "",
    response={201: ImportBatchOut, **error_responses(401, 403, 422)},
    summary="Upload a CSV of sellers to register (operator)",
)
def import_create(request: HttpRequest, file: File[UploadedFile], source: Form[str]) -> Any:
    """KYC-5: the batch runs in the background; poll `GET /sellers/imports/{id}`."""
    batch = services.import_batch_create(acting_user=_actor(request), upload=file, source=source)
    return Status(201, selectors.import_batch_get(actor=_actor(request), batch_id=batch.pk))


@router.get(
    "/{batch_id}",
    response={200: ImportBatchOut, **error_responses(401, 403, 404)},
    summary="A bulk import's status and counts (operator)",
)
def import_get(request: HttpRequest, batch_id: int) -> Any:
    return selectors.import_batch_get(actor=_actor(request), batch_id=batch_id)


@router.get(
    "/{batch_id}/rows",
    response={200: list[ImportRowOut], **error_responses(401, 403, 404, 422)},
    summary="A bulk import's per-row report (operator)",
)
@cursor_paginate(ordering=("number", "id"))
def import_rows(request: HttpRequest, batch_id: int, filters: Query[RowFilter]) -> Any:
    batch = selectors.import_batch_get(actor=_actor(request), batch_id=batch_id)
    return selectors.import_rows(batch=batch, outcome=filters.outcome)
