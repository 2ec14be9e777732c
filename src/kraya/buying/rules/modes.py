"""MODE-1, MODE-2 and MODE-4: which buying mode a demand's total needs, which
modes a buyer may choose, and when an offer may be bought directly."""

from __future__ import annotations

from dataclasses import dataclass

from kraya.buying.rules.common import (
    BID,
    DIRECT,
    L1,
    POLICY_SECTION,
    Decision,
    require_paise,
    strictness,
)
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt

# Message codes of the mode receipts (the UI translates them).
MODE_MESSAGES = {DIRECT: "buying.mode.direct", L1: "buying.mode.l1", BID: "buying.mode.bid"}


@dataclass(frozen=True, slots=True)
class ModeDecision:
    """MODE-1: the mode a total requires, with its receipt."""

    mode: str
    rule: str
    receipt: DecisionReceipt


def required_mode(total_paise: int, policy: Policy) -> str:
    """MODE-1 without the receipt: DIRECT up to and including the direct
    purchase limit, L1 up to and including the L1 limit, BID above."""
    section = policy.buying_modes
    if total_paise <= section.direct_purchase_max_paise:
        return DIRECT
    if total_paise <= section.l1_purchase_max_paise:
        return L1
    return BID


def _limits(policy: Policy) -> dict[str, int | str]:
    """The numbers a mode explanation quotes: both limits and the date of the
    buying-modes policy version that set them."""
    section = policy.buying_modes
    return {
        "direct_max_paise": section.direct_purchase_max_paise,
        "l1_max_paise": section.l1_purchase_max_paise,
        "policy_version": section.version,
    }


def purchase_mode(total_paise: int, policy: Policy) -> ModeDecision:
    """MODE-1: the mode for a demand's total under `policy`, which must be the
    policy in force on the demand's date (`policy_at(demand_date)`). The
    limits are inclusive: a total of exactly ₹50,000 is still a direct purchase."""
    require_paise(total_paise, "total_paise", positive=True)
    mode = required_mode(total_paise, policy)
    receipt = DecisionReceipt(
        kind="buying.mode",
        rules=("MODE-1",),
        policy=(policy.receipt(POLICY_SECTION),),
        inputs={"total_paise": total_paise, "on": policy.on.isoformat()},
        outcome={"mode": mode},
        message=MODE_MESSAGES[mode],
        params={"total_paise": total_paise, **_limits(policy)},
    )
    return ModeDecision(mode=mode, rule="MODE-1", receipt=receipt)


def mode_allowed(chosen_mode: str, total_paise: int, policy: Policy) -> Decision:
    """MODE-4: a buyer may choose the required mode or any stricter one (a bid
    at any value, L1 for a total a direct purchase would allow), never a laxer
    one: no direct purchase above the direct limit, no L1 above the L1 limit."""
    require_paise(total_paise, "total_paise", positive=True)
    needed = required_mode(total_paise, policy)
    allowed = strictness(chosen_mode) >= strictness(needed)
    code = "" if allowed else "buying.mode_not_allowed"
    receipt = DecisionReceipt(
        kind="buying.mode_choice",
        rules=("MODE-1", "MODE-4"),
        policy=(policy.receipt(POLICY_SECTION),),
        inputs={
            "chosen_mode": chosen_mode,
            "total_paise": total_paise,
            "on": policy.on.isoformat(),
        },
        outcome={"allowed": allowed, "required_mode": needed},
        message="buying.mode_allowed" if allowed else code,
        params={
            "chosen_mode": chosen_mode,
            "required_mode": needed,
            "total_paise": total_paise,
            **_limits(policy),
        },
    )
    return Decision(allowed=allowed, rule="MODE-4", code=code, receipt=receipt)


def direct_purchase(
    *,
    offer_id: str,
    meets_golden_parameters: bool,
    delivers: bool,
    total_paise: int,
    policy: Policy,
) -> Decision:
    """MODE-2: any one offer may be bought directly when the total is within
    the direct purchase limit (MODE-1) and the offer meets the buyer's spec
    (golden parameters) and delivery need. The first failing check is reported."""
    require_paise(total_paise, "total_paise", positive=True)
    needed = required_mode(total_paise, policy)
    if needed != DIRECT:
        rule, code = "MODE-1", "buying.mode_not_allowed"
    elif not meets_golden_parameters:
        rule, code = "MODE-2", "buying.spec_not_met"
    elif not delivers:
        rule, code = "MODE-2", "buying.delivery_not_possible"
    else:
        rule, code = "MODE-2", ""
    allowed = not code
    receipt = DecisionReceipt(
        kind="buying.direct",
        rules=("MODE-1", "MODE-2"),
        policy=(policy.receipt(POLICY_SECTION),),
        inputs={
            "offer_id": offer_id,
            "meets_golden_parameters": meets_golden_parameters,
            "delivers": delivers,
            "total_paise": total_paise,
            "on": policy.on.isoformat(),
        },
        outcome={"allowed": allowed, "required_mode": needed},
        message="buying.direct.allowed" if allowed else code,
        params={
            "offer_id": offer_id,
            "chosen_mode": DIRECT,
            "required_mode": needed,
            "total_paise": total_paise,
            **_limits(policy),
        },
    )
    return Decision(allowed=allowed, rule=rule, code=code, receipt=receipt)
