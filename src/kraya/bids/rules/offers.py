"""The values of the purchase preferences (DOMAIN §7): financial offers and
allocations as plain values, MII-1 local-content classes, the MII-3
reservation filter and MSE-1's proportional shares (largest remainder)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kraya.bids.rules.common import (
    CLASS_1,
    CLASS_2,
    MANUFACTURER,
    NON_LOCAL,
    SERVICE_PROVIDER,
    BidError,
    fraction,
    require_count,
)
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt


@dataclass(frozen=True, slots=True)
class FinancialOffer:
    """One bidder's financial offer, as plain values: the unit price (paise)
    and the quantity offered, its MSE status and category (KYC-3) and its
    local-content class (MII-1)."""

    bidder_id: str
    unit_price_paise: int
    quantity: int
    is_mse: bool = False
    mse_category: str | None = None
    mii_class: str = "NON_LOCAL"

    @property
    def price_paise(self) -> int:
        return self.unit_price_paise

    @property
    def mse_preferred(self) -> bool:
        """KYC-3: only MSE manufacturers and service providers get MSE preference."""
        return self.is_mse and self.mse_category in (MANUFACTURER, SERVICE_PROVIDER)

    @property
    def class_i(self) -> bool:
        """MII-1: only Class-I local suppliers get the purchase preference."""
        return self.mii_class == CLASS_1

    def as_json(self) -> dict[str, Any]:
        return {
            "bidder_id": self.bidder_id,
            "unit_price_paise": self.unit_price_paise,
            "quantity": self.quantity,
            "is_mse": self.is_mse,
            "mse_category": self.mse_category,
            "mii_class": self.mii_class,
        }


@dataclass(frozen=True, slots=True)
class Allocation:
    """What one bidder supplies: the quantity, the unit price it is paid and
    the rules that gave it the quantity (`BID-7` for L1's own part)."""

    bidder_id: str
    quantity: int
    unit_price_paise: int
    rules: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "bidder_id": self.bidder_id,
            "quantity": self.quantity,
            "unit_price_paise": self.unit_price_paise,
            "rules": list(self.rules),
        }


@dataclass(frozen=True, slots=True)
class PreferenceDecision:
    """The allocations (by bidder id) after the preferences; `l1_bidder_id` is
    None only when the MII-3 reservation admitted no offer."""

    l1_bidder_id: str | None
    unit_price_paise: int | None
    allocations: tuple[Allocation, ...]
    receipt: DecisionReceipt

    def quantity_of(self, bidder_id: str) -> int:
        return sum(a.quantity for a in self.allocations if a.bidder_id == bidder_id)

    def quantity_by_rule(self, rule: str) -> int:
        """The units granted under `rule` (e.g. `MSE-1`), from the receipt."""
        grants = self.receipt.outcome["grants"]
        return sum(g["quantity"] for g in grants if g["rule"] == rule)


def mii_class_of(local_content_percent: Decimal, policy: Policy) -> str:
    """MII-1: Class-I at or above 50% local content, Class-II above 20% and
    below 50%, non-local at or below 20%. Before the 2020 revision there was
    no Class-II: below Class-I is non-local."""
    fraction(local_content_percent)  # a Decimal from 0 to 100, never a float
    section = policy.mii
    if local_content_percent >= section.class_i_min_local_content_percent:
        return CLASS_1
    lower = section.class_ii_above_local_content_percent
    if lower is not None and local_content_percent > lower:
        return CLASS_2
    return NON_LOCAL


def proportional_shares(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    """MSE-1: `amount` units split in proportion to `weights` (offered
    quantities) by the largest-remainder method, equal remainders by key;
    nobody gets more than its weight. Exact: no floats."""
    require_count(amount, "amount")
    total = sum(weights.values())
    if total <= amount:
        return dict(weights)
    exact = {key: Fraction(amount * weight, total) for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = amount - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(exact[key] - shares[key]), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def mii_reservation(
    offers: Iterable[FinancialOffer], reserved_for: Collection[str]
) -> tuple[list[FinancialOffer], list[FinancialOffer]]:
    """MII-3: a bid reserved for MII admits only the classes it names (Class-I,
    or Class-I and Class-II); returns (admitted, excluded), by bidder id."""
    classes = set(reserved_for)
    if CLASS_1 not in classes or not classes <= {CLASS_1, CLASS_2}:
        raise BidError(
            "bids.reservation_invalid",
            "reserved_for",
            f"a reservation admits Class-I, or Class-I and Class-II, not {sorted(classes)}",
        )
    listed = sorted(offers, key=lambda offer: offer.bidder_id)
    admitted = [offer for offer in listed if offer.mii_class in classes]
    excluded = [offer for offer in listed if offer.mii_class not in classes]
    return admitted, excluded
