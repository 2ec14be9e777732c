"""The orders API under `/api/v1/orders/` (DOMAIN §9, ORD-1): the contracts
a caller may see and their PDFs of record.

Who sees an order (`kraya.orders.selectors.may_see_order`): the buyer
office's members and the organisation's Primary User, the seller firm's
users, operators. Everyone else gets 404, so contract numbers do not leak;
without credentials, 401. Orders are placed through the buying API
(`POST /api/v1/buying/demands/{id}/orders`), which answers with the same
`OrderOut` rendered here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.errors import NotFound
from kraya.orders import selectors
from kraya.orders.schemas import (
    PDF_URL_NAME,
    OrderOut,
    OrderPage,
    PageQuery,
    orders_out,
)

router = Router(tags=["orders"])


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


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
