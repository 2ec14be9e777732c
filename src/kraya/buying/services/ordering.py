"""ORD-1 and ORD-2 on the database: a sanctioned demand becomes contracts,
one per seller firm, each with its number, parties, items, terms and the
decision receipts that made it. Stock is taken under the offer's row lock, so
two buyers racing for the last units cannot both get them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from kraya.buying import rules
from kraya.buying.models import Demand, DemandLine, FundBlock
from kraya.buying.services._common import Acting, conflict, require_buyer
from kraya.catalog.models import Offer
from kraya.catalog.selectors import listed_q
from kraya.core import audit, clock
from kraya.core.money import format_rupees
from kraya.core.policy import policy_at
from kraya.orders import terms as general
from kraya.orders.models import ContractCounter, Order, OrderItem
from kraya.orders.services.fulfilment import acceptance_due_for, order_opened
from kraya.orders.tasks import contract_pdf_render_later

NEXT_NUMBER_SQL = (
    'INSERT INTO orders_contractcounter ("day", "last") VALUES (%s, 1) ON CONFLICT ("day") '
    'DO UPDATE SET "last" = orders_contractcounter."last" + 1 RETURNING "last"'
)


def next_contract_number(on: dt.date) -> str:
    """ORD-1: the day's next contract number, under the day counter's row lock
    (held to commit, so numbers stay gapless: a rolled-back order gives its
    number back)."""
    if connection.vendor == "postgresql":
        # One statement instead of three (get_or_create, SELECT FOR UPDATE,
        # UPDATE): every order of the day waits on this row, so the less the
        # work between taking it and committing, the more orders per second.
        with connection.cursor() as cursor:
            cursor.execute(NEXT_NUMBER_SQL, [on])
            (last,) = cursor.fetchone()
        return rules.contract_number(on, int(last))
    ContractCounter.objects.get_or_create(day=on)
    counter = ContractCounter.objects.select_for_update().get(day=on)
    counter.last += 1
    counter.save(update_fields=["last"])
    return rules.contract_number(on, counter.last)


def contract_terms(
    additional_terms: list[dict[str, Any]], policy: Any
) -> tuple[list[dict[str, Any]], rules.ContractTerms]:
    """ORD-1: the contract's terms in precedence order (the buyer's ATC over the
    category's over the general terms), bilingual, with their decision."""
    base = general.general_terms(policy)
    category_terms: dict[str, dict[str, str]] = {}
    atc = {term["clause"]: term["text"] for term in additional_terms}
    decided = rules.contract_terms(
        {clause: text["en"] for clause, text in atc.items()},
        {clause: text["en"] for clause, text in category_terms.items()},
        {clause: text.en for clause, text in base.items()},
    )
    listed = []
    for term in decided.terms:
        if term.source == rules.ATC:
            hindi = atc[term.clause].get("hi") or term.text
        elif term.source == rules.CATEGORY:
            hindi = category_terms[term.clause].get("hi") or term.text
        else:
            hindi = base[term.clause].hi
        title = general.title_of(term.clause)
        listed.append(
            {
                "clause": term.clause,
                "source": term.source,
                "title": {"en": title.en, "hi": title.hi},
                "text": {"en": term.text, "hi": hindi},
            }
        )
    return listed, decided


def _still_as_decided(lines: list[DemandLine]) -> dict[int, Offer]:
    """The offers the lines will be bought from, unchanged since the decision."""
    ids = sorted({line.selected_offer_id for line in lines if line.selected_offer_id})
    offers = {
        offer.pk: offer
        for offer in Offer.objects.filter(listed_q(), pk__in=ids).select_related(
            "product", "product__brand", "seller_firm"
        )
    }
    for line in lines:
        offer = offers.get(line.selected_offer_id or 0)
        if offer is None or offer.price_paise != line.selected_unit_price_paise:
            raise conflict("buying.comparison_stale")
    return offers


def _take_stock(lines: list[DemandLine], now: dt.datetime) -> None:
    """Stock is taken in offer id order (a fixed lock order) with one guarded
    UPDATE each: it never goes below zero, and the loser of a race is told."""
    for line in sorted(lines, key=lambda line: line.selected_offer_id or 0):
        taken = Offer.objects.filter(
            pk=line.selected_offer_id or 0, stock__gte=line.quantity
        ).update(stock=F("stock") - line.quantity, updated_at=now)
        if not taken:
            raise conflict("buying.out_of_stock")


def receipts_digest(receipts: list[dict[str, Any]]) -> str:
    canonical = json.dumps(receipts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _item(order: Order, line: DemandLine, offer: Offer) -> OrderItem:
    product = offer.product
    price = line.selected_unit_price_paise or 0
    return OrderItem(
        order=order,
        offer=offer,
        product=product,
        title=product.title,
        title_hi=product.title_hi,
        brand=product.brand.name,
        model=product.model,
        manufacturer=product.oem or product.brand.name,
        quantity=line.quantity,
        unit_price_paise=price,
        total_paise=line.quantity * price,
    )


@transaction.atomic
def order_place(*, acting_user: Acting, demand: Demand) -> list[Order]:
    """ORD-1/ORD-2: place the orders of a sanctioned demand, one contract per
    seller firm. Refused without blocked funds that cover the total, when an
    offer changed since the comparison, or when its stock ran out."""
    actor = require_buyer(acting_user, demand.office)
    demand = (
        Demand.objects.select_for_update().select_related("office", "category").get(pk=demand.pk)
    )
    if demand.status == Demand.Status.BID_REQUIRED:
        raise conflict("buying.bid_required")
    if demand.status not in (Demand.Status.OPEN, Demand.Status.SANCTIONED):
        raise conflict("buying.demand_not_open")
    lines = list(demand.lines.all())
    if any(line.selected_offer_id is None for line in lines):
        raise conflict("buying.not_decided")
    total = sum(line.quantity * (line.selected_unit_price_paise or 0) for line in lines)
    block = FundBlock.objects.filter(demand=demand, status=FundBlock.Status.BLOCKED).first()
    sanction = rules.sanction_check(total, block.amount_paise if block else 0)
    if not sanction.allowed:
        blocked = block.amount_paise if block else 0
        raise conflict(sanction.code, blocked=format_rupees(blocked), total=format_rupees(total))
    assert block is not None
    offers = _still_as_decided(lines)
    now = clock.now()
    _take_stock(lines, now)
    on = clock.to_ist(now).date()
    policy = policy_at(on)
    terms, terms_decision = contract_terms(demand.additional_terms, policy)
    by_firm: dict[int, list[DemandLine]] = defaultdict(list)
    for line in lines:
        by_firm[offers[line.selected_offer_id or 0].seller_firm_id].append(line)
    # The demand row is already ours (locked above); updating it before the
    # orders leaves less work under the day counter's lock and the audit
    # log's, which every order of the portal waits on (ORD-1, OPEN-5).
    demand.status = Demand.Status.ORDERED
    demand.updated_at = now
    demand.save(update_fields=["status", "updated_at"])
    orders = []
    for firm_id in sorted(by_firm):
        firm_lines = by_firm[firm_id]
        receipts = [demand.mode_receipt]
        if demand.choice_receipt:
            receipts.append(demand.choice_receipt)
        receipts.append(demand.split_receipt)
        receipts.extend(line.decision for line in firm_lines if line.decision)
        receipts.append(sanction.receipt.as_dict())
        receipts.append(terms_decision.receipt.as_dict())
        period = max(offers[line.selected_offer_id or 0].lead_time_days for line in firm_lines)
        order = Order.objects.create(
            number=next_contract_number(on),
            placed_at=now,
            acceptance_due_at=acceptance_due_for(now),
            buyer_office=demand.office,
            buyer=actor.user,
            consignee_id=demand.consignee_id,
            paying_authority_id=block.paying_authority_id,
            seller_firm_id=firm_id,
            category=demand.category,
            mode=demand.mode,
            total_paise=sum(
                line.quantity * (line.selected_unit_price_paise or 0) for line in firm_lines
            ),
            delivery_period_days=period,
            delivery_due_on=on + dt.timedelta(days=period),
            delivery_state=demand.delivery_state,
            delivery_pincode=demand.delivery_pincode,
            delivery_address=demand.delivery_address,
            terms=terms,
            receipts=receipts,
            receipts_digest=receipts_digest(receipts),
            policy_version=demand.policy_version,
        )
        OrderItem.objects.bulk_create(
            _item(order, line, offers[line.selected_offer_id or 0]) for line in firm_lines
        )
        DemandLine.objects.filter(pk__in=[line.pk for line in firm_lines]).update(order=order)
        audit.record(
            actor=actor.user,
            action="orders.order_placed",
            target=order,
            payload={
                "number": order.number,
                "demand": demand.pk,
                "seller_firm": firm_id,
                "total_paise": order.total_paise,
                "mode": order.mode,
                "receipts_digest": order.receipts_digest,
                "policy_version": order.policy_version,
            },
        )
        contract_pdf_render_later(order.pk)
        order_opened(order=order)
        orders.append(order)
    return orders
