"""The reverse auction (DOMAIN §8 RA-1..4): tests are named after the rule ids.
Defaults are written out here from DOMAIN §8 (50%, at least 2; 0.5%; 2 hours,
10 minutes, a 2-hour cap), not read from the policy files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.bids import rules
from kraya.bids.rules import AuctionBid, BidError, Quote
from kraya.core.draws import tie_break_rank
from kraya.core.policy import policy_at
from kraya.core.receipts import DecisionReceipt

RUPEE = 100
POLICY = policy_at(dt.date(2024, 12, 15))
START = dt.datetime(2024, 12, 15, 4, 30, tzinfo=dt.UTC)  # 10:00 IST
MINUTE = dt.timedelta(minutes=1)


def quotes(**prices: int) -> list[Quote]:
    return [Quote(bidder_id, rupees * RUPEE) for bidder_id, rupees in prices.items()]


def qualify(quoted: list[Quote], **options: object) -> rules.Qualification:
    return rules.ra_qualification(quotes=quoted, policy=POLICY, seed="seed", **options)  # type: ignore[arg-type]


# --- RA-1: qualification --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prices", "qualified"),
    [
        ({"a": 100, "b": 110, "c": 120, "d": 130, "e": 140}, ("a", "b", "c")),  # ⌈2.5⌉
        ({"a": 100, "b": 110, "c": 120, "d": 130}, ("a", "b")),
        ({"a": 100, "b": 110, "c": 120}, ("a", "b")),  # ⌈1.5⌉ = 2
        ({"a": 100, "b": 110}, ("a", "b")),  # at least 2
        ({"a": 100, "b": 110, "c": 110, "d": 130}, ("a", "b", "c")),  # a tie at the cut
    ],
)
def test_ra1_the_lowest_priced_half_at_least_two(
    prices: dict[str, int], qualified: tuple[str, ...]
) -> None:
    decision = qualify(quotes(**prices))
    assert decision.held
    assert set(decision.qualified) == set(qualified)  # ranked; ties by the draw
    assert decision.qualified[0] == "a"
    assert set(decision.eliminated) == set(prices) - set(qualified)
    assert decision.start_price_paise == 100 * RUPEE
    assert decision.receipt.rules == ("RA-1", "BID-7")
    assert decision.receipt.policy[0]["section"] == "reverse_auction"


def test_ra1_english_and_a_single_bidder_holds_no_auction() -> None:
    decision = qualify(quotes(a=100, b=110, c=120, d=130, e=140))
    assert rules.explain(decision.receipt) == (
        "3 bidders qualify for the reverse auction by the lowest-priced bidders, 2 do not; "
        "it starts from ₹100"
    )
    alone = qualify(quotes(a=100))
    assert (alone.held, alone.code, alone.qualified) == (False, "bids.ra_too_few_bidders", ("a",))
    assert alone.start_price_paise is None
    assert rules.explain(alone.receipt) == (
        "Only 1 bidders qualify by the lowest-priced bidders; a reverse auction needs 2"
    )


@pytest.mark.parametrize(
    ("prices", "qualified"),
    [
        ({"a": 100, "b": 110, "c": 120, "d": 130}, ("a", "b", "c")),
        ({"a": 100, "b": 110, "c": 130, "d": 130}, ("a", "b")),  # every H1 goes
        ({"a": 100, "b": 110}, ("a", "b")),  # removing H1 would leave 1: nobody goes
        ({"a": 100, "b": 100, "c": 100}, ("a", "b", "c")),  # all tied at H1
    ],
)
def test_ra1_h1_elimination(prices: dict[str, int], qualified: tuple[str, ...]) -> None:
    decision = qualify(quotes(**prices), rule="h1_elimination")
    assert set(decision.qualified) == set(qualified)
    assert decision.held
    assert decision.receipt.inputs["rule"] == "h1_elimination"


def test_ra1_buyer_options_and_malformed_inputs() -> None:
    three = qualify(quotes(a=100, b=110, c=120, d=130), min_bidders=3)
    assert three.qualified == ("a", "b", "c")
    with pytest.raises(BidError) as error:
        qualify(quotes(a=1), rule="lottery")
    assert error.value.code == "bids.ra_rule_unknown"
    with pytest.raises(BidError) as error:
        qualify([Quote("a", 1), Quote("a", 2)])
    assert error.value.code == "bids.listed_twice"


def test_ra1_ties_are_ranked_by_the_seeded_draw() -> None:
    decision = qualify(quotes(x=100, y=100, z=100, w=100))
    expected = sorted("wxyz", key=lambda b: tie_break_rank("seed", b))
    assert decision.qualified == tuple(expected)  # a tie at the cut: all four qualify


# --- RA-2: minimum decrement ----------------------------------------------------------------


def test_ra2_the_minimum_decrement_is_half_a_percent_of_the_start_rounded_up() -> None:
    assert rules.min_decrement_paise(1_00_000 * RUPEE, POLICY) == 500 * RUPEE
    assert rules.min_decrement_paise(1_001, POLICY) == 6  # 5.005 paise → 6
    assert rules.min_decrement_paise(1, POLICY) == 1


def test_ra2_a_bid_must_beat_the_bidders_own_last_bid_by_the_decrement() -> None:
    start = 1_00_000 * RUPEE

    def check(price_rupees: int, own_last: int | None) -> rules.Decision:
        return rules.ra_bid_check(
            price_paise=price_rupees * RUPEE,
            own_last_paise=None if own_last is None else own_last * RUPEE,
            start_price_paise=start,
            policy=POLICY,
        )

    assert check(99_500, None).allowed  # the first bid: from the start price
    refused = check(99_501, None)
    assert (refused.allowed, refused.rule, refused.code) == (
        False,
        "RA-2",
        "bids.ra_decrement_too_small",
    )
    assert rules.explain(refused.receipt) == (
        "₹99,501 is not low enough: bid at most ₹99,500 (minimum decrement ₹500)"
    )
    assert check(95_000, 95_500).allowed  # the decrement stays 0.5% of the start price
    assert not check(95_001, 95_500).allowed
    assert rules.explain(check(95_000, 95_500).receipt) == (
        "₹95,000 is at least the minimum decrement of ₹500 below the last bid"
    )


# --- RA-3: duration and extensions ----------------------------------------------------------


def test_ra3_the_auction_lasts_two_hours() -> None:
    assert rules.ra_scheduled_end(START, POLICY) == START + dt.timedelta(hours=2)
    with pytest.raises(BidError) as error:
        rules.ra_scheduled_end(dt.datetime(2024, 12, 15, 10), POLICY)
    assert error.value.code == "bids.naive_time"


def test_ra3_a_bid_in_the_last_ten_minutes_extends_by_ten() -> None:
    end = START + dt.timedelta(hours=2)

    def extended(left: dt.timedelta, current_end: dt.datetime = end) -> dt.datetime:
        return rules.ra_extended_end(
            bid_at=current_end - left, end_at=current_end, scheduled_end_at=end, policy=POLICY
        )

    assert extended(10 * MINUTE + dt.timedelta(seconds=1)) == end
    assert extended(10 * MINUTE) == end + 10 * MINUTE
    assert extended(dt.timedelta(seconds=1)) == end + 10 * MINUTE
    # The cap: never past 2 hours of extensions in all.
    assert extended(MINUTE, end + 115 * MINUTE) == end + 120 * MINUTE
    assert extended(MINUTE, end + 120 * MINUTE) == end + 120 * MINUTE


def test_ra3_repeated_last_minute_bids_stop_at_the_cap() -> None:
    state = rules.ra_open(
        qualified=quotes(a=1_000, b=1_100), starts_at=START, seed="s", policy=POLICY
    )
    price = 1_000 * RUPEE
    for sequence in range(1, 30):
        price -= 10 * RUPEE
        bidder = "ab"[sequence % 2]
        bid = AuctionBid(sequence, bidder, price, state.end_at - MINUTE)
        state, code = rules.ra_apply(state, bid, POLICY)
        assert code == ""
    assert state.end_at == START + dt.timedelta(hours=4)
    late = AuctionBid(30, "a", price - 10 * RUPEE, state.end_at)
    state, code = rules.ra_apply(state, late, POLICY)
    assert code == "bids.ra_closed"


# --- RA-4: the log, the fold and the ranking ------------------------------------------------

PARTICIPANTS = quotes(a=1_000, b=1_020, c=1_050)


def log(*rows: tuple[str, int, int]) -> list[AuctionBid]:
    """(bidder, price in rupees, minutes after the start), numbered from 1."""
    return [
        AuctionBid(n, bidder, rupees * RUPEE, START + minutes * MINUTE)
        for n, (bidder, rupees, minutes) in enumerate(rows, start=1)
    ]


def test_ra4_the_ranking_replayed_from_the_log() -> None:
    rows = log(
        ("b", 995, 5),  # accepted: the decrement from ₹1,000 is ₹5
        ("c", 996, 6),  # refused: ₹996 is not ₹5 below the start price
        ("a", 990, 7),
        ("z", 900, 8),  # refused: not qualified
        ("b", 990, 9),  # accepted: ₹5 below its own ₹995, ties a's ₹990, later
        ("c", 985, 130),  # refused: the auction closed at 12:00 IST (no extension)
    )
    result = rules.ra_replay(
        qualified=PARTICIPANTS, starts_at=START, bids=rows, seed="s", policy=POLICY
    )
    assert [(s.rank, s.bidder_id, s.price_paise) for s in result.ranking] == [
        (1, "a", 990 * RUPEE),
        (2, "b", 990 * RUPEE),  # the same price, bid later
        (3, "c", 1_050 * RUPEE),  # never bid: its financial price
    ]
    assert result.state.accepted == (1, 3, 5)
    assert result.state.refused == (
        (2, "bids.ra_decrement_too_small"),
        (4, "bids.ra_not_qualified"),
        (6, "bids.ra_closed"),
    )
    assert result.end_at == START + dt.timedelta(hours=2)
    assert result.state.own_rank("b") == 2
    assert result.receipt.rules == ("RA-2", "RA-3", "RA-4")
    assert rules.explain(result.receipt) == (
        "The reverse auction from ₹1,000 closed at 15 Dec 2024, 12:00 IST after 3 valid bids; "
        "L1 is a at ₹990"
    )
    with pytest.raises(BidError):
        result.state.own_rank("z")


def test_ra4_a_bid_before_the_start_is_refused_and_the_log_must_be_ordered() -> None:
    state = rules.ra_open(qualified=PARTICIPANTS, starts_at=START, seed="s", policy=POLICY)
    state, code = rules.ra_apply(state, AuctionBid(1, "a", 900 * RUPEE, START - MINUTE), POLICY)
    assert code == "bids.ra_not_started"
    state, code = rules.ra_apply(state, AuctionBid(2, "a", 900 * RUPEE, START + MINUTE), POLICY)
    assert code == ""
    with pytest.raises(BidError) as error:
        rules.ra_apply(state, AuctionBid(2, "b", 800 * RUPEE, START + MINUTE), POLICY)
    assert error.value.code == "bids.ra_sequence_out_of_order"
    with pytest.raises(BidError) as error:
        rules.ra_apply(state, AuctionBid(3, "b", 800 * RUPEE, START), POLICY)
    assert error.value.code == "bids.ra_time_out_of_order"


def test_ra4_bidders_who_never_bid_tie_by_the_seeded_draw() -> None:
    state = rules.ra_open(
        qualified=quotes(p=1_000, q=1_000, r=1_000), starts_at=START, seed="draw", policy=POLICY
    )
    expected = sorted("pqr", key=lambda b: tie_break_rank("draw", b))
    assert [s.bidder_id for s in state.ranking()] == expected


@st.composite
def auction_logs(draw: st.DrawFn) -> list[AuctionBid]:
    """Random logs: qualified and unknown bidders, prices near the start,
    times that never go back and sometimes land after the end."""
    rows = []
    moment = START - 2 * MINUTE
    for sequence in range(1, draw(st.integers(0, 25)) + 1):
        moment += dt.timedelta(seconds=draw(st.integers(0, 900)))
        rows.append(
            AuctionBid(
                sequence=sequence,
                bidder_id=draw(st.sampled_from("abcz")),
                price_paise=draw(st.integers(900, 1_000)) * RUPEE,
                at=moment,
            )
        )
    return rows


@given(auction_logs(), st.randoms(use_true_random=False))
def test_ra4_no_bid_is_lost_and_the_replay_equals_the_live_fold(
    rows: list[AuctionBid], rng: random.Random
) -> None:
    live = rules.ra_open(qualified=PARTICIPANTS, starts_at=START, seed="s", policy=POLICY)
    for row in rows:
        live, _ = rules.ra_apply(live, row, POLICY)
    shuffled = list(rows)
    rng.shuffle(shuffled)
    replayed = rules.ra_replay(
        qualified=PARTICIPANTS, starts_at=START, bids=shuffled, seed="s", policy=POLICY
    )
    assert replayed.state == live
    assert replayed.ranking == live.ranking()
    handled = sorted([*live.accepted, *(sequence for sequence, _ in live.refused)])
    assert handled == [row.sequence for row in rows]
    prices = [s.price_paise for s in replayed.ranking]
    assert prices == sorted(prices)
    assert [s.rank for s in replayed.ranking] == [1, 2, 3]
    assert live.end_at <= live.scheduled_end_at + dt.timedelta(hours=2)
    # Every accepted bid beat its bidder's previous accepted bid by the decrement.
    last: dict[str, int] = {}
    for row in rows:
        if row.sequence in live.accepted:
            ceiling = last.get(row.bidder_id, 1_000 * RUPEE)
            assert row.price_paise <= ceiling - 5 * RUPEE
            last[row.bidder_id] = row.price_paise
    stored = DecisionReceipt.from_json(replayed.receipt.to_json())
    again = rules.ra_replay(
        qualified=PARTICIPANTS,
        starts_at=dt.datetime.fromisoformat(stored.inputs["starts_at"]),
        bids=[AuctionBid.from_json(item) for item in stored.inputs["bids"]],
        seed=stored.inputs["seed"],
        policy=POLICY,
    )
    assert again.receipt == replayed.receipt


def test_ra4_the_policy_decides_the_window() -> None:
    policy = dataclasses.replace(
        POLICY,
        reverse_auction=POLICY.reverse_auction.model_copy(update={"extension_window_minutes": 5}),
    )
    end = START + dt.timedelta(hours=2)
    assert (
        rules.ra_extended_end(
            bid_at=end - 6 * MINUTE, end_at=end, scheduled_end_at=end, policy=policy
        )
        == end
    )
