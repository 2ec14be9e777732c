"""Background tasks of the insights app."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from kraya.insights.services import insights_refresh


@shared_task(name="kraya.insights.refresh")
def insights_refresh_task(full: bool = False) -> dict[str, Any]:
    """Bring the statistics rollups up to date (idempotent; `services.refresh`)."""
    return asdict(insights_refresh(full=full))
