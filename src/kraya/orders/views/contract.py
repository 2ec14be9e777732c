"""The contract (ORD-1): its terms and the decision receipts that made it, as
the order page shows them, and its PDF of record. Orders sit below buying
(DESIGN), so the receipts are shown from their own fields (kind, rule ids,
policy version), not through buying's wording."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kraya.accounts.middleware import signed_in_actor
from kraya.core.display import language_base
from kraya.core.pages import member_page
from kraya.orders import selectors
from kraya.orders.models import Order

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


def terms(order: Order) -> list[TermRow]:
    hindi = language_base(get_language()) == "hi"
    return [
        TermRow(
            title=_in_language(term["title"], hindi),
            text=_in_language(term["text"], hindi),
            source=str(TERM_SOURCES.get(term["source"], term["source"])),
        )
        for term in order.terms
    ]


def receipts(order: Order) -> list[ReceiptRow]:
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


urlpatterns: list[URLPattern] = [
    path("<str:number>/contract.pdf", contract_pdf, name="contract_pdf"),
]
