"""ORD-2 and BID-8 on the database: the sanction for a bid's contracts, and
the award that turns the §7 allocations into contracts (orders in mode BID),
one per allocated seller firm, with `Award` rows linked to them.

The pieces of an order are the buying app's (`kraya.buying.services.ordering`):
the day's contract number, the terms in precedence order, the receipts
digest, the background PDF and the seller's notification.

Prices: a lot of one item is bought at the allocated unit price (L1's, after
any auction, §7: everyone at L1). A lot of several items goes whole to one
seller at its lot price; its items keep their quoted unit prices unless an
auction lowered the lot below the quoted total, when each unit price is
scaled by final / quoted and rounded down to whole paise — so the contract
never exceeds the lot's final price (it may be below it by less than one
paisa per unit)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import Role
from kraya.accounts.selectors import as_actor
from kraya.bids import packets, states
from kraya.bids.models import Award, Bid, BidItem, BidLot, Submission
from kraya.bids.services._common import (
    MESSAGES,
    conflict,
    denied,
    invalid,
    require_office_buyer,
)
from kraya.bids.services.transitions import bid_locked, bid_transition
from kraya.buying.models import Demand
from kraya.buying.services.ordering import contract_terms, next_contract_number, receipts_digest
from kraya.catalog.models import Offer, Product
from kraya.core import audit, clock
from kraya.core.policy import policy_at
from kraya.orders.models import Order, OrderItem
from kraya.orders.services.fulfilment import acceptance_due_for, order_opened
from kraya.orders.tasks import contract_pdf_render_later

MAX_REFERENCE = 100

MESSAGES.update(
    {
        "bids.not_sanctioner": _(
            "Only this bid's Paying Authority, or a Buyer of its office quoting the sanction, "
            "can record the sanction."
        ),
        "bids.sanction_reference_required": _("Quote the sanction reference."),
        "bids.sanction_reference_too_long": _("Keep the reference under 100 characters."),
        "bids.already_sanctioned": _("The funds for this bid are already sanctioned."),
        "bids.not_sanctioned": _("Record the sanction (ORD-2) before the award."),
        "bids.nothing_to_award": _("No lot has a decided allocation to award."),
    }
)

SANCTION_STATES = (states.FINANCIAL_EVALUATION, states.MATCHING, states.AWARD_PENDING)


@transaction.atomic
def bid_sanction(*, acting_user: Any, bid: Bid, sanction_reference: str = "") -> Bid:
    """ORD-2: the bid's Paying Authority sanctions as themselves; a Buyer of
    the office quotes the recorded sanction's reference. Once, after the
    financial opening and before the award."""
    actor = as_actor(acting_user)
    roles = actor.roles_in_unit(bid.office)
    reference = " ".join((sanction_reference or "").split())
    if len(reference) > MAX_REFERENCE:
        raise invalid("sanction_reference", "bids.sanction_reference_too_long")
    if Role.PAYING_AUTHORITY in roles and actor.user.pk == bid.paying_authority_id:
        by = Role.PAYING_AUTHORITY
    elif Role.BUYER in roles:
        if not reference:
            raise invalid("sanction_reference", "bids.sanction_reference_required")
        by = Role.BUYER
    else:
        raise denied("bids.not_sanctioner")
    bid = bid_locked(bid.pk)
    if bid.status not in SANCTION_STATES:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    if bid.sanctioned_at is not None:
        raise conflict("bids.already_sanctioned")
    now = clock.now()
    bid.sanction_reference = reference
    bid.sanctioned_by = actor.user
    bid.sanctioned_at = now
    bid.updated_at = now
    bid.save(update_fields=["sanction_reference", "sanctioned_by", "sanctioned_at", "updated_at"])
    audit.record(
        actor=actor.user,
        action="bids.sanctioned",
        target=bid,
        payload={"number": bid.number, "by_role": by, "sanction_reference": reference},
    )
    return bid


@dataclass(frozen=True)
class _Line:
    """One allocation of one lot to one submission."""

    lot: BidLot
    submission: Submission
    quantity: int
    unit_price_paise: int
    rules: list[str]


def _allocations(bid: Bid) -> list[_Line]:
    lots = list(BidLot.objects.filter(bid=bid).order_by("number"))
    wanted = {
        int(a["bidder_id"])
        for lot in lots
        if lot.preference
        for a in lot.preference["outcome"]["allocations"]
    }
    submissions = {s.pk: s for s in Submission.objects.filter(pk__in=wanted)}
    lines = []
    for lot in lots:
        if not lot.preference:
            continue
        for allocation in lot.preference["outcome"]["allocations"]:
            lines.append(
                _Line(
                    lot=lot,
                    submission=submissions[int(allocation["bidder_id"])],
                    quantity=int(allocation["quantity"]),
                    unit_price_paise=int(allocation["unit_price_paise"]),
                    rules=list(allocation["rules"]),
                )
            )
    return lines


def _catalogue(item: dict[str, Any]) -> tuple[Offer | None, Product | None]:
    offer = Offer.objects.filter(pk=item.get("offer_id") or 0).first()
    product = Product.objects.filter(pk=item.get("product_id") or 0).first()
    if product is None and offer is not None:
        product = offer.product
    return offer, product


def _order_item(
    order: Order, bid_item: BidItem, offered: dict[str, Any], quantity: int, unit_price: int
) -> OrderItem:
    offer, product = _catalogue(offered)
    return OrderItem(
        order=order,
        offer=offer,
        product=product,
        title=str(offered.get("title") or bid_item.title)[:200],
        title_hi=str(getattr(product, "title_hi", "") or "")[:200],
        brand=str(offered.get("brand") or "")[:100],
        model=str(offered.get("model") or "")[:100],
        manufacturer=str(offered.get("manufacturer") or offered.get("brand") or "")[:200],
        quantity=quantity,
        unit_price_paise=unit_price,
        total_paise=quantity * unit_price,
    )


def lot_item_prices(line: _Line) -> list[tuple[BidItem, int, int]]:
    """(bid item, quantity, unit price) of one allocation: a one-item lot at
    the allocated quantity and price; a lot of several items at the bid's
    quantities, its quoted unit prices scaled down (rounded down) to the
    lot's final price when an auction lowered it."""
    items = list(line.lot.items.order_by("position"))
    if len(items) == 1:
        return [(items[0], line.quantity, line.unit_price_paise)]
    quoted = packets.unit_prices(line.submission.financial or {"items": []})
    quoted_total = sum(quoted[item.position] * item.quantity for item in items)
    final = line.unit_price_paise
    scaled = []
    for item in items:
        unit = quoted[item.position]
        if final < quoted_total:
            unit = unit * final // quoted_total
        scaled.append((item, item.quantity, unit))
    return scaled


def _orders_of_firm(
    *, bid: Bid, lines: list[_Line], actor: Any, now: dt.datetime, on: dt.date, terms: Any
) -> Order:
    listed_terms, terms_decision = terms
    receipts: list[dict[str, Any]] = []
    for lot in {line.lot.pk: line.lot for line in lines}.values():
        receipts += [r for r in (lot.ranking, lot.auction_result, lot.preference) if r]
    receipts.append(terms_decision.receipt.as_dict())
    priced = [(line, *row) for line in lines for row in lot_item_prices(line)]
    category = next((row[1].category for row in priced if row[1].category_id), None)
    order = Order.objects.create(
        number=next_contract_number(on),
        placed_at=now,
        acceptance_due_at=acceptance_due_for(now),
        buyer_office=bid.office,
        buyer=actor,
        consignee_id=bid.consignee_id,
        paying_authority_id=bid.paying_authority_id,
        seller_firm_id=lines[0].submission.seller_firm_id,
        category=category,
        mode=Order.Mode.BID,
        total_paise=sum(quantity * unit for _, _, quantity, unit in priced),
        delivery_period_days=bid.delivery_period_days,
        delivery_due_on=on + dt.timedelta(days=bid.delivery_period_days),
        delivery_state=bid.delivery_state,
        delivery_pincode=bid.delivery_pincode,
        delivery_address=bid.delivery_address,
        terms=listed_terms,
        receipts=receipts,
        receipts_digest=receipts_digest(receipts),
        policy_version=bid.policy_version,
    )
    offered_items = {
        (line.submission.pk, int(i["position"])): i
        for line in lines
        for i in (line.submission.technical or {}).get("items", [])
    }
    OrderItem.objects.bulk_create(
        _order_item(order, item, offered_items.get((line.submission.pk, item.position), {}), q, u)
        for line, item, q, u in priced
    )
    for line in lines:
        Award.objects.create(
            lot=line.lot,
            submission=line.submission,
            quantity=line.quantity,
            unit_price_paise=line.unit_price_paise,
            rules=line.rules,
            order=order,
            awarded_at=now,
        )
    audit.record(
        actor=actor,
        action="orders.order_placed",
        target=order,
        payload={
            "number": order.number,
            "bid": bid.pk,
            "seller_firm": order.seller_firm_id,
            "total_paise": order.total_paise,
            "mode": order.mode,
            "receipts_digest": order.receipts_digest,
            "policy_version": order.policy_version,
        },
    )
    contract_pdf_render_later(order.pk)
    order_opened(order=order)
    return order


@transaction.atomic
def bid_award(*, acting_user: Any, bid: Bid) -> list[Order]:
    """BID-8/ORD-1: award a settled bid: one contract (mode BID) per allocated
    seller firm, `Award` rows linked to them, the demand (if any) ORDERED and
    the bid AWARDED. Refused without the sanction (ORD-2)."""
    actor = require_office_buyer(acting_user, bid.office)
    bid = bid_locked(bid.pk)
    if bid.status != states.AWARD_PENDING:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    if bid.sanctioned_at is None:
        raise conflict("bids.not_sanctioned")
    lines = _allocations(bid)
    if not lines:
        raise conflict("bids.nothing_to_award")
    now = clock.now()
    on = clock.to_ist(now).date()
    terms = contract_terms(bid.additional_terms, policy_at(on))
    by_firm: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        by_firm[line.submission.seller_firm_id].append(line)
    orders = [
        _orders_of_firm(
            bid=bid, lines=by_firm[firm_id], actor=actor.user, now=now, on=on, terms=terms
        )
        for firm_id in sorted(by_firm)
    ]
    if bid.demand_id:
        Demand.objects.filter(pk=bid.demand_id).update(status=Demand.Status.ORDERED, updated_at=now)
    bid_transition(
        bid_id=bid.pk,
        event=states.AWARD,
        actor=actor.user,
        expect=states.AWARD_PENDING,
        changes={"awarded_at": now},
        payload={"orders": [order.number for order in orders]},
    )
    return orders


__all__ = ["bid_award", "bid_sanction", "lot_item_prices"]
