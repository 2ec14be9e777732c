"""OPEN-4: the red-flag detectors, pure over plain rows (no Django). Each
takes the candidate rows the nightly job read with set-based queries and the
`Integrity` policy, and returns `Finding`s carrying their evidence (JSON-ready:
ints, strings, ISO instants) and the thresholds they applied."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kraya.catalog.rules.prices import is_above_reference, median
from kraya.core.policy.sections import Integrity

SINGLE_BIDDER = "SINGLE_BIDDER"
SHORT_BID_PERIOD = "SHORT_BID_PERIOD"
REPEATED_WINNER = "REPEATED_WINNER"
IDENTICAL_PRICES = "IDENTICAL_PRICES"
SHARED_IP = "SHARED_IP"
PRICE_ABOVE_PAST = "PRICE_ABOVE_PAST"
KINDS = (
    SINGLE_BIDDER,
    SHORT_BID_PERIOD,
    REPEATED_WINNER,
    IDENTICAL_PRICES,
    SHARED_IP,
    PRICE_ABOVE_PAST,
)


def _percent_above(price_paise: int, reference: Fraction) -> str:
    """How far above the reference, in percent with one decimal (exact)."""
    if not reference:
        return "0"
    above = (Fraction(price_paise) - reference) * 100 / reference
    return str((Decimal(above.numerator) / Decimal(above.denominator)).quantize(Decimal("0.1")))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    key: str
    process_ref: str
    process_at: dt.datetime
    office_id: int
    seller_firm_ids: tuple[int, ...]
    evidence: dict[str, Any]
    thresholds: dict[str, Any]
    bid_id: int | None = None
    order_id: int | None = None


# --- bids -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BidRow:
    bid_id: int
    number: str
    office_id: int
    published_at: dt.datetime | None
    end_at: dt.datetime
    technical_opened_at: dt.datetime | None = None
    # Live (not withdrawn) submissions and their firms: read only for bids
    # whose technical packets are open (BID-5).
    firm_ids: tuple[int, ...] = ()


def single_bidder(bids: Iterable[BidRow]) -> list[Finding]:
    """OPEN-4: a bid that received exactly one live submission, judged only
    after its technical opening: before it the count is secret (BID-4/BID-5),
    so an unopened bid is never flagged, whatever it holds."""
    found = []
    for bid in bids:
        if bid.technical_opened_at is None or len(bid.firm_ids) != 1:
            continue
        found.append(
            Finding(
                kind=SINGLE_BIDDER,
                key=f"bid:{bid.bid_id}",
                process_ref=bid.number,
                process_at=bid.technical_opened_at,
                office_id=bid.office_id,
                seller_firm_ids=bid.firm_ids,
                evidence={
                    "submissions": 1,
                    "seller_firm_id": bid.firm_ids[0],
                    "technical_opened_at": _iso(bid.technical_opened_at),
                },
                thresholds={"submissions": 1},
                bid_id=bid.bid_id,
            )
        )
    return found


def short_bid_period(bids: Iterable[BidRow], *, policy: Integrity) -> list[Finding]:
    """OPEN-4 / BID-1: publication to end shorter than `short_bid_period_days`
    (exactly the minimum is not short)."""
    minimum = dt.timedelta(days=policy.short_bid_period_days)
    found = []
    for bid in bids:
        if bid.published_at is None:
            continue
        period = bid.end_at - bid.published_at
        if period >= minimum:
            continue
        found.append(
            Finding(
                kind=SHORT_BID_PERIOD,
                key=f"bid:{bid.bid_id}",
                process_ref=bid.number,
                process_at=bid.published_at,
                office_id=bid.office_id,
                seller_firm_ids=(),
                evidence={
                    "published_at": _iso(bid.published_at),
                    "end_at": _iso(bid.end_at),
                    "period_hours": int(period.total_seconds() // 3600),
                },
                thresholds={"short_bid_period_days": policy.short_bid_period_days},
                bid_id=bid.bid_id,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class LotQuotes:
    """A lot's opened financial quotes: (seller firm id, price in paise)."""

    bid_id: int
    number: str
    office_id: int
    lot_id: int
    lot_number: int
    financial_opened_at: dt.datetime
    quotes: tuple[tuple[int, int], ...]


def identical_prices(lots: Iterable[LotQuotes], *, policy: Integrity) -> list[Finding]:
    """OPEN-4: `identical_price_min_sellers` or more different sellers quoting
    exactly the same price for one lot, read only after the financial opening."""
    found = []
    for lot in lots:
        by_price: dict[int, set[int]] = defaultdict(set)
        for firm_id, price in lot.quotes:
            by_price[price].add(firm_id)
        groups = {
            price: sorted(firms)
            for price, firms in by_price.items()
            if len(firms) >= policy.identical_price_min_sellers
        }
        if not groups:
            continue
        firms = tuple(sorted({firm for group in groups.values() for firm in group}))
        found.append(
            Finding(
                kind=IDENTICAL_PRICES,
                key=f"lot:{lot.lot_id}",
                process_ref=lot.number,
                process_at=lot.financial_opened_at,
                office_id=lot.office_id,
                seller_firm_ids=firms,
                evidence={
                    "lot": lot.lot_number,
                    "quotes": len(lot.quotes),
                    "identical": [
                        {"price_paise": price, "seller_firm_ids": group}
                        for price, group in sorted(groups.items())
                    ],
                },
                thresholds={"identical_price_min_sellers": policy.identical_price_min_sellers},
                bid_id=lot.bid_id,
            )
        )
    return found


# --- orders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairRow:
    """Orders of one buyer office with one seller firm in the window."""

    office_id: int
    firm_id: int
    orders: int
    total_paise: int
    first_at: dt.datetime
    last_at: dt.datetime
    last_order_id: int
    last_order_number: str
    order_numbers: tuple[str, ...] = ()


def repeated_winner(pairs: Iterable[PairRow], *, policy: Integrity) -> list[Finding]:
    """OPEN-4: the same office ordering from the same firm more than
    `repeated_winner_max_orders` times within `repeated_winner_window_days`."""
    found = []
    for pair in pairs:
        if pair.orders <= policy.repeated_winner_max_orders:
            continue
        found.append(
            Finding(
                kind=REPEATED_WINNER,
                key=f"pair:{pair.office_id}:{pair.firm_id}",
                process_ref=pair.last_order_number,
                process_at=pair.last_at,
                office_id=pair.office_id,
                seller_firm_ids=(pair.firm_id,),
                evidence={
                    "orders": pair.orders,
                    "total_paise": pair.total_paise,
                    "first_at": _iso(pair.first_at),
                    "last_at": _iso(pair.last_at),
                    "order_numbers": list(pair.order_numbers),
                },
                thresholds={
                    "repeated_winner_max_orders": policy.repeated_winner_max_orders,
                    "repeated_winner_window_days": policy.repeated_winner_window_days,
                },
                order_id=pair.last_order_id,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One order line of a catalogue product."""

    item_id: int
    order_id: int
    order_number: str
    office_id: int
    firm_id: int
    product_id: int
    placed_at: dt.datetime
    unit_price_paise: int


def price_above_past(
    judged: Iterable[ItemRow], history: Sequence[ItemRow], *, policy: Integrity
) -> list[Finding]:
    """OPEN-4 (CAT-4's measure, after the fact): an order's unit price more
    than `price_above_past_percent` above the median unit price of the same
    product's earlier orders (other orders, placed within
    `price_history_days` before it), given at least `price_history_min_orders`."""
    window = dt.timedelta(days=policy.price_history_days)
    by_product: dict[int, list[ItemRow]] = defaultdict(list)
    for row in history:
        by_product[row.product_id].append(row)
    found = []
    for item in judged:
        earlier = [
            row
            for row in by_product.get(item.product_id, ())
            if row.order_id != item.order_id
            and item.placed_at - window <= row.placed_at < item.placed_at
        ]
        if len(earlier) < policy.price_history_min_orders:
            continue
        reference = median([row.unit_price_paise for row in earlier])
        if not is_above_reference(
            price_paise=item.unit_price_paise,
            reference=reference,
            percent=policy.price_above_past_percent,
        ):
            continue
        earlier.sort(key=lambda row: row.placed_at)
        found.append(
            Finding(
                kind=PRICE_ABOVE_PAST,
                key=f"item:{item.item_id}",
                process_ref=item.order_number,
                process_at=item.placed_at,
                office_id=item.office_id,
                seller_firm_ids=(item.firm_id,),
                evidence={
                    "product_id": item.product_id,
                    "unit_price_paise": item.unit_price_paise,
                    # The exact median, rounded down to a paisa for display.
                    "median_paise": int(reference),
                    "above_percent": _percent_above(item.unit_price_paise, reference),
                    "earlier_orders": len(earlier),
                    "examples": [
                        {
                            "order": row.order_number,
                            "unit_price_paise": row.unit_price_paise,
                            "placed_at": _iso(row.placed_at),
                        }
                        for row in earlier[-5:]
                    ],
                },
                thresholds={
                    "price_above_past_percent": str(policy.price_above_past_percent),
                    "price_history_days": policy.price_history_days,
                    "price_history_min_orders": policy.price_history_min_orders,
                },
                order_id=item.order_id,
            )
        )
    return found


# --- sign-ins ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    user_id: int
    ip: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Business:
    """The latest order between a buyer unit (office or its organisation)
    and a seller firm within the business window."""

    office_id: int
    order_id: int
    order_number: str
    placed_at: dt.datetime


@dataclass
class SideMaps:
    """Who is on which side: a buyer-side user's buyer units, a seller-side
    user's firms, and the business between units and firms."""

    buyer_units: Mapping[int, frozenset[int]]
    seller_firms: Mapping[int, frozenset[int]]
    business: Mapping[tuple[int, int], Business] = field(default_factory=dict)


def shared_ip(logins: Iterable[Login], sides: SideMaps, *, policy: Integrity) -> list[Finding]:
    """OPEN-4: a buyer-side user and a seller-side user signing in from the
    same IP within `shared_ip_window_hours`, when a unit of the buyer and the
    seller's firm did business (an order) within `shared_ip_business_days`.
    One flag per IP, buyer user and seller user; the closest pair of sign-ins
    is the evidence."""
    window = dt.timedelta(hours=policy.shared_ip_window_hours)
    by_ip: dict[str, list[Login]] = defaultdict(list)
    for login in logins:
        by_ip[login.ip].append(login)
    best: dict[tuple[str, int, int], tuple[dt.timedelta, Login, Login, Business, int]] = {}
    for ip, seen in by_ip.items():
        buyers = [login for login in seen if login.user_id in sides.buyer_units]
        sellers = [login for login in seen if login.user_id in sides.seller_firms]
        for b in buyers:
            for s in sellers:
                if b.user_id == s.user_id:
                    continue
                gap = abs(b.at - s.at)
                if gap > window:
                    continue
                deals = [
                    (sides.business[(unit, firm)], firm)
                    for unit in sides.buyer_units[b.user_id]
                    for firm in sides.seller_firms[s.user_id]
                    if (unit, firm) in sides.business
                ]
                if not deals:
                    continue
                deal, firm = max(deals, key=lambda pair: pair[0].placed_at)
                key = (ip, b.user_id, s.user_id)
                if key not in best or gap < best[key][0]:
                    best[key] = (gap, b, s, deal, firm)
    found = []
    for (ip, buyer_id, seller_id), (gap, b, s, deal, firm) in sorted(best.items()):
        found.append(
            Finding(
                kind=SHARED_IP,
                key=f"ip:{ip}:{buyer_id}:{seller_id}",
                process_ref=deal.order_number,
                process_at=max(b.at, s.at),
                office_id=deal.office_id,
                seller_firm_ids=(firm,),
                evidence={
                    "ip": ip,
                    "buyer_user_id": buyer_id,
                    "buyer_login_at": _iso(b.at),
                    "seller_user_id": seller_id,
                    "seller_login_at": _iso(s.at),
                    "minutes_apart": int(gap.total_seconds() // 60),
                    "order": deal.order_number,
                    "order_placed_at": _iso(deal.placed_at),
                },
                thresholds={
                    "shared_ip_window_hours": policy.shared_ip_window_hours,
                    "shared_ip_business_days": policy.shared_ip_business_days,
                },
                order_id=deal.order_id,
            )
        )
    return found
