"""What every bid rule shares: the error for malformed inputs, the yes/no
decision, seller categories and local-content classes, exact percentage
arithmetic and the seeded ranking of prices (BID-7).

Percentages come from the policy as `Decimal` and are turned into `Fraction`s
here, so every comparison and share is exact: no float ever enters a rule."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol, TypeVar

from kraya.core.draws import tie_break_rank
from kraya.core.receipts import Decision as Decision  # re-exported: the rules' yes/no

# KYC-3: MSE benefits go to manufacturers and service providers, not traders.
MANUFACTURER = "manufacturer"
SERVICE_PROVIDER = "service_provider"
TRADER = "trader"
MSE_CATEGORIES = (MANUFACTURER, SERVICE_PROVIDER, TRADER)

# MII-1: local content classes.
CLASS_1 = "CLASS_1"
CLASS_2 = "CLASS_2"
NON_LOCAL = "NON_LOCAL"
MII_CLASSES = (CLASS_1, CLASS_2, NON_LOCAL)


class BidError(ValueError):
    """An input no bid rule can decide on (a negative price, a naive time, a
    bidder listed twice): a programming or parsing error, unlike a refusal,
    which is a `Decision`. `code` is stable, `field` names the input."""

    def __init__(self, code: str, field: str, message: str) -> None:
        self.code = code
        self.field = field
        self.message = message
        super().__init__(f"{code} ({field}): {message}")


def require_paise(value: int, field: str, *, positive: bool = False) -> int:
    """Money is integer paise (never bool or float), not negative, and, where
    `positive`, above zero."""
    if type(value) is not int:
        raise BidError("bids.paise_not_integer", field, f"{field} must be integer paise")
    if value < 0 or (positive and value == 0):
        raise BidError("bids.paise_out_of_range", field, f"{field} is out of range: {value}")
    return value


def require_count(value: int, field: str, *, minimum: int = 0) -> int:
    """Quantities, days and counts are plain integers of at least `minimum`."""
    if type(value) is not int:
        raise BidError("bids.count_not_integer", field, f"{field} must be an integer")
    if value < minimum:
        raise BidError("bids.count_out_of_range", field, f"{field} must be at least {minimum}")
    return value


def require_aware(value: dt.datetime, field: str) -> dt.datetime:
    """Deadlines are computed on aware date-times (stored UTC); a naive one
    would silently mean server-local time."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise BidError("bids.naive_time", field, f"{field} must be a time-zone-aware datetime")
    return value


def require_id(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BidError("bids.id_blank", field, f"every {field} must be a non-blank string")
    return value


def require_unique(ids: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for item in sorted(ids):
        if item in seen:
            raise BidError("bids.listed_twice", field, f"{item} is listed twice")
        seen.add(item)


def fraction(percent: Decimal | int) -> Fraction:
    """A policy percentage (`Decimal("0.5")`) as an exact fraction of one."""
    if isinstance(percent, bool) or not isinstance(percent, Decimal | int):
        raise BidError("bids.percent_not_decimal", "percent", f"not a Decimal: {percent!r}")
    if percent < 0 or percent > 100:
        raise BidError("bids.percent_out_of_range", "percent", f"not 0–100: {percent}")
    return Fraction(percent) / 100


def within_margin(price_paise: int, l1_paise: int, percent: Decimal) -> bool:
    """MSE-1/MII-2: `price ≤ L1 × (1 + percent)`, inclusive: exactly L1 + 15%
    is inside the band."""
    return price_paise <= l1_paise * (1 + fraction(percent))


def share_of(quantity: int, percent: Decimal) -> int:
    """MSE-1 "up to 25%", MII-2 "50%": the whole units of `quantity` the share
    allows, rounded down so a share never exceeds its percentage."""
    return math.floor(quantity * fraction(percent))


def ceil_paise(amount_paise: int, percent: Decimal) -> int:
    """A percentage of an amount, rounded up to whole paise (so a minimum
    decrement or an EMD is never below its percentage)."""
    return math.ceil(amount_paise * fraction(percent))


def percent_text(percent: Decimal) -> str:
    """How a receipt stores a percentage: its exact decimal string (`"0.5"`)."""
    return format(percent.normalize(), "f") if isinstance(percent, Decimal) else str(percent)


class Priced(Protocol):
    @property
    def bidder_id(self) -> str: ...

    @property
    def price_paise(self) -> int: ...


_P = TypeVar("_P", bound=Priced)


def rank_key(seed: str, bidder_id: str, price_paise: int) -> tuple[int, str, str]:
    """BID-7: lower price first; equal prices by the seeded draw of
    `kraya.buying.rules.l1` (HMAC-SHA256 of the bidder id keyed by the seed),
    then by bidder id for the astronomically unlikely equal ranks."""
    return price_paise, tie_break_rank(seed, bidder_id), bidder_id


def require_seed(seed: str) -> str:
    if not isinstance(seed, str) or not seed:
        raise BidError("bids.seed_blank", "seed", "the tie-break seed must be a non-empty string")
    return seed


def ranked(items: Sequence[_P], seed: str) -> list[_P]:
    """BID-7: the items from L1 down, ties broken by the recorded seeded draw;
    the order the items were given in changes nothing."""
    require_seed(seed)
    return sorted(items, key=lambda item: rank_key(seed, item.bidder_id, item.price_paise))


@dataclass(frozen=True, slots=True)
class Quote:
    """One qualified bidder's evaluated price (BID-7) or reverse-auction start
    (RA-1): the total (or unit) price in paise, whichever the bid compares."""

    bidder_id: str
    price_paise: int

    def as_json(self) -> dict[str, str | int]:
        return {"bidder_id": self.bidder_id, "price_paise": self.price_paise}

    @classmethod
    def from_json(cls, data: dict[str, str | int]) -> Quote:
        return cls(bidder_id=str(data["bidder_id"]), price_paise=int(data["price_paise"]))


def checked_quotes(quotes: Iterable[Quote]) -> list[Quote]:
    """Quotes by bidder id, each with an id and a positive price, none twice."""
    listed = sorted(quotes, key=lambda quote: str(quote.bidder_id))
    for quote in listed:
        require_id(quote.bidder_id, "bidder_id")
        require_paise(quote.price_paise, "price_paise", positive=True)
    require_unique((quote.bidder_id for quote in listed), "bidder_id")
    return listed


def iso(moment: dt.datetime) -> str:
    """How a receipt stores a time: ISO 8601 in UTC (`2024-12-15T04:30:00+00:00`)."""
    return moment.astimezone(dt.UTC).isoformat()
