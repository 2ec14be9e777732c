"""What follows an order's placement, in the background: the contract PDF of
record (ORD-1) with its SHA-256 in the audit log. (The seller hears of the
order through the notifications outbox: `fulfilment.order_opened`.)

Both run after the order commits (`kraya.orders.tasks`): Celery in
production, a thread in the embedded mode. Each is idempotent: a PDF already
rendered is not rendered again, so a retried task changes nothing."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from kraya.accounts.models import Role
from kraya.core import audit, clock
from kraya.orders.documents import (
    BilingualText,
    Clause,
    ComparisonLine,
    ContractDocument,
    ContractItem,
    DecisionSummary,
    Official,
    SellerParty,
    render_contract_pdf_bilingual,
)
from kraya.orders.models import ContractPdf, Order

log = logging.getLogger(__name__)

# Who hears of a new order: the firm's admin and its order-fulfilment users.
NOTIFIED_ROLES = (Role.SELLER_ADMIN, Role.SELLER_FULFILMENT)


def _seller(order: Order) -> SellerParty:
    firm = order.seller_firm
    registration = getattr(firm, "registration", None)
    gstin, address = "", ""
    if registration is not None:
        office = registration.offices.order_by("-is_head_office", "id").first()
        if office is not None:
            gstin = office.gstin or ""
            address = ", ".join(p for p in (office.address, office.district, office.state) if p)
    return SellerParty(name=firm.name, gstin=gstin, address=address or firm.state)


def _comparison(order: Order) -> tuple[ComparisonLine, ...]:
    """The L1 comparison of the order's first line, ranked by price (MODE-3)."""
    for receipt in order.receipts:
        if receipt.get("kind") != "buying.l1":
            continue
        chosen = receipt["outcome"].get("l1_offer_id")
        candidates = sorted(
            receipt["inputs"]["candidates"], key=lambda c: (c["price_paise"], c["offer_id"])
        )
        return tuple(
            ComparisonLine(
                rank=rank,
                seller=gettext("Offer %(id)s") % {"id": c["offer_id"]},
                manufacturer=c["manufacturer"],
                model="",
                price_paise=c["price_paise"],
                chosen=c["offer_id"] == chosen,
            )
            for rank, c in enumerate(candidates, start=1)
        )
    return ()


def contract_document(order: Order) -> ContractDocument:
    """ORD-1: everything the contract says, from the order's own copies."""
    office = order.buyer_office
    organisation = office.organisation or office
    rule_ids = tuple(dict.fromkeys(rule for r in order.receipts for rule in r.get("rules", [])))
    return ContractDocument(
        contract_number=order.number,
        placed_at=order.placed_at,
        buyer_organisation=BilingualText(organisation.name, organisation.name_hi),
        buyer_office=BilingualText(office.name, office.name_hi),
        consignee=Official(
            name=str(order.consignee),
            designation=BilingualText("Consignee", "परेषित"),
            address=BilingualText(
                f"{order.delivery_address}, {order.delivery_state} {order.delivery_pincode}"
            ),
        ),
        paying_authority=Official(
            name=str(order.paying_authority),
            designation=BilingualText("Paying Authority", "भुगतान प्राधिकारी"),
            address=BilingualText(office.name, office.name_hi),
        ),
        seller=_seller(order),
        items=tuple(
            ContractItem(
                title=BilingualText(item.title, item.title_hi),
                brand=item.brand,
                model=item.model,
                quantity=item.quantity,
                unit_price_paise=item.unit_price_paise,
                total_paise=item.total_paise,
            )
            for item in order.items.all()
        ),
        delivery_period_days=order.delivery_period_days,
        terms=tuple(
            Clause(
                title=BilingualText(term["title"]["en"], term["title"]["hi"]),
                text=BilingualText(term["text"]["en"], term["text"]["hi"]),
            )
            for term in order.terms
        ),
        decision=DecisionSummary(
            mode=order.mode,
            rule_ids=rule_ids,
            policy_version=order.policy_version,
            comparison=_comparison(order),
        ),
    )


def contract_pdf_render(*, order_id: int) -> ContractPdf:
    """ORD-1: render the bilingual contract of record once and record its
    SHA-256 in the audit log. Rendering happens outside the transaction (it
    takes a fraction of a second); storing it is one short transaction."""
    existing = ContractPdf.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = Order.objects.select_related(
        "buyer_office",
        "buyer_office__organisation",
        "consignee",
        "paying_authority",
        "seller_firm",
        "seller_firm__registration",
    ).get(pk=order_id)
    rendered = render_contract_pdf_bilingual(contract_document(order), created_at=order.placed_at)
    try:
        with transaction.atomic():
            pdf = ContractPdf.objects.create(
                order=order,
                content=rendered.content,
                sha256=rendered.sha256,
                size=len(rendered.content),
                rendered_at=clock.now(),
            )
            audit.record(
                actor=None,
                action="orders.contract_pdf_rendered",
                target=order,
                payload={"number": order.number, "sha256": rendered.sha256, "size": pdf.size},
            )
    except IntegrityError:  # rendered by a concurrent retry of the same task
        return ContractPdf.objects.get(order_id=order_id)
    return pdf
