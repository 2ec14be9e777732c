"""KYC-5: reading bulk imports — batches, their rows, the reasons worded in
the reader's language and the report as CSV. Operators only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kraya.accounts.selectors import Actor
from kraya.core.errors import NotFound
from kraya.sellers.bulk import reader
from kraya.sellers.bulk.columns import COLUMNS
from kraya.sellers.bulk.validate import MESSAGES, neutralise
from kraya.sellers.models import ImportBatch, ImportRow
from kraya.sellers.selectors import require_operator

RECENT_BATCHES = 20


def import_batches_recent(*, actor: Actor, limit: int = RECENT_BATCHES) -> list[ImportBatch]:
    require_operator(actor=actor)
    return list(ImportBatch.objects.defer("content").select_related("uploaded_by")[:limit])


def import_batch_get(*, actor: Actor, batch_id: int) -> ImportBatch:
    require_operator(actor=actor)
    try:
        return ImportBatch.objects.defer("content").select_related("uploaded_by").get(pk=batch_id)
    except ImportBatch.DoesNotExist as error:
        raise NotFound() from error


def import_rows(*, batch: ImportBatch, outcome: str | None = None) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.filter(batch=batch).order_by("number")
    if outcome in ImportRow.Outcome.values:
        rows = rows.filter(outcome=outcome)
    return rows


def is_running(batch: ImportBatch) -> bool:
    return batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)


def progress_percent(batch: ImportBatch) -> int:
    if batch.status == ImportBatch.Status.DONE:
        return 100
    if not batch.total_rows:
        return 0
    return min(100, batch.processed_rows * 100 // batch.total_rows)


def batch_error(batch: ImportBatch) -> str:
    """Why the whole file was refused, in the reader's language ('' if not)."""
    if not batch.error_code:
        return ""
    return reader.file_error_message(batch.error_code, batch.error_params)


def column_label(key: str) -> str:
    if key == "row":
        return _("Row")
    hindi = (get_language() or "").startswith("hi")
    for column in COLUMNS:
        if column.key == key:
            return column.hi if hindi else column.en
    return key


@dataclass(frozen=True)
class Reason:
    field: str
    message: str


def row_reasons(row: ImportRow) -> list[Reason]:
    """A rejected row's field-level reasons, in the reader's language."""
    reasons = []
    for error in row.errors:
        template: Any = MESSAGES.get(error.get("code", ""), _("This value is not valid."))
        try:
            message = (
                str(template) % error.get("params", {}) if error.get("params") else str(template)
            )
        except (KeyError, TypeError, ValueError):
            message = str(template)
        reasons.append(Reason(column_label(error.get("field", "")), message))
    return reasons


def report_csv(*, batch: ImportBatch) -> Iterator[str]:
    """The per-row report as CSV lines (UTF-8 BOM first), cells that a
    spreadsheet would run as formulas made plain text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: list[Any]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([neutralise(str(cell)) for cell in cells])
        return out.getvalue()

    yield "\ufeff" + line([_("Row"), _("Outcome"), _("PAN"), _("Legal name"), _("Reasons")])
    labels = dict(ImportRow.Outcome.choices)
    rows = import_rows(batch=batch).only("number", "outcome", "pan", "legal_name", "errors")
    for row in rows.iterator(chunk_size=2000):
        reasons = "; ".join(f"{reason.field}: {reason.message}" for reason in row_reasons(row))
        yield line([row.number, labels[row.outcome], row.pan, row.legal_name, reasons])
