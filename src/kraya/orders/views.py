"""The order pages (ORD-1): the contract with its parties, items, terms and
the decision receipts that made it, its PDF of record, and the list of the
actor's orders. Who may see an order is decided by `selectors.order_get`
(other organisations and firms get a 404).

Orders sit below buying (DESIGN), so the receipts are shown from their own
fields (kind, rule ids, policy version), not through buying's wording."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kraya.accounts.middleware import signed_in_actor
from kraya.core.display import babel_locale, language_base
from kraya.core.pages import member_page
from kraya.orders import selectors
from kraya.orders.models import Order

ORDERS_PER_PAGE = 30

RECEIPT_KINDS: dict[str, Any] = {
    "buying.mode": _("Buying mode by the demand's value"),
    "buying.mode_choice": _("A stricter buying mode chosen by the buyer"),
    "buying.split": _("Check against splitting the demand"),
    "buying.direct": _("Direct purchase decision"),
    "buying.l1": _("L1 comparison and choice"),
    "buying.sanction": _("Funds blocked before ordering"),
    "buying.terms": _("Terms of the contract in precedence order"),
}
TERM_SOURCES: dict[str, Any] = {
    "ATC": _("Buyer's additional terms (ATC)"),
    "CATEGORY": _("Category terms"),
    "GENERAL": _("General terms"),
}


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    label: str
    rules: str
    policy_versions: str


@dataclass(frozen=True, slots=True)
class TermRow:
    title: str
    text: str
    source: str


def _in_language(text: dict[str, str], hindi: bool) -> str:
    return (text.get("hi") if hindi else "") or text.get("en", "")


def _terms(order: Order) -> list[TermRow]:
    hindi = language_base(get_language()) == "hi"
    return [
        TermRow(
            title=_in_language(term["title"], hindi),
            text=_in_language(term["text"], hindi),
            source=str(TERM_SOURCES.get(term["source"], term["source"])),
        )
        for term in order.terms
    ]


def _receipts(order: Order) -> list[ReceiptRow]:
    rows = []
    for receipt in order.receipts:
        versions = dict.fromkeys(
            str(policy.get("policy_version", "")) for policy in receipt.get("policy", [])
        )
        rows.append(
            ReceiptRow(
                label=str(RECEIPT_KINDS.get(receipt.get("kind", ""), receipt.get("kind", ""))),
                rules=", ".join(receipt.get("rules", [])),
                policy_versions=", ".join(v for v in versions if v),
            )
        )
    return rows


@member_page
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = signed_in_actor(request)
    order = selectors.order_get(actor=actor, number=number)
    office = order.buyer_office
    context = {
        "order": order,
        "organisation": office.organisation or office,
        "items": list(order.items.all()),
        "terms": _terms(order),
        "receipts": _receipts(order),
        "pdf": selectors.contract_pdf_of(order),
        "due_on": format_date(
            order.delivery_due_on, "d MMMM y", locale=babel_locale(get_language())
        ),
    }
    return render(request, "orders/order.html", context)


@member_page
def contract_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """ORD-1: the contract of record as a download; while it is still being
    rendered (in the background), a page that says so."""
    actor = signed_in_actor(request)
    order = selectors.order_get(actor=actor, number=number)
    pdf = selectors.contract_pdf_of(order)
    if pdf is None:
        response = render(request, "orders/contract_pending.html", {"order": order}, status=202)
        response["Retry-After"] = "5"
        return response
    content = bytes(pdf.content)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.number}.pdf"'
    response["Content-Length"] = str(len(content))
    return response


@member_page
def order_list(request: HttpRequest) -> HttpResponse:
    """The orders of the actor's buyer offices and seller firms."""
    actor = signed_in_actor(request)
    rows = selectors.orders_for(actor=actor).order_by("-placed_at", "-id")
    page = Paginator(rows, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/orders.html", {"page": page})
