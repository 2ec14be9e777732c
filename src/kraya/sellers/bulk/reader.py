"""KYC-5: file-level checks of an uploaded CSV and streaming its rows.

`inspect(content)` reads the whole file once, before anything is written:
the encoding (UTF-8 with or without a BOM, UTF-16 with a BOM), binary
content, the headers (known, required, not repeated, not too many) and the
row count against the limit. `rows(content)` then streams the data rows as
dicts of column key → cell, one at a time, so a large file is never held as
parsed rows."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.sellers.bulk.columns import COLUMNS, HEADER_KEYS, REQUIRED_KEYS, normalise_header

MAX_COLUMNS = len(COLUMNS) + 10
MAX_CELL_CHARS = 2000

# File-level refusals: code → message (with %(name)s parameters).
FILE_ERRORS: dict[str, Any] = {
    "bulk.too_large": _("The file is larger than %(limit_mb)s MB. Split it into smaller files."),
    "bulk.empty": _("The file is empty."),
    "bulk.binary": _("This is not a CSV text file. Save the sheet as “CSV UTF-8” and try again."),
    "bulk.encoding": _(
        "The file is not in UTF-8. In Excel choose “Save as” → “CSV UTF-8”, then upload again."
    ),
    "bulk.not_csv": _("The file could not be read as CSV: %(detail)s"),
    "bulk.no_rows": _("The file has headers but no rows."),
    "bulk.too_many_rows": _("The file has more than %(limit)s rows. Split it into smaller files."),
    "bulk.too_many_columns": _("The file has %(count)s columns; at most %(limit)s are allowed."),
    "bulk.unknown_headers": _(
        "Unknown column headers: %(headers)s. Use the headers of the template."
    ),
    "bulk.missing_headers": _("Required columns are missing: %(headers)s."),
    "bulk.repeated_headers": _("These columns appear more than once: %(headers)s."),
}


class FileRejected(Exception):
    """The whole file is refused; nothing of it is registered."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def file_error_message(code: str, params: dict[str, Any]) -> str:
    """The message for a file-level refusal, in the active language."""
    template = FILE_ERRORS.get(code, _("The file could not be read."))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


@dataclass(frozen=True)
class Layout:
    """What `inspect` learnt: how to decode and which cell is which column."""

    encoding: str
    keys: tuple[str | None, ...]  # per position: the column key (None: blank header)
    total_rows: int
    header_language: str = "en"
    notes: list[str] = field(default_factory=list)


def _encoding(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8"


def _text(content: bytes, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(content), encoding=encoding, errors="strict", newline="")


def _header_keys(header: list[str]) -> tuple[tuple[str | None, ...], str]:
    if len(header) > MAX_COLUMNS:
        raise FileRejected("bulk.too_many_columns", count=len(header), limit=MAX_COLUMNS)
    keys: list[str | None] = []
    unknown: list[str] = []
    hindi = 0
    for cell in header:
        name = normalise_header(cell)
        if not name:
            keys.append(None)
            continue
        key = HEADER_KEYS.get(name)
        if key is None:
            unknown.append(cell.strip()[:60])
        elif any(normalise_header(c.hi) == name for c in COLUMNS):
            hindi += 1
        keys.append(key)
    if unknown:
        raise FileRejected("bulk.unknown_headers", headers=", ".join(unknown))
    present = [key for key in keys if key]
    repeated = sorted({key for key in present if present.count(key) > 1})
    if repeated:
        raise FileRejected("bulk.repeated_headers", headers=", ".join(repeated))
    missing = [column.en for column in COLUMNS if column.key in REQUIRED_KEYS - set(present)]
    if missing:
        raise FileRejected("bulk.missing_headers", headers=", ".join(missing))
    return tuple(keys), ("hi" if hindi * 2 > len(present) else "en")


def inspect(content: bytes, *, max_rows: int) -> Layout:
    """Check the whole file; raise `FileRejected` with the first problem."""
    if not content.strip():
        raise FileRejected("bulk.empty")
    encoding = _encoding(content)
    if encoding == "utf-8" and b"\x00" in content[:4096]:
        raise FileRejected("bulk.binary")
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    try:
        reader = csv.reader(_text(content, encoding), strict=True)
        header = next(reader, None)
        if header is None:
            raise FileRejected("bulk.empty")
        if any("\x00" in cell for cell in header):
            raise FileRejected("bulk.binary")
        keys, language = _header_keys(header)
        total = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            total += 1
            if total > max_rows:
                raise FileRejected("bulk.too_many_rows", limit=max_rows)
    except UnicodeError as error:
        raise FileRejected("bulk.encoding") from error
    except csv.Error as error:
        if "NUL" in str(error):
            raise FileRejected("bulk.binary") from error
        raise FileRejected("bulk.not_csv", detail=str(error)[:200]) from error
    if total == 0:
        raise FileRejected("bulk.no_rows")
    return Layout(encoding=encoding, keys=keys, total_rows=total, header_language=language)


@dataclass(frozen=True)
class RawRow:
    number: int  # 1 = the first data row
    cells: dict[str, str]
    extra_cells: int  # non-empty cells beyond the headers


def rows(content: bytes, layout: Layout) -> Iterator[RawRow]:
    """The data rows, in order, skipping blank lines (as `inspect` counted)."""
    reader = csv.reader(_text(content, layout.encoding), strict=True)
    next(reader)
    width = len(layout.keys)
    number = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        cells = {
            key: row[index].strip() if index < len(row) else ""
            for index, key in enumerate(layout.keys)
            if key is not None
        }
        extra = sum(1 for cell in row[width:] if cell.strip())
        yield RawRow(number=number, cells=cells, extra_cells=extra)
