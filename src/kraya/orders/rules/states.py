"""The order's state machine (DESIGN: one transition table per machine). Pure:
the one place that applies a transition under the order's row lock and audits
it is `kraya.orders.services.transitions.order_transition`.

    PLACED --accept--> ACCEPTED            (ORD-3, the seller, within the window)
    PLACED --decline--> DECLINED           (ORD-3, the seller, with a reason)
    PLACED --auto_cancel--> CANCELLED      (ORD-3, the clock: silence on a direct/L1 order)
    ACCEPTED --dispatch--> DISPATCHED      (the seller: invoice and dispatch evidence)
    DISPATCHED --deliver--> DELIVERED      (the seller: proof of delivery)
    DISPATCHED|DELIVERED --receive--> RECEIVED   (ORD-5, the consignee's PRC)
    RECEIVED --certify--> CERTIFIED        (ORD-5, the consignee's CRAC, nothing to replace)
    RECEIVED --deem--> CERTIFIED           (ORD-5, the clock: no CRAC within 10 days of the PRC)
    DELIVERED --auto_certify--> CERTIFIED  (ORD-5, the clock: direct ≤ ₹25,000, day 21, no incident)
    RECEIVED --reject--> REPLACEMENT_DUE   (ORD-5/6, a CRAC rejecting items to be replaced)
    REPLACEMENT_DUE --dispatch--> DISPATCHED     (ORD-6, the replacement)
    REPLACEMENT_DUE --lapse_replacement--> CERTIFIED  (ORD-6, the clock: not replaced in 10 days;
                                                       the rejected items are not paid)
    CERTIFIED --bill--> BILLED             (ORD-7: the bill, LD deducted)
    BILLED --pay--> PAID                   (ORD-7, the Paying Authority)
    ACCEPTED|DISPATCHED --cancel--> CANCELLED   (the buyer, reasoned; nothing received)

`extend` (ORD-4: a new delivery date, with or without LD) keeps an ACCEPTED
or DISPATCHED order in its state."""

from __future__ import annotations

from typing import Final

PLACED: Final = "PLACED"
ACCEPTED: Final = "ACCEPTED"
DECLINED: Final = "DECLINED"
DISPATCHED: Final = "DISPATCHED"
DELIVERED: Final = "DELIVERED"
RECEIVED: Final = "RECEIVED"
REPLACEMENT_DUE: Final = "REPLACEMENT_DUE"
CERTIFIED: Final = "CERTIFIED"
BILLED: Final = "BILLED"
PAID: Final = "PAID"
CANCELLED: Final = "CANCELLED"

STATES: Final = (
    PLACED,
    ACCEPTED,
    DECLINED,
    DISPATCHED,
    DELIVERED,
    RECEIVED,
    REPLACEMENT_DUE,
    CERTIFIED,
    BILLED,
    PAID,
    CANCELLED,
)
FINAL: Final = frozenset({DECLINED, PAID, CANCELLED})

TRANSITIONS: Final[dict[tuple[str, str], str]] = {
    (PLACED, "accept"): ACCEPTED,
    (PLACED, "decline"): DECLINED,
    (PLACED, "auto_cancel"): CANCELLED,
    (ACCEPTED, "dispatch"): DISPATCHED,
    (ACCEPTED, "extend"): ACCEPTED,
    (ACCEPTED, "cancel"): CANCELLED,
    (DISPATCHED, "deliver"): DELIVERED,
    (DISPATCHED, "receive"): RECEIVED,
    (DISPATCHED, "extend"): DISPATCHED,
    (DISPATCHED, "cancel"): CANCELLED,
    (DELIVERED, "receive"): RECEIVED,
    (DELIVERED, "auto_certify"): CERTIFIED,
    (RECEIVED, "certify"): CERTIFIED,
    (RECEIVED, "deem"): CERTIFIED,
    (RECEIVED, "reject"): REPLACEMENT_DUE,
    (REPLACEMENT_DUE, "dispatch"): DISPATCHED,
    (REPLACEMENT_DUE, "lapse_replacement"): CERTIFIED,
    (CERTIFIED, "bill"): BILLED,
    (BILLED, "pay"): PAID,
}

EVENTS: Final = frozenset(event for _, event in TRANSITIONS)


def next_state(state: str, event: str) -> str | None:
    """Where `event` takes an order in `state`, or None when it may not happen."""
    return TRANSITIONS.get((state, event))
