"""Background tasks of the orders app."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from kraya.core import tasks
from kraya.orders import services


@shared_task(name="kraya.orders.contract_pdf_render", autoretry_for=(Exception,), max_retries=3)
def contract_pdf_render_task(order_id: int) -> str:
    """ORD-1: render and store the contract PDF of an order (idempotent)."""
    return services.contract_pdf_render(order_id=order_id).sha256


@shared_task(name="kraya.orders.tick")
def orders_tick_task() -> dict[str, int]:
    """The orders' clock, once (ORD-3..ORD-7; `services.clock.orders_tick`)."""
    from kraya.orders.services.clock import orders_tick

    return orders_tick()


@shared_task(name="kraya.orders.ratings_refresh")
def ratings_refresh_task() -> dict[str, int | str]:
    """ORD-9: recompute the seller and buyer ratings (`services.ratings`)."""
    from kraya.orders.services.ratings import ratings_refresh

    return asdict(ratings_refresh())


def contract_pdf_render_later(order_id: int) -> None:
    """Render the order's contract once the current transaction commits."""
    tasks.enqueue(contract_pdf_render_task, order_id)
