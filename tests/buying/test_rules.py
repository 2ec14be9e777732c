"""The pure buying rules (DOMAIN §5 MODE-1..6, §9 ORD-1..2): tests are named
after the rule ids. Limits are written out here from DOMAIN §5, not read from
the policy files, so the tests check the policy data too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kraya.buying import rules
from kraya.buying.rules import BID, DIRECT, L1, BuyingError, Candidate, Demand
from kraya.core.policy import PolicyNotInForce, policy_at
from kraya.core.receipts import DecisionReceipt

D = dt.date.fromisoformat
RUPEE = 100
LAKH = 1_00_000 * RUPEE
TODAY = D("2024-12-15")
POLICY = policy_at(TODAY)

# (date, direct purchase limit, L1 limit, buying-modes policy version in force)
LIMITS = [
    (D("2017-03-08"), 50_000 * RUPEE, 30 * LAKH, "2017-03-08"),
    (D("2019-04-01"), 50_000 * RUPEE, 30 * LAKH, "2017-03-08"),
    (D("2019-04-02"), 25_000 * RUPEE, 5 * LAKH, "2019-04-02"),
    (D("2024-07-09"), 25_000 * RUPEE, 5 * LAKH, "2019-04-02"),
    (D("2024-07-10"), 50_000 * RUPEE, 10 * LAKH, "2024-07-10"),
]
BOUNDARY_CASES = [
    pytest.param(on, total, mode, version, id=f"{on}-{total}-{mode}")
    for on, direct, l1, version in LIMITS
    for total, mode in [
        (1, DIRECT),
        (direct - 1, DIRECT),
        (direct, DIRECT),
        (direct + 1, L1),
        (l1 - 1, L1),
        (l1, L1),
        (l1 + 1, BID),
        (100 * l1, BID),
    ]
]


def offer(
    offer_id: str,
    manufacturer: str,
    rupees: int,
    *,
    meets: bool = True,
    delivers: bool = True,
) -> Candidate:
    return Candidate(offer_id, manufacturer, rupees * RUPEE, meets, delivers)


def demand(
    demand_id: str, on: dt.date, rupees: int, office: str = "UP-DGMH", category: str = "ppe-kits"
) -> Demand:
    return Demand(demand_id, office, category, on, rupees * RUPEE)


# --- MODE-1: the mode follows the total, under the policy of the demand's date -----------


@pytest.mark.parametrize(("on", "total_paise", "mode", "version"), BOUNDARY_CASES)
def test_mode1_both_sides_of_every_limit_on_every_policy_date(
    on: dt.date, total_paise: int, mode: str, version: str
) -> None:
    decision = rules.purchase_mode(total_paise, policy_at(on))
    assert decision.mode == mode
    assert decision.rule == "MODE-1"
    receipt = decision.receipt
    assert receipt.kind == "buying.mode"
    assert receipt.rules == ("MODE-1",)
    assert receipt.outcome == {"mode": mode}
    assert receipt.inputs == {"total_paise": total_paise, "on": on.isoformat()}
    assert receipt.policy[0]["section"] == "buying_modes"
    assert receipt.policy[0]["section_version"] == version
    assert receipt.params["policy_version"] == version
    assert (
        receipt.message
        == {DIRECT: "buying.mode.direct", L1: "buying.mode.l1", BID: "buying.mode.bid"}[mode]
    )


@pytest.mark.parametrize(
    ("total_rupees", "on", "mode_before", "mode_on"),
    [
        # 2 Apr 2019 lowered both limits: the same totals move up a mode.
        (40_000, D("2019-04-02"), DIRECT, L1),
        (10 * 1_00_000, D("2019-04-02"), L1, BID),
        # 10 Jul 2024 raised them again.
        (40_000, D("2024-07-10"), L1, DIRECT),
        (8 * 1_00_000, D("2024-07-10"), BID, L1),
    ],
)
def test_mode1_the_day_before_a_policy_date_keeps_the_old_limits(
    total_rupees: int, on: dt.date, mode_before: str, mode_on: str
) -> None:
    day_before = on - dt.timedelta(days=1)
    assert rules.purchase_mode(total_rupees * RUPEE, policy_at(day_before)).mode == mode_before
    assert rules.purchase_mode(total_rupees * RUPEE, policy_at(on)).mode == mode_on


def test_mode1_no_policy_before_8_march_2017() -> None:
    with pytest.raises(PolicyNotInForce):
        policy_at(D("2017-03-07"))


@pytest.mark.parametrize(
    ("total_paise", "sentence"),
    [
        (
            7_40_000 * RUPEE,
            "₹7,40,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase, GFR 149, "
            "policy of 10 Jul 2024",
        ),
        (
            50_000 * RUPEE,
            "₹50,000 is at most ₹50,000: direct purchase, GFR 149, policy of 10 Jul 2024",
        ),
        (
            4_500_050,
            "₹45,000.50 is at most ₹50,000: direct purchase, GFR 149, policy of 10 Jul 2024",
        ),
        (
            10 * LAKH + 1,
            "₹10,00,000.01 is above ₹10 lakh: bid or reverse auction, GFR 149, "
            "policy of 10 Jul 2024",
        ),
    ],
)
def test_mode1_english_reason(total_paise: int, sentence: str) -> None:
    assert rules.explain(rules.purchase_mode(total_paise, POLICY).receipt) == sentence


def test_mode1_english_reason_of_an_old_policy_from_the_stored_receipt() -> None:
    stored = rules.purchase_mode(3 * LAKH, policy_at(D("2019-04-02"))).receipt.to_json()
    assert rules.explain(DecisionReceipt.from_json(stored)) == (
        "₹3,00,000 is above ₹25,000 and at most ₹5 lakh: L1 purchase, GFR 149, policy of 2 Apr 2019"
    )


@pytest.mark.parametrize("total", [0, -1, 12.5, True, "100"])
def test_mode1_total_is_positive_integer_paise(total: object) -> None:
    with pytest.raises(BuyingError) as error:
        rules.purchase_mode(total, POLICY)  # type: ignore[arg-type]
    assert error.value.code in {"buying.paise_out_of_range", "buying.paise_not_integer"}


@given(st.integers(1, 10**12), st.integers(1, 10**12))
def test_mode1_a_larger_total_never_needs_a_laxer_mode(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert rules.strictness(rules.purchase_mode(low, POLICY).mode) <= rules.strictness(
        rules.purchase_mode(high, POLICY).mode
    )


# --- MODE-2: direct purchase ------------------------------------------------------------


def test_mode2_any_offer_meeting_spec_and_delivery_within_the_direct_limit() -> None:
    decision = rules.direct_purchase(
        offer_id="o-1",
        meets_golden_parameters=True,
        delivers=True,
        total_paise=50_000 * RUPEE,
        policy=POLICY,
    )
    assert (decision.allowed, decision.rule, decision.code) == (True, "MODE-2", "")
    assert decision.receipt.rules == ("MODE-1", "MODE-2")
    assert rules.explain(decision.receipt) == "Offer o-1 may be bought directly for ₹50,000"


@pytest.mark.parametrize(
    ("meets", "delivers", "total_paise", "rule", "code"),
    [
        (True, True, 50_000 * RUPEE + 1, "MODE-1", "buying.mode_not_allowed"),
        (False, True, 50_000 * RUPEE, "MODE-2", "buying.spec_not_met"),
        (True, False, 50_000 * RUPEE, "MODE-2", "buying.delivery_not_possible"),
        (False, False, 1, "MODE-2", "buying.spec_not_met"),
    ],
)
def test_mode2_refusals(
    meets: bool, delivers: bool, total_paise: int, rule: str, code: str
) -> None:
    decision = rules.direct_purchase(
        offer_id="o-1",
        meets_golden_parameters=meets,
        delivers=delivers,
        total_paise=total_paise,
        policy=POLICY,
    )
    assert (decision.allowed, decision.rule, decision.code) == (False, rule, code)
    assert decision.receipt.message == code
    assert decision.receipt.outcome["allowed"] is False


# --- MODE-3: L1 purchase ------------------------------------------------------------------

THREE_MAKERS = [
    offer("o-1", "Tata", 900),
    offer("o-2", "Mahindra", 800),
    offer("o-3", "Bajaj", 1_000),
]


def test_mode3_l1_is_the_lowest_price() -> None:
    decision = rules.l1_selection(THREE_MAKERS, POLICY, "seed")
    assert (decision.allowed, decision.rule, decision.code) == (True, "MODE-3", "")
    assert decision.l1_offer_id == "o-2"
    assert decision.l1_price_paise == 800 * RUPEE
    assert decision.tied == ("o-2",)
    assert decision.receipt.message == "buying.l1.selected"
    assert decision.receipt.outcome["draw"] == []
    assert (
        rules.explain(decision.receipt)
        == "Offer o-2 is L1 at ₹800 among offers from 3 manufacturers"
    )


def test_mode3_offers_failing_spec_or_delivery_are_left_out() -> None:
    candidates = [
        *THREE_MAKERS,
        offer("o-4", "Hero", 100, meets=False),
        offer("o-5", "Hero", 200, delivers=False),
        offer("o-6", "Hero", 700),
    ]
    decision = rules.l1_selection(candidates, POLICY, "seed")
    assert decision.l1_offer_id == "o-6"
    assert decision.receipt.outcome["excluded"] == {
        "o-4": "buying.spec_not_met",
        "o-5": "buying.delivery_not_possible",
    }
    assert decision.receipt.outcome["eligible"] == ["o-1", "o-2", "o-3", "o-6"]


def test_mode3_fewer_than_three_manufacturers_is_refused_with_bid_advice() -> None:
    candidates = [
        offer("o-1", "Tata", 900),
        offer("o-2", " tata ", 800),  # the same manufacturer, spelt differently
        offer("o-3", "Mahindra", 1_000),
        offer("o-4", "Bajaj", 700, meets=False),  # a third maker, but not to spec
    ]
    decision = rules.l1_selection(candidates, POLICY, "seed")
    assert (decision.allowed, decision.rule, decision.code) == (
        False,
        "MODE-3",
        "buying.too_few_manufacturers",
    )
    assert decision.l1_offer_id is None
    assert decision.receipt.rules == ("MODE-3", "MODE-4")
    assert decision.receipt.outcome["advice"] == BID
    assert decision.receipt.outcome["manufacturers"] == ["mahindra", "tata"]
    assert decision.receipt.params == {"manufacturers": 2, "min_manufacturers": 3, "advice": BID}
    assert decision.receipt.outcome["eligible"] == ["o-1", "o-2", "o-3"]
    assert decision.receipt.outcome["excluded"] == {"o-4": "buying.spec_not_met"}
    assert rules.explain(decision.receipt) == (
        "Offers from only 2 manufacturers meet the golden parameters and delivery need; "
        "an L1 purchase needs 3: make a bid"
    )


def test_mode3_no_candidates_is_refused() -> None:
    decision = rules.l1_selection([], POLICY, "seed")
    assert decision.code == "buying.too_few_manufacturers"


def test_mode3_minimum_comes_from_the_policy() -> None:
    policy = dataclasses.replace(
        POLICY, buying_modes=POLICY.buying_modes.model_copy(update={"l1_min_manufacturers": 2})
    )
    two = [offer("o-1", "Tata", 900), offer("o-2", "Bajaj", 800)]
    assert rules.l1_selection(two, policy, "seed").l1_offer_id == "o-2"
    assert rules.l1_selection(two, POLICY, "seed").code == "buying.too_few_manufacturers"


def _expected_draw_winner(seed: str, offer_ids: list[str]) -> str:
    """The documented draw, recomputed independently: the lowest HMAC-SHA256 hex."""
    return min(
        offer_ids, key=lambda o: hmac.new(seed.encode(), o.encode(), hashlib.sha256).hexdigest()
    )


def test_mode3_ties_are_broken_by_the_recorded_seeded_draw() -> None:
    candidates = [*THREE_MAKERS, offer("o-4", "Hero", 800), offer("o-5", "Bajaj", 800)]
    seed = "0f" * 32
    decision = rules.l1_selection(candidates, POLICY, seed)
    assert decision.tied == ("o-2", "o-4", "o-5")
    assert decision.l1_offer_id == _expected_draw_winner(seed, ["o-2", "o-4", "o-5"])
    receipt = decision.receipt
    assert receipt.message == "buying.l1.drawn"
    assert receipt.inputs["seed"] == seed
    assert receipt.outcome["draw"][0]["offer_id"] == decision.l1_offer_id
    assert receipt.outcome["draw"] == sorted(
        ({"offer_id": o, "rank": rules.tie_break_rank(seed, o)} for o in ["o-2", "o-4", "o-5"]),
        key=lambda entry: entry["rank"],
    )
    assert rules.explain(receipt).endswith(
        "chosen by the recorded draw among 3 offers at that price"
    )


def test_mode3_different_seeds_can_pick_different_tied_offers() -> None:
    candidates = [offer(f"o-{i}", f"maker-{i}", 500) for i in range(6)]
    winners = {rules.l1_selection(candidates, POLICY, f"seed-{n}").l1_offer_id for n in range(40)}
    assert len(winners) > 1


def test_mode3_replay_agrees_and_detects_tampering() -> None:
    candidates = [*THREE_MAKERS, offer("o-4", "Hero", 800)]
    decision = rules.l1_selection(candidates, POLICY, rules.new_tie_break_seed())
    stored = DecisionReceipt.from_json(decision.receipt.to_json())
    assert rules.replay_l1(stored) == decision

    loser = next(o for o in decision.tied if o != decision.l1_offer_id)
    data = json.loads(stored.to_json())
    data["outcome"]["l1_offer_id"] = loser
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_l1(DecisionReceipt.from_dict(data))

    data = json.loads(stored.to_json())
    data["inputs"]["candidates"][0]["price_paise"] = 1
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_l1(DecisionReceipt.from_dict(data))

    data = json.loads(stored.to_json())
    del data["inputs"]["seed"]
    with pytest.raises(rules.ReplayMismatch):
        rules.replay_l1(DecisionReceipt.from_dict(data))

    with pytest.raises(rules.ReplayMismatch):
        rules.replay_l1(rules.purchase_mode(1, POLICY).receipt)


def test_mode3_replay_of_a_refusal_agrees() -> None:
    refused = rules.l1_selection(THREE_MAKERS[:2], POLICY, "seed")
    assert rules.replay_l1(refused.receipt) == refused


def test_mode3_new_seeds_are_long_and_fresh() -> None:
    seeds = {rules.new_tie_break_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(seed) == 64 and int(seed, 16) >= 0 for seed in seeds)


@pytest.mark.parametrize(
    ("candidates", "seed", "code"),
    [
        ([offer("o-1", "Tata", 1), offer("o-1", "Bajaj", 2)], "s", "buying.offer_listed_twice"),
        ([offer(" ", "Tata", 1)], "s", "buying.offer_id_blank"),
        (
            [Candidate(7, "Tata", 1, True, True), offer("o-1", "Bajaj", 2)],
            "s",
            "buying.offer_id_blank",
        ),
        ([offer("o-1", "  ", 1)], "s", "buying.manufacturer_blank"),
        ([offer("o-1", "Tata", 0)], "s", "buying.paise_out_of_range"),
        (THREE_MAKERS, "", "buying.seed_blank"),
    ],
)
def test_mode3_malformed_inputs(candidates: list[Candidate], seed: str, code: str) -> None:
    with pytest.raises(BuyingError) as error:
        rules.l1_selection(candidates, POLICY, seed)
    assert error.value.code == code


candidates_strategy = st.lists(
    st.builds(
        Candidate,
        offer_id=st.text("abcdef0123456789-", min_size=1, max_size=6).filter(str.strip),
        manufacturer=st.sampled_from(["Tata", "Bajaj", "Hero", "Mahindra", "Godrej"]),
        price_paise=st.integers(1, 20),  # few prices: plenty of ties
        meets_golden_parameters=st.booleans(),
        delivers=st.booleans(),
    ),
    max_size=12,
    unique_by=lambda c: c.offer_id,
)
seeds = st.text(min_size=1, max_size=16)


@given(candidates_strategy, seeds)
def test_mode3_l1_is_always_a_minimum_price_eligible_candidate(
    candidates: list[Candidate], seed: str
) -> None:
    decision = rules.l1_selection(candidates, POLICY, seed)
    eligible = [c for c in candidates if c.meets_golden_parameters and c.delivers]
    makers = {c.manufacturer.casefold() for c in eligible}
    assert decision.allowed == (len(makers) >= 3)
    if decision.allowed:
        chosen = next(c for c in eligible if c.offer_id == decision.l1_offer_id)
        assert chosen.price_paise == min(c.price_paise for c in eligible) == decision.l1_price_paise
        assert set(decision.tied) == {
            c.offer_id for c in eligible if c.price_paise == chosen.price_paise
        }
        assert decision.l1_offer_id == _expected_draw_winner(seed, list(decision.tied))


@given(candidates_strategy, seeds)
def test_mode3_replay_is_deterministic(candidates: list[Candidate], seed: str) -> None:
    decision = rules.l1_selection(candidates, POLICY, seed)
    assert rules.replay_l1(DecisionReceipt.from_json(decision.receipt.to_json())) == decision
    assert rules.l1_selection(candidates, POLICY, seed) == decision


@given(candidates_strategy, seeds, st.randoms(use_true_random=False))
def test_mode3_input_order_changes_nothing(
    candidates: list[Candidate], seed: str, rng: random.Random
) -> None:
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    first = rules.l1_selection(candidates, POLICY, seed)
    second = rules.l1_selection(shuffled, POLICY, seed)
    assert second.l1_offer_id == first.l1_offer_id
    assert second.receipt.digest() == first.receipt.digest()


# --- MODE-4: bids below the L1 limit, no laxer mode above a limit ---------------------------


@pytest.mark.parametrize(
    ("chosen", "total_paise", "allowed"),
    [
        (BID, 1, True),  # a bid at any value
        (BID, 50_000 * RUPEE, True),
        (BID, 10 * LAKH, True),
        (BID, 10 * LAKH + 1, True),
        (L1, 1, True),  # stricter than needed is fine
        (L1, 10 * LAKH, True),
        (L1, 10 * LAKH + 1, False),
        (DIRECT, 50_000 * RUPEE, True),
        (DIRECT, 50_000 * RUPEE + 1, False),
        (DIRECT, 10 * LAKH + 1, False),
    ],
)
def test_mode4_choosing_a_mode(chosen: str, total_paise: int, allowed: bool) -> None:
    decision = rules.mode_allowed(chosen, total_paise, POLICY)
    assert (decision.allowed, decision.rule) == (allowed, "MODE-4")
    assert decision.code == ("" if allowed else "buying.mode_not_allowed")
    assert decision.receipt.rules == ("MODE-1", "MODE-4")
    assert decision.receipt.outcome["required_mode"] == rules.required_mode(total_paise, POLICY)


def test_mode4_english_reasons() -> None:
    refused = rules.mode_allowed(DIRECT, 7_40_000 * RUPEE, POLICY)
    assert rules.explain(refused.receipt) == (
        "A direct purchase is not allowed for ₹7,40,000: an L1 purchase is required "
        "(GFR 149, policy of 10 Jul 2024)"
    )
    stricter = rules.mode_allowed(L1, 1_000 * RUPEE, POLICY)
    assert rules.explain(stricter.receipt) == (
        "An L1 purchase is allowed for ₹1,000: at least a direct purchase is required"
    )
    allowed = rules.mode_allowed(BID, 1_000 * RUPEE, POLICY)
    assert rules.explain(allowed.receipt) == (
        "A bid or reverse auction is allowed for ₹1,000: at least a direct purchase is required"
    )


def test_mode4_unknown_mode() -> None:
    with pytest.raises(BuyingError) as error:
        rules.mode_allowed("AUCTION", 1, POLICY)
    assert error.value.code == "buying.unknown_mode"


@given(st.sampled_from(rules.MODES), st.integers(1, 10**11))
def test_mode4_bid_is_always_allowed_and_allowed_means_at_least_the_required_mode(
    chosen: str, total_paise: int
) -> None:
    assert rules.mode_allowed(BID, total_paise, POLICY).allowed
    decision = rules.mode_allowed(chosen, total_paise, POLICY)
    needed = rules.purchase_mode(total_paise, POLICY).mode
    assert decision.allowed == (rules.strictness(chosen) >= rules.strictness(needed))


# --- MODE-5: no splitting -------------------------------------------------------------------


def test_mode5_a_split_that_dodges_l1_is_refused() -> None:
    earlier = [
        demand("D-1", TODAY - dt.timedelta(days=10), 30_000),
        demand("D-2", TODAY - dt.timedelta(days=3), 15_000),
    ]
    decision = rules.split_check(demand("D-3", TODAY, 20_000), earlier, POLICY)
    assert (decision.allowed, decision.rule, decision.code) == (False, "MODE-5", "buying.split")
    assert (decision.own_mode, decision.required_mode) == (DIRECT, L1)
    assert decision.summed == ("D-1", "D-2")
    assert decision.total_paise == 65_000 * RUPEE
    receipt = decision.receipt
    assert receipt.rules == ("MODE-5", "MODE-1")
    assert receipt.params["summed"] == ["D-1", "D-2"]
    assert receipt.params["required_mode"] == L1
    assert [d["demand_id"] for d in receipt.inputs["summed"]] == ["D-1", "D-2"]
    assert rules.explain(receipt) == (
        "Demand D-3 with D-1, D-2 of the same office and category within 30 days totals "
        "₹65,000, which requires an L1 purchase, not a direct purchase: splitting is refused"
    )


def test_mode5_summing_up_to_bid_refuses_an_l1_demand() -> None:
    earlier = [demand("D-1", TODAY - dt.timedelta(days=20), 6 * 1_00_000)]
    decision = rules.split_check(demand("D-2", TODAY, 5 * 1_00_000), earlier, POLICY)
    assert (decision.own_mode, decision.required_mode, decision.code) == (L1, BID, "buying.split")


def test_mode5_a_buyer_who_chose_the_stricter_mode_is_not_splitting() -> None:
    earlier = [demand("D-1", TODAY - dt.timedelta(days=10), 45_000)]
    new = demand("D-2", TODAY, 20_000)
    assert rules.split_check(new, earlier, POLICY).code == "buying.split"
    for chosen in (L1, BID):
        decision = rules.split_check(new, earlier, POLICY, chosen_mode=chosen)
        assert (decision.allowed, decision.own_mode, decision.chosen_mode) == (True, DIRECT, chosen)
        assert decision.required_mode == L1
    decision = rules.split_check(new, earlier, POLICY, chosen_mode=L1)
    assert decision.receipt.inputs["chosen_mode"] == L1
    assert rules.explain(decision.receipt) == (
        "Demand D-2 with D-1 of the same office and category within 30 days totals ₹65,000, "
        "which needs an L1 purchase; bought as an L1 purchase, it is not a split"
    )
    refused = rules.split_check(new, earlier, POLICY, chosen_mode=DIRECT)
    assert refused.code == "buying.split"


def test_mode5_earlier_demands_must_have_positive_totals() -> None:
    earlier = [demand("D-1", TODAY, 0)]
    with pytest.raises(BuyingError) as error:
        rules.split_check(demand("D-2", TODAY, 1), earlier, POLICY)
    assert error.value.code == "buying.paise_out_of_range"


def test_mode5_a_sum_in_the_same_mode_is_allowed() -> None:
    earlier = [demand("D-1", TODAY - dt.timedelta(days=5), 2 * 1_00_000)]
    decision = rules.split_check(demand("D-2", TODAY, 3 * 1_00_000), earlier, POLICY)
    assert (decision.allowed, decision.code, decision.required_mode) == (True, "", L1)
    assert decision.summed == ("D-1",)
    assert decision.receipt.message == "buying.not_split"
    assert rules.explain(decision.receipt) == (
        "Demand D-2 with D-1 of the same office and category within 30 days totals ₹5,00,000, "
        "which needs an L1 purchase; bought as an L1 purchase, it is not a split"
    )


@pytest.mark.parametrize(
    ("days_before", "summed"),
    [(0, True), (29, True), (30, True), (31, False), (-1, False)],
)
def test_mode5_window_is_30_days_both_ends_included(days_before: int, summed: bool) -> None:
    earlier = [demand("D-1", TODAY - dt.timedelta(days=days_before), 40_000)]
    decision = rules.split_check(demand("D-2", TODAY, 40_000), earlier, POLICY)
    assert decision.summed == (("D-1",) if summed else ())
    assert decision.allowed is not summed
    assert decision.receipt.params["window_days"] == 30


@pytest.mark.parametrize(
    "other",
    [
        demand("D-1", TODAY, 40_000, office="UP-DGMH-LKO"),
        demand("D-1", TODAY, 40_000, category="laptops"),
        demand("D-2", TODAY, 40_000),  # the new demand itself, listed again
    ],
)
def test_mode5_other_offices_categories_and_itself_are_not_summed(other: Demand) -> None:
    decision = rules.split_check(demand("D-2", TODAY, 40_000), [other], POLICY)
    assert (decision.allowed, decision.summed, decision.total_paise) == (True, (), 40_000 * RUPEE)


def test_mode5_uses_the_limits_of_the_new_demands_date() -> None:
    on = D("2019-04-02")
    earlier = [demand("D-1", on - dt.timedelta(days=1), 20_000)]
    # ₹30,000 in all: direct in 2017's limits, L1 in 2019's.
    decision = rules.split_check(demand("D-2", on, 10_000), earlier, policy_at(on))
    assert (decision.required_mode, decision.code) == (L1, "buying.split")
    assert decision.receipt.policy[0]["section_version"] == "2019-04-02"


def test_mode5_policy_must_be_of_the_demands_date() -> None:
    with pytest.raises(BuyingError) as error:
        rules.split_check(demand("D-1", TODAY, 1), [], policy_at(TODAY - dt.timedelta(days=1)))
    assert error.value.code == "buying.policy_date_mismatch"


demands_strategy = st.lists(
    st.builds(
        Demand,
        demand_id=st.text("0123456789", min_size=1, max_size=4).map(lambda s: f"D-{s}"),
        office=st.sampled_from(["UP-DGMH", "UP-DBE"]),
        category=st.sampled_from(["ppe-kits", "laptops"]),
        on=st.integers(-40, 5).map(lambda days: TODAY + dt.timedelta(days=days)),
        total_paise=st.integers(1, 8 * LAKH),
    ),
    max_size=8,
)
new_demands = st.builds(
    Demand,
    demand_id=st.just("NEW"),
    office=st.just("UP-DGMH"),
    category=st.just("ppe-kits"),
    on=st.just(TODAY),
    total_paise=st.integers(1, 12 * LAKH),
)


@given(new_demands, demands_strategy, demands_strategy)
def test_mode5_adding_demands_never_makes_the_required_mode_laxer(
    new: Demand, recent: list[Demand], more: list[Demand]
) -> None:
    before = rules.split_check(new, recent, POLICY)
    after = rules.split_check(new, recent + more, POLICY)
    assert rules.strictness(after.required_mode) >= rules.strictness(before.required_mode)
    assert after.total_paise >= before.total_paise
    if not before.allowed:
        assert not after.allowed


@given(new_demands, demands_strategy)
def test_mode5_required_mode_is_the_mode_of_the_sum(new: Demand, recent: list[Demand]) -> None:
    decision = rules.split_check(new, recent, POLICY)
    in_window = [d for d in recent if rules.in_split_window(new, d, 30)]
    assert decision.total_paise == new.total_paise + sum(d.total_paise for d in in_window)
    assert decision.required_mode == rules.purchase_mode(decision.total_paise, POLICY).mode
    assert decision.own_mode == rules.purchase_mode(new.total_paise, POLICY).mode
    assert decision.allowed == (decision.required_mode == decision.own_mode)


# --- MODE-6: availability reports for off-portal purchases ------------------------------------


@pytest.mark.parametrize(
    "reason",
    [rules.NOT_AVAILABLE, rules.SPEC_NOT_MET, rules.DELIVERY_NOT_POSSIBLE, rules.URGENT_EMERGENCY],
)
def test_mode6_reasons_without_text(reason: str) -> None:
    decision = rules.availability_report(office_code="UP-DGMH", on=TODAY, sequence=7, reason=reason)
    assert (decision.allowed, decision.rule, decision.code) == (True, "MODE-6", "")
    assert decision.receipt.outcome == {"allowed": True, "report_id": "AR-UP-DGMH-20241215-0007"}


def test_mode6_other_needs_text() -> None:
    refused = rules.availability_report(
        office_code="UP-DGMH", on=TODAY, sequence=1, reason=rules.OTHER, text="  "
    )
    assert (refused.allowed, refused.code) == (False, "buying.reason_text_required")
    assert refused.receipt.outcome["report_id"] is None
    allowed = rules.availability_report(
        office_code="UP-DGMH",
        on=TODAY,
        sequence=1,
        reason=rules.OTHER,
        text=" Flood relief,\n  local stock ",
    )
    assert allowed.allowed
    assert allowed.receipt.inputs["text"] == "Flood relief, local stock"
    assert (
        rules.explain(allowed.receipt)
        == "Availability report AR-UP-DGMH-20241215-0001: other reason"
    )


def test_mode6_unknown_reason() -> None:
    decision = rules.availability_report(
        office_code="UP-DGMH", on=TODAY, sequence=1, reason="CHEAPER"
    )
    assert (decision.allowed, decision.code) == (False, "buying.unknown_reason")


@pytest.mark.parametrize(
    ("office", "on", "sequence", "report_id"),
    [
        ("UP-DGMH", TODAY, 7, "AR-UP-DGMH-20241215-0007"),
        (" up-dgmh ", TODAY, 7, "AR-UP-DGMH-20241215-0007"),
        ("UP", D("2017-03-08"), 1, "AR-UP-20170308-0001"),
        ("UP-PWD-EIC", TODAY, 12_345, "AR-UP-PWD-EIC-20241215-12345"),
    ],
)
def test_mode6_report_id_format(office: str, on: dt.date, sequence: int, report_id: str) -> None:
    assert rules.availability_report_id(office, on, sequence) == report_id
    assert rules.availability_report_id_valid(report_id)
    parsed = rules.parse_availability_report_id(report_id)
    assert (parsed.office_code, parsed.on, parsed.sequence) == (
        office.strip().upper(),
        on,
        sequence,
    )


@pytest.mark.parametrize(
    "report_id",
    [
        "",
        "AR-UP-DGMH-20241215-007",  # sequence too short
        "AR-UP-DGMH-20241215-00007",  # padded wider than needed
        "AR-UP-DGMH-20241215-0000",  # sequence 0
        "AR-UP-DGMH-20240231-0001",  # no 31 February
        "AR-UP-DGMH-2024121-0001",
        "AR--20241215-0001",  # no office
        "AR-up-dgmh-20241215-0001",  # lower case is not the canonical form
        "AR-UP--DGMH-20241215-0001",
        "KRY-20241215-000001",
        f"AR-{'X' * 33}-20241215-0001",  # office code too long
        " AR-UP-20241215-0001",
    ],
)
def test_mode6_report_id_validator_refuses(report_id: str) -> None:
    assert not rules.availability_report_id_valid(report_id)
    with pytest.raises(BuyingError) as error:
        rules.parse_availability_report_id(report_id)
    assert error.value.code == "buying.bad_report_id"


@pytest.mark.parametrize(
    ("office", "sequence"), [("UP DGMH", 1), ("", 1), ("UP-", 1), ("UP", 0), ("UP", -3)]
)
def test_mode6_report_id_parts_refused(office: str, sequence: int) -> None:
    with pytest.raises(BuyingError):
        rules.availability_report_id(office, TODAY, sequence)


office_codes = st.from_regex(r"[A-Z0-9]{1,6}(-[A-Z0-9]{1,6}){0,3}", fullmatch=True)


@given(office_codes, st.dates(), st.integers(1, 10**7))
def test_mode6_report_ids_round_trip_and_are_unique_per_office_day_and_sequence(
    office: str, on: dt.date, sequence: int
) -> None:
    report_id = rules.availability_report_id(office, on, sequence)
    assert rules.parse_availability_report_id(report_id) == rules.ReportId(office, on, sequence)
    assert rules.availability_report_id(office, on, sequence + 1) != report_id


# --- ORD-2: no order without sanction -----------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "blocked", "code"),
    [
        (1_000 * RUPEE, 1_000 * RUPEE, ""),
        (1_000 * RUPEE, 2_000 * RUPEE, ""),
        (1_000 * RUPEE, 1_000 * RUPEE - 1, "buying.sanction_insufficient"),
        (1_000 * RUPEE, 0, "buying.sanction_missing"),
    ],
)
def test_ord2_funds_blocked_cover_the_order(total: int, blocked: int, code: str) -> None:
    decision = rules.sanction_check(total, blocked)
    assert (decision.allowed, decision.rule, decision.code) == (not code, "ORD-2", code)
    assert decision.receipt.rules == ("ORD-2",)
    assert decision.receipt.params["shortfall_paise"] == max(total - blocked, 0)


def test_ord2_english_reasons() -> None:
    assert rules.explain(rules.sanction_check(7_40_000 * RUPEE, 7_00_000 * RUPEE).receipt) == (
        "₹7,00,000 blocked is ₹40,000 short of the order's ₹7,40,000"
    )
    assert (
        rules.explain(rules.sanction_check(100, 0).receipt)
        == "No funds are blocked for the order's ₹1"
    )


@pytest.mark.parametrize(("total", "blocked"), [(0, 0), (-1, 5), (5, -1), (5, 1.0)])
def test_ord2_malformed_amounts(total: int, blocked: int) -> None:
    with pytest.raises(BuyingError):
        rules.sanction_check(total, blocked)


@given(st.integers(1, 10**13), st.integers(0, 10**13))
def test_ord2_allowed_exactly_when_blocked_covers_total(total: int, blocked: int) -> None:
    assert rules.sanction_check(total, blocked).allowed == (blocked >= total)


# --- ORD-1: terms and contract number ------------------------------------------------------------

GENERAL_TERMS = {
    "payment": "Within 10 days of CRAC.",
    "warranty": "1 year.",
    "delivery": "As ordered.",
}
CATEGORY_TERMS = {"warranty": "3 years on-site.", "installation": "By the seller."}
ATC_TERMS = {"warranty": "5 years.", "training": "Two days for the office staff."}


def test_ord1_atc_over_category_over_general() -> None:
    result = rules.contract_terms(ATC_TERMS, CATEGORY_TERMS, GENERAL_TERMS)
    assert [(t.clause, t.source) for t in result.terms] == [
        ("payment", rules.GENERAL),
        ("warranty", rules.ATC),
        ("delivery", rules.GENERAL),
        ("installation", rules.CATEGORY),
        ("training", rules.ATC),
    ]
    assert result.text_of("warranty") == "5 years."
    assert result.receipt.rules == ("ORD-1",)
    assert result.receipt.outcome["terms"][1] == ["warranty", "ATC"]
    assert rules.explain(result.receipt) == "Terms: 2 from the ATC, 1 from the category, 2 general"


def test_ord1_category_over_general_without_atc() -> None:
    result = rules.contract_terms({}, CATEGORY_TERMS, GENERAL_TERMS)
    assert result.text_of("warranty") == "3 years on-site."
    assert result.text_of("payment") == "Within 10 days of CRAC."


def test_ord1_a_blank_term_cannot_drop_a_clause() -> None:
    with pytest.raises(BuyingError) as error:
        rules.contract_terms({"warranty": " "}, CATEGORY_TERMS, GENERAL_TERMS)
    assert (error.value.code, error.value.field) == ("buying.blank_term", "ATC")
    with pytest.raises(BuyingError) as error:
        rules.contract_terms({}, {" ": "Some text."}, GENERAL_TERMS)
    assert (error.value.code, error.value.field) == ("buying.blank_clause", "CATEGORY")


clauses = st.dictionaries(
    st.sampled_from("abcdefgh"), st.text("xyz ", min_size=1, max_size=5).filter(str.strip)
)


@given(clauses, clauses, clauses)
def test_ord1_precedence_per_clause(
    atc: dict[str, str], category: dict[str, str], general: dict[str, str]
) -> None:
    result = rules.contract_terms(atc, category, general)
    assert {t.clause for t in result.terms} == set(atc) | set(category) | set(general)
    for term in result.terms:
        expected = atc.get(term.clause, category.get(term.clause, general.get(term.clause)))
        assert term.text == expected
        assert term.source == (
            rules.ATC
            if term.clause in atc
            else rules.CATEGORY
            if term.clause in category
            else rules.GENERAL
        )


@pytest.mark.parametrize(
    ("on", "sequence", "number"),
    [
        (TODAY, 123, "KRY-20241215-000123"),
        (D("2017-03-08"), 1, "KRY-20170308-000001"),
        (TODAY, 1_234_567, "KRY-20241215-1234567"),
    ],
)
def test_ord1_contract_number_format(on: dt.date, sequence: int, number: str) -> None:
    assert rules.contract_number(on, sequence) == number
    assert rules.parse_contract_number(number) == (on, sequence)
    assert rules.contract_number_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "KRY-20241215-00123",
        "KRY-20241215-0000123",
        "KRY-20241215-000000",
        "KRY-20241315-000001",
        "kry-20241215-000001",
        "GEMC-20241215-000001",
        "KRY-20241215-000001 ",
    ],
)
def test_ord1_contract_number_validator_refuses(number: str) -> None:
    assert not rules.contract_number_valid(number)
    with pytest.raises(BuyingError) as error:
        rules.parse_contract_number(number)
    assert error.value.code == "buying.bad_contract_number"


def test_ord1_contract_number_takes_a_date_and_a_positive_sequence() -> None:
    with pytest.raises(BuyingError):
        rules.contract_number(dt.datetime(2024, 12, 15, tzinfo=dt.UTC), 1)
    with pytest.raises(BuyingError):
        rules.contract_number(TODAY, 0)


@given(st.dates(), st.integers(1, 10**8))
def test_ord1_contract_numbers_round_trip(on: dt.date, sequence: int) -> None:
    number = rules.contract_number(on, sequence)
    assert rules.parse_contract_number(number) == (on, sequence)
    assume(sequence > 1)
    assert rules.contract_number(on, sequence - 1) != number


# --- every receipt is JSON-safe, re-checkable and has English wording --------------------------


def test_a_receipt_without_english_wording_is_reported() -> None:
    receipt = dataclasses.replace(rules.sanction_check(1, 1).receipt, message="buying.unheard_of")
    with pytest.raises(KeyError, match=r"buying\.unheard_of"):
        rules.explain(receipt)


def test_every_buying_receipt_round_trips_and_has_english() -> None:
    receipts = [
        rules.purchase_mode(1, POLICY).receipt,
        rules.mode_allowed(L1, 1, POLICY).receipt,
        rules.direct_purchase(
            offer_id="o", meets_golden_parameters=True, delivers=False, total_paise=1, policy=POLICY
        ).receipt,
        rules.l1_selection(THREE_MAKERS, POLICY, "s").receipt,
        rules.split_check(demand("D-1", TODAY, 1), [], POLICY).receipt,
        rules.availability_report(office_code="UP", on=TODAY, sequence=1, reason="X").receipt,
        rules.sanction_check(1, 1).receipt,
        rules.contract_terms({}, {}, GENERAL_TERMS).receipt,
    ]
    for receipt in receipts:
        again = DecisionReceipt.from_json(receipt.to_json())
        assert again.matches(receipt.digest())
        assert rules.explain(again)
