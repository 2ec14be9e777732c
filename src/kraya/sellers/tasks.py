"""Background tasks of the sellers app."""

from __future__ import annotations

from celery import shared_task

from kraya.sellers.bulk import services as bulk_services


@shared_task(name="kraya.sellers.import_batch_run")
def import_batch_run_task(batch_id: int) -> str:
    """KYC-5: run or resume a bulk import; idempotent (a finished batch is
    left as it is, a batch cut short resumes from its processed rows)."""
    return str(bulk_services.import_batch_run(batch_id=batch_id).status)
