"""What every release builder shares: the ocids, the parties (organisation
references with roles and, for sellers, the MSE scale) and a per-batch cache
of the rows they read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from kraya.accounts.models import BuyerUnit, SellerFirm
from kraya.core.audit_models import AuditEvent
from kraya.opendata import ocds
from kraya.sellers import rules as seller_rules
from kraya.sellers.selectors import seller_segments

COUNTRY = "India"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def ocid_prefix() -> str:
    return str(settings.KRAYA_OCID_PREFIX)


def ocid_for(kind: str, number: str) -> str:
    """`{prefix}-{kind}-{number}`; the number's slashes become hyphens
    (`KRY/B/2026/000123` -> `ocds-kraya00-bid-KRY-B-2026-000123`), so an ocid
    is safe in a URL path."""
    return f"{ocid_prefix()}-{kind}-{_UNSAFE.sub('-', number).strip('-')}"


@dataclass
class Built:
    """One release made from one audit event, for the process `ocid`."""

    ocid: str
    release: dict[str, Any]


@dataclass
class Context:
    """Rows read while building one batch of releases, read once."""

    units: dict[int, BuyerUnit] = field(default_factory=dict)
    firms: dict[int, SellerFirm] = field(default_factory=dict)
    scales: dict[int, str] = field(default_factory=dict)

    def unit(self, unit_id: int) -> BuyerUnit:
        if unit_id not in self.units:
            self.units[unit_id] = BuyerUnit.objects.get(pk=unit_id)
        return self.units[unit_id]

    def firm(self, firm_id: int) -> SellerFirm:
        if firm_id not in self.firms:
            self.firms[firm_id] = SellerFirm.objects.get(pk=firm_id)
        return self.firms[firm_id]

    def scale(self, firm_id: int) -> str:
        """OCDS partyScale: "sme" for a firm with the MSE category (KYC-3),
        else "large"."""
        if firm_id not in self.scales:
            segments = seller_segments(firm_ids=[firm_id]).get(firm_id, set())
            self.scales[firm_id] = "sme" if seller_rules.MSE in segments else "large"
        return self.scales[firm_id]


def unit_party_id(unit: BuyerUnit) -> str:
    return f"IN-KRAYA-BU-{unit.code}"


def firm_party_id(firm: SellerFirm) -> str:
    return f"IN-KRAYA-SF-{firm.pk}"


def _address(state: str, district: str) -> dict[str, str]:
    address = {"countryName": COUNTRY}
    if state:
        address["region"] = state
    if district:
        address["locality"] = district
    return address


def unit_party(unit: BuyerUnit, roles: list[str]) -> dict[str, Any]:
    return {
        "name": unit.name,
        "id": unit_party_id(unit),
        "identifier": {"scheme": "IN-KRAYA-BU", "id": unit.code, "legalName": unit.name},
        "address": _address(unit.state, unit.district),
        "roles": roles,
    }


def firm_party(context: Context, firm: SellerFirm, roles: list[str]) -> dict[str, Any]:
    return {
        "name": firm.name,
        "id": firm_party_id(firm),
        "identifier": {"scheme": "IN-KRAYA-SF", "id": str(firm.pk), "legalName": firm.name},
        "address": _address(firm.state, firm.district),
        "roles": roles,
        "details": {"scale": context.scale(firm.pk)},
    }


def reference(party: dict[str, Any]) -> dict[str, str]:
    return {"id": party["id"], "name": party["name"]}


def buyer_parties(context: Context, office_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(buyer, procuring entity): the office's organisation pays (buyer) and
    the office buys (procuringEntity); one party with both roles when the
    office is the organisation itself."""
    office = context.unit(office_id)
    organisation = context.unit(office.organisation_id) if office.organisation_id else office
    if organisation.pk == office.pk:
        both = unit_party(office, ["buyer", "procuringEntity"])
        return both, both
    return unit_party(organisation, ["buyer"]), unit_party(office, ["procuringEntity"])


def add_party(parties: list[dict[str, Any]], party: dict[str, Any]) -> None:
    """Add `party` to `parties`, or add its roles to the one with its id."""
    for known in parties:
        if known["id"] == party["id"]:
            known["roles"] += [r for r in party["roles"] if r not in known["roles"]]
            return
    parties.append(party)


def skeleton(
    *, ocid: str, event: AuditEvent, tags: list[str], parties: list[dict[str, Any]]
) -> dict[str, Any]:
    """The fields every release has. Its id is the ocid and the source audit
    event's seq (unique, stable across re-publication)."""
    return {
        "ocid": ocid,
        "id": f"{ocid}-{event.seq}",
        "date": ocds.timestamp(event.at),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
    }


def item(
    *,
    item_id: str,
    description: str,
    quantity: int,
    unit_name: str,
    unit_price_paise: int,
    category: Any = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": item_id,
        "description": description,
        "quantity": quantity,
        "unit": {"name": unit_name, "value": ocds.value(unit_price_paise)},
    }
    if category is not None:
        found["classification"] = {
            "scheme": "x_KRAYA",
            "id": category.code,
            "description": category.name,
        }
    return found


def main_category(category: Any) -> str:
    """OCDS procurementCategory from the catalogue category's kind."""
    return "services" if category is not None and category.kind == "SERVICE" else "goods"
