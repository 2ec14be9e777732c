"""Buying decisions in the reader's language: the pages and the API show a
receipt's message code and parameters as a translated sentence, e.g.
"₹7,40,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase, GFR 149,
policy of 10 Jul 2024". `kraya.buying.rules.explain` is the English
reference wording built from the receipt alone; this module says the same
through gettext, so Hindi readers read Hindi."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from babel.dates import format_date
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kraya.buying.rules import BID, DIRECT, L1
from kraya.core.display import babel_locale
from kraya.core.money import format_rupees_whole, format_rupees_words

MODE_NAMES = {
    DIRECT: gettext_lazy("direct purchase"),
    L1: gettext_lazy("L1 purchase"),
    BID: gettext_lazy("bid or reverse auction"),
}
REASON_NAMES = {
    "NOT_AVAILABLE": gettext_lazy("not available on the portal"),
    "SPEC_NOT_MET": gettext_lazy("no offer meets the specification"),
    "DELIVERY_NOT_POSSIBLE": gettext_lazy("no offer can deliver as needed"),
    "URGENT_EMERGENCY": gettext_lazy("urgent need in an emergency"),
    "OTHER": gettext_lazy("other reason"),
}


def mode_name(mode: str) -> str:
    return str(MODE_NAMES.get(mode, mode))


def _words(paise: int) -> str:
    return format_rupees_words(paise)


def _policy(p: Mapping[str, Any]) -> str:
    day = dt.date.fromisoformat(p["policy_version"])
    when = format_date(day, "d MMM y", locale=babel_locale(translation.get_language()))
    return _("GFR 149, policy of %(date)s") % {"date": when}


def _mode(p: Mapping[str, Any], mode: str) -> str:
    values = {
        "total": format_rupees_whole(p["total_paise"]),
        "direct": _words(p["direct_max_paise"]),
        "l1": _words(p["l1_max_paise"]),
        "mode": mode_name(mode),
        "policy": _policy(p),
    }
    if mode == DIRECT:
        text = _("%(total)s is at most %(direct)s: %(mode)s, %(policy)s")
    elif mode == L1:
        text = _("%(total)s is above %(direct)s and at most %(l1)s: %(mode)s, %(policy)s")
    else:
        text = _("%(total)s is above %(l1)s: %(mode)s, %(policy)s")
    return text % values


def _split(p: Mapping[str, Any], allowed: bool) -> str:
    values = {
        "others": ", ".join(f"D-{d}" for d in p["summed"] if d != "new"),
        "days": p["window_days"],
        "total": format_rupees_whole(p["total_paise"]),
        "required": mode_name(p["required_mode"]),
        "chosen": mode_name(p["chosen_mode"]),
    }
    if not values["others"]:
        return (
            _("No other demand of this office for this category in the last %(days)s days.")
            % values
        )
    if allowed:
        return (
            _(
                "With %(others)s of this office and category in the last %(days)s days the "
                "value is %(total)s, which needs %(required)s: as %(chosen)s it is not a split."
            )
            % values
        )
    return (
        _(
            "With %(others)s of this office and category in the last %(days)s days the value "
            "is %(total)s, which requires %(required)s, not %(chosen)s: splitting is refused."
        )
        % values
    )


_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "buying.mode.direct": lambda p: _mode(p, DIRECT),
    "buying.mode.l1": lambda p: _mode(p, L1),
    "buying.mode.bid": lambda p: _mode(p, BID),
    "buying.mode_allowed": lambda p: (
        _("%(chosen)s chosen; %(required)s would have sufficed.")
        % {"chosen": mode_name(p["chosen_mode"]), "required": mode_name(p["required_mode"])}
    ),
    "buying.mode_not_allowed": lambda p: (
        _("%(chosen)s is not allowed: %(required)s is required.")
        % {"chosen": mode_name(p["chosen_mode"]), "required": mode_name(p["required_mode"])}
    ),
    "buying.direct.allowed": lambda p: (
        _("Offer %(offer)s may be bought directly: it meets the need and delivers.")
        % {"offer": p["offer_id"]}
    ),
    "buying.spec_not_met": lambda p: (
        _("Offer %(offer)s does not meet the golden parameters.") % {"offer": p.get("offer_id", "")}
    ),
    "buying.delivery_not_possible": lambda p: (
        _("Offer %(offer)s cannot deliver to the delivery place or lacks the quantity.")
        % {"offer": p.get("offer_id", "")}
    ),
    "buying.l1.selected": lambda p: (
        _("Offer %(offer)s is L1 at %(price)s among offers from %(makers)s manufacturers.")
        % {
            "offer": p["l1_offer_id"],
            "price": format_rupees_whole(p["l1_price_paise"]),
            "makers": p["manufacturers"],
        }
    ),
    "buying.l1.drawn": lambda p: (
        _(
            "Offer %(offer)s is L1 at %(price)s among offers from %(makers)s manufacturers, "
            "chosen by the recorded draw among %(tied)s offers at that price."
        )
        % {
            "offer": p["l1_offer_id"],
            "price": format_rupees_whole(p["l1_price_paise"]),
            "makers": p["manufacturers"],
            "tied": p["tied"],
        }
    ),
    "buying.too_few_manufacturers": lambda p: (
        _(
            "Offers from only %(makers)s manufacturers meet the need; an L1 purchase needs "
            "%(minimum)s. Make a bid."
        )
        % {"makers": p["manufacturers"], "minimum": p["min_manufacturers"]}
    ),
    "buying.not_split": lambda p: _split(p, True),
    "buying.split": lambda p: _split(p, False),
    "buying.sanction_ok": lambda p: (
        _("%(blocked)s blocked covers the order's %(total)s.")
        % {
            "blocked": format_rupees_whole(p["blocked_paise"]),
            "total": format_rupees_whole(p["order_total_paise"]),
        }
    ),
    "buying.sanction_missing": lambda p: (
        _("No funds are blocked for the order's %(total)s.")
        % {"total": format_rupees_whole(p["order_total_paise"])}
    ),
    "buying.sanction_insufficient": lambda p: (
        _("%(blocked)s blocked is %(short)s short of the order's %(total)s.")
        % {
            "blocked": format_rupees_whole(p["blocked_paise"]),
            "short": format_rupees_whole(p["shortfall_paise"]),
            "total": format_rupees_whole(p["order_total_paise"]),
        }
    ),
    "buying.terms": lambda p: (
        _(
            "Terms: %(atc)s from the buyer's additional terms, %(category)s from the category, "
            "%(general)s general."
        )
        % {"atc": p["atc"], "category": p["category"], "general": p["general"]}
    ),
    "buying.availability.recorded": lambda p: (
        _("Availability report %(id)s: %(reason)s.")
        % {"id": p["report_id"], "reason": REASON_NAMES.get(p["reason"], p["reason"])}
    ),
}


def explain(receipt: Mapping[str, Any]) -> str:
    """The sentence for a stored receipt (its `as_dict()` form) in the active
    language; an unknown message code is shown as the code."""
    template = _TEMPLATES.get(receipt.get("message", ""))
    if template is None:
        return str(receipt.get("message", ""))
    return template(receipt.get("params", {}))
