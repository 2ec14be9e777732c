"""seller_import: bulk seller registration (KYC-5) end to end.

Generates a realistic CSV of ROWS rows (default 100,000): valid PAN and
GSTIN check characters, Hindi and English names, every 20th row bad in one
of ten ways (5%: wrong PAN, GSTIN checksum or PAN, IFSC, Udyam, mobile,
e-mail, missing name, formula cell, a repeated row). It is uploaded through
`import_batch_create`, whose task runs inline on commit — the same code path
as the web page and the API — on the configured database. A new salt per run
keeps the PANs new, so every run registers rather than finding them all
already registered. Prints rows, elapsed, rows/s, outcomes and peak RSS; the
last line is one JSON object."""

from __future__ import annotations

import io
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

BAD_EVERY = 20  # 5%


def generate(rows: int, salt: int) -> bytes:
    from kraya.sellers.bulk import sample

    out = io.StringIO()
    out.write("\ufeff")
    sample.write_csv(
        out, (row for row, _kind in sample.sample_rows(rows, bad_every=BAD_EVERY, salt=salt))
    )
    return out.getvalue().encode("utf-8")


def main() -> None:
    harness.setup_django()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kraya.accounts.models import User
    from kraya.sellers.bulk import services
    from kraya.sellers.models import ImportBatch

    rows = harness.env_int("ROWS", 100_000)
    settings.KRAYA_TASKS_INLINE = True  # the task runs in this process, on commit
    salt = secrets.randbelow(700_000) + 1
    started = time.perf_counter()
    data = generate(rows, salt)
    generated_s = time.perf_counter() - started
    operator, _created = User.objects.get_or_create(
        username="bench-operator", defaults={"is_staff": True, "full_name": "Benchmark operator"}
    )
    upload = SimpleUploadedFile("bench.csv", data, content_type="text/csv")
    file_mb = round(len(data) / (1024 * 1024), 1)
    del data
    started = time.perf_counter()
    batch = services.import_batch_create(
        acting_user=operator, upload=upload, source=f"benchmark salt {salt}"
    )
    elapsed = time.perf_counter() - started
    batch = ImportBatch.objects.defer("content").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.DONE:
        raise SystemExit(f"the batch ended {batch.status}: {batch.error_code} {batch.error_params}")
    harness.report(
        "seller_import",
        {
            "rows": batch.processed_rows,
            "elapsed_s": round(elapsed, 2),
            "rows_per_s": round(batch.processed_rows / elapsed, 1),
            "registered": batch.registered,
            "already_registered": batch.already_registered,
            "rejected": batch.rejected,
            "peak_rss_mb": harness.peak_rss_mb(),
            "file_mb": file_mb,
            "generate_s": round(generated_s, 2),
            "database": harness.database_vendor(),
            "data_scale": harness.data_scale(["sellers.Registration", "core.AuditEvent"]),
        },
    )


if __name__ == "__main__":
    main()
