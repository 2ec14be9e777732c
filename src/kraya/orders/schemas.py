"""What the API says of an order (`OrderOut`, ORD-1), shared by the orders
API and the buying API that places orders (an app imports another app's
schemas, never its API module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from kraya.api.pagination import MAX_CURSOR_LENGTH
from kraya.orders.models import ContractPdf, Order

PDF_URL_NAME = "orders_contract_pdf"


# --- schemas -------------------------------------------------------------------------


class PartyOut(Schema):
    id: int
    name: str


class OrderItemOut(Schema):
    offer_id: int | None
    title: str
    brand: str
    model: str
    manufacturer: str
    quantity: int
    unit_price_paise: int
    total_paise: int


class PdfOut(Schema):
    sha256: str
    size: int
    url: str


class OrderOut(Schema):
    number: str
    placed_at: dt.datetime
    status: str
    mode: str
    buyer_office: PartyOut
    seller_firm: PartyOut
    consignee: PartyOut
    paying_authority: PartyOut
    category_code: str
    items: list[OrderItemOut]
    total_paise: int
    delivery_period_days: int
    delivery_due_on: dt.date
    delivery_state: str
    delivery_pincode: str
    delivery_address: str
    terms: list[dict[str, Any]]
    receipts: list[dict[str, Any]]
    receipts_digest: str
    policy_version: str
    pdf: PdfOut | None


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int | None = Field(None, ge=1, description="Items per page (at most 200).")


# --- rendering -----------------------------------------------------------------------


def _pdf_facts(orders: Iterable[Order]) -> dict[int, dict[str, Any]]:
    """The rendered PDFs' digests and sizes, in one query (not their bytes)."""
    ids = [order.pk for order in orders]
    rows = ContractPdf.objects.filter(order_id__in=ids).values("order_id", "sha256", "size")
    return {row["order_id"]: dict(row) for row in rows}


def _party(pk: int, name: str) -> dict[str, Any]:
    return {"id": pk, "name": name}


def order_out(order: Order, pdf: dict[str, Any] | None) -> dict[str, Any]:
    """ORD-1: the contract as the API shows it. `pdf` is the row of
    `_pdf_facts` (None while the PDF is being rendered)."""
    return {
        "number": order.number,
        "placed_at": order.placed_at,
        "status": order.status,
        "mode": order.mode,
        "buyer_office": _party(order.buyer_office_id, order.buyer_office.display_name),
        "seller_firm": _party(order.seller_firm_id, order.seller_firm.name),
        "consignee": _party(order.consignee_id, str(order.consignee)),
        "paying_authority": _party(order.paying_authority_id, str(order.paying_authority)),
        "category_code": order.category.code if order.category else "",
        "items": [
            {
                "offer_id": item.offer_id,
                "title": item.title,
                "brand": item.brand,
                "model": item.model,
                "manufacturer": item.manufacturer,
                "quantity": item.quantity,
                "unit_price_paise": item.unit_price_paise,
                "total_paise": item.total_paise,
            }
            for item in order.items.all()
        ],
        "total_paise": order.total_paise,
        "delivery_period_days": order.delivery_period_days,
        "delivery_due_on": order.delivery_due_on,
        "delivery_state": order.delivery_state,
        "delivery_pincode": order.delivery_pincode,
        "delivery_address": order.delivery_address,
        "terms": order.terms,
        "receipts": order.receipts,
        "receipts_digest": order.receipts_digest,
        "policy_version": order.policy_version,
        "pdf": (
            {
                "sha256": pdf["sha256"],
                "size": pdf["size"],
                "url": reverse(f"api:{PDF_URL_NAME}", kwargs={"number": order.number}),
            }
            if pdf
            else None
        ),
    }


def orders_out(orders: list[Order]) -> list[dict[str, Any]]:
    """Several orders, with their PDFs' facts read in one query."""
    pdfs = _pdf_facts(orders)
    return [order_out(order, pdfs.get(order.pk)) for order in orders]
