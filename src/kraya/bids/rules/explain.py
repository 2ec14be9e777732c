"""Plain English for bid receipts, for tests, logs and the command line. The
pages and the API translate a receipt's message code and parameters
themselves; this is the reference wording, built from the receipt alone, so a
stored receipt can be explained years later.

`explain(receipt)` gives the one-line outcome; `explain_steps(receipt)` gives a
line per step of a preference decision (who was invited, who declined, who
matched, who got what and under which rule). Times are shown in IST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from kraya.core.clock import IST
from kraya.core.money import format_rupees_whole
from kraya.core.receipts import DecisionReceipt

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CRITERIA = {
    "turnover": "average turnover",
    "experience": "experience",
    "past_performance": "past performance",
}
_QUALIFICATION = {
    "lowest_percent": "the lowest-priced bidders",
    "h1_elimination": "H1 elimination",
}
_EXEMPTIONS = {
    "mse_manufacturer": "an MSE manufacturer",
    "mse_service_provider": "an MSE service provider",
    "startup": "a startup",
}
_REPRESENTATION_REFUSALS = {
    "bids.representation_already_filed": "only one representation may be filed",
    "bids.representation_before_rejection": "it predates the rejection",
    "bids.representation_late": "the 48-hour window closed",
}


def rupees(paise: int) -> str:
    """An amount in full, as the English wording quotes it: `₹1,00,000`."""
    return format_rupees_whole(paise, language="en")


def ist(text: str) -> str:
    """A receipt's ISO time as people in India read it: `15 Dec 2024, 10:00 IST`."""
    moment = dt.datetime.fromisoformat(text).astimezone(IST)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} IST"


def units(quantity: int) -> str:
    return f"{quantity} unit" if quantity == 1 else f"{quantity} units"


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def _allocations(p: Mapping[str, Any]) -> str:
    parts = []
    for bidder_id, quantity, rules in p["allocations"]:
        granted = [rule for rule in rules if rule != "BID-7"]
        why = f" ({', '.join(granted)})" if granted else ""
        parts.append(f"{bidder_id} {units(quantity)}{why}")
    return "; ".join(parts)


def _preference(p: Mapping[str, Any]) -> str:
    return (
        f"L1 is {p['l1_bidder_id']}; all {units(p['total_quantity'])} at "
        f"{rupees(p['unit_price_paise'])} each: {_allocations(p)}"
    )


def _eligibility(p: Mapping[str, Any], allowed: bool) -> str:
    waived = [_CRITERIA[c] for c in p["waived"]]
    relief = f" ({' and '.join(waived)} waived for an MSE or startup, BID-2)" if waived else ""
    if allowed:
        return f"{p['bidder_id']} meets the eligibility criteria{relief}"
    missed = " and ".join(_CRITERIA[c] for c in p["missed"])
    return f"{p['bidder_id']} does not meet the {missed} criteria{relief}"


def _refused_because(reason: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda p: f"The representation is refused: {reason}"


_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # MSE, MII, PREF
    "bids.preference.l1_takes_all": _preference,
    "bids.preference.applied": _preference,
    "bids.preference.nothing_admitted": lambda p: (
        f"No offer is of a class the MII reservation admits ({p['excluded']} excluded)"
    ),
    # RA
    "bids.ra.qualified": lambda p: (
        f"{p['qualified']} bidders qualify for the reverse auction by "
        f"{_QUALIFICATION[p['rule']]}, {p['eliminated']} do not; it starts from "
        f"{rupees(p['start_price_paise'])}"
    ),
    "bids.ra_too_few_bidders": lambda p: (
        f"Only {p['qualified']} bidders qualify by {_QUALIFICATION[p['rule']]}; a reverse "
        f"auction needs {p['min_bidders']}"
    ),
    "bids.ra.bid_accepted": lambda p: (
        f"{rupees(p['price_paise'])} is at least the minimum decrement of "
        f"{rupees(p['decrement_paise'])} below the last bid"
    ),
    "bids.ra_decrement_too_small": lambda p: (
        f"{rupees(p['price_paise'])} is not low enough: bid at most "
        f"{rupees(p['highest_allowed_paise'])} (minimum decrement {rupees(p['decrement_paise'])})"
    ),
    "bids.ra.result": lambda p: (
        f"The reverse auction from {rupees(p['start_price_paise'])} closed at "
        f"{ist(p['end_at'])} after {p['accepted']} valid bids; L1 is {p['l1_bidder_id']} "
        f"at {rupees(p['l1_price_paise'])}"
    ),
    # BID-1
    "bids.duration_ok": lambda p: (
        f"The bid stays open at least {p['min_days']} days, until {ist(p['end_at'])}"
    ),
    "bids.duration_too_short": lambda p: (
        f"A bid must stay open at least {p['min_days']} days: end it no earlier than "
        f"{ist(p['earliest_end_at'])}"
    ),
    "bids.offer_validity_ok": lambda p: f"Offers stay valid for {p['days']} days",
    "bids.offer_validity_out_of_range": lambda p: (
        f"Offer validity of {p['days']} days is outside {p['min_days']}–{p['max_days']} days"
    ),
    # BID-2
    "bids.emd_percent_ok": lambda p: f"An EMD of {p['emd_percent']}% is allowed",
    "bids.emd_percent_out_of_range": lambda p: (
        f"An EMD of {p['emd_percent']}% is outside {p['min_percent']}–{p['max_percent']}%"
    ),
    "bids.emd.due": lambda p: (
        f"{p['bidder_id']} pays an EMD of {rupees(p['amount_paise'])} "
        f"({p['emd_percent']}% of {rupees(p['estimated_value_paise'])})"
    ),
    "bids.emd.exempt": lambda p: f"{p['bidder_id']} pays no EMD as {_EXEMPTIONS[p['exemption']]}",
    "bids.eligible": lambda p: _eligibility(p, True),
    "bids.not_eligible": lambda p: _eligibility(p, False),
    # BID-3, BID-4
    "bids.corrigendum.kept": lambda p: (
        f"The corrigendum leaves at least {p['min_remaining_days']} days: the bid ends "
        f"{ist(p['end_at'])}"
    ),
    "bids.corrigendum.extended": lambda p: (
        f"The corrigendum left less than {p['min_remaining_days']} days: the end moves to "
        f"{ist(p['end_at'])}"
    ),
    "bids.extended_less_competition": lambda p: (
        f"Extended due to less competition by {p['days']} days, to {ist(p['end_at'])}"
    ),
    "bids.closes": lambda p: f"The bid closes at {ist(p['end_at'])}",
    # BID-6
    "bids.representation_ok": lambda p: (
        f"The representation is in time (due by {ist(p['deadline'])})"
    ),
    **{code: _refused_because(reason) for code, reason in _REPRESENTATION_REFUSALS.items()},
    "bids.representation_pending": lambda p: (
        f"Financial bids stay closed: representations by {_names(p['pending'])} await an answer"
    ),
    "bids.representation_window_open": lambda p: (
        f"Financial bids stay closed: {_names(p['window_open'])} may still file a representation"
    ),
    "bids.financial_opening_ok": lambda p: "Financial bids may be opened",
    # BID-7
    "bids.ranking.l1": lambda p: (
        f"{p['l1_bidder_id']} is L1 at {rupees(p['l1_price_paise'])} among "
        f"{p['bidders']} qualified bids"
    ),
    "bids.ranking.drawn": lambda p: (
        f"{p['l1_bidder_id']} is L1 at {rupees(p['l1_price_paise'])} among "
        f"{p['bidders']} qualified bids, chosen by the recorded draw among {p['tied']} "
        "bids at that price"
    ),
}

MESSAGES = frozenset(_TEMPLATES)


def explain(receipt: DecisionReceipt) -> str:
    """The English sentence for a bid receipt's message code and parameters."""
    try:
        template = _TEMPLATES[receipt.message]
    except KeyError:
        raise KeyError(f"no English wording for {receipt.message!r}") from None
    return template(receipt.params)


_ANSWERS = {"accepted": "matched", "declined": "declined", "no_answer": "did not answer"}


def _step(s: Mapping[str, Any]) -> str:
    who, event = s.get("bidder_id", ""), s["event"]
    if event == "invited":
        return (
            f"{who} (quoted {rupees(s['quoted_paise'])}) was invited to match "
            f"{rupees(s['match_paise'])} and {_ANSWERS[s['answer']]}"
        )
    if event == "outside_band":
        return f"{who} at {rupees(s['quoted_paise'])} is outside the band and is not invited"
    if event == "allocated":
        return f"{who} supplies {units(s['quantity'])} at {rupees(s['unit_price_paise'])}"
    if event == "share":
        return f"{units(s['share'])} are shared in proportion to the quantities offered"
    if event == "class_i_top_up":
        return f"Class-I suppliers are topped up from {s['already']} to {units(s['target'])}"
    if event == "negotiated":
        return (
            f"L1 {who} negotiated from {rupees(s['original_paise'])} to "
            f"{rupees(s['negotiated_paise'])}; the band stays on the original L1"
        )
    fixed = {
        "trader_not_preferred": f"{who} is an MSE trader and gets no preference",
        "excluded": f"{who} ({s.get('mii_class')}) is excluded by the MII reservation",
        "l1_is_mse": f"L1 {who} is an MSE and takes everything",
        "l1_is_class_i": f"L1 {who} is Class-I and keeps its part",
        "l1_is_mse_class_i": f"L1 {who} is an MSE Class-I supplier and takes everything",
        "l1_mse_keeps": f"No MSE Class-I supplier matched; L1 {who} is an MSE and keeps it",
    }
    return fixed[event]


def explain_steps(receipt: DecisionReceipt) -> list[str]:
    """One English line per step of a preference receipt, each with its rule id."""
    if receipt.kind != "bids.preference":
        raise KeyError(f"not a preference receipt: {receipt.kind}")
    return [f"{step['rule']}: {_step(step)}" for step in receipt.outcome["steps"]]
