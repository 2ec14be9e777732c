"""The money of an order (ORD-4, ORD-7, ORD-8), in integer paise, each rounded
once, half up (`kraya.core.money`), with the clause that produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kraya.core.money import round_half_up

DAYS_PER_WEEK = 7


def _fraction(percent: Decimal) -> Fraction:
    return Fraction(percent) / 100


@dataclass(frozen=True, slots=True)
class LiquidatedDamages:
    """ORD-4: `weeks` is ceil(days late / 7); `capped` says the 10% cap bit."""

    paise: int
    days_late: int
    weeks: int
    delayed_value_paise: int
    capped: bool
    rule: str = "ORD-4"


def liquidated_damages(
    *,
    delayed_value_paise: int,
    contract_value_paise: int,
    days_late: int,
    percent_per_week: Decimal,
    cap_percent: Decimal,
) -> LiquidatedDamages:
    """ORD-4: `percent_per_week` of the delayed value for each week or part of
    a week late, at most `cap_percent` of the contract value."""
    if min(delayed_value_paise, contract_value_paise, days_late) < 0:
        raise ValueError("values and days late cannot be negative")
    if delayed_value_paise > contract_value_paise:
        raise ValueError("the delayed value cannot exceed the contract value")
    weeks = -(-days_late // DAYS_PER_WEEK)
    raw = round_half_up(delayed_value_paise * _fraction(percent_per_week) * weeks)
    cap = round_half_up(contract_value_paise * _fraction(cap_percent))
    return LiquidatedDamages(
        paise=min(raw, cap),
        days_late=days_late,
        weeks=weeks,
        delayed_value_paise=delayed_value_paise,
        capped=raw > cap,
    )


@dataclass(frozen=True, slots=True)
class Interest:
    """ORD-7: interest on `principal_paise` for `days_late` days."""

    paise: int
    days_late: int
    principal_paise: int
    rule: str = "ORD-7"


def late_payment_interest(
    *,
    principal_paise: int,
    last_day: dt.date,
    on: dt.date,
    percent_per_month: Decimal,
    days_per_month: int,
) -> Interest:
    """ORD-7: `percent_per_month` (per month of `days_per_month` days) for each
    day past `last_day`. The official example: ₹3 lakh, 10 days late, 1% →
    10/30 × 1% = ₹1,000. Computed on the whole period, never summed from
    rounded daily amounts, so accruing it day by day and at once agree."""
    if principal_paise < 0:
        raise ValueError("principal cannot be negative")
    late = max(0, (on - last_day).days)
    paise = round_half_up(
        principal_paise * _fraction(percent_per_month) * Fraction(late, days_per_month)
    )
    return Interest(paise=paise, days_late=late, principal_paise=principal_paise)


@dataclass(frozen=True, slots=True)
class TransactionCharge:
    """ORD-8: the charge on an order's value, and whether the cap bit."""

    paise: int
    capped: bool
    rule: str = "ORD-8"


def transaction_charge(
    *, order_value_paise: int, free_up_to_paise: int, percent: Decimal, cap_paise: int
) -> TransactionCharge:
    """ORD-8: nothing up to and including `free_up_to_paise`; above it
    `percent` of the WHOLE order value (₹20 lakh → ₹6,000), at most `cap_paise`."""
    if order_value_paise < 0:
        raise ValueError("an order value cannot be negative")
    if order_value_paise <= free_up_to_paise:
        return TransactionCharge(paise=0, capped=False)
    raw = round_half_up(order_value_paise * _fraction(percent))
    return TransactionCharge(paise=min(raw, cap_paise), capped=raw > cap_paise)
