"""Releases of a bid's contracting process (one ocid per bid): the tender at
publication, its corrigenda (BID-3), the one extension (BID-4), the opening,
the financial opening, the award and a cancellation (BID-8).

The state AT the event comes from the event and from history, not from the
current row alone: the tender as first published is the bid with every
later corrigendum undone (`Corrigendum.changes` holds old and new values),
an amendment publishes what its corrigendum changed, the extension its new
end from the event payload.

Sealed bids stay sealed (BID-4, BID-5): nothing here reads a submission
before the opening; the number of tenderers and who they are appear first
in the opening's release."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kraya.bids.models import Bid, Corrigendum, Submission
from kraya.core.audit_models import AuditEvent
from kraya.opendata import ocds
from kraya.opendata.builders.common import (
    Built,
    Context,
    buyer_parties,
    firm_party,
    item,
    main_category,
    ocid_for,
    reference,
    skeleton,
)

ACTIONS = frozenset(
    {
        "bids.publish",
        "bids.amend",
        "bids.extend",
        "bids.close",
        "bids.open_financial",
        "bids.award",
        "bids.cancel",
    }
)

# The bid fields a corrigendum may change (BID-3) that a tender shows.
_TENDER_FIELDS = (
    "description",
    "estimated_value_paise",
    "end_at",
    "delivery_period_days",
    "min_average_turnover_paise",
    "min_experience_years",
    "min_past_performance_percent",
    "relax_for_mse_and_startups",
    "emd_percent",
)


_ELIGIBILITY_FIELDS = frozenset(
    {
        "min_average_turnover_paise",
        "min_experience_years",
        "min_past_performance_percent",
        "relax_for_mse_and_startups",
        "emd_percent",
    }
)


def bid_ocid(bid: Bid) -> str:
    return ocid_for("bid", bid.number or f"draft-{bid.pk}")


def _fields_after(bid: Bid, version: int) -> tuple[dict[str, Any], dict[int, int]]:
    """The bid's tender fields and item quantities (by position) as they were
    after corrigendum `version` (0: as published): the current values with
    every later corrigendum's changes undone, newest first."""
    fields: dict[str, Any] = {name: getattr(bid, name) for name in _TENDER_FIELDS}
    quantities = {i.position: i.quantity for i in bid.items.all()}
    for corrigendum in bid.corrigenda.filter(version__gt=version).order_by("-version"):
        for name, change in corrigendum.changes.items():
            if name.startswith("items."):
                quantities[int(name.split(".")[1])] = int(change["old"])
            elif name in fields:
                fields[name] = change["old"]
    return fields, quantities


def _eligibility(fields: dict[str, Any]) -> str:
    """BID-1/BID-2 eligibility in words (English: the data's language)."""
    parts = []
    turnover = int(fields["min_average_turnover_paise"] or 0)
    if turnover:
        parts.append(f"Minimum average annual turnover INR {ocds.rupees(turnover)} over 3 years")
    if int(fields["min_experience_years"] or 0):
        parts.append(f"Minimum {fields['min_experience_years']} years of experience")
    past = Decimal(str(fields["min_past_performance_percent"] or 0))
    if past:
        parts.append(f"Minimum past performance {past}%")
    if fields["relax_for_mse_and_startups"] and parts:
        parts.append("MSEs and startups exempt from turnover and experience (BID-2)")
    emd = Decimal(str(fields["emd_percent"] or 0))
    parts.append(f"EMD {emd}% (MSEs and startups exempt)" if emd else "No EMD")
    return "; ".join(parts) + "."


def _moment(value: Any) -> str:
    """An instant from a row (datetime) or an event payload (ISO text)."""
    if isinstance(value, str):
        return ocds.timestamp(dt.datetime.fromisoformat(value))
    return ocds.timestamp(value)


def _items(bid: Bid, quantities: dict[int, int]) -> list[dict[str, Any]]:
    return [
        item(
            item_id=str(row.position),
            description=row.title,
            quantity=quantities.get(row.position, row.quantity),
            unit_name=row.unit,
            unit_price_paise=row.estimated_unit_price_paise,
            category=row.category,
        )
        for row in bid.items.select_related("category").order_by("position")
    ]


def _tender_at_publication(
    bid: Bid, event: AuditEvent, procuring: dict[str, Any]
) -> dict[str, Any]:
    fields, quantities = _fields_after(bid, 0)
    first = bid.items.select_related("category").order_by("position").first()
    details = "Bid (MODE-4)" + (" followed by a reverse auction" if bid.reverse_auction else "")
    published_at = bid.published_at or event.at
    return {
        "id": bid.number,
        "title": bid.title,
        "description": fields["description"],
        "status": "active",
        "procuringEntity": reference(procuring),
        "items": _items(bid, quantities),
        "value": ocds.value(int(fields["estimated_value_paise"])),
        "procurementMethod": "open",
        "procurementMethodDetails": details,
        "mainProcurementCategory": main_category(first.category if first else None),
        "awardCriteria": "priceOnly",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": ocds.timestamp(published_at),
            "endDate": _moment(event.payload.get("end_at") or bid.original_end_at or bid.end_at),
        },
        "contractPeriod": {"durationInDays": int(fields["delivery_period_days"])},
        "eligibilityCriteria": _eligibility(fields),
    }


def _tender_amendment(bid: Bid, event: AuditEvent) -> dict[str, Any]:
    version = int(event.payload.get("corrigendum") or 0)
    corrigendum = Corrigendum.objects.get(bid=bid, version=version)
    fields, quantities = _fields_after(bid, version)
    changed = set(corrigendum.changes)
    tender: dict[str, Any] = {"id": bid.number, "title": bid.title, "status": "active"}
    if "description" in changed:
        tender["description"] = fields["description"]
    if "estimated_value_paise" in changed:
        tender["value"] = ocds.value(int(fields["estimated_value_paise"]))
    if "end_at" in changed:
        tender["tenderPeriod"] = {"endDate": _moment(corrigendum.changes["end_at"]["new"])}
    if "delivery_period_days" in changed:
        tender["contractPeriod"] = {"durationInDays": int(fields["delivery_period_days"])}
    if changed & _ELIGIBILITY_FIELDS:
        tender["eligibilityCriteria"] = _eligibility(fields)
    positions = sorted(int(n.split(".")[1]) for n in changed if n.startswith("items."))
    if positions:
        tender["items"] = [{"id": str(p), "quantity": quantities[p]} for p in positions]
    tender["amendments"] = [
        {
            "id": f"corrigendum-{version}",
            "date": ocds.timestamp(corrigendum.published_at),
            "rationale": corrigendum.reason,
            "description": "Corrigendum {} (BID-3) changed: {}.".format(
                version, ", ".join(sorted(changed))
            ),
        }
    ]
    return tender


def build(event: AuditEvent, context: Context) -> Built | None:
    """The release for one bid event, or None for an event that changes
    nothing published (a draft, say)."""
    bid = Bid.objects.filter(pk=int(event.object_id)).select_related("office").first()
    if bid is None or not bid.number:
        return None
    ocid = bid_ocid(bid)
    buyer, procuring = buyer_parties(context, bid.office_id)
    parties = [buyer] if buyer is procuring else [buyer, procuring]
    action = event.action.removeprefix("bids.")
    base: dict[str, Any] = {"id": bid.number, "title": bid.title}
    if action == "publish":
        tags, tender = ["tender"], _tender_at_publication(bid, event, procuring)
    elif action == "amend":
        tags, tender = ["tenderAmendment"], _tender_amendment(bid, event)
    elif action == "extend":
        tags = ["tenderUpdate"]
        tender = {
            **base,
            "tenderPeriod": {"endDate": _moment(event.payload["end_at"])},
            "amendments": [
                {
                    "id": f"extension-{event.seq}",
                    "date": ocds.timestamp(event.at),
                    "rationale": "Extended once due to less competition (BID-4).",
                }
            ],
        }
    elif action == "close":
        tags, tender = ["tenderUpdate"], {**base, **_opening(bid, event, context, parties)}
    elif action == "open_financial":
        tags, tender = ["tenderUpdate"], {**base, "awardPeriod": {"startDate": _at(event)}}
    elif action == "award":
        tags = ["tenderUpdate"]
        tender = {**base, "status": "complete", "awardPeriod": {"endDate": _at(event)}}
    elif action == "cancel":
        tags = ["tenderCancellation"]
        tender = {
            **base,
            "status": "cancelled",
            "amendments": [
                {
                    "id": "cancellation",
                    "date": _at(event),
                    "rationale": str(event.payload.get("reason") or bid.cancel_reason),
                }
            ],
        }
    else:
        return None
    release = skeleton(ocid=ocid, event=event, tags=tags, parties=parties)
    release["buyer"] = reference(buyer)
    release["tender"] = tender
    return Built(ocid=ocid, release=release)


def _at(event: AuditEvent) -> str:
    return ocds.timestamp(event.at)


def _opening(
    bid: Bid, event: AuditEvent, context: Context, parties: list[dict[str, Any]]
) -> dict[str, Any]:
    """BID-4/BID-5: at the technical opening, and not before, the number of
    bids received and who sent them."""
    firms = (
        Submission.objects.filter(bid=bid, status=Submission.Status.SUBMITTED)
        .filter(submitted_at__lte=event.at)
        .order_by("pk")
        .values_list("seller_firm_id", flat=True)
    )
    tenderers = []
    for firm_id in firms:
        party = firm_party(context, context.firm(firm_id), ["tenderer"])
        parties.append(party)
        tenderers.append(reference(party))
    count = event.payload.get("submissions")
    return {
        "numberOfTenderers": int(count) if count is not None else len(tenderers),
        "tenderers": tenderers,
        "tenderPeriod": {"endDate": ocds.timestamp(bid.end_at)},
    }


__all__ = ["ACTIONS", "bid_ocid", "build"]
