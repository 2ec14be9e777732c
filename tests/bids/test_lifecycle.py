"""A bid's life (DOMAIN §6 BID-1..4, BID-6, BID-7): tests are named after the
rule ids. Numbers are written out here from DOMAIN §6 (10 days, 45–180 days,
EMD 2–5%, 7 days, 48 hours), not read from the policy files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.bids import rules
from kraya.bids.rules import (
    MANUFACTURER,
    SERVICE_PROVIDER,
    TRADER,
    BidError,
    EligibilityCriteria,
    Quote,
    Rejection,
    SellerProfile,
)
from kraya.core.policy import policy_at
from kraya.core.receipts import DecisionReceipt

RUPEE = 100
LAKH = 1_00_000 * RUPEE
CRORE = 100 * LAKH
POLICY = policy_at(dt.date(2024, 12, 15))
PUBLISHED = dt.datetime(2024, 12, 15, 4, 30, tzinfo=dt.UTC)  # 10:00 IST
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


# --- BID-1: duration and validity -----------------------------------------------------------


def test_bid1_the_end_is_at_least_ten_days_after_publication() -> None:
    ok = rules.bid_duration_check(
        published_at=PUBLISHED, end_at=PUBLISHED + 10 * DAY, policy=POLICY
    )
    assert (ok.allowed, ok.rule, ok.code) == (True, "BID-1", "")
    assert rules.explain(ok.receipt) == (
        "The bid stays open at least 10 days, until 25 Dec 2024, 10:00 IST"
    )
    short = rules.bid_duration_check(
        published_at=PUBLISHED, end_at=PUBLISHED + 10 * DAY - SECOND, policy=POLICY
    )
    assert (short.allowed, short.code) == (False, "bids.duration_too_short")
    assert rules.explain(short.receipt) == (
        "A bid must stay open at least 10 days: end it no earlier than 25 Dec 2024, 10:00 IST"
    )
    with pytest.raises(BidError) as error:
        rules.bid_duration_check(
            published_at=dt.datetime(2024, 12, 15), end_at=PUBLISHED, policy=POLICY
        )
    assert error.value.code == "bids.naive_time"


@pytest.mark.parametrize(("days", "allowed"), [(44, False), (45, True), (180, True), (181, False)])
def test_bid1_offer_validity_is_45_to_180_days(days: int, allowed: bool) -> None:
    decision = rules.offer_validity_check(days=days, policy=POLICY)
    assert decision.allowed is allowed
    assert decision.code == ("" if allowed else "bids.offer_validity_out_of_range")
    if not allowed:
        assert rules.explain(decision.receipt) == (
            f"Offer validity of {days} days is outside 45–180 days"
        )


# --- BID-2: EMD and relaxations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "allowed"),
    [("0", True), ("1.99", False), ("2", True), ("3.5", True), ("5", True), ("5.01", False)],
)
def test_bid2_emd_is_none_or_2_to_5_percent(percent: str, allowed: bool) -> None:
    decision = rules.emd_percent_check(emd_percent=Decimal(percent), policy=POLICY)
    assert (decision.allowed, decision.rule) == (allowed, "BID-2")
    if not allowed:
        assert rules.explain(decision.receipt) == f"An EMD of {percent}% is outside 2–5%"


@pytest.mark.parametrize(
    ("seller", "amount_paise", "exemption"),
    [
        (SellerProfile("big"), 60_000 * RUPEE, ""),
        (SellerProfile("mse-maker", True, MANUFACTURER), 0, "mse_manufacturer"),
        (SellerProfile("mse-service", True, SERVICE_PROVIDER), 0, "mse_service_provider"),
        (SellerProfile("startup", is_startup=True), 0, "startup"),
        (SellerProfile("mse-trader", True, TRADER), 60_000 * RUPEE, ""),  # KYC-3
    ],
)
def test_bid2_emd_exemptions(seller: SellerProfile, amount_paise: int, exemption: str) -> None:
    due = rules.emd_due(
        seller=seller, estimated_value_paise=20 * LAKH, emd_percent=Decimal("3"), policy=POLICY
    )
    assert (due.amount_paise, due.exemption) == (amount_paise, exemption)
    assert due.receipt.rules == ("BID-2",)


def test_bid2_emd_amount_is_rounded_up_to_whole_paise_and_explained() -> None:
    due = rules.emd_due(
        seller=SellerProfile("big"),
        estimated_value_paise=333,
        emd_percent=Decimal("2.5"),
        policy=POLICY,
    )
    assert due.amount_paise == 9  # 8.325 paise, rounded up
    startup = rules.emd_due(
        seller=SellerProfile("s-1", is_startup=True),
        estimated_value_paise=10 * LAKH,
        emd_percent=Decimal("2"),
        policy=POLICY,
    )
    assert rules.explain(startup.receipt) == "s-1 pays no EMD as a startup"
    big = rules.emd_due(
        seller=SellerProfile("b-1"),
        estimated_value_paise=10 * LAKH,
        emd_percent=Decimal("2"),
        policy=POLICY,
    )
    assert rules.explain(big.receipt) == "b-1 pays an EMD of ₹20,000 (2% of ₹10,00,000)"
    with pytest.raises(BidError) as error:
        rules.emd_due(
            seller=SellerProfile("b-1"),
            estimated_value_paise=1,
            emd_percent=Decimal("6"),
            policy=POLICY,
        )
    assert error.value.code == "bids.emd_percent_out_of_range"


CRITERIA = EligibilityCriteria(
    min_average_turnover_paise=1 * CRORE,
    min_experience_years=3,
    min_past_performance_percent=Decimal("30"),
)


def test_bid1_eligibility_average_turnover_over_three_years_exactly() -> None:
    """₹1 crore average over 3 years: ₹3 crore in all is enough, a paisa less
    is not; a missing year counts as zero."""
    exact = SellerProfile(
        "f",
        turnover_paise_by_year=(CRORE, CRORE, CRORE),
        experience_years=5,
        past_performance_percent=Decimal("30"),
    )
    assert rules.eligibility_check(seller=exact, criteria=CRITERIA, policy=POLICY).allowed
    short = dataclasses.replace(exact, turnover_paise_by_year=(CRORE, CRORE, CRORE - 1))
    refused = rules.eligibility_check(seller=short, criteria=CRITERIA, policy=POLICY)
    assert (refused.allowed, refused.code) == (False, "bids.not_eligible")
    assert refused.receipt.outcome["missed"] == ["turnover"]
    young = dataclasses.replace(exact, turnover_paise_by_year=(2 * CRORE,))
    assert rules.average_turnover(young.turnover_paise_by_year, 3) * 3 == 2 * CRORE
    assert not rules.eligibility_check(seller=young, criteria=CRITERIA, policy=POLICY).allowed
    # Only the last three years count.
    older = dataclasses.replace(exact, turnover_paise_by_year=(0, CRORE, CRORE, CRORE))
    assert rules.eligibility_check(seller=older, criteria=CRITERIA, policy=POLICY).allowed


def test_bid2_mses_and_startups_are_relaxed_from_turnover_and_experience_when_enabled() -> None:
    relaxed = dataclasses.replace(CRITERIA, relax_for_mse_and_startups=True)
    mse = SellerProfile("mse-1", True, MANUFACTURER, past_performance_percent=Decimal("30"))
    decision = rules.eligibility_check(seller=mse, criteria=relaxed, policy=POLICY)
    assert (decision.allowed, decision.rule) == (True, "BID-2")
    assert decision.receipt.outcome["waived"] == ["experience", "turnover"]
    assert rules.explain(decision.receipt) == (
        "mse-1 meets the eligibility criteria "
        "(experience and average turnover waived for an MSE or startup, BID-2)"
    )
    # Without the buyer's switch, no relaxation.
    strict = rules.eligibility_check(seller=mse, criteria=CRITERIA, policy=POLICY)
    assert strict.receipt.outcome["missed"] == ["experience", "turnover"]
    # Past performance is never relaxed; traders are not relaxed (KYC-3).
    startup = SellerProfile("s-1", is_startup=True)
    refused = rules.eligibility_check(seller=startup, criteria=relaxed, policy=POLICY)
    assert refused.receipt.outcome["missed"] == ["past_performance"]
    assert rules.explain(refused.receipt) == (
        "s-1 does not meet the past performance criteria "
        "(experience and average turnover waived for an MSE or startup, BID-2)"
    )
    trader = SellerProfile("t-1", True, TRADER, past_performance_percent=Decimal("30"))
    trader_decision = rules.eligibility_check(seller=trader, criteria=relaxed, policy=POLICY)
    assert trader_decision.receipt.outcome["missed"] == ["experience", "turnover"]


# --- BID-3: corrigenda ----------------------------------------------------------------------


def test_bid3_a_corrigendum_leaving_less_than_seven_days_extends_the_end() -> None:
    at = PUBLISHED + 5 * DAY
    kept = rules.corrigendum_end(corrigendum_at=at, proposed_end_at=at + 7 * DAY, policy=POLICY)
    assert (kept.end_at, kept.extended, kept.rule) == (at + 7 * DAY, False, "BID-3")
    moved = rules.corrigendum_end(
        corrigendum_at=at, proposed_end_at=at + 7 * DAY - SECOND, policy=POLICY
    )
    assert (moved.end_at, moved.extended) == (at + 7 * DAY, True)
    assert rules.explain(moved.receipt) == (
        "The corrigendum left less than 7 days: the end moves to 27 Dec 2024, 10:00 IST"
    )
    later = rules.corrigendum_end(corrigendum_at=at, proposed_end_at=at + 20 * DAY, policy=POLICY)
    assert later.end_at == at + 20 * DAY


# --- BID-4: less competition ----------------------------------------------------------------


def test_bid4_too_few_bids_extend_once_by_seven_days() -> None:
    end = PUBLISHED + 10 * DAY
    first = rules.less_competition_extension(
        bids_received=2, end_at=end, extensions_so_far=0, policy=POLICY
    )
    assert (first.extended, first.end_at, first.rule) == (True, end + 7 * DAY, "BID-4")
    assert first.receipt.message == "bids.extended_less_competition"
    assert rules.explain(first.receipt) == (
        "Extended due to less competition by 7 days, to 1 Jan 2025, 10:00 IST"
    )
    # BID-4: the count is sealed: it is an input, never a displayed parameter.
    assert "bids_received" not in first.receipt.params
    assert first.receipt.inputs["bids_received"] == 2
    second = rules.less_competition_extension(
        bids_received=2, end_at=first.end_at, extensions_so_far=1, policy=POLICY
    )
    assert (second.extended, second.end_at) == (False, first.end_at)
    enough = rules.less_competition_extension(
        bids_received=3, end_at=end, extensions_so_far=0, policy=POLICY
    )
    assert not enough.extended
    buyer_minimum = rules.less_competition_extension(
        bids_received=3, end_at=end, extensions_so_far=0, policy=POLICY, min_bids=5
    )
    assert buyer_minimum.extended


# --- BID-6: clarifications and representations ----------------------------------------------


def test_bid6_clarification_deadline_is_three_days() -> None:
    assert rules.clarification_deadline(PUBLISHED, POLICY) == PUBLISHED + 3 * DAY


@pytest.mark.parametrize(
    ("after", "already", "code"),
    [
        (dt.timedelta(hours=48), 0, ""),
        (dt.timedelta(0), 0, ""),
        (dt.timedelta(hours=48) + SECOND, 0, "bids.representation_late"),
        (-SECOND, 0, "bids.representation_before_rejection"),
        (dt.timedelta(hours=1), 1, "bids.representation_already_filed"),
    ],
)
def test_bid6_one_representation_within_48_hours(
    after: dt.timedelta, already: int, code: str
) -> None:
    decision = rules.representation_check(
        rejected_at=PUBLISHED, filed_at=PUBLISHED + after, already_filed=already, policy=POLICY
    )
    assert (decision.allowed, decision.code, decision.rule) == (not code, code, "BID-6")
    if code == "bids.representation_late":
        assert rules.explain(decision.receipt) == (
            "The representation is refused: the 48-hour window closed"
        )


def test_bid6_financial_opening_waits_for_representations() -> None:
    rejected = PUBLISHED
    pending = Rejection("r-1", rejected, representation_filed=True)
    answered = Rejection("r-1", rejected, representation_filed=True, representation_answered=True)
    silent = Rejection("r-2", rejected)

    def check(at: dt.datetime, *rejections: Rejection) -> rules.Decision:
        return rules.financial_opening_check(at=at, rejections=rejections, policy=POLICY)

    refused = check(rejected + 3 * DAY, pending)
    assert (refused.allowed, refused.code) == (False, "bids.representation_pending")
    assert rules.explain(refused.receipt) == (
        "Financial bids stay closed: representations by r-1 await an answer"
    )
    window = check(rejected + 48 * dt.timedelta(hours=1), answered, silent)
    assert window.code == "bids.representation_window_open"
    assert window.receipt.outcome["window_open"] == ["r-2"]
    assert check(rejected + 48 * dt.timedelta(hours=1) + SECOND, answered, silent).allowed
    assert check(rejected).allowed  # nobody rejected
    assert rules.explain(check(rejected).receipt) == "Financial bids may be opened"


# --- BID-7: financial ranking ---------------------------------------------------------------


def _draw_order(seed: str, bidders: list[str]) -> list[str]:
    """The documented draw, recomputed independently: lowest HMAC-SHA256 hex first."""
    return sorted(
        bidders, key=lambda b: hmac.new(seed.encode(), b.encode(), hashlib.sha256).hexdigest()
    )


def test_bid7_ranking_lowest_first() -> None:
    ranking = rules.financial_ranking(
        quotes=[Quote("b", 120 * RUPEE), Quote("a", 100 * RUPEE), Quote("c", 110 * RUPEE)],
        seed="s",
    )
    assert ranking.ranking == ("a", "c", "b")
    assert (ranking.l1_bidder_id, ranking.l1_price_paise, ranking.tied) == (
        "a",
        100 * RUPEE,
        ("a",),
    )
    assert ranking.receipt.outcome["draw"] == []
    assert rules.explain(ranking.receipt) == "a is L1 at ₹100 among 3 qualified bids"


def test_bid7_l1_ties_are_broken_by_the_recorded_seeded_draw_and_replayed() -> None:
    seed = "0f" * 32
    quoted = [Quote(b, 100 * RUPEE) for b in ("p", "q", "r", "u")] + [Quote("t", 101 * RUPEE)]
    ranking = rules.financial_ranking(quotes=quoted, seed=seed)
    expected = [*_draw_order(seed, ["p", "q", "r", "u"]), "t"]
    assert list(ranking.ranking) == expected
    assert ranking.l1_bidder_id == expected[0]
    assert ranking.receipt.message == "bids.ranking.drawn"
    assert [d["bidder_id"] for d in ranking.receipt.outcome["draw"]] == ranking.receipt.outcome[
        "tied"
    ]
    assert rules.explain(ranking.receipt).endswith(
        "chosen by the recorded draw among 4 bids at that price"
    )
    stored = DecisionReceipt.from_json(ranking.receipt.to_json())
    assert rules.replay_financial_ranking(stored) == ranking
    data = json.loads(stored.to_json())
    data["outcome"]["ranking"][0]["bidder_id"] = expected[1]
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_financial_ranking(DecisionReceipt.from_dict(data))
    data = json.loads(stored.to_json())
    data["inputs"]["seed"] = "another"
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_financial_ranking(DecisionReceipt.from_dict(data))
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_financial_ranking(rules.offer_validity_check(days=90, policy=POLICY).receipt)


def test_bid7_uses_the_buying_seed_generator_and_refuses_malformed_inputs() -> None:
    from kraya.core.draws import new_tie_break_seed

    seed = new_tie_break_seed()
    assert rules.financial_ranking(quotes=[Quote("a", 1)], seed=seed).l1_bidder_id == "a"
    for quoted, code in [
        ([], "bids.no_qualified_bids"),
        ([Quote("a", 1), Quote("a", 2)], "bids.listed_twice"),
        ([Quote("a", 0)], "bids.paise_out_of_range"),
    ]:
        with pytest.raises(BidError) as error:
            rules.financial_ranking(quotes=quoted, seed=seed)
        assert error.value.code == code
    with pytest.raises(BidError) as error:
        rules.financial_ranking(quotes=[Quote("a", 1)], seed="")
    assert error.value.code == "bids.seed_blank"


quotes_strategy = st.lists(
    st.builds(
        Quote,
        bidder_id=st.text("abcdef0123456789", min_size=1, max_size=5),
        price_paise=st.integers(1, 6),  # few prices: plenty of ties
    ),
    min_size=1,
    max_size=10,
    unique_by=lambda q: q.bidder_id,
)


@given(quotes_strategy, st.text(min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_bid7_ranking_is_sorted_drawn_replayable_and_order_free(
    quoted: list[Quote], seed: str, rng: random.Random
) -> None:
    ranking = rules.financial_ranking(quotes=quoted, seed=seed)
    prices = {q.bidder_id: q.price_paise for q in quoted}
    assert [prices[b] for b in ranking.ranking] == sorted(prices.values())
    assert set(ranking.tied) == {b for b, p in prices.items() if p == min(prices.values())}
    assert ranking.l1_bidder_id == _draw_order(seed, list(ranking.tied))[0]
    shuffled = list(quoted)
    rng.shuffle(shuffled)
    assert rules.financial_ranking(quotes=shuffled, seed=seed).receipt == ranking.receipt
    assert rules.replay_financial_ranking(ranking.receipt) == ranking
