"""The nightly red-flag computation as a Celery task (beat: `redflags-nightly`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from kraya.insights.redflags.compute import redflags_compute


@shared_task(name="kraya.insights.redflags_compute")
def redflags_compute_task() -> dict[str, Any]:
    """OPEN-4: compute and store the red flags (idempotent)."""
    return asdict(redflags_compute())
