"""Releases of contracts (ORD-1..ORD-7). A direct or L1 purchase order is a
contracting process of its own (ocid `…-order-<contract number>`: a tender
with procurementMethod "direct" or "limited", its award and contract); a
bid's contracts are awards and contracts of the bid's process.

Each order event becomes one release: the contract's status (pending until
the seller accepts, active once accepted, cancelled or terminated), the
delivery, acceptance (CRAC) and payment milestones in
`contracts[].implementation.milestones`, and the payment itself as a
transaction. What changes is read from the event (its time and payload);
the order row gives only what never changes (parties, items, prices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kraya.bids.models import Award, Bid
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.opendata import ocds
from kraya.opendata.builders.bids import bid_ocid
from kraya.opendata.builders.common import (
    Built,
    Context,
    add_party,
    buyer_parties,
    firm_party,
    item,
    main_category,
    ocid_for,
    reference,
    skeleton,
    unit_party,
)
from kraya.orders.models import Order

ACTIONS = frozenset(
    {
        "orders.order_placed",
        "orders.accept",
        "orders.decline",
        "orders.auto_cancel",
        "orders.cancel",
        "orders.extend",
        "orders.dispatch",
        "orders.deliver",
        "orders.receive",
        "orders.reject",
        "orders.certify",
        "orders.deem",
        "orders.auto_certify",
        "orders.lapse_replacement",
        "orders.bill",
        "orders.pay",
    }
)

_METHOD = {Order.Mode.DIRECT: "direct", Order.Mode.L1: "limited"}
_METHOD_DETAILS = {
    Order.Mode.DIRECT: "Direct purchase from the catalogue (MODE-2)",
    Order.Mode.L1: "L1 purchase: the lowest of at least 3 manufacturers' offers (MODE-3)",
}
_CERTIFIED = {
    "certify": ("met", "CRAC issued by the consignee (ORD-5)."),
    "deem": ("met", "Deemed accepted: no CRAC within 10 days of the PRC (ORD-5)."),
    "auto_certify": ("met", "Automatic CRAC of a small direct purchase (ORD-5)."),
    "lapse_replacement": (
        "partiallyMet",
        "Closed without the replacement; the rejected items are not paid (ORD-6).",
    ),
}
# Order events and the release tags they publish.
_TAGS = {
    "accept": ["contractUpdate"],
    "decline": ["awardCancellation"],
    "auto_cancel": ["awardCancellation"],
    "cancel": ["contractTermination"],
    "extend": ["contractAmendment"],
}


def order_ocid(order: Order, bid_ids: dict[int, int | None]) -> str:
    """The ocid of the process `order` belongs to: its bid's, or its own."""
    if order.mode == Order.Mode.BID:
        bid_id = bid_ids.get(order.pk)
        if bid_id is None:
            award = Award.objects.filter(order=order).select_related("lot__bid").first()
            bid_id = award.lot.bid_id if award is not None else None
            bid_ids[order.pk] = bid_id
        if bid_id is not None:
            return bid_ocid(Bid.objects.only("pk", "number").get(pk=bid_id))
    return ocid_for("order", order.number)


def _at(event: AuditEvent) -> str:
    return ocds.timestamp(event.at)


def _items(order: Order) -> list[dict[str, Any]]:
    return [
        item(
            item_id=str(row.pk),
            description=row.title,
            quantity=row.quantity,
            unit_name="unit",
            unit_price_paise=row.unit_price_paise,
            category=order.category,
        )
        for row in order.items.all().order_by("pk")
    ]


def _first_due_on(order: Order) -> dt.date:
    """ORD-1: the delivery date the contract was made with (an extension,
    ORD-4, moves `delivery_due_on` later; its own release says so)."""
    return clock.to_ist(order.placed_at).date() + dt.timedelta(days=order.delivery_period_days)


def _title(order: Order, items: list[dict[str, Any]]) -> str:
    first = items[0]["description"] if items else order.number
    return first if len(items) <= 1 else f"{first} and {len(items) - 1} more"


def _placed(
    order: Order, event: AuditEvent, supplier: dict[str, Any], procuring: dict[str, Any]
) -> dict[str, Any]:
    """ORD-1: the award and the contract (pending the seller's acceptance),
    and for a direct or L1 purchase its own tender."""
    items = _items(order)
    title = _title(order, items)
    placed = _at(event)
    sections: dict[str, Any] = {
        "awards": [
            {
                "id": order.number,
                "title": title,
                "status": "active",
                "date": placed,
                "value": ocds.value(order.total_paise),
                "suppliers": [reference(supplier)],
                "items": items,
            }
        ],
        "contracts": [
            {
                "id": order.number,
                "awardID": order.number,
                "title": title,
                "status": "pending",
                "value": ocds.value(order.total_paise),
                "items": items,
                "period": {"startDate": placed, "endDate": ocds.end_of_day(_first_due_on(order))},
            }
        ],
    }
    if order.mode != Order.Mode.BID:
        sections["tender"] = {
            "id": order.number,
            "title": title,
            "status": "complete",
            "procuringEntity": reference(procuring),
            "items": items,
            "value": ocds.value(order.total_paise),
            "procurementMethod": _METHOD[Order.Mode(order.mode)],
            "procurementMethodDetails": _METHOD_DETAILS[Order.Mode(order.mode)],
            "mainProcurementCategory": main_category(order.category),
            "awardCriteria": "priceOnly",
            "tenderPeriod": {"startDate": placed, "endDate": placed},
            "awardPeriod": {"startDate": placed, "endDate": placed},
        }
    return sections


def _milestone(milestone_id: str, **fields: Any) -> dict[str, Any]:
    titles = {
        "delivery": ("Delivery", "delivery"),
        "acceptance": ("Acceptance (CRAC)", "assessment"),
        "payment": ("Payment", "payment"),
    }
    title, kind = titles[milestone_id]
    return {"id": milestone_id, "title": title, "type": kind, **fields}


def _contract_change(order: Order, event: AuditEvent) -> dict[str, Any] | None:
    """The contract fields one event changes (None: the event publishes nothing)."""
    action = event.action.removeprefix("orders.")
    at = _at(event)
    payload = event.payload
    contract: dict[str, Any] = {"id": order.number, "awardID": order.number}
    milestones: list[dict[str, Any]] = []
    if action == "accept":
        contract.update(status="active", dateSigned=at)
        due = ocds.end_of_day(_first_due_on(order))
        milestones.append(_milestone("delivery", dueDate=due, status="scheduled"))
    elif action in ("decline", "auto_cancel"):
        contract["status"] = "cancelled"
        reason = payload.get("reason") or "Not accepted within the window (ORD-3)."
        contract["amendments"] = [{"id": action, "date": at, "rationale": str(reason)}]
    elif action == "cancel":
        contract["status"] = "terminated"
        contract["period"] = {"endDate": at}
        contract["amendments"] = [
            {"id": "cancellation", "date": at, "rationale": str(payload.get("reason", ""))}
        ]
    elif action == "extend":
        due = ocds.end_of_day(ocds.parse_date(str(payload["new_due_on"])))
        contract["period"] = {"endDate": due}
        ld = "with" if payload.get("with_ld") else "without"
        contract["amendments"] = [
            {
                "id": f"extension-{event.seq}",
                "date": at,
                "rationale": str(payload.get("reason", "")),
                "description": f"Delivery date extended to {payload['to']}, {ld} LD (ORD-4).",
            }
        ]
        milestones.append(_milestone("delivery", dueDate=due, dateModified=at))
    elif action in ("dispatch", "deliver"):
        what = "Dispatched" if action == "dispatch" else "Delivered, awaiting receipt"
        round_ = payload.get("round", 1)
        milestones.append(
            _milestone(
                "delivery",
                status="scheduled",
                dateModified=at,
                description=f"{what} (round {round_}).",
            )
        )
    elif action == "receive":
        milestones.append(_milestone("delivery", status="met", dateMet=at, dateModified=at))
        milestones.append(
            _milestone(
                "acceptance",
                status="scheduled",
                dateModified=at,
                description="Provisional receipt (PRC) issued; CRAC due within 10 days (ORD-5).",
            )
        )
    elif action == "reject":
        milestones.append(
            _milestone(
                "acceptance",
                status="notMet",
                dateModified=at,
                description="Items rejected in the CRAC; replacement due (ORD-6).",
            )
        )
    elif action in _CERTIFIED:
        status, description = _CERTIFIED[action]
        if action == "auto_certify":
            milestones.append(_milestone("delivery", status="met", dateMet=at, dateModified=at))
        milestones.append(
            _milestone(
                "acceptance",
                status=status,
                dateMet=at,
                dateModified=at,
                description=description,
            )
        )
    elif action == "bill":
        due = ocds.end_of_day(ocds.parse_date(str(payload["last_day"])))
        payable = ocds.rupees(int(payload["payable_paise"]))
        damages = ocds.rupees(int(payload.get("ld_paise", 0)))
        milestones.append(
            _milestone(
                "payment",
                status="scheduled",
                dueDate=due,
                dateModified=at,
                description=f"Bill: INR {payable} payable, LD INR {damages} (ORD-4, ORD-7).",
            )
        )
    elif action == "pay":
        return None  # built by _paid, which needs the parties
    else:
        return None
    if milestones:
        contract["implementation"] = {"milestones": milestones}
    return contract


def _paid(
    order: Order, event: AuditEvent, payer: dict[str, Any], payee: dict[str, Any]
) -> dict[str, Any]:
    """ORD-7: the payment as a transaction (principal and interest), the
    payment milestone met, the contract completed."""
    payload = event.payload
    at = _at(event)
    paid = int(payload["principal_paise"]) + int(payload.get("interest_paise", 0))
    days_late = int(payload.get("days_late", 0))
    interest = ocds.rupees(int(payload.get("interest_paise", 0)))
    return {
        "id": order.number,
        "awardID": order.number,
        "status": "terminated",
        "implementation": {
            "transactions": [
                {
                    "id": str(payload.get("reference") or f"payment-{event.seq}"),
                    "date": at,
                    "value": ocds.value(paid),
                    "payer": reference(payer),
                    "payee": reference(payee),
                }
            ],
            "milestones": [
                _milestone(
                    "payment",
                    status="met",
                    dateMet=at,
                    dateModified=at,
                    description=(
                        f"Paid {days_late} days late with INR {interest} interest (ORD-7)."
                        if days_late
                        else "Paid within the window (ORD-7)."
                    ),
                )
            ],
        },
    }


def build(event: AuditEvent, context: Context, bid_ids: dict[int, int | None]) -> Built | None:
    order = Order.objects.filter(pk=int(event.object_id)).select_related("category").first()
    if order is None:
        return None
    ocid = order_ocid(order, bid_ids)
    buyer, procuring = buyer_parties(context, order.buyer_office_id)
    firm = context.firm(order.seller_firm_id)
    supplier = firm_party(context, firm, ["supplier"])
    parties: list[dict[str, Any]] = []
    add_party(parties, buyer)
    add_party(parties, procuring)
    add_party(parties, supplier)
    action = event.action.removeprefix("orders.")
    release_body: dict[str, Any]
    if action == "order_placed":
        tags = (
            ["award", "contract"]
            if order.mode == Order.Mode.BID
            else ["tender", "award", "contract"]
        )
        release_body = _placed(order, event, supplier, procuring)
    elif action == "pay":
        office = context.unit(order.buyer_office_id)
        payer = unit_party(office, ["payer"])
        payee = firm_party(context, firm, ["payee"])
        add_party(parties, payer)
        add_party(parties, payee)
        tags = ["implementation"]
        contract = _paid(order, event, payer, payee)
        release_body = {"contracts": [contract]}
    else:
        change = _contract_change(order, event)
        if change is None:
            return None
        tags = _TAGS.get(action, ["implementation"])
        release_body = {"contracts": [change]}
        if action in ("decline", "auto_cancel"):
            release_body["awards"] = [{"id": order.number, "status": "cancelled"}]
    release = skeleton(ocid=ocid, event=event, tags=tags, parties=parties)
    release["buyer"] = reference(buyer)
    release.update(release_body)
    return Built(ocid=ocid, release=release)


__all__ = ["ACTIONS", "build", "order_ocid"]
