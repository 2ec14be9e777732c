"""The orders API under `/api/v1/orders/` (DOMAIN §9, ORD-1): the contracts
a caller may see and their PDFs of record.

Who sees an order (`kraya.orders.selectors.may_see_order`): the buyer
office's members and the organisation's Primary User, the seller firm's
users, operators. Everyone else gets 404, so contract numbers do not leak;
without credentials, 401. Orders are placed through the buying API
(`POST /api/v1/buying/demands/{id}/orders`), which answers with the same
`OrderOut` rendered here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.pagination import MAX_CURSOR_LENGTH, paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.errors import NotFound
from kraya.orders import selectors
from kraya.orders.models import ContractPdf, Order

router = Router(tags=["orders"])

PDF_URL_NAME = "orders_contract_pdf"


# --- schemas -------------------------------------------------------------------------


class PartyOut(Schema):
    id: int
    name: str


class OrderItemOut(Schema):
    offer_id: int
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


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


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
        "category_code": order.category.code,
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


# --- operations ------------------------------------------------------------------------


@router.get(
    "",
    response={200: OrderPage, **error_responses(401, 422)},
    summary="The orders of the caller's buyer offices and seller firms, newest first",
)
def orders_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    orders = selectors.orders_for(actor=_actor(request)).prefetch_related("items")
    found = paginate_queryset(
        orders, cursor=page.cursor, limit=page.limit, ordering=("-placed_at", "-id")
    )
    return {"items": orders_out(found.items), "next_cursor": found.next_cursor}


@router.get(
    "/{number}",
    response={200: OrderOut, **error_responses(401, 404)},
    summary="An order (contract) by its number",
)
def order_get(request: HttpRequest, number: str) -> Any:
    order = selectors.order_get(actor=_actor(request), number=number[:24])
    return orders_out([order])[0]


@router.get(
    "/{number}/contract.pdf",
    url_name=PDF_URL_NAME,
    response=error_responses(401, 404),
    summary="The bilingual contract PDF of record",
    openapi_extra={
        "responses": {
            200: {"description": "The PDF", "content": {"application/pdf": {}}},
        }
    },
)
def order_contract_pdf(request: HttpRequest, number: str) -> Any:
    """404 `orders.pdf_pending` while the PDF is being rendered (it follows
    the order's placement within seconds); retry then."""
    order = selectors.order_get(actor=_actor(request), number=number[:24])
    pdf = selectors.contract_pdf_of(order)
    if pdf is None:
        raise NotFound(
            _("The contract PDF is being prepared. Try again in a few seconds."),
            code="orders.pdf_pending",
        )
    response = HttpResponse(bytes(pdf.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.number}.pdf"'
    response["Content-Length"] = str(pdf.size)
    response["X-Content-SHA256"] = pdf.sha256
    return response
