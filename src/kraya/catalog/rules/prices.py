"""CAT-4: price reasonableness. An offer above its MRP is refused (see
`base.offer_price_decision`); an offer priced more than the policy's
percentage above the product's reference price is flagged, with evidence.

The reference price is the median of the product's TRANSACTION prices in the
policy's window (the portal's own recent orders); with none, the latest
MARKET price. Arithmetic is exact (integers and fractions, never floats)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from kraya.catalog.rules.base import ABOVE_REFERENCE, MARKET, TRANSACTION


class CataloguePolicy(Protocol):
    """The catalogue section of the policy in force (`policy/catalogue.toml`)."""

    @property
    def price_flag_above_reference_percent(self) -> Decimal: ...
    @property
    def reference_window_days(self) -> int: ...
    @property
    def version(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Observation:
    """One observed price of a product."""

    price_paise: int
    observed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference price and the observations behind it."""

    kind: str
    price: Fraction  # exact: a median of an even count may end in half a paisa
    count: int
    first_observed_at: dt.datetime
    last_observed_at: dt.datetime

    @property
    def price_paise(self) -> int:
        """The reference in whole paise, half a paisa rounded up."""
        return int((self.price * 2 + 1) // 2)


@dataclass(frozen=True, slots=True)
class PriceFlag:
    """CAT-4: the flag for an offer's price ("" or ABOVE_REFERENCE) and what it rests on."""

    flag: str
    reference: Reference | None
    threshold_percent: Decimal
    window_days: int
    policy_version: str
    rule: str = "CAT-4"

    def evidence(self) -> dict[str, Any]:
        """What the offer keeps so a buyer sees why it is flagged (JSON-ready)."""
        if self.reference is None:
            return {}
        return {
            "rule": self.rule,
            "flag": self.flag,
            "reference_kind": self.reference.kind,
            "reference_price_paise": self.reference.price_paise,
            "observations": self.reference.count,
            "first_observed_at": self.reference.first_observed_at.isoformat(),
            "last_observed_at": self.reference.last_observed_at.isoformat(),
            "threshold_percent": str(self.threshold_percent),
            "window_days": self.window_days,
            "policy_version": self.policy_version,
        }


def median(prices: Sequence[int]) -> Fraction:
    """The exact median of a non-empty list of prices."""
    ordered = sorted(prices)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def reference_price(
    *,
    transactions: Sequence[Observation],
    market: Sequence[Observation],
    now: dt.datetime,
    window_days: int,
) -> Reference | None:
    """CAT-4: the median recent transaction price, else the latest market price."""
    since = now - dt.timedelta(days=window_days)
    recent = [o for o in transactions if since <= o.observed_at <= now]
    if recent:
        moments = [o.observed_at for o in recent]
        return Reference(
            TRANSACTION,
            median([o.price_paise for o in recent]),
            len(recent),
            min(moments),
            max(moments),
        )
    known = [o for o in market if o.observed_at <= now]
    if not known:
        return None
    latest = max(known, key=lambda o: (o.observed_at, o.price_paise))
    return Reference(
        MARKET, Fraction(latest.price_paise), 1, latest.observed_at, latest.observed_at
    )


def is_above_reference(*, price_paise: int, reference: Fraction, percent: Decimal) -> bool:
    """True when the price exceeds the reference by more than `percent`
    (exactly the threshold is not flagged)."""
    return Fraction(price_paise) > reference * (1 + Fraction(percent) / 100)


def price_flag(
    *, price_paise: int, reference: Reference | None, policy: CataloguePolicy
) -> PriceFlag:
    """CAT-4: flag an offer priced well above its product's reference price."""
    percent = policy.price_flag_above_reference_percent
    flagged = reference is not None and is_above_reference(
        price_paise=price_paise, reference=reference.price, percent=percent
    )
    return PriceFlag(
        ABOVE_REFERENCE if flagged else "",
        reference,
        percent,
        policy.reference_window_days,
        policy.version,
    )
