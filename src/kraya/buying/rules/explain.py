"""Plain English for buying receipts, for tests, logs and the command line.
The pages and the API translate a receipt's message code and parameters
themselves; this is the reference wording, built from the receipt alone, so a
stored receipt can be explained years later.

`explain(receipt)` for MODE-1 reads, e.g.:
"₹7,40,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase, GFR 149,
policy of 10 Jul 2024"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from kraya.buying.rules.common import BID, DIRECT, L1
from kraya.core.money import format_rupees_whole, format_rupees_words
from kraya.core.receipts import DecisionReceipt

MODE_NAMES = {DIRECT: "direct purchase", L1: "L1 purchase", BID: "bid or reverse auction"}
# "an L1" is said "an el-one".
_A_MODE = {DIRECT: "a direct purchase", L1: "an L1 purchase", BID: "a bid or reverse auction"}
REASON_NAMES = {
    "NOT_AVAILABLE": "not available on the portal",
    "SPEC_NOT_MET": "no offer meets the specification",
    "DELIVERY_NOT_POSSIBLE": "no offer can deliver as needed",
    "URGENT_EMERGENCY": "urgent need in an emergency",
    "OTHER": "other reason",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rupees(paise: int) -> str:
    """An amount in full, without `.00` for whole rupees: `₹7,40,000`, `₹45,000.50`."""
    return format_rupees_whole(paise, language="en")


def policy_date(version: str) -> str:
    """A policy version (`2024-07-10`) as people write it: `10 Jul 2024`."""
    day = dt.date.fromisoformat(version)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _citation(p: Mapping[str, Any]) -> str:
    return f"GFR 149, policy of {policy_date(p['policy_version'])}"


def _mode(p: Mapping[str, Any], mode: str) -> str:
    total, direct, l1 = rupees(p["total_paise"]), p["direct_max_paise"], p["l1_max_paise"]
    if mode == DIRECT:
        reason = f"{total} is at most {format_rupees_words(direct, language='en')}"
    elif mode == L1:
        reason = (
            f"{total} is above {format_rupees_words(direct, language='en')} "
            f"and at most {format_rupees_words(l1, language='en')}"
        )
    else:
        reason = f"{total} is above {format_rupees_words(l1, language='en')}"
    return f"{reason}: {MODE_NAMES[mode]}, {_citation(p)}"


def _choice(p: Mapping[str, Any], allowed: bool) -> str:
    chosen, needed = _A_MODE[p["chosen_mode"]], _A_MODE[p["required_mode"]]
    chosen = chosen[0].upper() + chosen[1:]  # not capitalize(): it would lower "L1"
    total = rupees(p["total_paise"])
    if allowed:
        return f"{chosen} is allowed for {total}: at least {needed} is required"
    return f"{chosen} is not allowed for {total}: {needed} is required ({_citation(p)})"


def _split(p: Mapping[str, Any], allowed: bool) -> str:
    others = ", ".join(p["summed"]) or "no other demand"
    head = (
        f"Demand {p['demand_id']} with {others} of the same office and category "
        f"within {p['window_days']} days totals {rupees(p['total_paise'])}"
    )
    if allowed:
        return (
            f"{head}, which needs {_A_MODE[p['required_mode']]}; "
            f"bought as {_A_MODE[p['chosen_mode']]}, it is not a split"
        )
    return (
        f"{head}, which requires {_A_MODE[p['required_mode']]}, not "
        f"{_A_MODE[p['chosen_mode']]}: splitting is refused"
    )


_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "buying.mode.direct": lambda p: _mode(p, DIRECT),
    "buying.mode.l1": lambda p: _mode(p, L1),
    "buying.mode.bid": lambda p: _mode(p, BID),
    "buying.mode_allowed": lambda p: _choice(p, True),
    "buying.mode_not_allowed": lambda p: _choice(p, False),
    "buying.direct.allowed": lambda p: (
        f"Offer {p['offer_id']} may be bought directly for {rupees(p['total_paise'])}"
    ),
    "buying.spec_not_met": lambda p: f"Offer {p['offer_id']} does not meet the golden parameters",
    "buying.delivery_not_possible": lambda p: (
        f"Offer {p['offer_id']} cannot deliver as the demand needs"
    ),
    "buying.l1.selected": lambda p: (
        f"Offer {p['l1_offer_id']} is L1 at {rupees(p['l1_price_paise'])} among offers "
        f"from {p['manufacturers']} manufacturers"
    ),
    "buying.l1.drawn": lambda p: (
        f"Offer {p['l1_offer_id']} is L1 at {rupees(p['l1_price_paise'])} among offers "
        f"from {p['manufacturers']} manufacturers, chosen by the recorded draw among "
        f"{p['tied']} offers at that price"
    ),
    "buying.too_few_manufacturers": lambda p: (
        f"Offers from only {p['manufacturers']} manufacturers meet the golden parameters "
        f"and delivery need; an L1 purchase needs {p['min_manufacturers']}: make a bid"
    ),
    "buying.not_split": lambda p: _split(p, True),
    "buying.split": lambda p: _split(p, False),
    "buying.availability.recorded": lambda p: (
        f"Availability report {p['report_id']}: {REASON_NAMES[p['reason']]}"
    ),
    "buying.unknown_reason": lambda p: f"{p['reason']!r} is not an availability reason",
    "buying.reason_text_required": lambda p: "Say why, when the reason is 'other'",
    "buying.sanction_ok": lambda p: (
        f"{rupees(p['blocked_paise'])} blocked covers the order's {rupees(p['order_total_paise'])}"
    ),
    "buying.sanction_missing": lambda p: (
        f"No funds are blocked for the order's {rupees(p['order_total_paise'])}"
    ),
    "buying.sanction_insufficient": lambda p: (
        f"{rupees(p['blocked_paise'])} blocked is {rupees(p['shortfall_paise'])} short "
        f"of the order's {rupees(p['order_total_paise'])}"
    ),
    "buying.terms": lambda p: (
        f"Terms: {p['atc']} from the ATC, {p['category']} from the category, {p['general']} general"
    ),
}

MESSAGES = frozenset(_TEMPLATES)


def explain(receipt: DecisionReceipt) -> str:
    """The English sentence for a buying receipt's message code and parameters."""
    try:
        template = _TEMPLATES[receipt.message]
    except KeyError:
        raise KeyError(f"no English wording for {receipt.message!r}") from None
    return template(receipt.params)
