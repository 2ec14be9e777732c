"""OPEN-4: each red flag explained in words (Hindi or English, gettext),
from its stored evidence and thresholds; and the link to its process."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kraya.core.display import format_count
from kraya.core.money import format_rupees
from kraya.insights.redflags import rules
from kraya.insights.redflags.models import RedFlag


def _rupees(paise: int) -> str:
    return format_rupees(int(paise), language=get_language())


def _count(number: int) -> str:
    return format_count(int(number), language=get_language())


def explain(flag: RedFlag) -> str:
    e, t = flag.evidence, flag.thresholds
    if flag.kind == rules.SINGLE_BIDDER:
        return _(
            "Only one seller submitted a bid by the end time: the buyer had no "
            "competing offer to compare. Counted after the technical opening."
        )
    if flag.kind == rules.SHORT_BID_PERIOD:
        return _(
            "The bid was open for %(hours)s hours from publication to its end, "
            "shorter than %(days)s days: sellers may not have had time to bid."
        ) % {"hours": _count(e["period_hours"]), "days": _count(t["short_bid_period_days"])}
    if flag.kind == rules.REPEATED_WINNER:
        return _(
            "This office placed %(orders)s orders worth %(total)s with the same seller "
            "in %(days)s days, more than %(max)s."
        ) % {
            "orders": _count(e["orders"]),
            "total": _rupees(e["total_paise"]),
            "days": _count(t["repeated_winner_window_days"]),
            "max": _count(t["repeated_winner_max_orders"]),
        }
    if flag.kind == rules.IDENTICAL_PRICES:
        groups = "; ".join(
            _("%(sellers)s sellers at %(price)s")
            % {"sellers": _count(len(g["seller_firm_ids"])), "price": _rupees(g["price_paise"])}
            for g in e["identical"]
        )
        return _(
            "Different sellers quoted exactly the same price in lot %(lot)s (%(groups)s), "
            "which independent bidders rarely do."
        ) % {"lot": e["lot"], "groups": groups}
    if flag.kind == rules.SHARED_IP:
        return _(
            "A buyer-side user and a user of a seller firm that did business with the "
            "office signed in from the same IP address %(minutes)s minutes apart "
            "(threshold: %(hours)s hours)."
        ) % {"minutes": _count(e["minutes_apart"]), "hours": _count(t["shared_ip_window_hours"])}
    if flag.kind == rules.PRICE_ABOVE_PAST:
        return _(
            "The unit price %(price)s is %(above)s%% above the median %(median)s of "
            "%(count)s earlier orders of the same product in %(days)s days "
            "(threshold: %(threshold)s%%)."
        ) % {
            "price": _rupees(e["unit_price_paise"]),
            "above": e["above_percent"],
            "median": _rupees(e["median_paise"]),
            "count": _count(e["earlier_orders"]),
            "days": _count(t["price_history_days"]),
            "threshold": t["price_above_past_percent"],
        }
    return ""


def process_url(flag: RedFlag) -> str:
    """The bid page or the order page of the flagged process."""
    if flag.bid_id is not None:
        return reverse("bids:bid", kwargs={"bid_id": flag.bid_id})
    return reverse("orders:order", kwargs={"number": flag.process_ref})
