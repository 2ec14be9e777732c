"""The compliance rollup's refresh as a Celery task (beat: `compliance-refresh`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from kraya.insights.compliance.services import compliance_refresh


@shared_task(name="kraya.insights.compliance_refresh")
def compliance_refresh_task() -> dict[str, Any]:
    """OPEN-3: rebuild the payment-delay rollup (idempotent)."""
    return asdict(compliance_refresh())
