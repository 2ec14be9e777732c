"""Bids moved along their life for the tests of evaluation, preferences and
award: opened, evaluated and financially opened through the real services,
the clock moved (not slept)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kraya.bids.models import Bid, Submission
from kraya.bids.services import evaluation, opening
from kraya.core import clock
from tests.bids.factory import make_bid, make_submission, seller_profile
from tests.factories import make_seller_firm

MSE = seller_profile(is_mse=True, mse_category="manufacturer")


def sellers(world: Any, count: int) -> list[tuple[Any, Any]]:
    """`count` seller firms with their admins (world's two first)."""
    found = [
        (world.seller_firm, world.seller_admin),
        (world.other_seller_firm, world.other_seller_admin),
    ]
    while len(found) < count:
        found.append(make_seller_firm(name=f"Seller {len(found) + 1}"))
    return found[:count]


def opened_bid(
    world: Any, quotes: Sequence[dict[str, Any]], **bid_fields: Any
) -> tuple[Bid, list[Submission]]:
    """A bid whose technical packets are open (TECHNICAL_EVALUATION); each
    quote is make_submission's keywords (prices, seller, mii_class, ...)."""
    bid = make_bid(world, **bid_fields)
    submissions = [
        make_submission(bid, firm, user, **quote)
        for (firm, user), quote in zip(sellers(world, len(quotes)), quotes, strict=True)
    ]
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    bid.refresh_from_db()
    return bid, [Submission.objects.get(pk=s.pk) for s in submissions]


def ranked_bid(
    world: Any, quotes: Sequence[dict[str, Any]], **bid_fields: Any
) -> tuple[Bid, list[Submission]]:
    """A bid with every submission qualified and the financial bids opened
    (FINANCIAL_EVALUATION), the clock a day after the opening."""
    bid, submissions = opened_bid(world, quotes, **bid_fields)
    with clock.frozen_at(bid.opening_at + dt.timedelta(hours=1)):
        for submission in submissions:
            evaluation.technical_evaluate(
                acting_user=world.buyer, submission=submission, qualified=True
            )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=1)):
        evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
    bid.refresh_from_db()
    return bid, [Submission.objects.get(pk=s.pk) for s in submissions]
