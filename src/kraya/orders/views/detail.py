"""The order page and the orders list (ORD-1, ORD-3..ORD-8).

The order page shows the contract (parties, items, PDF, terms, receipts), a
timeline of what happened (placed, accepted, dispatched, delivered, PRC,
CRAC with accepted and rejected per line, bill, payment), each running
deadline with its days left in IST for both sides, the money (value, LD,
rejected not replaced, payable, interest accrued on a late bill, paid,
outstanding; the seller also sees its transaction charge, ORD-8), the
shipments with their invoice downloads, and — for the right person only —
the forms of what they may do next (`kraya.orders.views.actions`).

The orders list puts first what waits for the reader ("to accept", "to
receive", "to certify", "to pay") with the days left. Who sees an order is
decided by `selectors.order_get` (other organisations and firms get a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.selectors import Actor
from kraya.core import clock
from kraya.core.display import babel_locale
from kraya.core.pages import member_page
from kraya.orders import selectors
from kraya.orders.models import Order
from kraya.orders.rules import deadlines
from kraya.orders.views import actions, contract

ORDERS_PER_PAGE = 30

DEADLINE_LABELS: dict[str, Any] = {
    "acceptance": _("The seller accepts or declines by"),
    "delivery": _("The seller delivers by"),
    "auto_crac": _("Automatic CRAC (small direct purchase) on"),
    "crac": _("The consignee issues the CRAC by"),
    "replacement": _("The seller replaces the rejected items by"),
    "payment": _("The Paying Authority pays by"),
}
AWAITING_LABELS: dict[str, Any] = {
    selectors.ACCEPT: _("To accept"),
    selectors.DISPATCH: _("To dispatch"),
    selectors.RECEIVE: _("To receive"),
    selectors.CERTIFY: _("To certify"),
    selectors.PAY: _("To pay"),
}


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    kind: str
    label: str
    when: str  # the day (a day's deadline) or the instant, in IST
    days_left: int
    overdue_days: int
    overdue: bool


def _when(due: dt.datetime) -> str:
    """A deadline at midnight IST is the end of the day before: show that
    day; any other deadline shows its instant."""
    local = clock.to_ist(due)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = deadlines.ist_date(due - dt.timedelta(microseconds=1))
        return format_date(day, "d MMM y", locale=babel_locale(get_language()))
    from kraya.core.display import format_ist

    return format_ist(due, language=get_language())


def deadline_row(deadline: selectors.Deadline) -> DeadlineRow:
    return DeadlineRow(
        kind=deadline.kind,
        label=str(DEADLINE_LABELS.get(deadline.kind, deadline.kind)),
        when=_when(deadline.due),
        days_left=deadline.days_left,
        overdue_days=max(0, -deadline.days_left),
        overdue=deadline.overdue,
    )


@dataclass
class TimelineEntry:
    at: dt.datetime
    label: str
    detail: str = ""
    lines: list[Any] = field(default_factory=list)  # a CRAC's shipment lines


def _timeline(order: Order, shipments: list[Any], money: selectors.MoneyView) -> list[Any]:
    entries = [TimelineEntry(order.placed_at, str(_("Placed")))]
    if order.accepted_at:
        entries.append(TimelineEntry(order.accepted_at, str(_("Accepted by the seller"))))
    for extension in selectors.order_extensions(order):
        detail = (
            _("to %(day)s, with LD: %(reason)s")
            if extension.with_ld
            else _("to %(day)s, without LD: %(reason)s")
        )
        entries.append(
            TimelineEntry(
                extension.granted_at,
                str(_("Delivery date extended")),
                str(detail % {"day": _day(extension.new_due_on), "reason": extension.reason}),
            )
        )
    for shipment in shipments:
        entries.append(
            TimelineEntry(
                shipment.dispatched_at,
                str(_("Dispatched") if shipment.round == 1 else _("Replacement dispatched")),
                str(_("Invoice %(number)s") % {"number": shipment.invoice_number}),
            )
        )
        if shipment.delivered_at:
            entries.append(
                TimelineEntry(shipment.delivered_at, str(_("Delivered")), shipment.delivery_proof)
            )
        if shipment.received_at:
            entries.append(TimelineEntry(shipment.received_at, str(_("PRC issued"))))
        if shipment.certified_at:
            entries.append(
                TimelineEntry(
                    shipment.certified_at,
                    str(_("CRAC")),
                    str(shipment.get_certification_display()),
                    list(shipment.lines.all()),
                )
            )
    if money.bill is not None:
        entries.append(TimelineEntry(money.bill.raised_at, str(_("Bill raised"))))
    for paid in money.payments:
        entries.append(TimelineEntry(paid.paid_at, str(_("Paid")), paid.gateway_reference))
    if order.closed_at:
        label = _("Declined") if order.status == Order.Status.DECLINED else _("Cancelled")
        entries.append(TimelineEntry(order.closed_at, str(label), order.close_reason))
    entries.sort(key=lambda entry: entry.at)
    return entries


def _day(day: dt.date) -> str:
    return format_date(day, "d MMMM y", locale=babel_locale(get_language()))


def _is_seller(actor: Actor, order: Order) -> bool:
    return actor.is_operator or any(
        m.seller_firm_id == order.seller_firm_id for m in actor.memberships
    )


@member_page
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = signed_in_actor(request)
    order = selectors.order_get(actor=actor, number=number)
    now = clock.now()
    office = order.buyer_office
    shipments = selectors.order_shipments(order)
    money = selectors.order_money_view(order, now)
    allowed = selectors.allowed_actions(actor=actor, order=order, now=now)
    context = {
        "order": order,
        "organisation": office.organisation or office,
        "items": list(order.items.all()),
        "terms": contract.terms(order),
        "receipts": contract.receipts(order),
        "pdf": selectors.contract_pdf_of(order),
        "due_on": _day(order.delivery_due_on),
        "deadlines": [deadline_row(d) for d in selectors.order_deadlines(order, now)],
        "timeline": _timeline(order, shipments, money),
        "shipments": shipments,
        "money": money,
        "is_seller": _is_seller(actor, order),
        "forms": actions.action_forms(order, allowed),
    }
    return render(request, "orders/order.html", context)


@member_page
def order_list(request: HttpRequest) -> HttpResponse:
    """What waits for the reader, then all the orders of their buyer offices
    and seller firms."""
    actor = signed_in_actor(request)
    now = clock.now()
    awaiting = [
        {
            "order": waiting.order,
            "label": AWAITING_LABELS[waiting.action],
            "deadline": deadline_row(waiting.deadline) if waiting.deadline else None,
        }
        for waiting in selectors.orders_awaiting(actor=actor, now=now)
    ]
    rows = selectors.orders_for(actor=actor).order_by("-placed_at", "-id")
    page = Paginator(rows, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/orders.html", {"page": page, "awaiting": awaiting})


@member_page
def invoice(request: HttpRequest, number: str, round_number: int) -> HttpResponse:
    """A shipment's invoice file, for whoever may see the order."""
    actor = signed_in_actor(request)
    order = selectors.order_get(actor=actor, number=number)
    shipment = selectors.shipment_invoice(order=order, round_number=round_number)
    content = bytes(shipment.invoice_content or b"")
    response = HttpResponse(content, content_type=shipment.invoice_content_type)
    name = "".join(
        ch
        for ch in shipment.invoice_file_name
        if ch.isascii() and ch.isprintable() and ch not in '"\\/'
    )
    response["Content-Disposition"] = f'attachment; filename="{name.strip() or "invoice"}"'
    response["Content-Length"] = str(len(content))
    return response


urlpatterns: list[URLPattern] = [
    path("", order_list, name="orders"),
    path("<str:number>/", order_detail, name="order"),
    path("<str:number>/shipments/<int:round_number>/invoice", invoice, name="invoice"),
]
