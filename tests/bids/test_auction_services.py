"""RA-1..4 through the auction services, on the real database (SQLite and
PostgreSQL): the clock moved with `clock.frozen_at`, never slept.

`auction_ready` (a bid with a reverse auction, financially opened, with one
seller per price) is shared with the API, page and concurrency tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from kraya.accounts.models import SellerFirm, User
from kraya.bids import rules, states
from kraya.bids.models import (
    Auction,
    AuctionBid,
    AuctionEntry,
    Bid,
    BidLot,
    MatchInvitation,
    Submission,
    TechnicalEvaluation,
)
from kraya.bids.selectors.auction import entry_rank
from kraya.bids.services import auction as ra
from kraya.bids.services import opening
from kraya.bids.services._common import bid_policy
from kraya.core import clock
from kraya.core.audit import AuditEvent
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.core.receipts import DecisionReceipt
from tests.bids.factory import make_bid, make_submission
from tests.factories import make_seller_firm

pytestmark = pytest.mark.django_db

ITEM = ("Water purifier 9 L", 1, 10_000_00)  # one unit: the lot's price is the unit price


@dataclass
class Seller:
    firm: SellerFirm
    user: User
    submission: Submission


@dataclass
class Ready:
    bid: Bid
    sellers: list[Seller]
    opened_at: dt.datetime  # the financial opening; start auctions later


def auction_ready(world, prices: Sequence[int], **fields) -> Ready:
    """A bid with a reverse auction in FINANCIAL_EVALUATION: one qualified
    submission per price, the first two from `world`'s seller firms."""
    bid = make_bid(world, items=[ITEM], reverse_auction=True, **fields)
    people = [
        (world.seller_firm, world.seller_admin),
        (world.other_seller_firm, world.other_seller_admin),
    ]
    while len(people) < len(prices):
        people.append(make_seller_firm(name=f"Bidder {len(people) + 1}"))
    sellers = []
    for (firm, user), price in zip(people, prices, strict=False):
        submission = make_submission(bid, firm, user, prices={1: price})
        sellers.append(Seller(firm, user, submission))
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    TechnicalEvaluation.objects.bulk_create(
        TechnicalEvaluation(submission=s.submission, qualified=True, evaluated_by=world.buyer)
        for s in sellers
    )
    opened_at = bid.opening_at + dt.timedelta(days=1)
    with clock.frozen_at(opened_at):
        opening.financial_open(bid_id=bid.pk)
    return Ready(Bid.objects.get(pk=bid.pk), sellers, opened_at)


def started(world, prices: Sequence[int], **fields) -> tuple[Ready, Auction]:
    """`auction_ready`, then the auction started by the Buyer at `opened_at + 1h`."""
    ready = auction_ready(world, prices, **fields)
    with clock.frozen_at(ready.opened_at + dt.timedelta(hours=1)):
        (auction,) = ra.auction_start(acting_user=world.buyer, bid=ready.bid)
    return ready, auction


def place(auction: Auction, seller: Seller, price: int, ref: str, at: dt.datetime):
    with clock.frozen_at(at):
        return ra.auction_bid(
            acting_user=seller.user, auction_id=auction.pk, price_paise=price, client_ref=ref
        )


def counts() -> tuple[int, int, int, int]:
    return (
        Auction.objects.count(),
        AuctionEntry.objects.count(),
        AuctionBid.objects.count(),
        AuditEvent.objects.count(),
    )


# --- RA-1 ------------------------------------------------------------------------------------


def test_ra1_lowest_50_percent_rounded_up_qualify_and_the_auction_starts_from_l1(world):
    ready, auction = started(world, [10_000_00, 9_800_00, 9_700_00, 9_600_00, 9_599_99])
    ids = {str(s.submission.pk): s for s in ready.sellers}
    qualified = auction.qualification["outcome"]["qualified"]
    # 50% of 5 rounded up is 3: the three lowest, from L1 down.
    assert [ids[b].submission.pk for b in qualified] == [
        ready.sellers[4].submission.pk,
        ready.sellers[3].submission.pk,
        ready.sellers[2].submission.pk,
    ]
    assert auction.start_price_paise == 9_599_99  # the qualified L1
    # RA-2: 0.5% of 9,599.99 is 47.99995 rupees: rounded up to 4,800 paise.
    assert auction.min_decrement_paise == 4_800
    assert auction.status == Auction.Status.LIVE
    assert auction.end_at - auction.starts_at == dt.timedelta(hours=2)  # RA-3
    assert AuctionEntry.objects.filter(auction=auction).count() == 3
    bid = Bid.objects.get(pk=ready.bid.pk)
    assert bid.status == states.REVERSE_AUCTION
    assert "bids.start_auction" in AuditEvent.objects.values_list("action", flat=True)


def test_ra1_at_least_two_bidders_qualify_out_of_three(world):
    _, auction = started(world, [9_000_00, 9_500_00, 9_900_00])
    # 50% of 3 rounded up is 2, which is also the minimum.
    assert len(auction.qualification["outcome"]["qualified"]) == 2
    assert len(auction.qualification["outcome"]["eliminated"]) == 1


def test_ra1_h1_elimination_removes_only_the_highest_price(world):
    ready, auction = started(
        world,
        [9_000_00, 9_500_00, 9_900_00, 9_900_00],
        ra_qualification=Bid.RaQualification.H1_ELIMINATION,
    )
    eliminated = set(auction.qualification["outcome"]["eliminated"])
    assert eliminated == {str(ready.sellers[2].submission.pk), str(ready.sellers[3].submission.pk)}
    assert AuctionEntry.objects.filter(auction=auction).count() == 2


def test_ra1_a_single_bidder_holds_no_auction_and_the_refusal_changes_nothing(world):
    ready = auction_ready(world, [9_000_00])
    before = counts()
    at = ready.opened_at + dt.timedelta(hours=1)
    with clock.frozen_at(at), pytest.raises(Conflict) as refused:
        ra.auction_start(acting_user=world.buyer, bid=ready.bid)
    assert refused.value.code == "bids.ra_too_few_bidders"
    assert counts() == before
    assert Bid.objects.get(pk=ready.bid.pk).status == states.FINANCIAL_EVALUATION


def test_ra1_only_the_offices_buyer_starts_and_only_once(world):
    ready = auction_ready(world, [9_000_00, 9_500_00])
    before = counts()
    at = ready.opened_at + dt.timedelta(hours=1)
    for outsider in (world.other_buyer, world.consignee, world.seller_admin, world.primary):
        with clock.frozen_at(at), pytest.raises(PermissionDenied):
            ra.auction_start(acting_user=outsider, bid=ready.bid)
    assert counts() == before
    with clock.frozen_at(at):
        ra.auction_start(acting_user=world.buyer, bid=ready.bid)
        with pytest.raises(Conflict) as again:
            ra.auction_start(acting_user=world.buyer, bid=ready.bid)
    assert again.value.code == "bids.wrong_state"


def test_ra1_a_bid_without_reverse_auction_is_refused(world):
    ready = auction_ready(world, [9_000_00, 9_500_00])
    Bid.objects.filter(pk=ready.bid.pk).update(reverse_auction=False)
    with clock.frozen_at(ready.opened_at), pytest.raises(Conflict) as refused:
        ra.auction_start(acting_user=world.buyer, bid=Bid.objects.get(pk=ready.bid.pk))
    assert refused.value.code == "bids.ra_not_enabled"


def test_ra3_a_scheduled_auction_goes_live_at_its_start_by_the_tick(world):
    ready = auction_ready(world, [9_000_00, 9_500_00])
    start = ready.opened_at + dt.timedelta(days=1)
    with clock.frozen_at(ready.opened_at):
        with pytest.raises(ValidationFailed):
            ra.auction_start(
                acting_user=world.buyer, bid=ready.bid, starts_at=ready.opened_at - dt.timedelta(1)
            )
        (auction,) = ra.auction_start(acting_user=world.buyer, bid=ready.bid, starts_at=start)
    assert auction.status == Auction.Status.SCHEDULED
    early = place(auction, ready.sellers[0], 8_000_00, "early", start - dt.timedelta(minutes=1))
    assert (early.accepted, early.code, early.sequence) == (False, "bids.ra_not_started", 1)
    assert ra.auction_tick(start - dt.timedelta(seconds=1)) == 0
    assert ra.auction_tick(start) == 1
    assert Auction.objects.get(pk=auction.pk).status == Auction.Status.LIVE


# --- RA-2 ------------------------------------------------------------------------------------


def test_ra2_a_bid_must_go_down_by_the_decrement_and_a_refused_bid_is_logged(world):
    ready, auction = started(world, [9_000_00, 10_000_00, 11_000_00])
    at = auction.starts_at + dt.timedelta(minutes=5)
    l1, l2 = ready.sellers[0], ready.sellers[1]
    assert auction.min_decrement_paise == 4_500  # 0.5% of 9,000 rupees
    short = place(auction, l2, 9_000_00 - 4_499, "a", at)
    assert (short.accepted, short.code, short.sequence) == (False, "bids.ra_decrement_too_small", 1)
    assert short.min_next_bid_paise == 9_000_00 - 4_500
    ok = place(auction, l2, 9_000_00 - 4_500, "b", at)
    assert (ok.accepted, ok.sequence, ok.own_rank) == (True, 2, 1)
    assert ok.own_last_paise == 9_000_00 - 4_500
    # Its own last bid is now the ceiling, not the start price.
    again = place(auction, l2, 9_000_00 - 8_999, "c", at)
    assert again.code == "bids.ra_decrement_too_small"
    # The L1 of the financial opening is now second; it sees only its rank.
    first = place(auction, l1, 8_000_00, "d", at)
    assert (first.accepted, first.own_rank, first.sequence) == (True, 1, 4)
    log = list(AuctionBid.objects.filter(auction=auction).values_list("sequence", "code"))
    assert log == [
        (1, "bids.ra_decrement_too_small"),
        (2, ""),
        (3, "bids.ra_decrement_too_small"),
        (4, ""),
    ]


def test_ra2_only_qualified_bidders_of_this_auction_may_bid(world):
    ready, auction = started(world, [9_000_00, 9_500_00, 9_900_00])
    eliminated = ready.sellers[2]
    at = auction.starts_at + dt.timedelta(minutes=1)
    before = counts()
    for user in (eliminated.user, world.buyer, world.seller_catalogue):
        with pytest.raises(PermissionDenied):
            place(auction, Seller(eliminated.firm, user, eliminated.submission), 8_000_00, "x", at)
    with pytest.raises(ValidationFailed):
        place(auction, ready.sellers[0], 0, "x", at)
    with pytest.raises(ValidationFailed):
        place(auction, ready.sellers[0], 8_000_00, "", at)
    assert counts() == before


def test_ra2_a_retry_with_the_same_client_ref_answers_the_first_outcome(world):
    ready, auction = started(world, [9_000_00, 9_500_00])
    at = auction.starts_at + dt.timedelta(minutes=1)
    first = place(auction, ready.sellers[1], 8_900_00, "retry-1", at)
    retry = place(auction, ready.sellers[1], 8_000_00, "retry-1", at + dt.timedelta(seconds=3))
    assert (retry.sequence, retry.price_paise, retry.accepted) == (first.sequence, 8_900_00, True)
    assert retry.replayed and not first.replayed
    assert AuctionBid.objects.filter(auction=auction).count() == 1
    refused = place(auction, ready.sellers[1], 8_899_00, "retry-2", at)
    assert not place(auction, ready.sellers[1], 8_000_00, "retry-2", at).accepted  # still refused
    assert refused.code == "bids.ra_decrement_too_small"
    assert AuctionBid.objects.filter(auction=auction).count() == 2
    assert Auction.objects.get(pk=auction.pk).last_sequence == 2


# --- RA-3 ------------------------------------------------------------------------------------


def test_ra3_a_bid_in_the_last_10_minutes_extends_by_10_up_to_the_2_hour_cap(world):
    ready, auction = started(world, [9_000_00, 9_500_00])
    seller = ready.sellers[0]
    price = 9_000_00
    # 11 minutes before the end: no extension.
    price -= 5_000
    outcome = place(auction, seller, price, "early", auction.end_at - dt.timedelta(minutes=11))
    assert outcome.end_at == auction.scheduled_end_at
    end = auction.scheduled_end_at
    for number in range(12):  # twelve extensions of 10 minutes reach the cap of 2 hours
        price -= 5_000
        outcome = place(auction, seller, price, f"late-{number}", end - dt.timedelta(minutes=10))
        assert outcome.accepted and outcome.end_at == end + dt.timedelta(minutes=10)
        end = outcome.end_at
    assert end == auction.scheduled_end_at + dt.timedelta(hours=2)
    price -= 5_000
    capped = place(auction, seller, price, "capped", end - dt.timedelta(minutes=1))
    assert capped.accepted and capped.end_at == end
    late = place(auction, seller, price - 5_000, "after", end)
    assert (late.accepted, late.code) == (False, "bids.ra_closed")
    assert Auction.objects.get(pk=auction.pk).end_at == end


# --- RA-4 ------------------------------------------------------------------------------------


def test_ra4_the_close_replays_the_log_equal_to_the_live_ranking_and_moves_the_bid_on(world):
    ready, auction = started(world, [9_000_00, 9_500_00, 9_600_00, 9_700_00])
    a, b = ready.sellers[0], ready.sellers[1]
    at = auction.starts_at + dt.timedelta(minutes=10)
    place(auction, b, 8_950_00, "1", at)
    place(auction, a, 8_950_00, "2", at)  # the same price later ranks second
    place(auction, a, 8_951_00, "3", at)  # refused, logged
    with pytest.raises(Conflict) as early:
        ra.auction_close(auction.pk, now=at)
    assert early.value.code == "bids.ra_not_ended"
    assert ra.auction_tick(auction.end_at) == 1
    closed = Auction.objects.get(pk=auction.pk)
    assert closed.status == Auction.Status.CLOSED
    ranking = closed.result["outcome"]["ranking"]
    assert [row["bidder_id"] for row in ranking] == [str(b.submission.pk), str(a.submission.pk)]
    assert closed.result["outcome"]["refused"] == [
        {"sequence": 3, "code": "bids.ra_decrement_too_small"}
    ]
    lot = BidLot.objects.get(pk=auction.lot_id)
    assert lot.auction_result == closed.result
    assert rules.explain(DecisionReceipt.from_dict(closed.result)).startswith(
        "The reverse auction from ₹9,000 closed"
    )
    assert Bid.objects.get(pk=ready.bid.pk).status == states.MATCHING
    # In the same step the preference invitations are made (none here: no MSE, no MII).
    assert MatchInvitation.objects.filter(lot=lot).count() == 0
    assert "bids.invitations_created" in AuditEvent.objects.values_list("action", flat=True)
    # Idempotent: a second close or tick changes nothing.
    assert ra.auction_close(auction.pk).result == closed.result
    assert ra.auction_tick(auction.end_at + dt.timedelta(hours=1)) == 0
    with pytest.raises(Conflict) as after:
        place(auction, a, 8_000_00, "late", auction.end_at + dt.timedelta(minutes=1))
    assert after.value.code == "bids.ra_closed"
    assert AuctionBid.objects.filter(auction=auction).count() == 3


def test_ra4_a_lost_bid_is_caught_at_the_close_and_nothing_closes(world):
    ready, auction = started(world, [9_000_00, 9_500_00])
    at = auction.starts_at + dt.timedelta(minutes=10)
    place(auction, ready.sellers[1], 8_900_00, "1", at)
    place(auction, ready.sellers[0], 8_800_00, "2", at)
    AuctionBid.objects.filter(auction=auction, sequence=2).delete()  # a lost log row
    with pytest.raises(ra.AuctionReplayMismatch):
        ra.auction_close(auction.pk, now=auction.end_at)
    assert Auction.objects.get(pk=auction.pk).status == Auction.Status.LIVE
    assert Bid.objects.get(pk=ready.bid.pk).status == states.REVERSE_AUCTION


def test_ra4_the_one_query_rank_equals_the_rules_ranking(world):
    # Ties everywhere: equal quotes (the seeded draw) and equal auction prices.
    ready, auction = started(
        world,
        [9_000_00, 9_000_00, 9_000_00, 9_000_00, 9_100_00, 9_200_00, 9_300_00, 9_400_00],
    )
    entries = {e.seller_firm_id: e for e in AuctionEntry.objects.filter(auction=auction)}
    at = auction.starts_at + dt.timedelta(minutes=1)
    bidders = [s for s in ready.sellers if s.firm.pk in entries]
    assert len(bidders) == 4

    def check() -> None:
        fresh = Auction.objects.get(pk=auction.pk)
        rows = list(AuctionEntry.objects.filter(auction=auction))
        live = ra._live_state(fresh, rows).ranking()
        expected = {standing.bidder_id: standing.rank for standing in live}
        assert {str(e.submission_id): entry_rank(fresh, e) for e in rows} == expected
        assert ra.auction_check(fresh, bid_policy(ready.bid)).ranking == live

    check()
    place(auction, bidders[2], 8_950_00, "a", at)
    check()
    place(auction, bidders[0], 8_950_00, "b", at)
    check()
    place(auction, bidders[1], 8_999_00, "c", at)  # refused: less than the decrement
    check()
    place(auction, bidders[3], 8_900_00, "d", at)
    place(auction, bidders[2], 8_900_00, "e", at)
    check()
