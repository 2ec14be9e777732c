"""MODE-3 (and the MODE-4 advice): the L1 comparison, its seeded tie-break and
the replay of a stored comparison.

The tie-break. Offers tied at the lowest price are ranked by the seeded
HMAC draw of `kraya.core.draws` on their offer ids (why an HMAC and not
`random`, and why the seed comes from the service, is said there); the seed
is stored in the receipt, so after the draw it is public."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kraya.buying.rules.common import BID, POLICY_SECTION, BuyingError, require_paise
from kraya.core.draws import SEED_BYTES, new_tie_break_seed, tie_break_rank
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt


@dataclass(frozen=True, slots=True)
class Candidate:
    """One offer in an L1 comparison, as plain values. `manufacturer` is the
    OEM's key (compared ignoring case and surrounding spaces); `price_paise`
    is what the buyer would pay for the demanded quantity."""

    offer_id: str
    manufacturer: str
    price_paise: int
    meets_golden_parameters: bool
    delivers: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "offer_id": self.offer_id,
            "manufacturer": self.manufacturer,
            "price_paise": self.price_paise,
            "meets_golden_parameters": self.meets_golden_parameters,
            "delivers": self.delivers,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            offer_id=data["offer_id"],
            manufacturer=data["manufacturer"],
            price_paise=data["price_paise"],
            meets_golden_parameters=data["meets_golden_parameters"],
            delivers=data["delivers"],
        )


@dataclass(frozen=True, slots=True)
class L1Decision:
    """The outcome of an L1 comparison. When allowed, `l1_offer_id` is the only
    offer that may be bought and `tied` lists every offer at its price (one
    offer: no draw). When refused (`buying.too_few_manufacturers`), the buyer
    is advised to go to a bid (MODE-4)."""

    allowed: bool
    rule: str
    code: str
    l1_offer_id: str | None
    l1_price_paise: int | None
    tied: tuple[str, ...]
    receipt: DecisionReceipt


class ReplayMismatch(ValueError):
    """A stored L1 receipt that its own inputs do not reproduce."""

    code = "buying.replay_mismatch"


def manufacturer_key(manufacturer: str) -> str:
    """MODE-3 counts manufacturers by this key: `" Tata "` and `"tata"` are one."""
    return " ".join(manufacturer.split()).casefold()


def _checked(candidates: Iterable[Candidate]) -> list[Candidate]:
    given = list(candidates)
    for candidate in given:
        if not isinstance(candidate.offer_id, str) or not candidate.offer_id.strip():
            raise BuyingError("buying.offer_id_blank", "offer_id", "every offer needs an id")
    listed = sorted(given, key=lambda candidate: candidate.offer_id)
    seen: set[str] = set()
    for candidate in listed:
        if candidate.offer_id in seen:
            raise BuyingError(
                "buying.offer_listed_twice",
                "offer_id",
                f"offer {candidate.offer_id} is listed twice",
            )
        seen.add(candidate.offer_id)
        if not manufacturer_key(candidate.manufacturer):
            raise BuyingError(
                "buying.manufacturer_blank", "manufacturer", "every offer names its manufacturer"
            )
        require_paise(candidate.price_paise, "price_paise", positive=True)
    return listed


def _exclusion(candidate: Candidate) -> str:
    if not candidate.meets_golden_parameters:
        return "buying.spec_not_met"
    if not candidate.delivers:
        return "buying.delivery_not_possible"
    return ""


def _decide(
    *,
    candidates: Sequence[Candidate],
    seed: str,
    min_manufacturers: int,
    policy_receipts: tuple[dict[str, Any], ...],
    on: str,
) -> L1Decision:
    if not isinstance(seed, str) or not seed:
        raise BuyingError(
            "buying.seed_blank", "seed", "the tie-break seed must be a non-empty string"
        )
    listed = _checked(candidates)
    excluded = {c.offer_id: _exclusion(c) for c in listed if _exclusion(c)}
    eligible = [c for c in listed if c.offer_id not in excluded]
    manufacturers = sorted({manufacturer_key(c.manufacturer) for c in eligible})

    def receipt(
        rules: tuple[str, ...], outcome: dict[str, Any], message: str, params: dict[str, Any]
    ) -> DecisionReceipt:
        return DecisionReceipt(
            kind="buying.l1",
            rules=rules,
            policy=policy_receipts,
            inputs={
                "candidates": [c.as_json() for c in listed],
                "seed": seed,
                "min_manufacturers": min_manufacturers,
                "on": on,
            },
            outcome={
                **outcome,
                "eligible": [c.offer_id for c in eligible],
                "excluded": excluded,
                "manufacturers": manufacturers,
            },
            message=message,
            params={
                **params,
                "manufacturers": len(manufacturers),
                "min_manufacturers": min_manufacturers,
            },
        )

    if len(manufacturers) < min_manufacturers:
        code = "buying.too_few_manufacturers"
        refusal = receipt(
            ("MODE-3", "MODE-4"),
            {"allowed": False, "code": code, "advice": BID},
            code,
            {"advice": BID},
        )
        return L1Decision(False, "MODE-3", code, None, None, (), refusal)
    price = min(c.price_paise for c in eligible)
    tied = [c.offer_id for c in eligible if c.price_paise == price]
    draw = sorted(({"offer_id": o, "rank": tie_break_rank(seed, o)} for o in tied), key=_by_rank)
    winner = draw[0]["offer_id"]
    selection = receipt(
        ("MODE-3",),
        {
            "allowed": True,
            "l1_offer_id": winner,
            "l1_price_paise": price,
            "tied": tied,
            "draw": draw if len(tied) > 1 else [],
        },
        "buying.l1.drawn" if len(tied) > 1 else "buying.l1.selected",
        {"l1_offer_id": winner, "l1_price_paise": price, "tied": len(tied)},
    )
    return L1Decision(True, "MODE-3", "", winner, price, tuple(tied), selection)


def _by_rank(entry: dict[str, str]) -> tuple[str, str]:
    return entry["rank"], entry["offer_id"]


def l1_selection(candidates: Iterable[Candidate], policy: Policy, seed: str) -> L1Decision:
    """MODE-3: keep the offers that meet the golden parameters and can deliver;
    with fewer than `l1_min_manufacturers` distinct manufacturers among them,
    refuse (`buying.too_few_manufacturers`, advice: a bid, MODE-4); otherwise
    L1 is the lowest price, ties broken by the seeded draw. The order the
    candidates come in changes nothing, not even the receipt."""
    return _decide(
        candidates=list(candidates),
        seed=seed,
        min_manufacturers=policy.buying_modes.l1_min_manufacturers,
        policy_receipts=(policy.receipt(POLICY_SECTION),),
        on=policy.on.isoformat(),
    )


def replay_l1(receipt: DecisionReceipt) -> L1Decision:
    """MODE-3: recompute a stored comparison from its own inputs (candidates,
    seed, the minimum of manufacturers then in force) and return it; raise
    `ReplayMismatch` unless it reproduces the stored receipt exactly."""
    if receipt.kind != "buying.l1":
        raise ReplayMismatch(f"not an L1 receipt: {receipt.kind}")
    try:
        inputs = receipt.inputs
        replayed = _decide(
            candidates=[Candidate.from_json(item) for item in inputs["candidates"]],
            seed=inputs["seed"],
            min_manufacturers=inputs["min_manufacturers"],
            policy_receipts=receipt.policy,
            on=inputs["on"],
        )
    except (KeyError, TypeError, BuyingError) as error:
        raise ReplayMismatch(f"the receipt's inputs cannot be replayed: {error!r}") from None
    if replayed.receipt != receipt:
        raise ReplayMismatch("the replayed comparison differs from the stored receipt")
    return replayed


__all__ = [
    "SEED_BYTES",
    "Candidate",
    "L1Decision",
    "ReplayMismatch",
    "l1_selection",
    "manufacturer_key",
    "new_tie_break_seed",
    "replay_l1",
    "tie_break_rank",
]
