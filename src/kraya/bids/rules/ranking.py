"""BID-7: the financial ranking of the qualified bids, L1 ties broken by the
recorded seeded draw of MODE-3 (`kraya.buying.rules.l1.tie_break_rank`: the
HMAC-SHA256 of the bidder id keyed by the seed), and its replay."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kraya.bids.rules.common import BidError, Quote, checked_quotes, ranked, require_seed
from kraya.core.draws import tie_break_rank
from kraya.core.receipts import DecisionReceipt


class ReplayMismatch(ValueError):
    """A stored ranking receipt that its own inputs do not reproduce."""

    code = "bids.replay_mismatch"


@dataclass(frozen=True, slots=True)
class FinancialRanking:
    """BID-7: the qualified bidders from L1 down; `tied` lists those at L1's
    price (more than one: the seeded draw decided, and is in the receipt)."""

    ranking: tuple[str, ...]
    l1_bidder_id: str
    l1_price_paise: int
    tied: tuple[str, ...]
    receipt: DecisionReceipt


def _financial_ranking(quotes: Sequence[Quote], seed: str) -> FinancialRanking:
    listed = checked_quotes(quotes)
    if not listed:
        raise BidError("bids.no_qualified_bids", "quotes", "nothing to rank")
    order = ranked(listed, require_seed(seed))
    l1 = order[0]
    tied = [q.bidder_id for q in order if q.price_paise == l1.price_paise]
    draw = (
        [{"bidder_id": b, "rank": tie_break_rank(seed, b)} for b in tied] if len(tied) > 1 else []
    )
    receipt = DecisionReceipt(
        kind="bids.financial_ranking",
        rules=("BID-7",),
        policy=(),
        inputs={"quotes": [q.as_json() for q in listed], "seed": seed},
        outcome={
            "ranking": [{"rank": i, **q.as_json()} for i, q in enumerate(order, start=1)],
            "tied": tied,
            "draw": draw,
        },
        message="bids.ranking.drawn" if draw else "bids.ranking.l1",
        params={
            "l1_bidder_id": l1.bidder_id,
            "l1_price_paise": l1.price_paise,
            "bidders": len(order),
            "tied": len(tied),
        },
    )
    return FinancialRanking(
        tuple(q.bidder_id for q in order), l1.bidder_id, l1.price_paise, tuple(tied), receipt
    )


def financial_ranking(*, quotes: Iterable[Quote], seed: str) -> FinancialRanking:
    """BID-7: rank the qualified financial bids, lowest price first; ties at any
    place are broken by the seeded draw of MODE-3 (HMAC of the bidder id keyed
    by the seed, `kraya.buying.rules.l1.tie_break_rank`). The seed comes from
    `new_tie_break_seed()` in the service, stored before opening."""
    return _financial_ranking(list(quotes), seed)


def replay_financial_ranking(receipt: DecisionReceipt) -> FinancialRanking:
    """BID-7: recompute a stored ranking from its own inputs; `ReplayMismatch`
    unless it reproduces the receipt exactly."""
    if receipt.kind != "bids.financial_ranking":
        raise ReplayMismatch(f"not a financial ranking receipt: {receipt.kind}")
    try:
        quotes = [Quote.from_json(item) for item in receipt.inputs["quotes"]]
        replayed = _financial_ranking(quotes, receipt.inputs["seed"])
    except (KeyError, TypeError, ValueError) as error:
        raise ReplayMismatch(f"the receipt's inputs cannot be replayed: {error!r}") from None
    if replayed.receipt != receipt:
        raise ReplayMismatch("the replayed ranking differs from the stored receipt")
    return replayed
