"""What the API says of an order (`OrderOut`, ORD-1), shared by the orders
API and the buying API that places orders (an app imports another app's
schemas, never its API module), and the fulfilment operations' inputs and
outputs (issue 7: ORD-3..ORD-8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from kraya.accounts.selectors import Actor
from kraya.api.pagination import MAX_CURSOR_LENGTH
from kraya.core import clock
from kraya.orders import selectors
from kraya.orders.models import ContractPdf, Order, Payment, Shipment

PDF_URL_NAME = "orders_contract_pdf"
INVOICE_URL_NAME = "orders_shipment_invoice"


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


class DeadlineOut(Schema):
    kind: str = Field(
        description="acceptance (ORD-3), delivery (ORD-4), crac or auto_crac (ORD-5), "
        "replacement (ORD-6), payment (ORD-7)"
    )
    side: str = Field(description="Who must act: seller, consignee, paying_authority, system")
    due_at: dt.datetime
    days_left: int = Field(description="Whole IST days to the deadline's day; negative: overdue")
    overdue: bool


class OrderOut(Schema):
    number: str
    placed_at: dt.datetime
    status: str
    status_label: str
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
    accepted_at: dt.datetime | None
    delivered_at: dt.datetime | None
    received_at: dt.datetime | None
    certified_at: dt.datetime | None
    certification: str
    payment_last_day: dt.date | None
    paid_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str
    deadlines: list[DeadlineOut] = Field(description="The clocks running in this state")
    allowed_actions: list[str] = Field(
        description="What the caller may do next: accept, decline, dispatch, deliver, "
        "receive, certify, extend, cancel, pay"
    )


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


def deadlines_out(order: Order, now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind,
            "side": d.side,
            "due_at": d.due,
            "days_left": d.days_left,
            "overdue": d.overdue,
        }
        for d in selectors.order_deadlines(order, now)
    ]


def order_out(
    order: Order, pdf: dict[str, Any] | None, actor: Actor | None = None
) -> dict[str, Any]:
    """ORD-1: the contract as the API shows it. `pdf` is the row of
    `_pdf_facts` (None while the PDF is being rendered); `allowed_actions`
    are the caller's (`actor`; none when not given)."""
    now = clock.now()
    return {
        "number": order.number,
        "placed_at": order.placed_at,
        "status": order.status,
        "status_label": str(order.get_status_display()),
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
        "accepted_at": order.accepted_at,
        "delivered_at": order.delivered_at,
        "received_at": order.received_at,
        "certified_at": order.certified_at,
        "certification": order.certification,
        "payment_last_day": order.payment_last_day,
        "paid_at": order.paid_at,
        "closed_at": order.closed_at,
        "close_reason": order.close_reason,
        "deadlines": deadlines_out(order, now),
        "allowed_actions": (
            selectors.allowed_actions(actor=actor, order=order, now=now) if actor else []
        ),
    }


def orders_out(orders: list[Order], actor: Actor | None = None) -> list[dict[str, Any]]:
    """Several orders, with their PDFs' facts read in one query."""
    pdfs = _pdf_facts(orders)
    return [order_out(order, pdfs.get(order.pk), actor) for order in orders]


# --- fulfilment inputs (issue 7) -----------------------------------------------------


class ReasonIn(Schema):
    reason: str = Field(max_length=2000, description="Why (published to the other side).")


class InvoiceFileIn(Schema):
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100, description="application/pdf, image/png, image/jpeg")
    content_base64: str = Field(max_length=3 * 1024 * 1024, description="At most 2 MB decoded.")


class DispatchIn(Schema):
    invoice_number: str = Field(max_length=40)
    invoice_date: dt.date = Field(description="Not in the future (IST).")
    evidence: str = Field(
        max_length=2000, description="Transporter, docket or vehicle number, remarks."
    )
    invoice_file: InvoiceFileIn | None = None


class DeliverIn(Schema):
    proof: str = Field(max_length=2000, description="Proof of delivery (signed challan, ...).")


class CracLineIn(Schema):
    item_id: int = Field(ge=1, le=2**63 - 1, description="The order item (`shipments` lines).")
    accepted: int = Field(ge=0, le=2**31 - 1)
    rejected: int = Field(0, ge=0, le=2**31 - 1)
    reason: str = Field("", max_length=2000, description="Required for a rejected quantity.")


class CertifyIn(Schema):
    lines: list[CracLineIn] = Field(max_length=500)
    replace_rejected: bool = Field(
        False, description="ORD-6: ask the seller to replace the rejected quantities."
    )


class ExtendIn(Schema):
    new_due_on: dt.date
    with_ld: bool = Field(description="ORD-4: LD still counts from the old date when true.")
    reason: str = Field(max_length=2000)


# --- fulfilment outputs --------------------------------------------------------------


class ShipmentLineOut(Schema):
    item_id: int
    title: str
    quantity: int
    accepted: int | None
    rejected: int | None
    rejection_reason: str


class InvoiceFileOut(Schema):
    file_name: str
    content_type: str
    sha256: str
    url: str


class ShipmentOut(Schema):
    round: int
    kind: str
    invoice_number: str
    invoice_date: dt.date
    evidence: str
    invoice_file: InvoiceFileOut | None = Field(description="The uploaded invoice, if any.")
    dispatched_at: dt.datetime
    delivered_at: dt.datetime | None
    delivery_proof: str
    received_at: dt.datetime | None
    certified_at: dt.datetime | None
    certification: str
    lines: list[ShipmentLineOut]


class PaymentOut(Schema):
    principal_paise: int
    interest_paise: int
    total_paise: int
    days_late: int
    paid_at: dt.datetime
    gateway: str
    gateway_reference: str
    receipt: dict[str, Any] = Field(description="ORD-7's decision receipt for the interest")


class BillOut(Schema):
    accepted_value_paise: int
    short_supply_paise: int = Field(description="Rejected and not replaced")
    ld_paise: int
    ld_receipt: dict[str, Any] = Field(description="ORD-4's decision receipt")
    payable_paise: int
    raised_at: dt.datetime
    last_day: dt.date = Field(description="ORD-7: the last IST day to pay without interest")


class ReconciliationOut(Schema):
    value_paise: int
    paid_paise: int = Field(description="Principal paid")
    deductions_paise: int = Field(description="LD, rejected not replaced, released commitment")
    outstanding_paise: int = Field(description="Principal still owed")
    interest_unpaid_paise: int = Field(description="Interest accrued in the ledger, unpaid")


class MoneyOut(Schema):
    number: str
    value_paise: int
    transaction_charge_paise: int = Field(description="ORD-8, charged to the seller")
    bill: BillOut | None
    interest_accrued_paise: int = Field(description="ORD-7: accrued in the ledger so far")
    interest_due_today_paise: int = Field(description="ORD-7: a payment today would add this")
    days_late_today: int
    payments: list[PaymentOut]
    paid_paise: int = Field(description="Principal and interest paid")
    outstanding_paise: int = Field(description="Principal owed, plus interest due today")
    reconciliation: ReconciliationOut = Field(
        description="value = paid + deductions + outstanding (ORD-7)"
    )


def payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "principal_paise": payment.principal_paise,
        "interest_paise": payment.interest_paise,
        "total_paise": payment.total_paise,
        "days_late": payment.days_late,
        "paid_at": payment.paid_at,
        "gateway": payment.gateway,
        "gateway_reference": payment.gateway_reference,
        "receipt": payment.receipt,
    }


def money_out(order: Order, money: selectors.MoneyView) -> dict[str, Any]:
    bill = money.bill
    figures = money.reconciliation
    return {
        "number": order.number,
        "value_paise": money.value_paise,
        "transaction_charge_paise": money.transaction_charge_paise,
        "bill": (
            {
                "accepted_value_paise": bill.accepted_value_paise,
                "short_supply_paise": bill.short_supply_paise,
                "ld_paise": bill.ld_paise,
                "ld_receipt": bill.ld_receipt,
                "payable_paise": bill.payable_paise,
                "raised_at": bill.raised_at,
                "last_day": bill.last_day,
            }
            if bill
            else None
        ),
        "interest_accrued_paise": money.interest_accrued_paise,
        "interest_due_today_paise": money.interest_due_today_paise,
        "days_late_today": money.days_late_today,
        "payments": [payment_out(p) for p in money.payments],
        "paid_paise": money.paid_paise,
        "outstanding_paise": money.outstanding_paise,
        "reconciliation": {
            "value_paise": figures.value_paise,
            "paid_paise": figures.paid_paise,
            "deductions_paise": figures.deductions_paise,
            "outstanding_paise": figures.outstanding_paise,
            "interest_unpaid_paise": figures.interest_unpaid_paise,
        },
    }


def shipment_out(order: Order, shipment: Shipment) -> dict[str, Any]:
    return {
        "round": shipment.round,
        "kind": shipment.kind,
        "invoice_number": shipment.invoice_number,
        "invoice_date": shipment.invoice_date,
        "evidence": shipment.evidence,
        "invoice_file": (
            {
                "file_name": shipment.invoice_file_name,
                "content_type": shipment.invoice_content_type,
                "sha256": shipment.invoice_sha256,
                "url": reverse(
                    f"api:{INVOICE_URL_NAME}",
                    kwargs={"number": order.number, "round_number": shipment.round},
                ),
            }
            if shipment.invoice_file_name
            else None
        ),
        "dispatched_at": shipment.dispatched_at,
        "delivered_at": shipment.delivered_at,
        "delivery_proof": shipment.delivery_proof,
        "received_at": shipment.received_at,
        "certified_at": shipment.certified_at,
        "certification": shipment.certification,
        "lines": [
            {
                "item_id": line.item_id,
                "title": line.item.title,
                "quantity": line.quantity,
                "accepted": line.accepted_quantity,
                "rejected": line.rejected_quantity,
                "rejection_reason": line.rejection_reason,
            }
            for line in shipment.lines.all()
        ],
    }
