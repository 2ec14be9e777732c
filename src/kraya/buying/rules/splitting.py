"""MODE-5: no splitting. An office's demands for one category within the
window are summed, and the sum decides the mode (MODE-1).

The window. With `split_window_days = 30`, a recent demand counts when it is
dated on the new demand's date or up to 30 days before it, both ends
included: a demand 30 days earlier is summed, one 31 days earlier is not. We
include the far end because the rule guards against splitting and a buyer
should not escape it by waiting exactly the window. Demands dated after the
new one are not summed (they are checked when they are made), and an entry
with the new demand's own id is ignored, so a service may pass a list that
already holds it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kraya.buying.rules.common import (
    POLICY_SECTION,
    BuyingError,
    require_paise,
    strictness,
)
from kraya.buying.rules.modes import required_mode
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt


@dataclass(frozen=True, slots=True)
class Demand:
    """A demand as MODE-5 sees it: who, what category, when (IST date), how much."""

    demand_id: str
    office: str
    category: str
    on: dt.date
    total_paise: int


@dataclass(frozen=True, slots=True)
class SplitDecision:
    """MODE-5: `required_mode` is the mode of the summed total; refused
    (`buying.split`) when it is stricter than the mode the demand is bought in
    (`chosen_mode`: by default its own mode). `summed` lists the earlier
    demands added to the new one."""

    allowed: bool
    rule: str
    code: str
    own_mode: str
    chosen_mode: str
    required_mode: str
    summed: tuple[str, ...]
    total_paise: int
    receipt: DecisionReceipt


def in_split_window(new_demand: Demand, earlier: Demand, window_days: int) -> bool:
    """MODE-5: same office, same category, dated 0..window_days days before."""
    days_before = (new_demand.on - earlier.on).days
    return (
        earlier.demand_id != new_demand.demand_id
        and earlier.office == new_demand.office
        and earlier.category == new_demand.category
        and 0 <= days_before <= window_days
    )


def _summed(new_demand: Demand, recent_demands: Iterable[Demand], window_days: int) -> list[Demand]:
    summed = sorted(
        (d for d in recent_demands if in_split_window(new_demand, d, window_days)),
        key=lambda d: (d.on, d.demand_id),
    )
    for demand in summed:
        require_paise(demand.total_paise, "total_paise", positive=True)
    return summed


def split_check(
    new_demand: Demand,
    recent_demands: Iterable[Demand],
    policy: Policy,
    *,
    chosen_mode: str | None = None,
) -> SplitDecision:
    """MODE-5: sum the new demand with the recent demands of its office and
    category in the window; refuse it when that sum needs a stricter mode than
    the new demand alone would (or than `chosen_mode`, when the buyer has
    chosen a stricter mode under MODE-4: a demand going to a bid is never a
    split). `policy` is the one in force on the new demand's date."""
    if policy.on != new_demand.on:
        raise BuyingError(
            "buying.policy_date_mismatch",
            "policy",
            f"the policy is for {policy.on}, the demand is dated {new_demand.on} (MODE-1)",
        )
    require_paise(new_demand.total_paise, "total_paise", positive=True)
    window_days = policy.buying_modes.split_window_days
    summed = _summed(new_demand, recent_demands, window_days)
    total_paise = new_demand.total_paise + sum(d.total_paise for d in summed)
    own = required_mode(new_demand.total_paise, policy)
    chosen = own if chosen_mode is None else chosen_mode
    needed = required_mode(total_paise, policy)
    allowed = strictness(needed) <= strictness(chosen)
    code = "" if allowed else "buying.split"
    summed_ids = tuple(d.demand_id for d in summed)
    receipt = DecisionReceipt(
        kind="buying.split",
        rules=("MODE-5", "MODE-1"),
        policy=(policy.receipt(POLICY_SECTION),),
        inputs={
            "demand": _as_json(new_demand),
            "chosen_mode": chosen_mode,
            "window_days": window_days,
            "summed": [_as_json(d) for d in summed],
        },
        outcome={"allowed": allowed, "own_mode": own, "required_mode": needed},
        message="buying.not_split" if allowed else code,
        params={
            "demand_id": new_demand.demand_id,
            "summed": list(summed_ids),
            "total_paise": total_paise,
            "own_mode": own,
            "chosen_mode": chosen,
            "required_mode": needed,
            "window_days": window_days,
        },
    )
    return SplitDecision(
        allowed, "MODE-5", code, own, chosen, needed, summed_ids, total_paise, receipt
    )


def _as_json(demand: Demand) -> dict[str, str | int]:
    return {
        "demand_id": demand.demand_id,
        "office": demand.office,
        "category": demand.category,
        "on": demand.on.isoformat(),
        "total_paise": demand.total_paise,
    }
