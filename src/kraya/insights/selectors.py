"""Reads for the statistics pages (OPEN-2) and the compliance dashboards
(OPEN-3): every figure comes from the rollups, never from the orders. Each
function is one or two indexed reads of a small table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from kraya.accounts.models import BuyerUnit
from kraya.catalog.models import Category
from kraya.core import clock
from kraya.insights import rules
from kraya.insights.models import (
    BuyerRollup,
    CategoryRollup,
    Headcount,
    MonthRollup,
    PlaceRollup,
    RefreshState,
)


@dataclass
class Total:
    """Orders and GMV of one key, with the compliance shares' numerators."""

    key: object
    label: str = ""
    orders: int = 0
    gmv_paise: int = 0
    segment_gmv_paise: dict[str, int] = field(default_factory=dict)

    def share(self, segment: str) -> float | None:
        return rules.share_percent(self.segment_gmv_paise.get(segment, 0), self.gmv_paise)


def financial_years() -> list[int]:
    """The FYs that have counted orders, latest first."""
    return sorted(
        set(MonthRollup.objects.filter(orders__gt=0).values_list("fy", flat=True).distinct()),
        reverse=True,
    )


def current_fy() -> int:
    return rules.fy_of(clock.now())


def last_refreshed() -> RefreshState | None:
    return RefreshState.objects.order_by("pk").first()


def fy_totals() -> list[Total]:
    rows = MonthRollup.objects.values("fy").annotate(o=Sum("orders"), g=Sum("gmv_paise"))
    return sorted(
        (Total(key=row["fy"], orders=row["o"], gmv_paise=row["g"]) for row in rows),
        key=lambda t: int(str(t.key)),
    )


def month_totals(fy: int) -> list[Total]:
    """All twelve months of the FY, April first (empty months as zero)."""
    found: dict[int, tuple[int, int]] = {
        month: (orders or 0, gmv or 0)
        for month, orders, gmv in MonthRollup.objects.filter(fy=fy)
        .values("month")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("month", "o", "g")
    }
    return [
        Total(key=month, orders=found.get(month, (0, 0))[0], gmv_paise=found.get(month, (0, 0))[1])
        for month in rules.fy_months(fy)
    ]


def mode_totals(fy: int) -> list[Total]:
    rows = (
        MonthRollup.objects.filter(fy=fy)
        .values("mode")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
    )
    return sorted(
        (Total(key=row["mode"], orders=row["o"], gmv_paise=row["g"]) for row in rows),
        key=lambda t: -t.gmv_paise,
    )


def segment_totals(fy: int) -> dict[str, Total]:
    """GMV and orders of sellers in each segment in the FY (an order of a
    firm in two segments counts in both), and all orders under ""."""
    totals = {segment: Total(key=segment) for segment in ("", *rules.SEGMENTS)}
    for bits, orders, gmv in (
        MonthRollup.objects.filter(fy=fy)
        .values("segments")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("segments", "o", "g")
    ):
        for segment in ("", *rules.SEGMENTS):
            if segment == "" or rules.has_segment(bits, segment):
                totals[segment].orders += orders
                totals[segment].gmv_paise += gmv
    return totals


def _with_shares(
    rows: list[tuple[object, int, int, int]],
) -> dict[object, Total]:
    """Sum (key, segments, orders, gmv) rows per key, with the compliance
    segments' GMV."""
    totals: dict[object, Total] = {}
    for key, bits, orders, gmv in rows:
        total = totals.setdefault(key, Total(key=key))
        total.orders += orders
        total.gmv_paise += gmv
        for segment in rules.COMPLIANCE_SEGMENTS:
            if rules.has_segment(bits, segment):
                total.segment_gmv_paise[segment] = total.segment_gmv_paise.get(segment, 0) + gmv
    return totals


def _by_gmv(totals: dict[object, Total]) -> list[Total]:
    return sorted(totals.values(), key=lambda t: (-t.gmv_paise, str(t.key)))


def state_totals(fy: int) -> list[Total]:
    rows = (
        PlaceRollup.objects.filter(fy=fy)
        .values("state", "segments")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("state", "segments", "o", "g")
    )
    return _by_gmv(_with_shares(list(rows)))


def district_totals(fy: int, state: str) -> list[Total]:
    rows = (
        PlaceRollup.objects.filter(fy=fy, state=state)
        .values("district", "segments")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("district", "segments", "o", "g")
    )
    return _by_gmv(_with_shares(list(rows)))


def _named(totals: list[Total], names: dict[int, str]) -> list[Total]:
    for total in totals:
        total.label = names.get(int(str(total.key)), "")
    return totals


def _unit_names(ids: list[int]) -> dict[int, str]:
    return {unit.pk: unit.display_name for unit in BuyerUnit.objects.filter(pk__in=ids)}


def department_totals(fy: int) -> list[Total]:
    """OPEN-3's base: per department, GMV with the MSE, SC/ST and women shares."""
    rows = (
        BuyerRollup.objects.filter(fy=fy)
        .values("department_id", "segments")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("department_id", "segments", "o", "g")
    )
    totals = _by_gmv(_with_shares(list(rows)))
    return _named(totals, _unit_names([int(str(t.key)) for t in totals]))


def organisation_totals(fy: int, *, limit: int | None = None) -> list[Total]:
    rows = (
        BuyerRollup.objects.filter(fy=fy)
        .values("organisation_id", "segments")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("organisation_id", "segments", "o", "g")
    )
    totals = _by_gmv(_with_shares(list(rows)))[:limit]
    return _named(totals, _unit_names([int(str(t.key)) for t in totals]))


def category_totals(fy: int) -> list[Total]:
    by_category: dict[object, Total] = {}
    for category_id, orders, gmv in (
        CategoryRollup.objects.filter(fy=fy)
        .values("category_id")
        .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
        .values_list("category_id", "o", "g")
    ):
        by_category[category_id] = Total(key=category_id, orders=orders, gmv_paise=gmv)
    totals = _by_gmv(dict(by_category.items()))
    names = {
        category.pk: category.display_name
        for category in Category.objects.filter(pk__in=list(by_category)).only(
            "id", "name", "name_hi"
        )
    }
    return _named(totals, names)


def headcounts() -> dict[tuple[str, str], int]:
    return {(h.name, h.key): h.value for h in Headcount.objects.all()}
