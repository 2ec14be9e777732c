"""The orders API under `/api/v1/orders/` (DOMAIN §9, ORD-1): the contracts
a caller may see and their PDFs of record; and (issue 7, ORD-3..ORD-8) the
fulfilment operations on an order, each a thin call of one service:
`accept`, `decline`, `dispatch` (invoice file as base64 JSON, like the bids
API's documents), `deliver`, `receive` (PRC), `certify` (CRAC), `extend`,
`cancel`, `pay` (with an `Idempotency-Key`), and the reads `money` and
`shipments` (with each invoice file's download).

Who sees an order (`kraya.orders.selectors.may_see_order`): the buyer
office's members and the organisation's Primary User, the seller firm's
users, operators. Everyone else gets 404, so contract numbers do not leak;
without credentials, 401. Someone who sees the order but is not the person
for an operation gets 403 (`orders.not_seller`, `orders.not_consignee`,
`orders.not_buyer`, `orders.not_paying_authority`); an operation the
order's state or clock does not allow, 409 (`orders.wrong_state`,
`orders.acceptance_window_over`, `orders.crac_window_over`); bad input, 422
with field errors. Orders are placed through the buying API
(`POST /api/v1/buying/demands/{id}/orders`), which answers with the same
`OrderOut` rendered here."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.responses import Status

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from kraya.api.idempotency import idempotent
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.errors import NotFound
from kraya.orders import selectors
from kraya.orders.models import Order
from kraya.orders.schemas import (
    INVOICE_URL_NAME,
    PDF_URL_NAME,
    CertifyIn,
    DeliverIn,
    DispatchIn,
    ExtendIn,
    InvoiceFileIn,
    MoneyOut,
    OrderOut,
    OrderPage,
    PageQuery,
    PaymentOut,
    ReasonIn,
    ShipmentOut,
    money_out,
    orders_out,
    payment_out,
    shipment_out,
)
from kraya.orders.services import fulfilment, payment
from kraya.orders.services._common import invalid

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
    actor = _actor(request)
    orders = selectors.orders_for(actor=actor).prefetch_related("items")
    found = paginate_queryset(
        orders, cursor=page.cursor, limit=page.limit, ordering=("-placed_at", "-id")
    )
    return {"items": orders_out(found.items, actor), "next_cursor": found.next_cursor}


@router.get(
    "/{number}",
    response={200: OrderOut, **error_responses(401, 404)},
    summary="An order (contract) by its number",
)
def order_get(request: HttpRequest, number: str) -> Any:
    actor = _actor(request)
    order = selectors.order_get(actor=actor, number=number[:24])
    return orders_out([order], actor)[0]


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


# --- fulfilment (issue 7, ORD-3..ORD-8) ------------------------------------------------

ACTION_ERRORS = error_responses(401, 403, 404, 409, 422)


def _order(request: HttpRequest, number: str) -> tuple[Actor, Order]:
    """The caller and the order, if they may see it (else 404)."""
    actor = _actor(request)
    return actor, selectors.order_get(actor=actor, number=number[:24])


def _fresh(actor: Actor, order: Order) -> dict[str, Any]:
    return orders_out([selectors.order_get(actor=actor, order_id=order.pk)], actor)[0]


def _invoice_file(given: InvoiceFileIn | None) -> fulfilment.InvoiceFile | None:
    if given is None:
        return None
    try:
        content = base64.b64decode(given.content_base64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise invalid("invoice_file", "orders.document_type") from error
    return fulfilment.InvoiceFile(
        name=given.file_name, content_type=given.content_type, content=content
    )


@router.post(
    "/{number}/accept",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The seller accepts the order within the window (ORD-3; ORD-8's charge)",
)
def order_accept(request: HttpRequest, number: str) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_accept(order_id=order.pk, acting_user=actor)
    return _fresh(actor, order)


@router.post(
    "/{number}/decline",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The seller declines the order, with a reason (ORD-3)",
)
def order_decline(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_decline(order_id=order.pk, acting_user=actor, reason=payload.reason)
    return _fresh(actor, order)


@router.post(
    "/{number}/dispatch",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The seller dispatches the goods (or their replacement, ORD-6) with its invoice",
)
def order_dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> Any:
    """The invoice file is optional: base64 in `invoice_file.content_base64`,
    a PDF, PNG or JPEG of at most 2 MB."""
    actor, order = _order(request, number)
    fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=actor,
        invoice_number=payload.invoice_number,
        invoice_date=payload.invoice_date,
        evidence=payload.evidence,
        invoice_file=_invoice_file(payload.invoice_file),
    )
    return _fresh(actor, order)


@router.post(
    "/{number}/deliver",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The seller records delivery at the consignee's address, with proof",
)
def order_deliver(request: HttpRequest, number: str, payload: DeliverIn) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_deliver(order_id=order.pk, acting_user=actor, proof=payload.proof)
    return _fresh(actor, order)


@router.post(
    "/{number}/receive",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The consignee issues the Provisional Receipt Certificate (PRC, ORD-5)",
)
def order_receive(request: HttpRequest, number: str) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_receive(order_id=order.pk, acting_user=actor)
    return _fresh(actor, order)


@router.post(
    "/{number}/certify",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="The consignee issues the CRAC: accepted and rejected quantities (ORD-5, ORD-6)",
)
def order_certify(request: HttpRequest, number: str, payload: CertifyIn) -> Any:
    """One line per line of the last shipment (`GET .../shipments`); with
    `replace_rejected`, the seller has 10 days to replace what was rejected,
    otherwise the bill is raised at once (ORD-7's clock starts)."""
    actor, order = _order(request, number)
    fulfilment.order_certify(
        order_id=order.pk,
        acting_user=actor,
        lines=[
            fulfilment.CracLine(
                item_id=line.item_id,
                accepted=line.accepted,
                rejected=line.rejected,
                reason=line.reason,
            )
            for line in payload.lines
        ],
        replace_rejected=payload.replace_rejected,
    )
    return _fresh(actor, order)


@router.post(
    "/{number}/extend",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="A Buyer extends the delivery period, with or without LD (ORD-4)",
)
def order_extend(request: HttpRequest, number: str, payload: ExtendIn) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_extend(
        order_id=order.pk,
        acting_user=actor,
        new_due_on=payload.new_due_on,
        with_ld=payload.with_ld,
        reason=payload.reason,
    )
    return _fresh(actor, order)


@router.post(
    "/{number}/cancel",
    response={200: OrderOut, **ACTION_ERRORS},
    summary="A Buyer cancels an accepted order before receipt, with a reason",
)
def order_cancel(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    actor, order = _order(request, number)
    fulfilment.order_cancel(order_id=order.pk, acting_user=actor, reason=payload.reason)
    return _fresh(actor, order)


@router.post(
    "/{number}/pay",
    response={201: PaymentOut, **ACTION_ERRORS},
    summary="The Paying Authority pays the bill, with interest when late (ORD-7)",
)
@idempotent
def order_pay(request: HttpRequest, number: str) -> Any:
    """Send an `Idempotency-Key` (required here, at most 100 characters): a
    retry or a double click with the same key answers the same payment and
    pays nothing more. Interest: 1% a month for each day past the bill's
    last day, paid with the principal."""
    actor, order = _order(request, number)
    paid = payment.bill_pay(
        order_id=order.pk,
        acting_user=actor,
        idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
    )
    return Status(201, payment_out(paid))


@router.get(
    "/{number}/money",
    response={200: MoneyOut, **error_responses(401, 404)},
    summary="The order's bill, LD, interest, payments and reconciliation (ORD-4, ORD-7, ORD-8)",
)
def order_money(request: HttpRequest, number: str) -> Any:
    order = _order(request, number)[1]
    return money_out(order, selectors.order_money_view(order))


@router.get(
    "/{number}/shipments",
    response={200: list[ShipmentOut], **error_responses(401, 404)},
    summary="The order's shipments with their invoices, PRC and CRAC per line",
)
def order_shipments(request: HttpRequest, number: str) -> Any:
    order = _order(request, number)[1]
    return [shipment_out(order, shipment) for shipment in selectors.order_shipments(order)]


@router.get(
    "/{number}/shipments/{round_number}/invoice",
    url_name=INVOICE_URL_NAME,
    response=error_responses(401, 404),
    summary="A shipment's invoice file, as the seller uploaded it",
    openapi_extra={
        "responses": {200: {"description": "The file", "content": {"application/octet-stream": {}}}}
    },
)
def order_invoice(request: HttpRequest, number: str, round_number: int) -> Any:
    order = _order(request, number)[1]
    shipment = selectors.shipment_invoice(order=order, round_number=round_number)
    content = bytes(shipment.invoice_content or b"")
    response = HttpResponse(content, content_type=shipment.invoice_content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe(shipment.invoice_file_name)}"'
    response["Content-Length"] = str(len(content))
    response["X-Content-SHA256"] = shipment.invoice_sha256
    return response


def _safe(name: str) -> str:
    """A file name fit for a header: no quotes, slashes or control characters."""
    kept = "".join(ch for ch in name if ch.isascii() and ch.isprintable() and ch not in '"\\/')
    return kept.strip() or "invoice"
