"""Reads of bids for the publication pages and API: the list for an actor,
one bid with its items, lots and corrigenda, the receipts that may be shown,
and the demands a Buyer may turn into a bid.

Nothing here reads a submission (BID-5), counts them (BID-4), or returns the
`bids.less_competition` receipt before the technical opening (its inputs
hold the number of submissions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from kraya.accounts.models import Role, User
from kraya.accounts.selectors import Actor
from kraya.bids import states
from kraya.bids.models import Bid, BidItem, Corrigendum
from kraya.bids.selectors import bid_get, bids_visible, may_manage_bid
from kraya.buying.models import Demand
from kraya.buying.selectors import demand_to_act_on, office_members
from kraya.core import clock

# Receipts whose inputs are sealed until the technical opening (BID-4).
SEALED_RECEIPT_KINDS = frozenset({"bids.less_competition"})


def bids_for(*, actor: Actor, status: str = "") -> QuerySet[Bid]:
    """The bids the actor may see (published bids, the drafts of their
    offices), newest first, with the number of corrigenda for the
    "updated" marker."""
    rows = bids_visible(actor=actor).select_related("office")
    if status:
        rows = rows.filter(status=status)
    return rows.annotate(corrigenda_count=Count("corrigenda")).order_by("-created_at", "-id")


def bid_detail(*, actor: Actor, bid_id: int) -> Bid:
    """One bid the actor may see (NotFound otherwise), with what its page shows."""
    bid = bid_get(actor=actor, bid_id=bid_id)
    return (
        Bid.objects.select_related(
            "office", "office__organisation", "buyer", "consignee", "paying_authority", "demand"
        )
        .prefetch_related(
            Prefetch("items", queryset=BidItem.objects.select_related("category", "lot")),
            "lots",
            Prefetch("corrigenda", queryset=Corrigendum.objects.order_by("version")),
        )
        .get(pk=bid.pk)
    )


def shown_receipts(bid: Bid) -> list[dict[str, Any]]:
    """The bid's decision receipts anyone who sees the bid may read: all but
    the BID-4 end receipt before the technical opening."""
    if bid.status in states.SEALED_TECHNICAL:
        return [r for r in bid.receipts if r.get("kind") not in SEALED_RECEIPT_KINDS]
    return list(bid.receipts)


def extended_for_less_competition(bid: Bid) -> bool:
    """BID-4's public notice: the end moved once "due to less competition"
    (never how many bids arrived)."""
    return bid.extensions > 0


def time_left(bid: Bid, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the bid is still open for bids, or None when it is not."""
    if bid.status != states.PUBLISHED:
        return None
    left = bid.end_at - (now or clock.now())
    return left if left > dt.timedelta(0) else None


@dataclass(frozen=True, slots=True)
class Links:
    """What the actor may do on the bid page, by role and state."""

    manage: bool
    edit: bool
    publish: bool
    amend: bool
    cancel: bool
    submit: bool
    evaluate: bool
    auction: bool


AUCTION_STATES = frozenset(
    {states.REVERSE_AUCTION, states.MATCHING, states.AWARD_PENDING, states.AWARDED}
)


def bid_links(*, actor: Actor, bid: Bid, now: dt.datetime | None = None) -> Links:
    manage = may_manage_bid(actor, bid)
    is_seller = any(
        m.seller_firm_id is not None and m.role in (Role.SELLER_ADMIN, Role.SELLER_BIDDING)
        for m in actor.memberships
    )
    open_for_bids = time_left(bid, now) is not None
    return Links(
        manage=manage,
        edit=manage and bid.status == states.DRAFT,
        publish=manage and bid.status == states.DRAFT,
        amend=manage and open_for_bids,
        cancel=manage and bid.status not in (states.AWARDED, states.CANCELLED),
        submit=is_seller and bid.status != states.DRAFT,
        evaluate=manage and bid.status not in (states.DRAFT, states.PUBLISHED, states.CANCELLED),
        auction=bid.reverse_auction
        and bid.status in AUCTION_STATES
        and (manage or is_seller or bid.office_id in {m.buyer_unit_id for m in actor.memberships}),
    )


def demand_for_bid(*, actor: Actor, demand_id: int) -> Demand:
    """A demand the actor may see (NotFound otherwise), with its lines."""
    demand = demand_to_act_on(actor=actor, demand_id=demand_id)
    return Demand.objects.select_related("office", "category", "consignee").get(pk=demand.pk)


def office_people(*, office: Any, role: str) -> list[User]:
    return office_members(office=office, role=role)
