"""Reads of the compliance dashboards (OPEN-3). Shares come from the
statistics' `BuyerRollup` (per FY, department, office and compliance segment
bits), payment delays from `PaymentRollup`; the off-portal reports (MODE-6)
and the units without users are read per state or department, which are
small. No read scans the orders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Sum

from kraya.accounts.models import BuyerUnit, Membership
from kraya.buying.models import AvailabilityReport
from kraya.core.policy import policy_at
from kraya.insights import rules as stats
from kraya.insights.compliance.models import PaymentRollup, RefreshMark
from kraya.insights.models import BuyerRollup
from kraya.insights.services._dimensions import office_places

OFF_PORTAL_SHOWN = 100


@dataclass(frozen=True)
class Targets:
    """MSE-4: the shares of procurement value a buyer must reach, in percent."""

    mse: Decimal
    sc_st: Decimal
    women: Decimal
    policy_version: str


def targets(fy: int) -> Targets:
    """The targets in force at the end of the FY (31 March)."""
    policy = policy_at(dt.date(fy + 1, 3, 31))
    return Targets(
        policy.mse.annual_target_percent,
        policy.mse.sc_st_target_percent,
        policy.mse.women_target_percent,
        policy.version,
    )


@dataclass
class Line:
    """One department or office on a compliance page."""

    key: int
    label: str = ""
    orders: int = 0
    gmv_paise: int = 0
    segment_gmv_paise: dict[str, int] = field(default_factory=dict)
    off_portal: int = 0
    off_portal_paise: int = 0
    units: int = 0
    units_without_users: int = 0
    payments: int = 0
    paid_late: int = 0
    late_days: int = 0
    interest_paid_paise: int = 0
    overdue: int = 0
    overdue_paise: int = 0
    interest_owed_paise: int = 0

    def share(self, segment: str) -> float | None:
        return stats.share_percent(self.segment_gmv_paise.get(segment, 0), self.gmv_paise)

    def met(self, segment: str, target: Decimal) -> bool | None:
        if self.gmv_paise <= 0:
            return None
        return self.segment_gmv_paise.get(segment, 0) * 100 >= target * self.gmv_paise

    @property
    def average_days_late(self) -> float | None:
        return round(self.late_days / self.paid_late, 1) if self.paid_late else None


def fy_bounds(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def _fold_shares(lines: dict[int, Line], rows: list[tuple[int, int, int, int]]) -> None:
    for key, bits, orders, gmv in rows:
        line = lines.setdefault(key, Line(key=key))
        line.orders += orders
        line.gmv_paise += gmv
        for segment in stats.COMPLIANCE_SEGMENTS:
            if stats.has_segment(bits, segment):
                line.segment_gmv_paise[segment] = line.segment_gmv_paise.get(segment, 0) + gmv


def _fold_payments(lines: dict[int, Line], rollups: Iterable[Mapping[str, Any]], key: str) -> None:
    for row in rollups:
        line = lines.setdefault(row[key], Line(key=row[key]))
        for name in (
            "payments",
            "paid_late",
            "late_days",
            "interest_paid_paise",
            "overdue",
            "overdue_paise",
            "interest_owed_paise",
        ):
            setattr(line, name, getattr(line, name) + (row[name] or 0))


_PAYMENT_SUMS = {
    name: Sum(name)
    for name in (
        "payments",
        "paid_late",
        "late_days",
        "interest_paid_paise",
        "overdue",
        "overdue_paise",
        "interest_owed_paise",
    )
}


def _units_without_users(under: BuyerUnit) -> dict[int, list[tuple[BuyerUnit, bool]]]:
    """Organisations and offices under `under` (active) with no active
    membership, grouped by their department (0: none)."""
    active = Membership.objects.filter(buyer_unit=OuterRef("pk"), is_active=True)
    units = (
        BuyerUnit.objects.filter(
            path__startswith=under.path,
            is_active=True,
            level__in=[BuyerUnit.Level.ORGANISATION, BuyerUnit.Level.OFFICE],
        )
        .annotate(staffed=Exists(active))
        .order_by("path")
    )
    departments = {
        pk
        for pk in BuyerUnit.objects.filter(
            path__startswith=under.path, level=BuyerUnit.Level.DEPARTMENT
        ).values_list("pk", flat=True)
    }
    grouped: dict[int, list[tuple[BuyerUnit, bool]]] = defaultdict(list)
    for unit in units:
        department = next((pk for pk in unit.ancestor_ids if pk in departments), 0)
        grouped[department].append((unit, bool(unit.staffed)))
    return grouped


def _off_portal_by_office(under: BuyerUnit, fy: int) -> dict[int, tuple[int, int]]:
    start, end = fy_bounds(fy)
    return {
        office: (count, value or 0)
        for office, count, value in AvailabilityReport.objects.filter(
            office__path__startswith=under.path, on__gte=start, on__lte=end
        )
        .values("office_id")
        .annotate(n=Count("pk"), value=Sum("estimated_value_paise"))
        .values_list("office_id", "n", "value")
    }


def department_ranking(*, root: BuyerUnit, fy: int) -> list[Line]:
    """OPEN-3: the departments of a state (or ministry), ranked by MSE share
    (then GMV), with their SC/ST and women shares, off-portal purchases,
    units without users and payment delays in the FY."""
    departments = {
        unit.pk: unit
        for unit in BuyerUnit.objects.filter(
            path__startswith=root.path, level=BuyerUnit.Level.DEPARTMENT
        )
    }
    ids = sorted(departments)
    lines: dict[int, Line] = {
        pk: Line(key=pk, label=unit.display_name) for pk, unit in departments.items()
    }
    _fold_shares(
        lines,
        list(
            BuyerRollup.objects.filter(fy=fy, department_id__in=ids)
            .values("department_id", "segments")
            .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
            .values_list("department_id", "segments", "o", "g")
        ),
    )
    _fold_payments(
        lines,
        list(
            PaymentRollup.objects.filter(fy=fy, department_id__in=ids)
            .values("department_id")
            .annotate(**_PAYMENT_SUMS)
        ),
        "department_id",
    )
    off_portal = _off_portal_by_office(root, fy)
    places = office_places(off_portal)
    for office, (count, value) in off_portal.items():
        department = places[office].department_id if office in places else 0
        if department in lines:
            lines[department].off_portal += count
            lines[department].off_portal_paise += value
    for department, units in _units_without_users(root).items():
        if department in lines:
            lines[department].units = len(units)
            lines[department].units_without_users = sum(
                1 for _unit, staffed in units if not staffed
            )
    return sorted(
        lines.values(),
        key=lambda line: (
            line.share("MSE") is None,
            -(line.share("MSE") or 0),
            -line.gmv_paise,
            line.label,
        ),
    )


def department_years(*, department: BuyerUnit) -> list[Line]:
    """The department's shares in every FY it bought (latest first)."""
    lines: dict[int, Line] = {}
    _fold_shares(
        lines,
        list(
            BuyerRollup.objects.filter(department_id=department.pk)
            .values("fy", "segments")
            .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
            .values_list("fy", "segments", "o", "g")
        ),
    )
    return sorted(lines.values(), key=lambda line: -line.key)


def department_offices(*, department: BuyerUnit, fy: int) -> list[Line]:
    """Per office of the department in the FY: shares, off-portal purchases
    and payment delays."""
    lines: dict[int, Line] = {}
    _fold_shares(
        lines,
        list(
            BuyerRollup.objects.filter(fy=fy, department_id=department.pk)
            .values("office_id", "segments")
            .annotate(o=Sum("orders"), g=Sum("gmv_paise"))
            .values_list("office_id", "segments", "o", "g")
        ),
    )
    _fold_payments(
        lines,
        list(PaymentRollup.objects.filter(fy=fy, department_id=department.pk).values()),
        "office_id",
    )
    for office, (count, value) in _off_portal_by_office(department, fy).items():
        line = lines.setdefault(office, Line(key=office))
        line.off_portal, line.off_portal_paise = count, value
    names = {unit.pk: unit.display_name for unit in BuyerUnit.objects.filter(pk__in=sorted(lines))}
    for line in lines.values():
        line.label = names.get(line.key, "")
    return sorted(lines.values(), key=lambda line: (-line.gmv_paise, line.label))


def units_without_users(*, department: BuyerUnit) -> list[BuyerUnit]:
    return [
        unit
        for unit, staffed in _units_without_users(department).get(department.pk, [])
        if not staffed
    ]


def off_portal_reports(
    *, department: BuyerUnit, fy: int, limit: int | None = None
) -> tuple[list[AvailabilityReport], int]:
    """MODE-6: the department's availability reports in the FY, latest first
    (the first `limit` of them when given), and how many there are in all
    (counted by the database, not by loading every report)."""
    start, end = fy_bounds(fy)
    reports = AvailabilityReport.objects.filter(
        office__path__startswith=department.path, on__gte=start, on__lte=end
    )
    ordered = reports.select_related("office", "category").order_by("-on", "-sequence")
    if limit is None:
        every = list(ordered)
        return every, len(every)
    shown = list(ordered[:limit])
    return shown, reports.count() if len(shown) == limit else len(shown)


def last_refreshed() -> dt.datetime | None:
    mark = RefreshMark.objects.order_by("-refreshed_at").first()
    return mark.refreshed_at if mark else None
