"""MSE-1..3, MII-1..3 and PREF-1: who supplies how much of a bid after the
purchase preferences, at which price, and the receipt of every step.

Input: the financial offers (unit price, offered quantity, MSE status and
category, MII class), the bid's total quantity, whether it is divisible, the
bid's preference flags and MSE share, the policy, the tie-break seed (BID-7)
and the answers to the invitations to match L1 (`accepts`: bidder → True or
False; a bidder without an answer is taken as declining, as a seller who lets
the matching window pass). The rule asks nobody anything: the service collects
the answers first and replays this decision with them, so the decision is a
pure function of its inputs.

How quantities are rounded (quantities are whole units):
- a share ("up to 25%", "the other 50%") is rounded down, so it never exceeds
  its percentage; L1 keeps what the shares leave;
- MSE-1's share is split in proportion to the accepting MSEs' offered
  quantities by the largest-remainder method: each gets the whole part of its
  exact share, and the units left go one each to the largest fractional
  parts, equal fractions by bidder id. Nobody gets more than it offered; when
  the acceptors together offered less than the share, each gets all it offered.

Our readings where the sources are silent (each recorded in the receipt):
- L1 quotes for the whole quantity (bids are evaluated on the total value,
  BID-1); a preferred bidder supplies at most what it offered.
- A bidder answers the invitation to match L1 once per decision: a bidder who
  declined under one rule is not invited again under the next.
- A non-divisible order is offered to the preferred bidders lowest first, the
  next when one declines (MSE-2, MII-2, PREF-1 (ii)).
- MII-2 divisible: the Class-I share goes to the lowest accepting Class-I; if
  it offered less, the next accepting Class-I supplies the rest.
- The MII margin, like the MSE band (MSE-3), is computed on the original L1,
  and everyone matches the negotiated L1.
- PREF-1 divisible (policy `divisible_split = mse_first_then_class_i_top_up`,
  provisional): the MSE share goes first to the accepting MSEs within the
  band (MSE Class-I suppliers invited first, PREF-1 (ii)); then, unless L1 is
  Class-I, Class-I suppliers are topped up to `class_i_total_share_percent`
  of the whole, MSE Class-I suppliers within the MSE band first; when L1 is an
  MSE only MSE Class-I suppliers are invited (PREF-1 (iii): L1 keeps the rest).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kraya.bids.rules.common import (
    MII_CLASSES,
    MSE_CATEGORIES,
    BidError,
    fraction,
    percent_text,
    ranked,
    require_count,
    require_id,
    require_paise,
    require_seed,
    require_unique,
    share_of,
    within_margin,
)
from kraya.bids.rules.offers import (
    Allocation,
    FinancialOffer,
    PreferenceDecision,
    mii_reservation,
    proportional_shares,
)
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt

# The answers a receipt records for an invitation to match L1.
ACCEPTED = "accepted"
DECLINED = "declined"
NO_ANSWER = "no_answer"


@dataclass
class _Run:
    """The working state of one decision: who has been asked, what each got,
    and the steps the receipt lists in order."""

    order: list[FinancialOffer]
    total: int
    price_paise: int
    band_l1_paise: int
    policy: Policy
    accepts: Mapping[str, bool]
    divisible: bool
    steps: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, bool] = field(default_factory=dict)

    @property
    def l1(self) -> FinancialOffer:
        return self.order[0]

    def step(self, rule: str, event: str, offer: FinancialOffer | None, **extra: Any) -> None:
        entry: dict[str, Any] = {"rule": rule, "event": event}
        if offer is not None:
            entry["bidder_id"] = offer.bidder_id
        self.steps.append({**entry, **extra})

    def given(self, bidder_id: str) -> int:
        return sum(g["quantity"] for g in self.grants if g["bidder_id"] == bidder_id)

    def give(self, offer: FinancialOffer, quantity: int, rule: str) -> None:
        if quantity > 0:
            self.grants.append({"bidder_id": offer.bidder_id, "quantity": quantity, "rule": rule})
            self.step(
                rule, "allocated", offer, quantity=quantity, unit_price_paise=self.price_paise
            )

    def ask(self, offer: FinancialOffer, rule: str) -> bool:
        """Invite `offer` to match L1 (once per decision; the answer is injected)."""
        if offer.bidder_id in self.answers:
            return self.answers[offer.bidder_id]
        answer = self.accepts.get(offer.bidder_id)
        said = ACCEPTED if answer is True else DECLINED if answer is False else NO_ANSWER
        self.step(
            rule,
            "invited",
            offer,
            quoted_paise=offer.unit_price_paise,
            match_paise=self.price_paise,
            answer=said,
        )
        self.answers[offer.bidder_id] = answer is True
        return answer is True

    def in_band(
        self, rule: str, percent: Decimal, wanted: Iterable[FinancialOffer]
    ) -> list[FinancialOffer]:
        """The wanted offers within L1 + percent of the original L1 (MSE-3),
        recording those outside."""
        limit = self.band_l1_paise * (1 + fraction(percent))
        inside = []
        for offer in wanted:
            if within_margin(offer.unit_price_paise, self.band_l1_paise, percent):
                inside.append(offer)
            else:
                self.step(
                    rule,
                    "outside_band",
                    offer,
                    quoted_paise=offer.unit_price_paise,
                    limit_paise=str(limit),
                )
        return inside

    def mse_candidates(self, rule: str) -> list[FinancialOffer]:
        """MSE-1: the MSEs other than L1 within the band, lowest first; traders
        are recorded as getting no preference (KYC-3)."""
        wanted = []
        for offer in self.order[1:]:
            if offer.is_mse and not offer.mse_preferred:
                self.step(rule, "trader_not_preferred", offer)
            elif offer.mse_preferred:
                wanted.append(offer)
        return self.in_band(rule, self.policy.mse.l1_band_percent, wanted)

    def class_i_candidates(self, rule: str) -> list[FinancialOffer]:
        """MII-2: the Class-I suppliers other than L1 within the margin, lowest first."""
        wanted = [offer for offer in self.order[1:] if offer.class_i]
        return self.in_band(rule, self.policy.mii.purchase_preference_margin_percent, wanted)


def _whole_to_first_acceptor(run: _Run, candidates: Sequence[FinancialOffer], rule: str) -> bool:
    """MSE-2, MII-2, PREF-1 (ii) non-divisible: the lowest preferred bidder that
    matches L1 gets the whole order; the next is invited if it declines."""
    for offer in candidates:
        if run.ask(offer, rule):
            run.give(offer, run.total, rule)
            return True
    return False


def _share_among_acceptors(
    run: _Run, candidates: Sequence[FinancialOffer], share: int, rule: str
) -> None:
    """MSE-1 divisible: every candidate is invited; those who match share
    `share` units in proportion to their offered quantities."""
    acceptors = [offer for offer in candidates if run.ask(offer, rule)]
    weights = {offer.bidder_id: offer.quantity - run.given(offer.bidder_id) for offer in acceptors}
    shares = proportional_shares(share, weights)
    run.step(rule, "share", None, share=share, weights=weights)
    for offer in acceptors:
        run.give(offer, shares[offer.bidder_id], rule)


def _top_up(run: _Run, candidates: Sequence[FinancialOffer], target: int, rule: str) -> None:
    """MII-2 divisible: the lowest accepting Class-I supplies `target` units;
    the next accepting one supplies what it could not (its offered quantity)."""
    left = target
    for offer in candidates:
        if left <= 0:
            return
        if run.ask(offer, rule):
            quantity = min(left, offer.quantity - run.given(offer.bidder_id))
            run.give(offer, quantity, rule)
            left -= quantity


def _mse_only(run: _Run, share_percent: Decimal) -> None:
    if run.l1.mse_preferred:
        run.step("MSE-1", "l1_is_mse", run.l1)
        return
    if run.divisible:
        candidates = run.mse_candidates("MSE-1")
        _share_among_acceptors(run, candidates, share_of(run.total, share_percent), "MSE-1")
    else:
        _whole_to_first_acceptor(run, run.mse_candidates("MSE-2"), "MSE-2")


def _mii_only(run: _Run) -> None:
    if run.l1.class_i:
        run.step("MII-2", "l1_is_class_i", run.l1)
        return
    candidates = run.class_i_candidates("MII-2")
    if run.divisible:
        l1_keeps = run.policy.mii.divisible_l1_share_percent
        _top_up(run, candidates, share_of(run.total, Decimal(100) - l1_keeps), "MII-2")
    else:
        _whole_to_first_acceptor(run, candidates, "MII-2")


def _mse_class_i_first(offers: Sequence[FinancialOffer]) -> list[FinancialOffer]:
    """PREF-1 (ii): MSE Class-I suppliers are invited first, lowest first."""
    return [o for o in offers if o.class_i] + [o for o in offers if not o.class_i]


def _both(run: _Run, share_percent: Decimal) -> None:
    l1 = run.l1
    if l1.mse_preferred and l1.class_i:
        run.step("PREF-1", "l1_is_mse_class_i", l1)  # PREF-1 (i)
        return
    mse_band = _mse_class_i_first(run.mse_candidates("PREF-1"))
    if not run.divisible:
        _both_whole(run, mse_band)
        return
    if not l1.mse_preferred:
        _share_among_acceptors(run, mse_band, share_of(run.total, share_percent), "MSE-1")
    if l1.class_i:
        run.step("MII-2", "l1_is_class_i", l1)
        return
    pool = [o for o in mse_band if o.class_i]
    if not l1.mse_preferred:  # PREF-1 (iii): with an MSE L1, only MSE Class-I suppliers
        pool += [o for o in run.class_i_candidates("MII-2") if o not in pool]
    target = share_of(run.total, run.policy.preferences.class_i_total_share_percent)
    class_i_given = sum(run.given(o.bidder_id) for o in run.order if o.class_i)
    run.step("PREF-1", "class_i_top_up", None, target=target, already=class_i_given)
    _top_up(run, pool, target - class_i_given, "PREF-1")


def _both_whole(run: _Run, mse_band: Sequence[FinancialOffer]) -> None:
    """PREF-1 for a non-divisible item: (ii) MSE Class-I within the MSE band,
    lowest first; (iii) an MSE L1 keeps it; else the MSEs (MSE-2), then the
    Class-I suppliers (MII-2)."""
    mse_class_i = [o for o in mse_band if o.class_i]
    if _whole_to_first_acceptor(run, mse_class_i, "PREF-1"):
        return
    if run.l1.mse_preferred:
        run.step("PREF-1", "l1_mse_keeps", run.l1)
        return
    if _whole_to_first_acceptor(run, mse_band, "MSE-2"):
        return
    if run.l1.class_i:
        run.step("MII-2", "l1_is_class_i", run.l1)
        return
    _whole_to_first_acceptor(run, run.class_i_candidates("MII-2"), "MII-2")


def _checked_offers(
    offers: Iterable[FinancialOffer], total_quantity: int, divisible: bool
) -> list[FinancialOffer]:
    listed = sorted(offers, key=lambda offer: str(offer.bidder_id))
    for offer in listed:
        require_id(offer.bidder_id, "bidder_id")
        require_paise(offer.unit_price_paise, "unit_price_paise", positive=True)
        require_count(offer.quantity, "quantity", minimum=1)
        if offer.quantity > total_quantity or (not divisible and offer.quantity != total_quantity):
            raise BidError(
                "bids.offered_quantity_out_of_range",
                "quantity",
                f"{offer.bidder_id} offers {offer.quantity} of {total_quantity}"
                + ("" if divisible else " of a non-divisible item"),
            )
        if offer.is_mse and offer.mse_category not in MSE_CATEGORIES:
            raise BidError(
                "bids.mse_category_unknown", "mse_category", f"{offer.mse_category!r} (KYC-3)"
            )
        if offer.mii_class not in MII_CLASSES:
            raise BidError("bids.mii_class_unknown", "mii_class", f"{offer.mii_class!r} (MII-1)")
    require_unique((offer.bidder_id for offer in listed), "bidder_id")
    return listed


def _checked_answers(accepts: Mapping[str, bool], bidders: Collection[str]) -> dict[str, bool]:
    answers = dict(sorted(accepts.items()))
    for bidder_id, answer in answers.items():
        if bidder_id not in bidders:
            raise BidError("bids.unknown_bidder", "accepts", f"no offer from {bidder_id!r}")
        if type(answer) is not bool:
            raise BidError("bids.answer_not_bool", "accepts", f"{bidder_id}: {answer!r}")
    return answers


def purchase_preference(
    *,
    offers: Iterable[FinancialOffer],
    total_quantity: int,
    divisible: bool,
    policy: Policy,
    seed: str,
    accepts: Mapping[str, bool],
    mse_preference: bool = True,
    mii_preference: bool = False,
    mse_share_percent: Decimal | None = None,
    negotiated_price_paise: int | None = None,
    reserved_for: Collection[str] | None = None,
) -> PreferenceDecision:
    """MSE-1..3, MII-2..3, PREF-1: the allocations of a bid's quantity after the
    purchase preferences, everyone at the L1 price (the negotiated one, MSE-3).

    The offers are ranked by `ranked` (BID-7: price, then the seeded draw);
    `mse_share_percent` defaults to the policy's (25%); `reserved_for` is the
    MII-3 reservation (e.g. `{"CLASS_1"}`), None when the bid is open to all.
    The order of `offers` and of `accepts` changes nothing, not even the receipt."""
    require_count(total_quantity, "total_quantity", minimum=1)
    require_seed(seed)
    share_percent = (
        policy.mse.quantity_share_percent if mse_share_percent is None else (mse_share_percent)
    )
    fraction(share_percent)  # refuses a non-Decimal or a share outside 0–100%
    listed = _checked_offers(offers, total_quantity, divisible)
    answers = _checked_answers(accepts, {offer.bidder_id for offer in listed})
    steps: list[dict[str, Any]] = []
    admitted = listed
    if reserved_for is not None:
        admitted, excluded = mii_reservation(listed, reserved_for)
        steps += [
            {
                "rule": "MII-3",
                "event": "excluded",
                "bidder_id": o.bidder_id,
                "mii_class": o.mii_class,
            }
            for o in excluded
        ]
    inputs = {
        "offers": [offer.as_json() for offer in listed],
        "total_quantity": total_quantity,
        "divisible": divisible,
        "mse_preference": mse_preference,
        "mii_preference": mii_preference,
        "mse_share_percent": percent_text(share_percent),
        "negotiated_price_paise": negotiated_price_paise,
        "reserved_for": None if reserved_for is None else sorted(reserved_for),
        "accepts": answers,
        "seed": seed,
        "on": policy.on.isoformat(),
        "policy_values": _policy_values(policy),
    }
    sections = _sections(mse_preference, mii_preference or reserved_for is not None)
    receipts = tuple(policy.receipt(section) for section in sections)
    if not admitted:
        return _nothing_admitted(inputs, steps, receipts)
    order = ranked(admitted, seed)
    l1 = order[0]
    if l1.quantity != total_quantity:
        raise BidError(
            "bids.l1_partial_quantity",
            "quantity",
            f"L1 ({l1.bidder_id}) offers {l1.quantity} of {total_quantity}: "
            "L1 must quote for the whole quantity",
        )
    price = l1.unit_price_paise
    if negotiated_price_paise is not None:
        require_paise(negotiated_price_paise, "negotiated_price_paise", positive=True)
        if negotiated_price_paise > l1.unit_price_paise:
            raise BidError(
                "bids.negotiated_above_l1", "negotiated_price_paise", "negotiation only lowers L1"
            )
        price = negotiated_price_paise
        steps.append(
            {
                "rule": "MSE-3",
                "event": "negotiated",
                "bidder_id": l1.bidder_id,
                "original_paise": l1.unit_price_paise,
                "negotiated_paise": price,
            }
        )
    run = _Run(
        order=order,
        total=total_quantity,
        price_paise=price,
        band_l1_paise=l1.unit_price_paise,  # MSE-3: the band is on the original L1
        policy=policy,
        accepts=answers,
        divisible=divisible,
        steps=steps,
    )
    if mse_preference and mii_preference:
        _both(run, share_percent)
    elif mse_preference:
        _mse_only(run, share_percent)
    elif mii_preference:
        _mii_only(run)
    run.give(l1, total_quantity - sum(g["quantity"] for g in run.grants), "BID-7")
    return _decided(run, inputs, receipts)


def _policy_values(policy: Policy) -> dict[str, str]:
    return {
        "mse_band_percent": percent_text(policy.mse.l1_band_percent),
        "mii_margin_percent": percent_text(policy.mii.purchase_preference_margin_percent),
        "mii_l1_share_percent": percent_text(policy.mii.divisible_l1_share_percent),
        "class_i_total_share_percent": percent_text(policy.preferences.class_i_total_share_percent),
        "divisible_split": policy.preferences.divisible_split,
    }


def _sections(mse: bool, mii: bool) -> tuple[str, ...]:
    chosen = (["mse"] if mse else []) + (["mii"] if mii else [])
    return (*chosen, "preferences") if mse and mii else tuple(chosen)


def _rules_of(steps: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    seen = ["BID-7"]
    for step in steps:
        if step["rule"] not in seen:
            seen.append(step["rule"])
    return tuple(seen)


def _nothing_admitted(
    inputs: dict[str, Any], steps: list[dict[str, Any]], receipts: tuple[dict[str, Any], ...]
) -> PreferenceDecision:
    receipt = DecisionReceipt(
        kind="bids.preference",
        rules=("MII-3",),
        policy=receipts,
        inputs=inputs,
        outcome={
            "l1_bidder_id": None,
            "ranking": [],
            "steps": steps,
            "grants": [],
            "allocations": [],
        },
        message="bids.preference.nothing_admitted",
        params={"excluded": len(steps)},
    )
    return PreferenceDecision(None, None, (), receipt)


def _decided(
    run: _Run, inputs: dict[str, Any], receipts: tuple[dict[str, Any], ...]
) -> PreferenceDecision:
    by_bidder: dict[str, list[str]] = {}
    for grant in run.grants:
        by_bidder.setdefault(grant["bidder_id"], []).append(grant["rule"])
    allocations = tuple(
        Allocation(bidder_id, run.given(bidder_id), run.price_paise, tuple(sorted(set(rules))))
        for bidder_id, rules in sorted(by_bidder.items())
    )
    preferred = [a for a in allocations if a.bidder_id != run.l1.bidder_id]
    receipt = DecisionReceipt(
        kind="bids.preference",
        rules=_rules_of(run.steps),
        policy=receipts,
        inputs=inputs,
        outcome={
            "l1_bidder_id": run.l1.bidder_id,
            "l1_price_paise": run.l1.unit_price_paise,
            "unit_price_paise": run.price_paise,
            "ranking": [offer.bidder_id for offer in run.order],
            "steps": run.steps,
            "grants": run.grants,
            "allocations": [a.as_json() for a in allocations],
        },
        message="bids.preference.applied" if preferred else "bids.preference.l1_takes_all",
        params={
            "l1_bidder_id": run.l1.bidder_id,
            "unit_price_paise": run.price_paise,
            "total_quantity": run.total,
            "allocations": [[a.bidder_id, a.quantity, list(a.rules)] for a in allocations],
        },
    )
    return PreferenceDecision(run.l1.bidder_id, run.price_paise, allocations, receipt)
