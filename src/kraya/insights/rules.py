"""Pure rules of the statistics (OPEN-2): the IST month and Indian financial
year of an instant, which orders count, seller segment bits, and the geometry
of a bar chart. No Django here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")

# Orders that leave GMV and the order count (the seller declined, or the
# order was cancelled): `kraya.orders.rules.states`.
NOT_COUNTED = frozenset({"DECLINED", "CANCELLED"})

# Seller segments (KYC-3), one bit each, in `kraya.sellers.rules.SEGMENTS` order.
SEGMENTS = ("MSE", "STARTUP", "WOMAN", "SC_ST", "ARTISAN", "WEAVER", "SHG", "TRIBAL", "GI")
SEGMENT_BITS = {segment: 1 << index for index, segment in enumerate(SEGMENTS)}
# OPEN-3 / MSE-1: the shares measured against targets (MSE 25 %, SC/ST 4 %,
# women 3 %); the place and buyer rollups keep only these bits.
COMPLIANCE_SEGMENTS = ("MSE", "SC_ST", "WOMAN")
COMPLIANCE_MASK = sum(SEGMENT_BITS[segment] for segment in COMPLIANCE_SEGMENTS)


def counted(status: str) -> bool:
    """OPEN-2: a placed order counts in GMV unless declined or cancelled."""
    return status not in NOT_COUNTED


def month_of(moment: dt.datetime) -> int:
    """The IST month of an aware instant as YYYYMM (31 Mar 23:59 IST is 2025-03
    although it is 18:29 UTC; 1 Apr 00:01 IST is 2025-04, 31 Mar 18:31 UTC)."""
    if moment.tzinfo is None:
        raise ValueError("month_of needs an aware datetime")
    local = moment.astimezone(IST)
    return local.year * 100 + local.month


def fy_of_month(month: int) -> int:
    """The Indian financial year (1 April - 31 March) of a YYYYMM month, named
    by its starting year: 202503 → 2024 (FY 2024-25), 202504 → 2025."""
    year, number = divmod(month, 100)
    return year if number >= 4 else year - 1


def fy_of(moment: dt.datetime) -> int:
    return fy_of_month(month_of(moment))


def fy_label(fy: int) -> str:
    """`2024-25`."""
    return f"{fy}-{(fy + 1) % 100:02d}"


def fy_months(fy: int) -> list[int]:
    """The twelve months of a financial year, April first."""
    return [fy * 100 + m for m in range(4, 13)] + [(fy + 1) * 100 + m for m in range(1, 4)]


def segment_bits(kinds: Iterable[str]) -> int:
    return sum(SEGMENT_BITS[kind] for kind in set(kinds) if kind in SEGMENT_BITS)


def has_segment(bits: int, segment: str) -> bool:
    return bool(bits & SEGMENT_BITS[segment])


def share_percent(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    return round(part * 100 / whole, 1)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    text: str  # the value as people read it
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    max_text: str


def bar_chart(
    items: Sequence[tuple[str, int, str]],
    *,
    width: int = 640,
    height: int = 220,
    label_room: int = 36,
    top_room: int = 16,
    max_text: str = "",
) -> BarChart:
    """Vertical bars for (label, value, text) items, scaled to the largest
    value; negative values are drawn as zero."""
    plot_height = height - label_room - top_room
    largest = max((max(value, 0) for _label, value, _text in items), default=0)
    slot = width / max(len(items), 1)
    bars = []
    for index, (label, value, text) in enumerate(items):
        bar_height = plot_height * max(value, 0) / largest if largest else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                text=text,
                x=round(index * slot + slot * 0.15, 1),
                y=round(top_room + plot_height - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
            )
        )
    return BarChart(
        width=width,
        height=height,
        baseline=float(top_room + plot_height),
        bars=tuple(bars),
        max_text=max_text,
    )
