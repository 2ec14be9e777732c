"""RA-4 under concurrency, on PostgreSQL (row locks are real there; SQLite
serialises whole transactions, so these tests run only on PostgreSQL): many
bidders at once on one auction, each in its own thread and connection."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from kraya.bids.models import Auction, AuctionBid, AuctionEntry, Bid
from kraya.bids.services import auction as ra
from kraya.bids.services._common import bid_policy
from kraya.core import clock
from tests.bids.test_auction_services import started

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
]

BIDDERS = 8
ROUNDS = 12


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database
    connection; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_ra4_concurrent_bids_are_strictly_ordered_none_lost_and_the_replay_matches(world):
    # H1 elimination: of nine bidders only the highest drops out, eight bid.
    prices = [9_000_00 + 1_000 * n for n in range(BIDDERS + 1)]
    ready, auction = started(world, prices, ra_qualification=Bid.RaQualification.H1_ELIMINATION)
    entries = {e.seller_firm_id: e for e in AuctionEntry.objects.filter(auction=auction)}
    bidders = [s for s in ready.sellers if s.firm.pk in entries]
    assert len(bidders) == BIDDERS
    step = auction.min_decrement_paise

    def bidder(index: int) -> Callable[[], list[Any]]:
        seller = bidders[index]

        def run() -> list[Any]:
            outcomes = []
            price = auction.start_price_paise - step * (index + 1)
            for number in range(ROUNDS):
                if number % 4 == 3:  # too small a decrement: refused, and logged
                    attempt = price + step - 1
                else:
                    attempt, price = price, price - step
                ref = f"{index}-{number}"
                for _ in range(2 if number % 5 == 0 else 1):  # some retries of the same bid
                    outcomes.append(
                        (
                            ref,
                            ra.auction_bid(
                                acting_user=seller.user,
                                auction_id=auction.pk,
                                price_paise=attempt,
                                client_ref=ref,
                            ),
                        )
                    )
            return outcomes

        return run

    # A bidder racing itself with one reference from two threads bids once.
    twin_ref = "twin"

    def twin() -> Any:
        return ra.auction_bid(
            acting_user=bidders[0].user,
            auction_id=auction.pk,
            price_paise=1_000_00,
            client_ref=twin_ref,
        )

    with clock.frozen_at(auction.starts_at + dt.timedelta(minutes=30)):
        results = race([bidder(i) for i in range(BIDDERS)] + [twin, twin])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []

    log = list(AuctionBid.objects.filter(auction=auction).order_by("sequence"))
    sequences = [row.sequence for row in log]
    # Strictly ordered: 1..N without a gap or a repeat.
    assert sequences == list(range(1, len(log) + 1))
    expected_rows = BIDDERS * ROUNDS + 1  # retries and the twin add nothing
    assert len(log) == expected_rows
    assert Auction.objects.get(pk=auction.pk).last_sequence == expected_rows

    by_sequence = {row.sequence: row for row in log}
    accepted_seen = 0
    for index, outcomes in enumerate(results[:BIDDERS]):
        first: dict[str, Any] = {}
        for ref, outcome in outcomes:
            if ref in first:  # a retry answers the first outcome
                assert outcome.replayed and outcome.sequence == first[ref].sequence
                continue
            first[ref] = outcome
            row = by_sequence[outcome.sequence]  # nothing accepted is missing from the log
            assert row.entry.seller_firm_id == bidders[index].firm.pk
            code = "" if outcome.accepted else outcome.code
            assert (row.price_paise, row.code) == (outcome.price_paise, code)
            accepted_seen += outcome.accepted
    twins = results[BIDDERS:]
    assert twins[0].sequence == twins[1].sequence and twins[0].accepted
    assert sorted(t.replayed for t in twins) == [False, True]
    # Every bidder's accepted prices strictly decrease along the log.
    for seller in bidders:
        mine = [
            r.price_paise for r in log if r.entry.seller_firm_id == seller.firm.pk and not r.code
        ]
        assert all(a > b for a, b in itertools.pairwise(mine))
    assert accepted_seen + sum(1 for t in twins if t.accepted and not t.replayed) == sum(
        1 for r in log if not r.code
    )
    # RA-4: the live ranking (from the entries) equals the replay of the log.
    fresh = Auction.objects.get(pk=auction.pk)
    result = ra.auction_check(fresh, bid_policy(ready.bid))
    assert result.ranking[0].price_paise == 1_000_00  # the twin's bid is L1
    closed = ra.auction_close(auction.pk, now=fresh.end_at)
    assert closed.result["outcome"]["accepted"] == [r.sequence for r in log if not r.code]
