"""Bids in a given state for the tests of later steps, built from rows (not
through the publication and participation services, whose own tests cover
them), with real keys and really sealed packets (`kraya.bids.sealing`).

    bid = make_bid(world, items=[("Water purifier 9 L", 100, 10_000_00)])
    a = make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kraya.accounts.models import SellerFirm, User
from kraya.bids import packets, sealing, states
from kraya.bids.models import Bid, BidItem, BidKeys, BidLot, Submission
from kraya.core import clock
from kraya.core.draws import new_tie_break_seed
from kraya.core.policy import policy_at
from tests.factories import World, unique

UP = "Uttar Pradesh"
ItemSpec = tuple[str, int, int]  # title, quantity, estimated unit price (paise)


def make_bid(
    world: World,
    *,
    items: Sequence[ItemSpec] = (("Water purifier 9 L", 100, 10_000_00),),
    category: Any = None,
    published_at: dt.datetime | None = None,
    days: int = 10,
    evaluation_basis: str = Bid.EvaluationBasis.TOTAL,
    divisible: bool = True,
    status: str = states.PUBLISHED,
    **fields: Any,
) -> Bid:
    """A published bid of `world.office` ending `days` after `published_at`
    (now), opening at the end, with one lot (TOTAL) or a lot per item (ITEM)."""
    published = published_at or clock.now()
    end = published + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "number": unique("KRY/B/T/"),
        "status": status,
        "office": world.office,
        "buyer": world.buyer,
        "consignee": world.consignee,
        "paying_authority": world.paying_authority,
        "title": items[0][0],
        "estimated_value_paise": sum(q * p for _, q, p in items),
        "delivery_state": UP,
        "delivery_pincode": "226001",
        "delivery_address": "District Hospital, Civil Lines, Lucknow",
        "delivery_period_days": 30,
        "published_at": published,
        "end_at": end,
        "opening_at": end,
        "original_end_at": end,
        "offer_validity_days": 90,
        "min_bids": 1,
        "evaluation_basis": evaluation_basis,
        "tie_break_seed": new_tie_break_seed(),
        "policy_version": policy_at(clock.to_ist(published).date()).version,
        **fields,
    }
    bid = Bid.objects.create(**values)
    keys = sealing.new_bid_keys(bid.pk)
    BidKeys.objects.create(
        bid=bid,
        technical_public=keys.technical_public,
        technical_private_wrapped=keys.technical_private_wrapped,
        financial_public=keys.financial_public,
        financial_private_wrapped=keys.financial_private_wrapped,
        master_key_id=keys.master_key_id,
    )
    per_item = evaluation_basis == Bid.EvaluationBasis.ITEM
    lots: list[BidLot] = []
    for position, (title, quantity, price) in enumerate(items, start=1):
        if per_item or not lots:
            lots.append(
                BidLot.objects.create(
                    bid=bid,
                    number=len(lots) + 1,
                    title=title if per_item else bid.title,
                    divisible=divisible and (per_item or len(items) == 1),
                )
            )
        BidItem.objects.create(
            bid=bid,
            lot=lots[-1],
            position=position,
            category=category,
            title=title,
            quantity=quantity,
            estimated_unit_price_paise=price,
        )
    return bid


def seller_profile(
    *, is_mse: bool = False, mse_category: str | None = None, is_startup: bool = False
) -> dict[str, Any]:
    return {
        "is_mse": is_mse,
        "mse_category": mse_category,
        "is_startup": is_startup,
        "segments": ["MSE"] if is_mse else [],
        "turnover_paise_by_year": [],
        "experience_years": 5,
        "past_performance_percent": "0",
    }


def make_submission(
    bid: Bid,
    firm: SellerFirm,
    user: User,
    *,
    prices: Mapping[int, int],
    quantities: Mapping[int, int] | None = None,
    mii_class: str = "NON_LOCAL",
    local_content_percent: int = 0,
    seller: Mapping[str, Any] | None = None,
) -> Submission:
    """A sealed submission quoting `prices` (position → unit price, paise)."""
    item_quantities = {item.position: item.quantity for item in bid.items.all()}
    technical = {
        "version": packets.PACKET_VERSION,
        "items": [
            {
                "position": position,
                "offer_id": None,
                "product_id": None,
                "title": f"Offered item {position}",
                "brand": firm.name,
                "model": "M-1",
                "manufacturer": firm.name,
                "mii_class": mii_class,
                "local_content_percent": local_content_percent,
                "specs": {},
                "remarks": "",
            }
            for position in sorted(prices)
        ],
        "seller": dict(seller or seller_profile()),
        "declarations": {"land_border": False},
        "receipts": [],
    }
    financial = {
        "version": packets.PACKET_VERSION,
        "items": [
            {
                "position": position,
                "unit_price_paise": price,
                "quantity": (quantities or {}).get(position, item_quantities[position]),
            }
            for position, price in sorted(prices.items())
        ],
    }
    keys = BidKeys.objects.get(bid=bid)
    technical_sealed = sealing.seal(
        bytes(keys.technical_public),
        packets.encode(technical),
        sealing.packet_aad(bid.pk, firm.pk, sealing.TECHNICAL),
    )
    financial_sealed = sealing.seal(
        bytes(keys.financial_public),
        packets.encode(financial),
        sealing.packet_aad(bid.pk, firm.pk, sealing.FINANCIAL),
    )
    return Submission.objects.create(
        bid=bid,
        seller_firm=firm,
        submitted_by=user,
        technical_sealed=technical_sealed,
        financial_sealed=financial_sealed,
        sealed_digest=sealing.digest(technical_sealed, financial_sealed),
    )
