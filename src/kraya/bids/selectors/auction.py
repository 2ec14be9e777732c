"""What each user may read of a reverse auction (RA-2, RA-4).

- anyone who sees the bid (`may_see_bid`): the auction's status, times, start
  price and minimum decrement;
- a qualified bidder: its own rank, its own last bid and the minimum next
  bid — never others' prices or names while the auction runs (RA-2);
- the bid's office (its Buyers, members, Primary User) and operators: the
  number of bids so far, not their prices;
- after the close, everyone who sees the bid: the full log with names and
  prices and the final ranking with its explained receipt (RA-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.bids import rules
from kraya.bids.models import Auction, AuctionBid, AuctionEntry, Bid
from kraya.bids.selectors import bid_get, is_bid_office_member, may_see_bid
from kraya.bids.services._common import MESSAGES, conflict, message
from kraya.core import clock
from kraya.core.draws import tie_break_rank
from kraya.core.errors import NotFound
from kraya.core.receipts import DecisionReceipt

MESSAGES.update(
    {
        "bids.ra_not_found": _("There is no such reverse auction."),
        "bids.ra_not_closed": _("The bid log is published when the reverse auction closes."),
    }
)

# The pages and the API read neither the qualification receipt nor the lot's
# receipts (each lists every quote) to show an auction.
UNREAD_JSON = (
    "qualification",
    "lot__ranking",
    "lot__auction_result",
    "lot__preference",
    "lot__bid__receipts",
    "lot__bid__additional_terms",
)

BIDDING_ROLES = frozenset({Role.SELLER_ADMIN, Role.SELLER_BIDDING})


def bidding_firm_ids(actor: Actor) -> list[int]:
    """The seller firms the actor bids for (seller admin or bidding user)."""
    return [
        m.seller_firm_id
        for m in actor.memberships
        if m.seller_firm_id is not None and m.role in BIDDING_ROLES
    ]


def bidders_ahead(auction: Auction, entry: AuctionEntry) -> QuerySet[AuctionEntry] | None:
    """The entries ranked before a bidder that has bid (None for one that has
    not: the seeded draw among equal quotes is not SQL)."""
    if entry.last_price_paise is None:
        return None
    price, sequence = entry.last_price_paise, entry.last_sequence
    return (
        AuctionEntry.objects.filter(auction_id=auction.pk)
        .exclude(pk=entry.pk)
        .filter(
            Q(last_price_paise__lt=price)
            | Q(last_price_paise=price, last_sequence__lt=sequence)
            | Q(last_price_paise__isnull=True, quote_paise__lt=price)
        )
    )


def entry_rank(auction: Auction, entry: AuctionEntry) -> int:
    """RA-2, RA-4: an entry's rank in one SQL count, the order of
    `rules.AuctionState.ranking`: the price, then the sequence of the bid that
    set it; bidders who never bid by their quote after those who bid at that
    price, tied among themselves by the seeded draw (BID-7)."""
    before = bidders_ahead(auction, entry)
    if before is not None:
        return before.count() + 1
    entries = AuctionEntry.objects.filter(auction_id=auction.pk).exclude(pk=entry.pk)
    quote = entry.quote_paise
    rows = list(
        entries.filter(
            Q(last_price_paise__lte=quote)
            | Q(last_price_paise__isnull=True, quote_paise__lte=quote)
        ).values_list("last_price_paise", "quote_paise", "submission_id")
    )
    mine = tie_break_rank(auction.seed, str(entry.submission_id))
    ahead = sum(
        1
        for last, other_quote, submission_id in rows
        if last is not None
        or other_quote < quote
        or tie_break_rank(auction.seed, str(submission_id)) < mine
    )
    return ahead + 1


def auction_get(*, actor: Actor, auction_id: int) -> Auction:
    """The auction, or NotFound when it does not exist or its bid is hidden."""
    auction = (
        Auction.objects.select_related("lot", "lot__bid", "lot__bid__office")
        .defer(*UNREAD_JSON)
        .filter(pk=auction_id)
        .first()
    )
    if auction is None or not may_see_bid(actor, auction.lot.bid):
        raise NotFound(message("bids.ra_not_found"), code="bids.ra_not_found")
    return auction


def own_entry(*, actor: Actor, auction: Auction) -> AuctionEntry | None:
    """The actor's firm's place in the auction, when it bids for a qualified firm."""
    firms = bidding_firm_ids(actor)
    if not firms:
        return None
    return AuctionEntry.objects.filter(auction=auction, seller_firm_id__in=firms).first()


def sees_bid_count(actor: Actor, bid: Bid) -> bool:
    """The office (and operators) follow how many bids arrived, never prices."""
    return is_bid_office_member(actor, bid)


@dataclass(frozen=True)
class OwnStanding:
    rank: int
    last_price_paise: int | None
    min_next_bid_paise: int
    quote_paise: int
    bids_placed: int


@dataclass(frozen=True)
class LogRow:
    sequence: int
    seller: str
    price_paise: int
    at: dt.datetime
    accepted: bool
    code: str


@dataclass(frozen=True)
class FinalRow:
    rank: int
    seller: str
    price_paise: int
    from_auction: bool


@dataclass(frozen=True)
class AuctionView:
    auction: Auction
    bid: Bid
    now: dt.datetime
    time_left_s: int
    own: OwnStanding | None
    may_bid: bool
    bids_so_far: int | None
    log: list[LogRow] | None
    final: list[FinalRow] | None
    explanation: str
    qualified: bool | None  # None: the actor bids for no firm

    @property
    def minutes_left(self) -> int:
        return self.time_left_s // 60

    @property
    def seconds_left(self) -> int:
        return self.time_left_s % 60

    @property
    def extended(self) -> bool:
        return self.auction.end_at > self.auction.scheduled_end_at


def own_standing(auction: Auction, entry: AuctionEntry) -> OwnStanding:
    ceiling = entry.last_price_paise or auction.start_price_paise
    return OwnStanding(
        rank=entry_rank(auction, entry),
        last_price_paise=entry.last_price_paise,
        min_next_bid_paise=max(0, ceiling - auction.min_decrement_paise),
        quote_paise=entry.quote_paise,
        bids_placed=AuctionBid.objects.filter(entry=entry).count(),
    )


def _names(auction: Auction) -> dict[str, str]:
    """Bidder id (submission pk) → firm name, for the published log."""
    return {
        str(submission_id): name
        for submission_id, name in AuctionEntry.objects.filter(auction=auction).values_list(
            "submission_id", "seller_firm__name"
        )
    }


def auction_log(*, actor: Actor, auction: Auction) -> list[LogRow]:
    """RA-4: the full bid log with names and prices — only after the close
    (`bids.ra_not_closed` before)."""
    if auction.status != Auction.Status.CLOSED:
        raise conflict("bids.ra_not_closed")
    return [
        LogRow(
            sequence=row.sequence,
            seller=row.entry.seller_firm.name,
            price_paise=row.price_paise,
            at=row.at,
            accepted=not row.code,
            code=row.code,
        )
        for row in AuctionBid.objects.filter(auction=auction)
        .select_related("entry__seller_firm")
        .order_by("sequence")
    ]


def final_ranking(auction: Auction) -> list[FinalRow]:
    """RA-4: the stored result's ranking, with the firms' names."""
    if not auction.result:
        return []
    names = _names(auction)
    return [
        FinalRow(
            rank=int(row["rank"]),
            seller=names.get(str(row["bidder_id"]), str(row["bidder_id"])),
            price_paise=int(row["price_paise"]),
            from_auction=str(row["bidder_id"]) in _bidders_who_bid(auction),
        )
        for row in auction.result["outcome"]["ranking"]
    ]


def _bidders_who_bid(auction: Auction) -> set[str]:
    inputs = (auction.result or {}).get("inputs", {})
    accepted = set((auction.result or {}).get("outcome", {}).get("accepted", []))
    return {str(b["bidder_id"]) for b in inputs.get("bids", []) if b["sequence"] in accepted}


def explanation(auction: Auction) -> str:
    """The English sentence of the RA-4 receipt (with the firm's name for L1)."""
    if not auction.result:
        return ""
    text = rules.explain(DecisionReceipt.from_dict(auction.result))
    l1 = str(auction.result["params"]["l1_bidder_id"])
    name = _names(auction).get(l1)
    return text.replace(f"L1 is {l1} ", f"L1 is {name} ") if name else text


def auction_view(*, actor: Actor, auction: Auction) -> AuctionView:
    """What `actor` may see of the auction now (see the module docstring)."""
    bid = auction.lot.bid
    now = clock.now()
    entry = own_entry(actor=actor, auction=auction)
    closed = auction.status == Auction.Status.CLOSED
    return AuctionView(
        auction=auction,
        bid=bid,
        now=now,
        time_left_s=0 if closed else max(0, int((auction.end_at - now).total_seconds())),
        own=own_standing(auction, entry) if entry is not None else None,
        may_bid=entry is not None and not closed and auction.starts_at <= now < auction.end_at,
        bids_so_far=auction.last_sequence if sees_bid_count(actor, bid) else None,
        log=auction_log(actor=actor, auction=auction) if closed else None,
        final=final_ranking(auction) if closed else None,
        explanation=explanation(auction) if closed else "",
        qualified=(entry is not None) if bidding_firm_ids(actor) else None,
    )


def bid_auctions(*, actor: Actor, bid_id: int) -> tuple[Bid, list[Auction]]:
    """A visible bid and its auctions, lot by lot."""
    bid = bid_get(actor=actor, bid_id=bid_id)
    auctions = list(
        Auction.objects.defer(*UNREAD_JSON)
        .filter(lot__bid=bid)
        .select_related("lot", "lot__bid")
        .order_by("lot__number")
    )
    return bid, auctions
