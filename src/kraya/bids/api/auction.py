"""The auction part of the bids API (see `kraya.bids.api`): reverse auctions
(RA-1..4).

- `GET /bids/{bid_id}/auctions`: the bid's auctions (status, times; a
  qualified bidder's own rank);
- `GET /bids/auctions/{auction_id}`: one auction: status, start price,
  minimum decrement, end time, time left; for a qualified bidder its own rank,
  last bid and the minimum next bid (RA-2: never others' prices or names);
  for the bid's office the number of bids so far; after the close the final
  ranking with its explanation (RA-4);
- `POST /bids/auctions/{auction_id}/bids`: a bid (`price_paise`,
  `client_ref`: a retry with the same `client_ref` answers the first
  outcome). 200 when accepted; 409 with the code when refused
  (`bids.ra_decrement_too_small`, `bids.ra_not_started`, `bids.ra_closed`) —
  the refused bid stays in the log; 403 `bids.ra_not_qualified` for anyone
  but the auction's qualified bidders. Served first by `auction_hot` (the
  lean path for token bids on PostgreSQL, same answers), which hands every
  other request to this operation;
- `GET /bids/auctions/{auction_id}/log`: the full bid log with names and
  prices, after the close only (409 `bids.ra_not_closed` before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.schemas import error_responses
from kraya.bids.models import Auction
from kraya.bids.selectors import auction as selectors
from kraya.bids.services import auction as services
from kraya.bids.services._common import message
from kraya.core.errors import Conflict
from kraya.core.money import format_rupees

router = Router(tags=["bids"])


# --- schemas ---------------------------------------------------------------------------------


class AuctionBidIn(Schema):
    price_paise: int = Field(gt=0, description="Your new total price for the lot, in paise.")
    client_ref: str = Field(
        min_length=1,
        max_length=64,
        description="Your reference for this bid: a retry with the same one answers the first "
        "outcome and bids nothing twice.",
    )


class BidOutcomeOut(Schema):
    auction_id: int
    accepted: bool
    code: str
    message: str
    sequence: int
    price_paise: int
    own_rank: int
    own_last_paise: int | None
    min_next_bid_paise: int
    end_at: dt.datetime
    time_left_s: int
    replayed: bool


class OwnStandingOut(Schema):
    rank: int
    last_price_paise: int | None
    min_next_bid_paise: int
    quote_paise: int
    bids_placed: int


class FinalRowOut(Schema):
    rank: int
    seller: str
    price_paise: int
    from_auction: bool


class AuctionOut(Schema):
    id: int
    bid_id: int
    bid_number: str
    lot_number: int
    status: str
    starts_at: dt.datetime
    scheduled_end_at: dt.datetime
    end_at: dt.datetime
    time_left_s: int
    start_price_paise: int
    min_decrement_paise: int
    qualified: bool | None = Field(
        description="For a seller: whether its firm bids in this auction; null for others."
    )
    own: OwnStandingOut | None
    bids_so_far: int | None = Field(description="For the bid's office only; never prices.")
    closed_at: dt.datetime | None
    final_ranking: list[FinalRowOut] | None
    explanation: str


class AuctionSummaryOut(Schema):
    id: int
    lot_number: int
    status: str
    starts_at: dt.datetime
    end_at: dt.datetime
    own_rank: int | None


class LogRowOut(Schema):
    sequence: int
    seller: str
    price_paise: int
    at: dt.datetime
    accepted: bool
    code: str


# --- helpers ---------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _is_seller(actor: Actor) -> bool:
    return any(m.seller_firm_id is not None for m in actor.memberships)


def auction_out(actor: Actor, auction: Auction) -> dict[str, Any]:
    view = selectors.auction_view(actor=actor, auction=auction)
    own = view.own
    return {
        "id": auction.pk,
        "bid_id": view.bid.pk,
        "bid_number": view.bid.number,
        "lot_number": auction.lot.number,
        "status": auction.status,
        "starts_at": auction.starts_at,
        "scheduled_end_at": auction.scheduled_end_at,
        "end_at": auction.end_at,
        "time_left_s": view.time_left_s,
        "start_price_paise": auction.start_price_paise,
        "min_decrement_paise": auction.min_decrement_paise,
        "qualified": (own is not None) if _is_seller(actor) else None,
        "own": asdict(own) if own is not None else None,
        "bids_so_far": view.bids_so_far,
        "closed_at": auction.closed_at,
        "final_ranking": [asdict(row) for row in view.final] if view.final is not None else None,
        "explanation": view.explanation,
    }


# --- operations ------------------------------------------------------------------------------


@router.get(
    "/{bid_id}/auctions",
    response={200: list[AuctionSummaryOut], **error_responses(401, 404)},
    summary="The reverse auctions of a bid, lot by lot (RA-1)",
)
def bid_auctions(request: HttpRequest, bid_id: int) -> Any:
    actor = _actor(request)
    _, auctions = selectors.bid_auctions(actor=actor, bid_id=bid_id)
    rows = []
    for auction in auctions:
        entry = selectors.own_entry(actor=actor, auction=auction)
        rows.append(
            {
                "id": auction.pk,
                "lot_number": auction.lot.number,
                "status": auction.status,
                "starts_at": auction.starts_at,
                "end_at": auction.end_at,
                "own_rank": selectors.entry_rank(auction, entry) if entry is not None else None,
            }
        )
    return rows


@router.get(
    "/auctions/{auction_id}",
    response={200: AuctionOut, **error_responses(401, 404)},
    summary="A reverse auction: own rank for a bidder, nothing of others before the close",
)
def auction_get(request: HttpRequest, auction_id: int) -> Any:
    actor = _actor(request)
    return auction_out(actor, selectors.auction_get(actor=actor, auction_id=auction_id))


@router.post(
    "/auctions/{auction_id}/bids",
    response={200: BidOutcomeOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Bid in a reverse auction (RA-2, RA-3)",
)
def auction_bid(request: HttpRequest, auction_id: int, payload: AuctionBidIn) -> Any:
    """A refused bid is logged (RA-4) and answered 409 with its code; a retry
    with the same `client_ref` answers the same."""
    user = request.user
    assert isinstance(user, User)
    # The hot path: the bidder's memberships are joined into the service's
    # first query instead of loaded here (`auction_bid`).
    outcome = services.auction_bid(
        acting_user=user,
        token_membership_id=getattr(request, "api_token_membership_id", None),
        auction_id=auction_id,
        price_paise=payload.price_paise,
        client_ref=payload.client_ref,
    )
    if not outcome.accepted:
        fields = {}
        if outcome.code == "bids.ra_decrement_too_small":
            fields["price_paise"] = [
                message("bids.ra_bid_at_most", price=format_rupees(outcome.min_next_bid_paise))
            ]
        raise Conflict(message(outcome.code), code=outcome.code, fields=fields)
    return asdict(outcome)


@router.get(
    "/auctions/{auction_id}/log",
    response={200: list[LogRowOut], **error_responses(401, 404, 409)},
    summary="The bid log with names and prices, after the close (RA-4)",
)
def auction_log(request: HttpRequest, auction_id: int) -> Any:
    actor = _actor(request)
    auction = selectors.auction_get(actor=actor, auction_id=auction_id)
    return [asdict(row) for row in selectors.auction_log(actor=actor, auction=auction)]
