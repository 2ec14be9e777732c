"""The bulk export (OPEN-1): every release as one JSON object per line,
gzip-compressed, streamed from a server-side cursor in constant memory (the
stored JSON text is written as it is, never parsed)."""

from __future__ import annotations

import gzip
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from kraya.opendata.models import Release

CHUNK = 2000


@dataclass(frozen=True)
class ExportResult:
    releases: int
    seconds: float
    bytes_written: int

    @property
    def releases_per_s(self) -> float:
        return self.releases / self.seconds if self.seconds > 0 else 0.0


class _Counter:
    releases = 0


def releases_gzip(
    *,
    chunk_size: int = CHUNK,
    compresslevel: int = 6,
    up_to_seq: int | None = None,
    counter: _Counter | None = None,
) -> Iterator[bytes]:
    """Every stored release (up to `up_to_seq`) in feed order as gzip JSON
    lines, in compressed pieces of about `chunk_size` releases. Reads with
    `.iterator()`: a server-side cursor on PostgreSQL, constant memory."""
    rows = Release.objects.order_by("source_seq")
    if up_to_seq is not None:
        rows = rows.filter(source_seq__lte=up_to_seq)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=compresslevel) as zipped:
        lines: list[str] = []
        for data in rows.values_list("data", flat=True).iterator(chunk_size=chunk_size):
            lines.append(data)
            if len(lines) >= chunk_size:
                zipped.write(("\n".join(lines) + "\n").encode("utf-8"))
                if counter is not None:
                    counter.releases += len(lines)
                lines.clear()
                if buffer.tell():
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        if lines:
            zipped.write(("\n".join(lines) + "\n").encode("utf-8"))
            if counter is not None:
                counter.releases += len(lines)
    yield buffer.getvalue()


def releases_export(
    *, sink: BinaryIO, chunk_size: int = CHUNK, compresslevel: int = 6, up_to_seq: int | None = None
) -> ExportResult:
    """Write every stored release (up to `up_to_seq`) to `sink` as gzip JSON
    lines, from one consistent snapshot (one transaction)."""
    started = time.perf_counter()
    counter = _Counter()
    written = 0
    with transaction.atomic():
        for piece in releases_gzip(
            chunk_size=chunk_size, compresslevel=compresslevel, up_to_seq=up_to_seq, counter=counter
        ):
            sink.write(piece)
            written += len(piece)
    sink.flush()
    return ExportResult(
        releases=counter.releases, seconds=time.perf_counter() - started, bytes_written=written
    )
