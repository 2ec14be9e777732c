"""RA-1..4: who qualifies for a reverse auction, the minimum decrement, the
end-time extensions and the ranking replayed from the bid log.

An auction is a fold over its bid log: `ra_open` gives the state before any
bid, `ra_apply` applies one logged bid (accepting or refusing it) and
`ra_replay` folds a whole log. The service appends each bid to the log under
a row lock with the next sequence number and calls `ra_apply` on the stored
state; RA-4 then holds by construction: the live ranking is the ranking
`ra_replay` computes from the stored log, whatever order the rows are read in.

Our readings where DOMAIN is silent:
- RA-1 "lowest-priced 50%": the number is rounded up, at least the minimum
  (2), and every bidder tied at the cut-off price qualifies too. H1
  elimination removes every bidder at the highest price, unless fewer than the
  minimum would remain, in which case nobody is removed. The auction is held
  only with at least the minimum of qualified bidders.
- RA-2: the minimum decrement is rounded up to whole paise; a bidder's first
  bid must be one decrement below the start price (the L1 price).
- RA-3: a bid with at most N minutes left extends the current end by N
  minutes; all extensions together never pass the cap.
- RA-4: equal final prices rank by who bid that price first (the lower
  sequence number); bidders who never bid keep their financial price and tie
  among themselves by the seeded draw (BID-7)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from kraya.bids.rules.common import (
    BidError,
    Decision,
    Quote,
    ceil_paise,
    checked_quotes,
    fraction,
    iso,
    percent_text,
    ranked,
    require_aware,
    require_count,
    require_id,
    require_paise,
    require_seed,
)
from kraya.core.draws import tie_break_rank
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt

SECTION = "reverse_auction"
QualificationRule = Literal["lowest_percent", "h1_elimination"]


# --- RA-1: qualification ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Qualification:
    """RA-1: the qualified bidders (from L1 down), the eliminated ones, the
    start price (the qualified L1's price), and whether the auction is held."""

    held: bool
    code: str
    qualified: tuple[str, ...]
    eliminated: tuple[str, ...]
    start_price_paise: int | None
    receipt: DecisionReceipt


def _lowest_percent(order: Sequence[Quote], percent: Decimal, minimum: int) -> int:
    count = min(len(order), max(minimum, math.ceil(len(order) * fraction(percent))))
    if count == 0:
        return 0
    cut_price = order[count - 1].price_paise
    while count < len(order) and order[count].price_paise == cut_price:
        count += 1  # a tie at the cut-off qualifies together
    return count


def _h1_elimination(order: Sequence[Quote], minimum: int) -> int:
    if not order:
        return 0
    highest = order[-1].price_paise
    remaining = sum(1 for quote in order if quote.price_paise < highest)
    return remaining if remaining >= minimum else len(order)


def ra_qualification(
    *,
    quotes: Iterable[Quote],
    policy: Policy,
    seed: str,
    rule: QualificationRule | None = None,
    lowest_percent: Decimal | None = None,
    min_bidders: int | None = None,
) -> Qualification:
    """RA-1: the bidders who take part in the reverse auction after financial
    opening (the buyer's rule, or the policy default), ranked by BID-7."""
    section = policy.reverse_auction
    chosen = rule or section.qualification_rule
    percent = section.qualification_lowest_percent if lowest_percent is None else lowest_percent
    minimum = section.qualification_min_bidders if min_bidders is None else min_bidders
    require_count(minimum, "min_bidders", minimum=1)
    fraction(percent)
    if chosen not in ("lowest_percent", "h1_elimination"):
        raise BidError("bids.ra_rule_unknown", "rule", f"no qualification rule {chosen!r}")
    listed = checked_quotes(quotes)
    order = ranked(listed, seed)
    if chosen == "lowest_percent":
        count = _lowest_percent(order, percent, minimum)
    else:
        count = _h1_elimination(order, minimum)
    qualified = tuple(quote.bidder_id for quote in order[:count])
    eliminated = tuple(quote.bidder_id for quote in order[count:])
    held = len(qualified) >= minimum
    code = "" if held else "bids.ra_too_few_bidders"
    start = order[0].price_paise if held else None
    receipt = DecisionReceipt(
        kind="bids.ra_qualification",
        rules=("RA-1", "BID-7"),
        policy=(policy.receipt(SECTION),),
        inputs={
            "quotes": [quote.as_json() for quote in listed],
            "rule": chosen,
            "lowest_percent": percent_text(percent),
            "min_bidders": minimum,
            "seed": seed,
        },
        outcome={
            "held": held,
            "code": code,
            "qualified": list(qualified),
            "eliminated": list(eliminated),
            "start_price_paise": start,
        },
        message="bids.ra.qualified" if held else "bids.ra_too_few_bidders",
        params={
            "rule": chosen,
            "qualified": len(qualified),
            "eliminated": len(eliminated),
            "min_bidders": minimum,
            "start_price_paise": start,
        },
    )
    return Qualification(held, code, qualified, eliminated, start, receipt)


# --- RA-2: the minimum decrement ----------------------------------------------------------


def min_decrement_paise(start_price_paise: int, policy: Policy) -> int:
    """RA-2: the minimum decrement, a percentage of the start price rounded up
    to whole paise (at least one paisa)."""
    require_paise(start_price_paise, "start_price_paise", positive=True)
    return max(1, ceil_paise(start_price_paise, policy.reverse_auction.min_decrement_percent))


def ra_bid_check(
    *, price_paise: int, own_last_paise: int | None, start_price_paise: int, policy: Policy
) -> Decision:
    """RA-2: a new bid must be below the bidder's own last bid (the start price
    for a first bid) by at least the minimum decrement."""
    require_paise(price_paise, "price_paise", positive=True)
    ceiling = start_price_paise if own_last_paise is None else own_last_paise
    require_paise(ceiling, "own_last_paise", positive=True)
    decrement = min_decrement_paise(start_price_paise, policy)
    highest_allowed = ceiling - decrement
    allowed = price_paise <= highest_allowed
    code = "" if allowed else "bids.ra_decrement_too_small"
    receipt = DecisionReceipt(
        kind="bids.ra_bid",
        rules=("RA-2",),
        policy=(policy.receipt(SECTION),),
        inputs={
            "price_paise": price_paise,
            "own_last_paise": own_last_paise,
            "start_price_paise": start_price_paise,
        },
        outcome={"allowed": allowed, "code": code, "highest_allowed_paise": highest_allowed},
        message="bids.ra.bid_accepted" if allowed else code,
        params={
            "price_paise": price_paise,
            "highest_allowed_paise": highest_allowed,
            "decrement_paise": decrement,
        },
    )
    return Decision(allowed, "RA-2", code, receipt)


# --- RA-3: duration and extensions --------------------------------------------------------


def ra_scheduled_end(starts_at: dt.datetime, policy: Policy) -> dt.datetime:
    """RA-3: the end before any extension (default 2 hours after the start)."""
    require_aware(starts_at, "starts_at")
    return starts_at + dt.timedelta(minutes=policy.reverse_auction.duration_minutes)


def ra_extended_end(
    *, bid_at: dt.datetime, end_at: dt.datetime, scheduled_end_at: dt.datetime, policy: Policy
) -> dt.datetime:
    """RA-3: the end after an accepted bid at `bid_at`: a bid with at most N
    minutes left moves the end N minutes later, never past the scheduled end
    plus the cap on extensions."""
    for name, moment in (("bid_at", bid_at), ("end_at", end_at), ("scheduled", scheduled_end_at)):
        require_aware(moment, name)
    section = policy.reverse_auction
    if end_at - bid_at > dt.timedelta(minutes=section.extension_window_minutes):
        return end_at
    cap = scheduled_end_at + dt.timedelta(minutes=section.max_total_extension_minutes)
    return min(end_at + dt.timedelta(minutes=section.extension_minutes), cap)


# --- RA-4: the bid log, its fold and the ranking ------------------------------------------


@dataclass(frozen=True, slots=True)
class AuctionBid:
    """One row of the bid log: its sequence number (strictly increasing, given
    under the auction's row lock), the bidder, the price and the time."""

    sequence: int
    bidder_id: str
    price_paise: int
    at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "bidder_id": self.bidder_id,
            "price_paise": self.price_paise,
            "at": iso(self.at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuctionBid:
        return cls(
            sequence=data["sequence"],
            bidder_id=data["bidder_id"],
            price_paise=data["price_paise"],
            at=dt.datetime.fromisoformat(data["at"]),
        )


@dataclass(frozen=True, slots=True)
class Standing:
    """A bidder's place in the ranking: rank 1 is L1."""

    rank: int
    bidder_id: str
    price_paise: int
    sequence: int | None  # the log row that set the price; None: the financial quote


@dataclass(frozen=True)
class AuctionState:
    """The auction after some prefix of its log. `last` maps a bidder to its
    last accepted (price, sequence); `quotes` are the financial prices."""

    quotes: Mapping[str, int]
    seed: str
    start_price_paise: int
    starts_at: dt.datetime
    scheduled_end_at: dt.datetime
    end_at: dt.datetime
    last_sequence: int = 0
    last_at: dt.datetime | None = None
    last: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    accepted: tuple[int, ...] = ()
    refused: tuple[tuple[int, str], ...] = ()

    def ranking(self) -> tuple[Standing, ...]:
        """RA-4: lowest price first; an equal RA price by the earlier bid; bidders
        who never bid by their financial price and the seeded draw."""

        def key(bidder_id: str) -> tuple[int, int, int, str]:
            if bidder_id in self.last:
                price, sequence = self.last[bidder_id]
                return price, 0, sequence, bidder_id
            return self.quotes[bidder_id], 1, 0, tie_break_rank(self.seed, bidder_id)

        order = sorted(self.quotes, key=key)
        return tuple(
            Standing(
                rank=index,
                bidder_id=bidder_id,
                price_paise=self.last[bidder_id][0]
                if bidder_id in self.last
                else self.quotes[bidder_id],
                sequence=self.last[bidder_id][1] if bidder_id in self.last else None,
            )
            for index, bidder_id in enumerate(order, start=1)
        )

    def own_rank(self, bidder_id: str) -> int:
        """RA-2: all a bidder is shown: its own rank, never others' prices or names."""
        for standing in self.ranking():
            if standing.bidder_id == bidder_id:
                return standing.rank
        raise BidError("bids.ra_not_qualified", "bidder_id", f"{bidder_id} is not in the auction")


def ra_open(
    *, qualified: Iterable[Quote], starts_at: dt.datetime, seed: str, policy: Policy
) -> AuctionState:
    """RA-1, RA-3: the auction before its first bid; it starts from the L1
    price of the qualified bidders (`Qualification.qualified` with their quotes)."""
    listed = checked_quotes(qualified)
    require_seed(seed)
    if len(listed) < 1:
        raise BidError("bids.ra_no_bidders", "qualified", "an auction needs qualified bidders")
    end = ra_scheduled_end(starts_at, policy)
    return AuctionState(
        quotes={quote.bidder_id: quote.price_paise for quote in listed},
        seed=seed,
        start_price_paise=min(quote.price_paise for quote in listed),
        starts_at=starts_at,
        scheduled_end_at=end,
        end_at=end,
    )


def _refusal(state: AuctionState, bid: AuctionBid, policy: Policy) -> str:
    if bid.bidder_id not in state.quotes:
        return "bids.ra_not_qualified"
    if bid.at < state.starts_at:
        return "bids.ra_not_started"
    if bid.at >= state.end_at:
        return "bids.ra_closed"
    own = state.last.get(bid.bidder_id)
    return ra_bid_check(
        price_paise=bid.price_paise,
        own_last_paise=None if own is None else own[0],
        start_price_paise=state.start_price_paise,
        policy=policy,
    ).code


def ra_apply(state: AuctionState, bid: AuctionBid, policy: Policy) -> tuple[AuctionState, str]:
    """RA-2..4: the state after one logged bid, and the refusal code (blank when
    accepted). A refused bid stays in the log but changes no price. Sequence
    numbers must rise strictly and times must not go back: the log is ordered."""
    require_count(bid.sequence, "sequence", minimum=1)
    require_id(bid.bidder_id, "bidder_id")
    require_paise(bid.price_paise, "price_paise", positive=True)
    require_aware(bid.at, "at")
    if bid.sequence <= state.last_sequence:
        raise BidError("bids.ra_sequence_out_of_order", "sequence", f"{bid.sequence} is not new")
    if state.last_at is not None and bid.at < state.last_at:
        raise BidError("bids.ra_time_out_of_order", "at", f"bid {bid.sequence} goes back in time")
    code = _refusal(state, bid, policy)
    moved = replace(state, last_sequence=bid.sequence, last_at=bid.at)
    if code:
        return replace(moved, refused=(*state.refused, (bid.sequence, code))), code
    end = ra_extended_end(
        bid_at=bid.at, end_at=state.end_at, scheduled_end_at=state.scheduled_end_at, policy=policy
    )
    last = {**state.last, bid.bidder_id: (bid.price_paise, bid.sequence)}
    return replace(moved, end_at=end, last=last, accepted=(*state.accepted, bid.sequence)), ""


@dataclass(frozen=True, slots=True)
class AuctionResult:
    """RA-4: the final ranking replayed from the log, the final end time, and
    the receipt (with the refused log rows and their codes)."""

    ranking: tuple[Standing, ...]
    end_at: dt.datetime
    state: AuctionState
    receipt: DecisionReceipt


def ra_replay(
    *,
    qualified: Iterable[Quote],
    starts_at: dt.datetime,
    bids: Iterable[AuctionBid],
    seed: str,
    policy: Policy,
) -> AuctionResult:
    """RA-4: the auction replayed from its stored log, in sequence order
    (the order the rows are given in changes nothing)."""
    quotes = checked_quotes(qualified)
    state = ra_open(qualified=quotes, starts_at=starts_at, seed=seed, policy=policy)
    log = sorted(bids, key=lambda bid: bid.sequence)
    for bid in log:
        state, _ = ra_apply(state, bid, policy)
    ranking = state.ranking()
    section = policy.reverse_auction
    receipt = DecisionReceipt(
        kind="bids.ra",
        rules=("RA-2", "RA-3", "RA-4"),
        policy=(policy.receipt(SECTION),),
        inputs={
            "qualified": [quote.as_json() for quote in quotes],
            "starts_at": iso(starts_at),
            "bids": [bid.as_json() for bid in log],
            "seed": seed,
            "policy_values": {
                "min_decrement_percent": percent_text(section.min_decrement_percent),
                "duration_minutes": section.duration_minutes,
                "extension_window_minutes": section.extension_window_minutes,
                "extension_minutes": section.extension_minutes,
                "max_total_extension_minutes": section.max_total_extension_minutes,
            },
        },
        outcome={
            "ranking": [
                {"rank": s.rank, "bidder_id": s.bidder_id, "price_paise": s.price_paise}
                for s in ranking
            ],
            "start_price_paise": state.start_price_paise,
            "end_at": iso(state.end_at),
            "accepted": list(state.accepted),
            "refused": [{"sequence": sequence, "code": code} for sequence, code in state.refused],
        },
        message="bids.ra.result",
        params={
            "l1_bidder_id": ranking[0].bidder_id,
            "l1_price_paise": ranking[0].price_paise,
            "start_price_paise": state.start_price_paise,
            "accepted": len(state.accepted),
            "end_at": iso(state.end_at),
        },
    )
    return AuctionResult(ranking, state.end_at, state, receipt)
