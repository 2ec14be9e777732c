"""Periodic upkeep of the API tables (scheduled by Celery beat in production)."""

from __future__ import annotations

from celery import shared_task

from kraya.api.idempotency import idempotency_keys_purge


@shared_task(name="kraya.api.idempotency_keys_purge")
def idempotency_keys_purge_task() -> int:
    """Drop Idempotency-Keys older than 24 hours; returns how many."""
    return idempotency_keys_purge()
