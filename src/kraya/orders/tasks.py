"""Background tasks of the orders app."""

from __future__ import annotations

from celery import shared_task

from kraya.core import tasks
from kraya.orders import services


@shared_task(name="kraya.orders.contract_pdf_render", autoretry_for=(Exception,), max_retries=3)
def contract_pdf_render_task(order_id: int) -> str:
    """ORD-1: render and store the contract PDF of an order (idempotent)."""
    return services.contract_pdf_render(order_id=order_id).sha256


@shared_task(name="kraya.orders.seller_notify")
def seller_notify_task(order_id: int) -> int:
    """Tell the seller firm of a new order."""
    return services.seller_notify(order_id=order_id)


def contract_pdf_render_later(order_id: int) -> None:
    """Render the order's contract once the current transaction commits."""
    tasks.enqueue(contract_pdf_render_task, order_id)


def seller_notify_later(order_id: int) -> None:
    """Tell the seller once the current transaction commits."""
    tasks.enqueue(seller_notify_task, order_id)
