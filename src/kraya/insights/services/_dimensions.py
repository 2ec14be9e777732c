"""Where an order's keys come from, outside the order row: its buyer office's
place, department and organisation (`accounts.BuyerUnit`), and its seller's
verified segments (`sellers.SocialCategory`, KYC-3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kraya.accounts.models import BuyerUnit
from kraya.core.bulk import any_of
from kraya.insights import rules
from kraya.sellers.models import SocialCategory


@dataclass(frozen=True, slots=True)
class OfficePlace:
    state: str
    district: str
    department_id: int
    organisation_id: int


_UNIT_FIELDS = ("id", "level", "path", "organisation_id", "state", "district")


def office_places(office_ids: Iterable[int] | None = None) -> dict[int, OfficePlace]:
    """Each office's (or every unit's, when None) place and ancestors: the
    state and district are the office's own or its nearest ancestor's; the
    department is its DEPARTMENT-level ancestor (0 when it has none)."""
    units = BuyerUnit.objects.all()
    if office_ids is not None:
        wanted = sorted(set(office_ids))
        if not wanted:
            return {}
        units = units.filter(pk__in=any_of(wanted))
    rows = {row[0]: row for row in units.values_list(*_UNIT_FIELDS)}
    ancestor_ids = {
        int(part) for row in rows.values() for part in row[2].strip("/").split("/") if part
    } - set(rows)
    if ancestor_ids:
        for row in BuyerUnit.objects.filter(pk__in=any_of(sorted(ancestor_ids))).values_list(
            *_UNIT_FIELDS
        ):
            rows[row[0]] = row
    places: dict[int, OfficePlace] = {}
    targets = rows if office_ids is None else {pk: rows[pk] for pk in wanted if pk in rows}
    for pk, (_pk, _level, path, organisation_id, state, district) in targets.items():
        chain = [rows[int(p)] for p in reversed(path.strip("/").split("/")) if p and int(p) in rows]
        state = state or next((row[4] for row in chain if row[4]), "")
        district = district or next((row[5] for row in chain if row[5]), "")
        department = next((row[0] for row in chain if row[1] == BuyerUnit.Level.DEPARTMENT), 0)
        places[pk] = OfficePlace(state, district, department, organisation_id or 0)
    return places


def firm_segments(firm_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Each seller firm's verified segments as bits (firms without any: absent)."""
    categories = SocialCategory.objects.filter(verified=True, registration__firm__isnull=False)
    if firm_ids is not None:
        wanted = sorted(set(firm_ids))
        if not wanted:
            return {}
        categories = categories.filter(registration__firm_id__in=any_of(wanted))
    kinds: dict[int, set[str]] = defaultdict(set)
    for firm_id, kind in categories.values_list("registration__firm_id", "kind"):
        kinds[firm_id].add(kind)
    return {firm_id: rules.segment_bits(found) for firm_id, found in kinds.items()}
