"""The purchase preferences (DOMAIN §7 MSE-1..3, MII-1..3, PREF-1): tests are
named after the rule ids. Margins and shares are written out here from DOMAIN
§7 (15%, 25%, 20%, 50%), not read from the policy files, so the tests check
the policy data too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.bids import rules
from kraya.bids.rules import (
    CLASS_1,
    CLASS_2,
    MANUFACTURER,
    NON_LOCAL,
    SERVICE_PROVIDER,
    TRADER,
    BidError,
    FinancialOffer,
)
from kraya.bids.rules.common import ranked
from kraya.core.policy import policy_at
from kraya.core.receipts import DecisionReceipt

RUPEE = 100
POLICY = policy_at(dt.date(2024, 12, 15))
SEED = "seed"


def offer(
    bidder_id: str,
    rupees: int,
    quantity: int = 1_000,
    *,
    mse: str | None = None,
    mii: str = NON_LOCAL,
) -> FinancialOffer:
    """An offer; `mse` is the MSE category (None: not an MSE)."""
    return FinancialOffer(bidder_id, rupees * RUPEE, quantity, mse is not None, mse, mii)


def decide(
    offers: list[FinancialOffer],
    accepts: dict[str, bool],
    *,
    total: int = 1_000,
    divisible: bool = True,
    mse: bool = True,
    mii: bool = False,
    **extra: object,
) -> rules.PreferenceDecision:
    return rules.purchase_preference(
        offers=offers,
        total_quantity=total,
        divisible=divisible,
        policy=POLICY,
        seed=SEED,
        accepts=accepts,
        mse_preference=mse,
        mii_preference=mii,
        **extra,  # type: ignore[arg-type]
    )


def shares(decision: rules.PreferenceDecision) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """bidder → (quantity, unit price in rupees, rules)."""
    return {
        a.bidder_id: (a.quantity, a.unit_price_paise // RUPEE, a.rules)
        for a in decision.allocations
    }


def events(decision: rules.PreferenceDecision) -> list[tuple[str, str, str]]:
    """(rule, event, bidder or answer) of every step, in order."""
    return [
        (s["rule"], s["event"], s.get("answer") or s.get("bidder_id", ""))
        for s in decision.receipt.outcome["steps"]
    ]


# --- MSE-1: the worked example of issue 6 ---------------------------------------------------

ISSUE_EXAMPLE = [
    offer("L1-big", 100),  # L1, not an MSE
    offer("mse-110", 110, 600, mse=MANUFACTURER),
    offer("mse-114", 114, 400, mse=SERVICE_PROVIDER),
    offer("mse-116", 116, 1_000, mse=MANUFACTURER),  # outside L1 + 15% = ₹115
]


def test_mse1_worked_example_of_the_issue() -> None:
    """L1 non-MSE at ₹100; MSEs at ₹110, ₹114 (inside L1 + 15% = ₹115) and
    ₹116 (outside) for 1,000 units: 25% = 250 units go to the two MSEs inside
    the band, in proportion to the 600 and 400 units they offered (150 and
    100), all at ₹100; L1 supplies the other 750 at ₹100."""
    accepts = {"mse-110": True, "mse-114": True, "mse-116": True}
    decision = decide(ISSUE_EXAMPLE, accepts)
    assert decision.l1_bidder_id == "L1-big"
    assert decision.unit_price_paise == 100 * RUPEE
    assert shares(decision) == {
        "L1-big": (750, 100, ("BID-7",)),
        "mse-110": (150, 100, ("MSE-1",)),
        "mse-114": (100, 100, ("MSE-1",)),
    }
    assert decision.quantity_of("mse-116") == 0
    assert decision.quantity_by_rule("MSE-1") == 250
    receipt = decision.receipt
    assert receipt.kind == "bids.preference"
    assert receipt.rules == ("BID-7", "MSE-1")
    assert [p["section"] for p in receipt.policy] == ["mse"]
    assert receipt.inputs["mse_share_percent"] == "25"
    assert receipt.inputs["policy_values"]["mse_band_percent"] == "15"
    assert receipt.outcome["ranking"] == ["L1-big", "mse-110", "mse-114", "mse-116"]
    steps = receipt.outcome["steps"]
    assert steps[0] == {
        "rule": "MSE-1",
        "event": "outside_band",
        "bidder_id": "mse-116",
        "quoted_paise": 11_600,
        "limit_paise": "11500",
    }
    assert events(decision) == [
        ("MSE-1", "outside_band", "mse-116"),
        ("MSE-1", "invited", "accepted"),
        ("MSE-1", "invited", "accepted"),
        ("MSE-1", "share", ""),
        ("MSE-1", "allocated", "mse-110"),
        ("MSE-1", "allocated", "mse-114"),
        ("BID-7", "allocated", "L1-big"),
    ]
    assert [s["bidder_id"] for s in steps if s["event"] == "invited"] == ["mse-110", "mse-114"]
    assert rules.explain(receipt) == (
        "L1 is L1-big; all 1000 units at ₹100 each: L1-big 750 units; "
        "mse-110 150 units (MSE-1); mse-114 100 units (MSE-1)"
    )
    assert rules.explain_steps(receipt) == [
        "MSE-1: mse-116 at ₹116 is outside the band and is not invited",
        "MSE-1: mse-110 (quoted ₹110) was invited to match ₹100 and matched",
        "MSE-1: mse-114 (quoted ₹114) was invited to match ₹100 and matched",
        "MSE-1: 250 units are shared in proportion to the quantities offered",
        "MSE-1: mse-110 supplies 150 units at ₹100",
        "MSE-1: mse-114 supplies 100 units at ₹100",
        "BID-7: L1-big supplies 750 units at ₹100",
    ]
    stored = DecisionReceipt.from_json(receipt.to_json())
    assert rules.explain(stored) == rules.explain(receipt)


def test_mse1_worked_example_when_one_mse_declines() -> None:
    """mse-114 declines: mse-110 alone takes the 250 (it offered 600)."""
    decision = decide(ISSUE_EXAMPLE, {"mse-110": True, "mse-114": False})
    assert shares(decision) == {
        "L1-big": (750, 100, ("BID-7",)),
        "mse-110": (250, 100, ("MSE-1",)),
    }
    answers = {
        s["bidder_id"]: s["answer"] for s in decision.receipt.outcome["steps"] if "answer" in s
    }
    assert answers == {"mse-110": "accepted", "mse-114": "declined"}
    assert "MSE-1: mse-114 (quoted ₹114) was invited to match ₹100 and declined" in (
        rules.explain_steps(decision.receipt)
    )


def test_mse1_no_answer_counts_as_declining() -> None:
    silent = decide(ISSUE_EXAMPLE, {"mse-114": False})
    assert shares(silent) == {"L1-big": (1_000, 100, ("BID-7",))}
    assert silent.receipt.message == "bids.preference.l1_takes_all"
    assert "MSE-1: mse-110 (quoted ₹110) was invited to match ₹100 and did not answer" in (
        rules.explain_steps(silent.receipt)
    )


def test_mse1_exactly_l1_plus_15_percent_is_inside_the_band() -> None:
    offers = [
        offer("L1", 100),
        FinancialOffer("edge", 115 * RUPEE, 1_000, True, MANUFACTURER),
        FinancialOffer("paisa-over", 115 * RUPEE + 1, 1_000, True, MANUFACTURER),
    ]
    decision = decide(offers, {"edge": True, "paisa-over": True})
    assert shares(decision) == {"L1": (750, 100, ("BID-7",)), "edge": (250, 100, ("MSE-1",))}
    assert ("MSE-1", "outside_band", "paisa-over") in events(decision)
    # Exact arithmetic at an L1 whose 15% is not a whole number of paise: 15% of 333
    # is 49.95, so 382 paise is inside and 383 is not.
    assert rules.within_margin(382, 333, Decimal("15"))
    assert not rules.within_margin(383, 333, Decimal("15"))


def test_mse1_an_mse_l1_takes_everything() -> None:
    offers = [offer("mse-L1", 100, mse=MANUFACTURER), offer("mse-2", 101, mse=MANUFACTURER)]
    decision = decide(offers, {"mse-2": True})
    assert shares(decision) == {"mse-L1": (1_000, 100, ("BID-7",))}
    assert events(decision)[0] == ("MSE-1", "l1_is_mse", "mse-L1")
    assert rules.explain_steps(decision.receipt)[0] == (
        "MSE-1: L1 mse-L1 is an MSE and takes everything"
    )


def test_mse1_traders_get_no_preference_and_an_mse_trader_l1_is_not_an_mse_l1() -> None:
    """KYC-3: only manufacturers and service providers get MSE benefits."""
    offers = [
        offer("trader-L1", 100, mse=TRADER),
        offer("trader-2", 105, mse=TRADER),
        offer("maker", 110, mse=MANUFACTURER),
    ]
    decision = decide(offers, {"trader-2": True, "maker": True})
    assert shares(decision) == {
        "trader-L1": (750, 100, ("BID-7",)),
        "maker": (250, 100, ("MSE-1",)),
    }
    assert ("MSE-1", "trader_not_preferred", "trader-2") in events(decision)


def test_mse1_largest_remainder_rounding_is_exact_and_by_bidder_id() -> None:
    """250 units among three equal offers: 83⅓ each; the one unit left goes to
    the first bidder id. 25% of 10 units is 2 (2.5 rounded down)."""
    assert rules.proportional_shares(250, {"c": 500, "a": 500, "b": 500}) == {
        "a": 84,
        "b": 83,
        "c": 83,
    }
    assert rules.proportional_shares(2, {"c": 1, "b": 1, "a": 1}) == {"a": 1, "b": 1, "c": 0}
    assert rules.proportional_shares(10, {"x": 2, "y": 3}) == {"x": 2, "y": 3}  # all they offered
    assert rules.proportional_shares(7, {"x": 1, "y": 2, "z": 4}) == {"x": 1, "y": 2, "z": 4}
    assert rules.proportional_shares(5, {"x": 1, "y": 2, "z": 4}) == {"x": 1, "y": 1, "z": 3}
    offers = [offer("L1", 100, 10)] + [offer(m, 110, 10, mse=MANUFACTURER) for m in "cab"]
    decision = decide(offers, dict.fromkeys("abc", True), total=10)
    assert shares(decision) == {
        "L1": (8, 100, ("BID-7",)),
        "a": (1, 100, ("MSE-1",)),
        "b": (1, 100, ("MSE-1",)),
    }


def test_mse1_mses_offering_less_than_the_share_supply_what_they_offered() -> None:
    offers = [offer("L1", 100), offer("small", 105, 40, mse=MANUFACTURER)]
    decision = decide(offers, {"small": True})
    assert shares(decision) == {"L1": (960, 100, ("BID-7",)), "small": (40, 100, ("MSE-1",))}


def test_mse1_the_share_is_a_bid_parameter_services_may_reserve_more() -> None:
    decision = decide(ISSUE_EXAMPLE, {"mse-110": True}, mse_share_percent=Decimal("40"))
    assert shares(decision)["mse-110"] == (400, 100, ("MSE-1",))
    assert decision.receipt.inputs["mse_share_percent"] == "40"


def test_mse1_the_share_before_the_2018_amendment_was_20_percent() -> None:
    old = policy_at(dt.date(2018, 11, 8))
    decision = rules.purchase_preference(
        offers=ISSUE_EXAMPLE,
        total_quantity=1_000,
        divisible=True,
        policy=old,
        seed=SEED,
        accepts={"mse-110": True, "mse-114": True},
    )
    assert shares(decision) == {
        "L1-big": (800, 100, ("BID-7",)),
        "mse-110": (120, 100, ("MSE-1",)),
        "mse-114": (80, 100, ("MSE-1",)),
    }


def test_mse1_ties_at_l1_are_broken_by_the_recorded_draw() -> None:
    """BID-7: two offers at ₹100, one an MSE: the draw decides who is L1."""
    offers = [offer("big", 100), offer("mse", 100, mse=MANUFACTURER)]
    for seed in ("s-1", "s-2", "s-3", "s-4", "s-5", "s-6"):
        decision = rules.purchase_preference(
            offers=offers,
            total_quantity=1_000,
            divisible=True,
            policy=POLICY,
            seed=seed,
            accepts={"mse": True},
        )
        l1 = ranked(offers, seed)[0].bidder_id
        assert decision.l1_bidder_id == l1
        expected = {"mse": 1_000} if l1 == "mse" else {"big": 750, "mse": 250}
        assert {a.bidder_id: a.quantity for a in decision.allocations} == expected


# --- MSE-2: non-divisible ------------------------------------------------------------------


def test_mse2_non_divisible_the_lowest_mse_in_the_band_gets_it_all_if_it_matches() -> None:
    offers = [
        offer("L1", 100, 1),
        offer("mse-a", 108, 1, mse=MANUFACTURER),
        offer("mse-b", 104, 1, mse=SERVICE_PROVIDER),
        offer("mse-far", 120, 1, mse=MANUFACTURER),
    ]
    decision = decide(offers, {"mse-a": True, "mse-b": True}, total=1, divisible=False)
    assert shares(decision) == {"mse-b": (1, 100, ("MSE-2",))}
    assert [e for e in events(decision) if e[1] == "invited"] == [("MSE-2", "invited", "accepted")]
    declined = decide(offers, {"mse-a": True, "mse-b": False}, total=1, divisible=False)
    assert shares(declined) == {"mse-a": (1, 100, ("MSE-2",))}
    nobody = decide(offers, {"mse-far": True}, total=1, divisible=False)
    assert shares(nobody) == {"L1": (1, 100, ("BID-7",))}


def test_mse2_a_non_divisible_item_has_whole_offers_only() -> None:
    with pytest.raises(BidError) as error:
        decide(
            [offer("L1", 100, 2), offer("m", 101, 1, mse=MANUFACTURER)],
            {},
            total=2,
            divisible=False,
        )
    assert error.value.code == "bids.offered_quantity_out_of_range"


# --- MSE-3: negotiated price -----------------------------------------------------------------


def test_mse3_the_band_is_on_the_original_l1_and_mses_match_the_negotiated_l1() -> None:
    """L1 ₹100 negotiated down to ₹95: ₹115 is still inside the band (on ₹100,
    not on ₹95, where it would end at ₹109.25), and everyone is paid ₹95."""
    offers = [offer("L1", 100), offer("mse", 115, mse=MANUFACTURER)]
    decision = decide(offers, {"mse": True}, negotiated_price_paise=95 * RUPEE)
    assert shares(decision) == {"L1": (750, 95, ("BID-7",)), "mse": (250, 95, ("MSE-1",))}
    assert decision.receipt.outcome["l1_price_paise"] == 100 * RUPEE
    assert decision.receipt.outcome["unit_price_paise"] == 95 * RUPEE
    assert decision.receipt.rules == ("BID-7", "MSE-3", "MSE-1")
    assert rules.explain_steps(decision.receipt)[0] == (
        "MSE-3: L1 L1 negotiated from ₹100 to ₹95; the band stays on the original L1"
    )
    with pytest.raises(BidError) as error:
        decide(offers, {}, negotiated_price_paise=101 * RUPEE)
    assert error.value.code == "bids.negotiated_above_l1"


# --- MII-1: local content classes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "now", "before_2020"),
    [
        ("100", CLASS_1, CLASS_1),
        ("50", CLASS_1, CLASS_1),
        ("49.99", CLASS_2, NON_LOCAL),
        ("20.01", CLASS_2, NON_LOCAL),
        ("20", NON_LOCAL, NON_LOCAL),
        ("0", NON_LOCAL, NON_LOCAL),
    ],
)
def test_mii1_local_content_classes(percent: str, now: str, before_2020: str) -> None:
    assert rules.mii_class_of(Decimal(percent), POLICY) == now
    assert rules.mii_class_of(Decimal(percent), policy_at(dt.date(2020, 9, 15))) == before_2020


def test_mii1_local_content_is_exact() -> None:
    with pytest.raises(BidError) as error:
        rules.mii_class_of(50.0, POLICY)  # type: ignore[arg-type]
    assert error.value.code == "bids.percent_not_decimal"


# --- MII-2: Make in India -------------------------------------------------------------------


def test_mii2_divisible_a_class_i_l1_takes_all() -> None:
    offers = [offer("local", 100, mii=CLASS_1), offer("other", 105, mii=CLASS_1)]
    decision = decide(offers, {"other": True}, mse=False, mii=True)
    assert shares(decision) == {"local": (1_000, 100, ("BID-7",))}
    assert events(decision)[0] == ("MII-2", "l1_is_class_i", "local")
    assert [p["section"] for p in decision.receipt.policy] == ["mii"]


def test_mii2_divisible_l1_keeps_half_and_the_lowest_class_i_in_the_margin_matches() -> None:
    """L1 non-local ₹100; Class-II at ₹105 gets no preference; Class-I at ₹118
    declines, so the next Class-I (₹120, exactly L1 + 20%) gets 50%; ₹121 is outside."""
    offers = [
        offer("import", 100),
        offer("class-2", 105, mii=CLASS_2),
        offer("class-1-a", 118, mii=CLASS_1),
        offer("class-1-b", 120, mii=CLASS_1),
        offer("class-1-far", 121, mii=CLASS_1),
    ]
    accepts = {"class-2": True, "class-1-a": False, "class-1-b": True, "class-1-far": True}
    decision = decide(offers, accepts, mse=False, mii=True)
    assert shares(decision) == {
        "import": (500, 100, ("BID-7",)),
        "class-1-b": (500, 100, ("MII-2",)),
    }
    assert events(decision) == [
        ("MII-2", "outside_band", "class-1-far"),
        ("MII-2", "invited", "declined"),
        ("MII-2", "invited", "accepted"),
        ("MII-2", "allocated", "class-1-b"),
        ("BID-7", "allocated", "import"),
    ]
    five = [dataclasses.replace(o, quantity=5) for o in offers]
    odd = decide(five, accepts, mse=False, mii=True, total=5)
    assert shares(odd) == {"import": (3, 100, ("BID-7",)), "class-1-b": (2, 100, ("MII-2",))}


def test_mii2_divisible_the_next_class_i_supplies_what_the_first_could_not() -> None:
    offers = [
        offer("import", 100),
        offer("c1-small", 110, 300, mii=CLASS_1),
        offer("c1-big", 115, mii=CLASS_1),
    ]
    decision = decide(offers, {"c1-small": True, "c1-big": True}, mse=False, mii=True)
    assert shares(decision) == {
        "import": (500, 100, ("BID-7",)),
        "c1-small": (300, 100, ("MII-2",)),
        "c1-big": (200, 100, ("MII-2",)),
    }


def test_mii2_non_divisible_the_lowest_class_i_in_the_margin_gets_all_if_it_matches() -> None:
    offers = [
        offer("import", 100, 1),
        offer("c1-a", 112, 1, mii=CLASS_1),
        offer("c1-b", 119, 1, mii=CLASS_1),
    ]
    won = decide(offers, {"c1-a": True}, total=1, divisible=False, mse=False, mii=True)
    assert shares(won) == {"c1-a": (1, 100, ("MII-2",))}
    next_one = decide(
        offers, {"c1-a": False, "c1-b": True}, total=1, divisible=False, mse=False, mii=True
    )
    assert shares(next_one) == {"c1-b": (1, 100, ("MII-2",))}
    nobody = decide(offers, {}, total=1, divisible=False, mse=False, mii=True)
    assert shares(nobody) == {"import": (1, 100, ("BID-7",))}


# --- MII-3: reserved for MII ----------------------------------------------------------------


def test_mii3_a_reserved_bid_admits_only_the_classes_it_names() -> None:
    offers = [
        offer("import", 90),
        offer("class-2", 95, mii=CLASS_2),
        offer("class-1", 100, mii=CLASS_1),
    ]
    admitted, excluded = rules.mii_reservation(offers, {CLASS_1})
    assert [o.bidder_id for o in admitted] == ["class-1"]
    assert [o.bidder_id for o in excluded] == ["class-2", "import"]
    class_i_only = decide(offers, {}, mse=False, mii=True, reserved_for={CLASS_1})
    assert shares(class_i_only) == {"class-1": (1_000, 100, ("BID-7",))}
    assert class_i_only.receipt.rules[:2] == ("BID-7", "MII-3")
    assert ("MII-3", "excluded", "import") in events(class_i_only)
    with_class_ii = decide(
        offers, {"class-1": True}, mse=False, mii=True, reserved_for={CLASS_1, CLASS_2}
    )
    assert shares(with_class_ii) == {
        "class-2": (500, 95, ("BID-7",)),
        "class-1": (500, 95, ("MII-2",)),
    }


def test_mii3_no_admitted_offer_and_invalid_reservations() -> None:
    nothing = decide([offer("import", 90)], {}, mse=False, mii=True, reserved_for={CLASS_1})
    assert nothing.allocations == ()
    assert nothing.l1_bidder_id is None
    assert rules.explain(nothing.receipt) == (
        "No offer is of a class the MII reservation admits (1 excluded)"
    )
    for reservation in ({CLASS_2}, {CLASS_1, NON_LOCAL}, set()):
        with pytest.raises(BidError) as error:
            rules.mii_reservation([offer("x", 1)], reservation)
        assert error.value.code == "bids.reservation_invalid"


# --- PREF-1: both preferences ---------------------------------------------------------------


@pytest.mark.parametrize("divisible", [True, False])
def test_pref1_i_an_mse_class_i_l1_takes_all(divisible: bool) -> None:
    offers = [
        offer("L1", 100, mse=MANUFACTURER, mii=CLASS_1),
        offer("mse-c1", 101, mse=MANUFACTURER, mii=CLASS_1),
    ]
    decision = decide(offers, {"mse-c1": True}, divisible=divisible, mii=True)
    assert shares(decision) == {"L1": (1_000, 100, ("BID-7",))}
    assert events(decision)[0] == ("PREF-1", "l1_is_mse_class_i", "L1")
    assert [p["section"] for p in decision.receipt.policy] == ["mse", "mii", "preferences"]


def test_pref1_ii_mse_class_i_suppliers_are_invited_first_non_divisible() -> None:
    """The MSE at ₹105 is cheaper, but the MSE Class-I at ₹112 is invited first."""
    offers = [
        offer("L1", 100, 1),
        offer("mse", 105, 1, mse=MANUFACTURER),
        offer("mse-c1", 112, 1, mse=MANUFACTURER, mii=CLASS_1),
        offer("c1", 101, 1, mii=CLASS_1),
    ]
    decision = decide(
        offers, dict.fromkeys(["mse", "mse-c1", "c1"], True), total=1, divisible=False, mii=True
    )
    assert shares(decision) == {"mse-c1": (1, 100, ("PREF-1",))}


def test_pref1_iii_an_mse_l1_keeps_the_order_when_no_mse_class_i_matches() -> None:
    offers = [
        offer("mse-L1", 100, 1, mse=MANUFACTURER),
        offer("mse-c1", 110, 1, mse=MANUFACTURER, mii=CLASS_1),
        offer("c1", 101, 1, mii=CLASS_1),
    ]
    decision = decide(offers, {"mse-c1": False, "c1": True}, total=1, divisible=False, mii=True)
    assert shares(decision) == {"mse-L1": (1, 100, ("BID-7",))}
    assert events(decision) == [
        ("PREF-1", "invited", "declined"),
        ("PREF-1", "l1_mse_keeps", "mse-L1"),
        ("BID-7", "allocated", "mse-L1"),
    ]


def test_pref1_iii_otherwise_mses_first_then_class_i_non_divisible() -> None:
    offers = [
        offer("L1", 100, 1),
        offer("mse-c1", 110, 1, mse=MANUFACTURER, mii=CLASS_1),
        offer("mse", 105, 1, mse=SERVICE_PROVIDER),
        offer("c1", 119, 1, mii=CLASS_1),
    ]
    to_mse = decide(
        offers, {"mse-c1": False, "mse": True, "c1": True}, total=1, divisible=False, mii=True
    )
    assert shares(to_mse) == {"mse": (1, 100, ("MSE-2",))}
    to_class_i = decide(
        offers, {"mse-c1": False, "mse": False, "c1": True}, total=1, divisible=False, mii=True
    )
    assert shares(to_class_i) == {"c1": (1, 100, ("MII-2",))}
    # mse-c1 declined under PREF-1 (ii): it is not asked again under MSE-2 or MII-2.
    assert [e for e in events(to_class_i) if e[1] == "invited"] == [
        ("PREF-1", "invited", "declined"),
        ("MSE-2", "invited", "declined"),
        ("MII-2", "invited", "accepted"),
    ]


def test_pref1_iii_a_class_i_l1_keeps_it_when_no_mse_matches_non_divisible() -> None:
    offers = [offer("c1-L1", 100, 1, mii=CLASS_1), offer("mse", 105, 1, mse=MANUFACTURER)]
    decision = decide(offers, {"mse": False}, total=1, divisible=False, mii=True)
    assert shares(decision) == {"c1-L1": (1, 100, ("BID-7",))}


def test_pref1_divisible_mse_share_first_then_class_i_topped_up_to_half() -> None:
    """Provisional default split: the MSEs' 250 first (shared 125/125), then
    Class-I topped up to 500 of 1,000, the MSE Class-I supplier first."""
    offers = [
        offer("L1", 100),
        offer("mse-c1", 110, mse=MANUFACTURER, mii=CLASS_1),
        offer("mse", 112, mse=SERVICE_PROVIDER),
        offer("c1", 105, mii=CLASS_1),
    ]
    decision = decide(offers, dict.fromkeys(["mse-c1", "mse", "c1"], True), mii=True)
    assert shares(decision) == {
        "L1": (375, 100, ("BID-7",)),
        "mse-c1": (500, 100, ("MSE-1", "PREF-1")),
        "mse": (125, 100, ("MSE-1",)),
    }
    assert decision.quantity_by_rule("MSE-1") == 250
    assert decision.receipt.policy[2]["section"] == "preferences"
    assert decision.receipt.inputs["policy_values"]["divisible_split"] == (
        "mse_first_then_class_i_top_up"
    )
    top_up = next(s for s in decision.receipt.outcome["steps"] if s["event"] == "class_i_top_up")
    assert (top_up["target"], top_up["already"]) == (500, 125)


def test_pref1_divisible_non_mse_class_i_tops_up_when_no_mse_is_class_i() -> None:
    offers = [offer("L1", 100), offer("mse", 110, mse=MANUFACTURER), offer("c1", 115, mii=CLASS_1)]
    decision = decide(offers, {"mse": True, "c1": True}, mii=True)
    assert shares(decision) == {
        "L1": (250, 100, ("BID-7",)),
        "mse": (250, 100, ("MSE-1",)),
        "c1": (500, 100, ("PREF-1",)),
    }


def test_pref1_divisible_an_mse_l1_tops_up_only_mse_class_i() -> None:
    offers = [
        offer("mse-L1", 100, mse=MANUFACTURER),
        offer("c1", 101, mii=CLASS_1),
        offer("mse-c1", 114, mse=MANUFACTURER, mii=CLASS_1),
    ]
    decision = decide(offers, {"c1": True, "mse-c1": True}, mii=True)
    assert shares(decision) == {
        "mse-L1": (500, 100, ("BID-7",)),
        "mse-c1": (500, 100, ("PREF-1",)),
    }
    assert all(s.get("bidder_id") != "c1" for s in decision.receipt.outcome["steps"])
    declined = decide(offers, {"c1": True, "mse-c1": False}, mii=True)
    assert shares(declined) == {"mse-L1": (1_000, 100, ("BID-7",))}


def test_pref1_divisible_a_class_i_l1_gives_only_the_mse_share() -> None:
    offers = [offer("c1-L1", 100, mii=CLASS_1), offer("mse", 110, mse=MANUFACTURER)]
    decision = decide(offers, {"mse": True}, mii=True)
    assert shares(decision) == {"c1-L1": (750, 100, ("BID-7",)), "mse": (250, 100, ("MSE-1",))}


def test_no_preference_flags_l1_takes_all() -> None:
    decision = decide(ISSUE_EXAMPLE, {"mse-110": True}, mse=False)
    assert shares(decision) == {"L1-big": (1_000, 100, ("BID-7",))}
    assert decision.receipt.rules == ("BID-7",)
    assert decision.receipt.policy == ()
    assert rules.explain(decision.receipt) == (
        "L1 is L1-big; all 1000 units at ₹100 each: L1-big 1000 units"
    )


# --- malformed inputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offers", "accepts", "code"),
    [
        ([offer("a", 1), offer("a", 2)], {}, "bids.listed_twice"),
        ([offer(" ", 1)], {}, "bids.id_blank"),
        ([FinancialOffer("a", 0, 1_000)], {}, "bids.paise_out_of_range"),
        ([FinancialOffer("a", 1.5, 1_000)], {}, "bids.paise_not_integer"),  # type: ignore[arg-type]
        ([offer("a", 1, 0)], {}, "bids.count_out_of_range"),
        ([offer("a", 1, 1_001)], {}, "bids.offered_quantity_out_of_range"),
        ([offer("a", 1, mse="retailer")], {}, "bids.mse_category_unknown"),
        ([offer("a", 1, mii="CLASS_3")], {}, "bids.mii_class_unknown"),
        ([offer("a", 1)], {"b": True}, "bids.unknown_bidder"),
        ([offer("a", 1)], {"a": "yes"}, "bids.answer_not_bool"),
        ([offer("a", 1, 999), offer("b", 2)], {}, "bids.l1_partial_quantity"),
    ],
)
def test_malformed_preference_inputs(
    offers: list[FinancialOffer], accepts: dict[str, bool], code: str
) -> None:
    with pytest.raises(BidError) as error:
        decide(offers, accepts)
    assert error.value.code == code


def test_malformed_share_and_seed() -> None:
    with pytest.raises(BidError) as error:
        decide(ISSUE_EXAMPLE, {}, mse_share_percent=Decimal("101"))
    assert error.value.code == "bids.percent_out_of_range"
    with pytest.raises(BidError) as error:
        decide(ISSUE_EXAMPLE, {}, mse_share_percent=0.25)
    assert error.value.code == "bids.percent_not_decimal"
    with pytest.raises(BidError) as error:
        rules.purchase_preference(
            offers=ISSUE_EXAMPLE,
            total_quantity=1_000,
            divisible=True,
            policy=POLICY,
            seed="",
            accepts={},
        )
    assert error.value.code == "bids.seed_blank"


# --- properties (issue 6) ---------------------------------------------------------------------


Case = tuple[list[FinancialOffer], int, bool, dict[str, bool], str]
Flags = tuple[bool, bool]


@st.composite
def bids(draw: st.DrawFn) -> Case:
    """Random offers around an L1 of ₹100 (many inside and outside both
    margins, plenty of ties), with L1 quoting for the whole quantity."""
    divisible = draw(st.booleans())
    total = draw(st.integers(1, 2_000)) if divisible else draw(st.integers(1, 3))
    ids = draw(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=8, unique=True))
    offers = []
    for bidder_id in ids:
        category = draw(st.sampled_from([None, MANUFACTURER, SERVICE_PROVIDER, TRADER]))
        offers.append(
            FinancialOffer(
                bidder_id=bidder_id,
                unit_price_paise=draw(st.sampled_from([100, 105, 110, 115, 116, 120, 121, 130])),
                quantity=draw(st.integers(1, total)) if divisible else total,
                is_mse=category is not None,
                mse_category=category,
                mii_class=draw(st.sampled_from([CLASS_1, CLASS_2, NON_LOCAL])),
            )
        )
    seed = draw(st.sampled_from(["s1", "s2", "s3"]))
    l1 = ranked(offers, seed)[0]
    # Often a plain L1 (neither MSE nor Class-I), so that the preferences have work to do.
    plain = {"is_mse": False, "mse_category": None, "mii_class": NON_LOCAL}
    whole = {"quantity": total, **(plain if draw(st.booleans()) else {})}
    offers = [dataclasses.replace(o, **whole) if o == l1 else o for o in offers]  # type: ignore[arg-type]
    answer = st.sampled_from([True, True, False, None])  # None: no answer given
    given_answers = {bidder_id: draw(answer) for bidder_id in ids}
    accepts = {b: a for b, a in given_answers.items() if a is not None}
    return offers, total, divisible, accepts, seed


flags = st.tuples(st.booleans(), st.booleans())


def _run(
    case: Case,
    mse: bool,
    mii: bool,
    negotiated: int | None = None,
) -> rules.PreferenceDecision:
    offers, total, divisible, accepts, seed = case
    return rules.purchase_preference(
        offers=offers,
        total_quantity=total,
        divisible=divisible,
        policy=POLICY,
        seed=seed,
        accepts=accepts,
        mse_preference=mse,
        mii_preference=mii,
        negotiated_price_paise=negotiated,
    )


@given(bids(), flags)
def test_property_quantities_are_conserved(case: Case, flag_pair: Flags) -> None:
    decision = _run(case, *flag_pair)
    offers, total, divisible, _, _ = case
    assert sum(a.quantity for a in decision.allocations) == total
    assert all(a.quantity > 0 for a in decision.allocations)
    offered = {o.bidder_id: o.quantity for o in offers}
    assert all(a.quantity <= offered[a.bidder_id] for a in decision.allocations)
    if not divisible:
        assert len(decision.allocations) == 1


@given(bids(), flags)
def test_property_the_mse_share_never_exceeds_the_bids_share(case: Case, flag_pair: Flags) -> None:
    decision = _run(case, *flag_pair)
    offers, total, divisible, _, _ = case
    if divisible:
        assert decision.quantity_by_rule("MSE-1") <= total * 25 // 100
        if flag_pair == (True, False):
            others = [a for a in decision.allocations if a.bidder_id != decision.l1_bidder_id]
            assert sum(a.quantity for a in others) <= total * 25 // 100
            preferred = {o.bidder_id for o in offers if o.mse_preferred}
            assert all(a.bidder_id in preferred for a in others)


@given(bids(), flags, st.integers(0, 10))
def test_property_nobody_is_paid_above_their_quote_or_below_l1(
    case: Case, flag_pair: Flags, cut: int
) -> None:
    offers = case[0]
    l1_price = min(o.unit_price_paise for o in offers)
    negotiated = l1_price - cut if cut else None
    decision = _run(case, flag_pair[0], flag_pair[1], negotiated)
    quoted = {o.bidder_id: o.unit_price_paise for o in offers}
    paid_floor = negotiated or l1_price
    for allocation in decision.allocations:
        assert paid_floor <= allocation.unit_price_paise <= quoted[allocation.bidder_id]
        # Preferred bidders are within their band of the original L1 (MSE-1/MSE-3, MII-2).
        assert quoted[allocation.bidder_id] * 100 <= l1_price * 120


@given(bids(), flags, st.randoms(use_true_random=False))
def test_property_results_do_not_depend_on_input_order(
    case: Case, flag_pair: Flags, rng: random.Random
) -> None:
    offers, total, divisible, accepts, seed = case
    shuffled = list(offers)
    rng.shuffle(shuffled)
    answers = list(accepts.items())
    rng.shuffle(answers)
    first = _run(case, *flag_pair)
    second = _run((shuffled, total, divisible, dict(answers), seed), *flag_pair)
    assert second.allocations == first.allocations
    assert second.receipt.digest() == first.receipt.digest()


@given(bids())
def test_property_mse1_l1_mse_or_no_mse_acceptor_means_l1_takes_all(case: Case) -> None:
    offers, _, _, accepts, _ = case
    decision = _run(case, True, False)
    l1 = next(o for o in offers if o.bidder_id == decision.l1_bidder_id)
    accepting_mse = [o for o in offers if o.mse_preferred and accepts.get(o.bidder_id) is True]
    if l1.mse_preferred or not accepting_mse:
        assert [a.bidder_id for a in decision.allocations] == [l1.bidder_id]


@given(bids())
def test_property_mii2_divisible_l1_keeps_at_least_half(case: Case) -> None:
    offers, total, divisible, _, _ = case
    decision = _run(case, False, True)
    if divisible:
        assert decision.quantity_of(decision.l1_bidder_id or "") >= total - total // 2
        for allocation in decision.allocations:
            offer_of = next(o for o in offers if o.bidder_id == allocation.bidder_id)
            assert allocation.bidder_id == decision.l1_bidder_id or offer_of.class_i
