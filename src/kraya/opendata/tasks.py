"""Background work of open data: the publisher, every minute (Celery beat
in production, the embedded scheduler otherwise: `CELERY_BEAT_SCHEDULE`
entry `opendata-publish`). Idempotent and safe to run twice at once (the
publisher's advisory lock serialises runs; each resumes from the watermark)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kraya.opendata.publish")
def opendata_publish() -> dict[str, int]:
    """OPEN-1: publish the OCDS releases of every audit event committed so far."""
    from kraya.opendata.services.publish import releases_publish

    result = releases_publish()
    return {"releases": result.releases, "watermark": result.watermark}
