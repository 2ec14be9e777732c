"""Reads of the buying app, each deciding per object what the actor may see:
an office's demands and fund blocks are seen by the office's members and the
organisation's Primary User; operators see everything (audited elsewhere);
everyone else gets a 404, so ids do not leak."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum

from kraya.accounts.models import BuyerUnit, Role, User
from kraya.accounts.selectors import Actor
from kraya.buying.models import AvailabilityReport, Demand, DemandLine, FundBlock, SplitRefusal
from kraya.core.errors import NotFound

BUYING_ROLES = frozenset({Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY})


def may_see_office(actor: Actor, office: BuyerUnit) -> bool:
    """Members of the office, the organisation's Primary User, operators."""
    if actor.is_operator or actor.roles_in_unit(office):
        return True
    return office.organisation_id is not None and any(
        m.role == Role.PRIMARY and m.buyer_unit_id == office.organisation_id
        for m in actor.memberships
    )


def buyer_offices(*, actor: Actor) -> list[BuyerUnit]:
    """The offices where the actor is a Buyer (where they can make demands)."""
    return sorted(
        {m.buyer_unit for m in actor.memberships if m.role == Role.BUYER and m.buyer_unit},
        key=lambda unit: unit.path,
    )


def office_members(*, office: BuyerUnit, role: str) -> list[User]:
    """The active users holding `role` in `office`, by name."""
    users = User.objects.filter(
        memberships__buyer_unit=office,
        memberships__role=role,
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    return sorted(users, key=lambda user: (str(user).casefold(), user.pk))


def _demands() -> QuerySet[Demand]:
    return Demand.objects.select_related(
        "office", "office__organisation", "category", "buyer", "consignee"
    )


def demand_get(*, actor: Actor, demand_id: int) -> Demand:
    """A demand with its lines (and their offers) and fund block, for a viewer
    allowed to see its office."""
    demand = (
        _demands()
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DemandLine.objects.select_related(
                    "offer",
                    "offer__product",
                    "offer__product__brand",
                    "selected_offer",
                    "selected_offer__product",
                    "selected_offer__product__brand",
                    "order",
                ),
            )
        )
        .filter(pk=demand_id)
        .first()
    )
    if demand is None or not may_see_office(actor, demand.office):
        raise NotFound()
    return demand


def demand_to_act_on(*, actor: Actor, demand_id: int) -> Demand:
    """A demand (with its office) for a step the services check and lock
    themselves: the same visibility as `demand_get`, in one narrow query."""
    demand = Demand.objects.select_related("office").filter(pk=demand_id).first()
    if demand is None or not may_see_office(actor, demand.office):
        raise NotFound()
    return demand


def demands_for(*, actor: Actor, status: str = "") -> QuerySet[Demand]:
    """The demands of the offices where the actor buys, pays or receives."""
    offices = [m.buyer_unit_id for m in actor.memberships if m.role in BUYING_ROLES]
    rows = _demands().filter(office_id__in=offices)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def fund_block_of(demand: Demand) -> FundBlock | None:
    try:
        return demand.fund_block
    except FundBlock.DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class OfficeFunds:
    office: BuyerUnit
    blocked_paise: int
    blocks: int


def office_funds(*, actor: Actor, office: BuyerUnit) -> OfficeFunds:
    """ORD-2: what an office has blocked and not released."""
    if not may_see_office(actor, office):
        raise NotFound()
    totals = FundBlock.objects.filter(office=office, status=FundBlock.Status.BLOCKED).aggregate(
        total=Sum("amount_paise"), count=Count("pk")
    )
    return OfficeFunds(office, int(totals["total"] or 0), int(totals["count"] or 0))


def availability_reports(*, actor: Actor, office: BuyerUnit) -> QuerySet[AvailabilityReport]:
    if not may_see_office(actor, office):
        raise NotFound()
    return AvailabilityReport.objects.filter(office=office).select_related(
        "category", "reported_by"
    )


@dataclass(frozen=True, slots=True)
class DepartmentCompliance:
    """MODE-5/MODE-6 per department: off-portal purchases and refused splits."""

    department_id: int
    department: str
    availability_reports: int
    off_portal_paise: int
    split_refusals: int


def _department_of(unit: BuyerUnit, departments: dict[int, BuyerUnit]) -> BuyerUnit | None:
    for unit_id in reversed(unit.ancestor_ids):
        found = departments.get(unit_id)
        if found is not None:
            return found
    return None


def compliance_by_department(
    *, since: dt.date | None = None, until: dt.date | None = None
) -> list[DepartmentCompliance]:
    """MODE-5 and MODE-6 rolled up the buyer tree to departments (public
    figures: counts and values, no names of people)."""
    departments = {
        unit.pk: unit for unit in BuyerUnit.objects.filter(level=BuyerUnit.Level.DEPARTMENT)
    }
    reports = AvailabilityReport.objects.select_related("office")
    refusals = SplitRefusal.objects.select_related("office")
    if since is not None:
        reports, refusals = reports.filter(on__gte=since), refusals.filter(on__gte=since)
    if until is not None:
        reports, refusals = reports.filter(on__lte=until), refusals.filter(on__lte=until)
    figures: dict[int, list[int]] = {}
    for report in reports:
        department = _department_of(report.office, departments)
        if department is not None:
            row = figures.setdefault(department.pk, [0, 0, 0])
            row[0] += 1
            row[1] += report.estimated_value_paise
    for refusal in refusals:
        department = _department_of(refusal.office, departments)
        if department is not None:
            figures.setdefault(department.pk, [0, 0, 0])[2] += 1
    return sorted(
        (
            DepartmentCompliance(pk, departments[pk].display_name, row[0], row[1], row[2])
            for pk, row in figures.items()
        ),
        key=lambda line: (-line.off_portal_paise, line.department),
    )
