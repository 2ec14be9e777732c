"""From placement to the receipt certificate (ORD-3..ORD-6): the seller
accepts or declines, dispatches with its invoice and evidence and marks
delivery; the consignee issues the PRC and then the CRAC with accepted and
rejected quantities; rejected goods are replaced; the buyer extends the
delivery period (with or without LD) or cancels with a reason.

Each service locks the order, checks who acts and when, applies one
transition (`order_transition`) and writes what goes with it — shipment rows,
ledger postings, the bill (`payment.bill_raise`) — in one transaction, and
tells the other side through the notifications outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.core.policy import policy_at
from kraya.orders.models import DeliveryExtension, Order, Shipment, ShipmentLine
from kraya.orders.models.fulfilment import MAX_DOCUMENT_BYTES
from kraya.orders.models.ledger import (
    COMMITMENT,
    PORTAL_REVENUE,
    SELLER_CHARGES,
    SELLER_DUE,
    LedgerTransaction,
)
from kraya.orders.rules import deadlines, money, states
from kraya.orders.services import notices
from kraya.orders.services._common import (
    MESSAGES,
    conflict,
    invalid,
    order_policy,
    require_buyer,
    require_consignee,
    require_reason,
    require_seller,
)
from kraya.orders.services.ledger import balance, ledger_post
from kraya.orders.services.payment import bill_raise
from kraya.orders.services.transitions import order_locked, order_transition

MESSAGES.update(
    {
        "orders.acceptance_window_over": _(
            "The time to accept this order ended on %(due)s; it will be cancelled."
        ),
        "orders.invoice_required": _("Give the invoice number."),
        "orders.evidence_required": _(
            "Give the dispatch evidence: transporter, docket or vehicle number."
        ),
        "orders.invoice_date_future": _("The invoice date cannot be in the future."),
        "orders.document_too_large": _("The file is larger than 2 MB."),
        "orders.document_type": _("Upload the invoice as a PDF, PNG or JPEG file."),
        "orders.crac_window_over": _(
            "The time for the CRAC ended on %(due)s: the goods are deemed accepted."
        ),
        "orders.crac_lines": _(
            "Give the accepted and rejected quantity of every line; together they "
            "make the quantity received."
        ),
        "orders.rejection_reason_required": _("Give the reason for rejecting each line."),
        "orders.nothing_to_replace": _("Nothing was rejected, so there is nothing to replace."),
        "orders.extension_not_later": _("The new delivery date must be after %(current)s."),
    }
)

INVOICE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def acceptance_due_for(placed_at: dt.datetime) -> dt.datetime:
    """ORD-3: the end of the seller's acceptance window for an order placed at
    `placed_at` (working days: Monday to Friday)."""
    orders_policy = policy_at(clock.to_ist(placed_at).date()).orders
    return deadlines.acceptance_due(placed_at, orders_policy.seller_acceptance_working_days)


def order_opened(*, order: Order) -> None:
    """Inside the placing transaction: commit the contract's value in the
    ledger (ORD-2; `seller:due` now holds the value, released if the order is
    declined or cancelled) and tell the seller (ORD-3's clock starts)."""
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.CONTRACT,
        key=f"contract:{order.pk}",
        entries=[(COMMITMENT, order.total_paise, 0), (SELLER_DUE, 0, order.total_paise)],
        rule="ORD-2",
        policy_version=order.policy_version,
        memo=order.number,
    )
    notices.announce(order=order, kind="orders.placed", to=("seller",))


def _release(order: Order, why: str) -> None:
    """Return what `seller:due` still holds to the buyer's commitment."""
    left = balance(order.pk, SELLER_DUE)
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.RELEASE,
        key=f"release:{order.pk}",
        entries=[(SELLER_DUE, left, 0), (COMMITMENT, 0, left)],
        memo=why,
    )


# --- the seller ------------------------------------------------------------------------


@transaction.atomic
def order_accept(*, order_id: int, acting_user: Any) -> Order:
    """ORD-3: the seller accepts within the window; ORD-8: the transaction
    charge on the order's value is posted to the seller's account."""
    order = order_locked(order_id)
    actor = require_seller(acting_user, order)
    now = clock.now()
    # ORD-3: silence cancels a direct or L1 order at the window's end; a bid's
    # contract is not cancelled, so its seller may still accept (late, which
    # its rating records).
    due = order.acceptance_due_at
    late = due is not None and now >= due
    if due is not None and late and order.status == states.PLACED and order.mode != Order.Mode.BID:
        raise conflict("orders.acceptance_window_over", due=_shown(due))
    revenue = order_policy(order).revenue
    charge = money.transaction_charge(
        order_value_paise=order.total_paise,
        free_up_to_paise=revenue.transaction_charge_free_up_to_paise,
        percent=revenue.transaction_charge_percent,
        cap_paise=revenue.transaction_charge_cap_paise,
    )
    order_transition(
        order=order,
        event="accept",
        actor=actor.user,
        changes={
            "accepted_at": now,
            "ld_due_on": order.delivery_due_on,
            "transaction_charge_paise": charge.paise,
        },
        payload={"transaction_charge_paise": charge.paise, "rule": "ORD-3"},
    )
    ledger_post(
        order=order,
        kind=LedgerTransaction.Kind.CHARGE,
        key=f"charge:{order.pk}",
        entries=[(SELLER_CHARGES, charge.paise, 0), (PORTAL_REVENUE, 0, charge.paise)],
        rule=charge.rule,
        policy_version=order.policy_version,
    )
    notices.announce(order=order, kind="orders.accepted", to=("buyer", "consignee"))
    return order


@transaction.atomic
def order_decline(*, order_id: int, acting_user: Any, reason: str) -> Order:
    """ORD-3: the seller declines, with a reason; the commitment is released."""
    order = order_locked(order_id)
    actor = require_seller(acting_user, order)
    text = require_reason(reason)
    order_transition(
        order=order,
        event="decline",
        actor=actor.user,
        changes={"closed_at": clock.now(), "closed_by_side": "SELLER", "close_reason": text},
        payload={"reason": text, "rule": "ORD-3"},
    )
    _release(order, "declined")
    notices.announce(order=order, kind="orders.declined", to=("buyer",))
    return order


@dataclass(frozen=True, slots=True)
class InvoiceFile:
    name: str
    content_type: str
    content: bytes


def _check_invoice(
    invoice_number: str, invoice_date: dt.date, evidence: str, invoice_file: InvoiceFile | None
) -> tuple[str, str]:
    number, proof = (invoice_number or "").strip(), (evidence or "").strip()
    if not number:
        raise invalid("invoice_number", "orders.invoice_required")
    if not proof:
        raise invalid("evidence", "orders.evidence_required")
    if invoice_date > clock.today_ist():
        raise invalid("invoice_date", "orders.invoice_date_future")
    if invoice_file is not None:
        if len(invoice_file.content) > MAX_DOCUMENT_BYTES:
            raise invalid("invoice_file", "orders.document_too_large")
        if invoice_file.content_type not in INVOICE_TYPES:
            raise invalid("invoice_file", "orders.document_type")
    return number[:40], proof


@transaction.atomic
def order_dispatch(
    *,
    order_id: int,
    acting_user: Any,
    invoice_number: str,
    invoice_date: dt.date,
    evidence: str,
    invoice_file: InvoiceFile | None = None,
) -> Shipment:
    """The seller dispatches the whole order (round 1), or, after a CRAC that
    rejected goods, exactly the rejected quantities (ORD-6), with its invoice
    and the dispatch evidence."""
    order = order_locked(order_id)
    actor = require_seller(acting_user, order)
    number, proof = _check_invoice(invoice_number, invoice_date, evidence, invoice_file)
    last = order.shipments.order_by("-round").first()
    if order.status == states.REPLACEMENT_DUE and last is not None:
        quantities = {
            line.item_id: line.rejected_quantity or 0
            for line in last.lines.all()
            if line.rejected_quantity
        }
        kind = Shipment.Kind.REPLACEMENT
    else:
        quantities = {item.pk: item.quantity for item in order.items.all()}
        kind = Shipment.Kind.ORIGINAL
    order_transition(
        order=order,
        event="dispatch",
        actor=actor.user,
        changes={"replacement_due_at": None},
        payload={"invoice_number": number, "kind": kind, "round": (last.round + 1) if last else 1},
    )
    shipment = Shipment.objects.create(
        order=order,
        round=(last.round + 1) if last else 1,
        kind=kind,
        invoice_number=number,
        invoice_date=invoice_date,
        evidence=proof,
        invoice_file_name=invoice_file.name[:255] if invoice_file else "",
        invoice_content_type=invoice_file.content_type if invoice_file else "",
        invoice_content=invoice_file.content if invoice_file else None,
        invoice_sha256=hashlib.sha256(invoice_file.content).hexdigest() if invoice_file else "",
        dispatched_at=clock.now(),
        dispatched_by=actor.user,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, item_id=item_id, quantity=quantity)
        for item_id, quantity in sorted(quantities.items())
    )
    notices.announce(order=order, kind="orders.dispatched", to=("consignee",))
    return shipment


def _auto_crac_at(order: Order, delivered_at: dt.datetime) -> dt.datetime | None:
    """ORD-5: a direct purchase up to ₹25,000 gets an automatic CRAC on day 21
    after delivery when the consignee issues none (and no incident is open,
    checked when it falls due)."""
    orders_policy = order_policy(order).orders
    if order.mode != Order.Mode.DIRECT:
        return None
    if order.total_paise > orders_policy.auto_crac_direct_purchase_max_paise:
        return None
    return deadlines.window_end(delivered_at, orders_policy.auto_crac_days)


@transaction.atomic
def order_deliver(*, order_id: int, acting_user: Any, proof: str) -> Order:
    """The seller records delivery at the consignee's address, with proof."""
    order = order_locked(order_id)
    actor = require_seller(acting_user, order)
    text = require_reason(proof, "proof")
    now = clock.now()
    shipment = order.shipments.order_by("-round").first()
    if shipment is None:  # not dispatched yet: the transition would refuse it too
        raise conflict("orders.wrong_state", status=order.get_status_display())
    order_transition(
        order=order,
        event="deliver",
        actor=actor.user,
        changes={"delivered_at": now, "auto_crac_at": _auto_crac_at(order, now)},
        payload={"round": shipment.round},
    )
    Shipment.objects.filter(pk=shipment.pk).update(delivered_at=now, delivery_proof=text)
    notices.announce(order=order, kind="orders.delivered", to=("consignee",))
    return order


# --- the consignee ---------------------------------------------------------------------


@transaction.atomic
def order_receive(*, order_id: int, acting_user: Any) -> Order:
    """ORD-5: the consignee's Provisional Receipt Certificate; the 10-day
    window for the CRAC (and ORD-6's for rejection) starts now."""
    order = order_locked(order_id)
    actor = require_consignee(acting_user, order)
    now = clock.now()
    orders_policy = order_policy(order).orders
    shipment = order.shipments.order_by("-round").first()
    if shipment is None:  # nothing dispatched yet: the transition would refuse it too
        raise conflict("orders.wrong_state", status=order.get_status_display())
    order_transition(
        order=order,
        event="receive",
        actor=actor.user,
        changes={
            "received_at": order.received_at or now,
            "delivered_at": order.delivered_at or now,
            "crac_due_at": deadlines.window_end(now, orders_policy.crac_days_after_prc),
            "auto_crac_at": None,
        },
        payload={"round": shipment.round, "rule": "ORD-5"},
    )
    Shipment.objects.filter(pk=shipment.pk).update(
        received_at=now, received_by=actor.user, delivered_at=shipment.delivered_at or now
    )
    notices.announce(order=order, kind="orders.received", to=("seller",))
    return order


@dataclass(frozen=True, slots=True)
class CracLine:
    """ORD-5: of one order line in the shipment, what is accepted and what
    rejected (with the reason)."""

    item_id: int
    accepted: int
    rejected: int = 0
    reason: str = ""


def _check_crac(shipment: Shipment, lines: Sequence[CracLine]) -> dict[int, CracLine]:
    given = {line.item_id: line for line in lines}
    expected = {line.item_id: line.quantity for line in shipment.lines.all()}
    if set(given) != set(expected) or any(
        line.accepted < 0 or line.rejected < 0 or line.accepted + line.rejected != expected[i]
        for i, line in given.items()
    ):
        raise invalid("lines", "orders.crac_lines")
    if any(line.rejected and not line.reason.strip() for line in given.values()):
        raise invalid("lines", "orders.rejection_reason_required")
    return given


@transaction.atomic
def order_certify(
    *,
    order_id: int,
    acting_user: Any,
    lines: Sequence[CracLine],
    replace_rejected: bool = False,
) -> Order:
    """ORD-5: the consignee's CRAC, within 10 days of the PRC, with accepted
    and rejected quantities and reasons. With `replace_rejected` and something
    rejected (ORD-6), the seller has 10 days to replace it; otherwise the
    order is certified and its bill raised (ORD-7's clock starts)."""
    order = order_locked(order_id)
    actor = require_consignee(acting_user, order)
    now = clock.now()
    if order.status == states.RECEIVED and order.crac_due_at and now >= order.crac_due_at:
        raise conflict("orders.crac_window_over", due=_shown(order.crac_due_at))
    shipment = order.shipments.order_by("-round").first()
    if order.status != states.RECEIVED or shipment is None:
        raise conflict("orders.wrong_state", status=order.get_status_display())
    given = _check_crac(shipment, lines)
    for line in shipment.lines.all():
        crac = given[line.item_id]
        line.accepted_quantity = crac.accepted
        line.rejected_quantity = crac.rejected
        line.rejection_reason = crac.reason.strip()
        line.save(update_fields=["accepted_quantity", "rejected_quantity", "rejection_reason"])
    rejected = sum(line.rejected for line in given.values())
    if replace_rejected and not rejected:
        raise invalid("replace_rejected", "orders.nothing_to_replace")
    Shipment.objects.filter(pk=shipment.pk).update(
        certified_at=now, certified_by=actor.user, certification=Order.Certification.ISSUED
    )
    payload = {"round": shipment.round, "rejected": rejected, "rule": "ORD-5"}
    if replace_rejected:
        days = order_policy(order).orders.replacement_days
        order_transition(
            order=order,
            event="reject",
            actor=actor.user,
            changes={"replacement_due_at": deadlines.window_end(now, days), "crac_due_at": None},
            payload={**payload, "rule": "ORD-6"},
        )
        notices.announce(order=order, kind="orders.replacement_requested", to=("seller",))
        return order
    return _certify(order, "certify", actor.user, now, Order.Certification.ISSUED, payload)


def _certify(
    order: Order,
    event: str,
    actor: Any | None,
    at: dt.datetime,
    certification: str,
    payload: dict[str, Any],
) -> Order:
    """Certify (CRAC issued, deemed, automatic or closed after a lapsed
    replacement) at `at`, then raise the bill in the same transaction."""
    order_transition(
        order=order,
        event=event,
        actor=actor,
        changes={
            "certified_at": at,
            "certification": certification,
            "crac_due_at": None,
            "auto_crac_at": None,
            "replacement_due_at": None,
        },
        payload={**payload, "certification": certification},
    )
    bill_raise(order=order, at=at)
    notices.announce(order=order, kind="orders.certified", to=("seller", "paying_authority"))
    return order


def order_deem(*, order: Order, now: dt.datetime) -> Order:
    """ORD-5 (the clock, the order locked by the caller): no CRAC within 10
    days of the PRC — the goods delivered are deemed accepted, at the instant
    the window closed."""
    at = order.crac_due_at or now
    shipment = order.shipments.order_by("-round").first()
    if shipment is not None:
        _accept_all(shipment, at, Order.Certification.DEEMED)
    return _certify(order, "deem", None, at, Order.Certification.DEEMED, {"rule": "ORD-5"})


def order_auto_certify(*, order: Order, now: dt.datetime) -> Order:
    """ORD-5 (the clock): a small direct purchase's automatic CRAC on day 21."""
    at = order.auto_crac_at or now
    shipment = order.shipments.order_by("-round").first()
    if shipment is not None:
        _accept_all(shipment, at, Order.Certification.AUTOMATIC)
        Shipment.objects.filter(pk=shipment.pk, received_at__isnull=True).update(received_at=at)
    return _certify(
        order, "auto_certify", None, at, Order.Certification.AUTOMATIC, {"rule": "ORD-5"}
    )


def order_lapse_replacement(*, order: Order, now: dt.datetime) -> Order:
    """ORD-6 (the clock): the rejected goods were not replaced in time; the
    order closes on what was accepted, and the rejected goods are not paid."""
    at = order.replacement_due_at or now
    return _certify(
        order, "lapse_replacement", None, at, Order.Certification.LAPSED, {"rule": "ORD-6"}
    )


def _accept_all(shipment: Shipment, at: dt.datetime, certification: str) -> None:
    for line in shipment.lines.filter(accepted_quantity__isnull=True):
        line.accepted_quantity, line.rejected_quantity = line.quantity, 0
        line.save(update_fields=["accepted_quantity", "rejected_quantity"])
    Shipment.objects.filter(pk=shipment.pk).update(certified_at=at, certification=certification)


# --- the buyer -------------------------------------------------------------------------


@transaction.atomic
def order_extend(
    *, order_id: int, acting_user: Any, new_due_on: dt.date, with_ld: bool, reason: str
) -> DeliveryExtension:
    """ORD-4: the buyer moves the delivery date. With LD, damages still count
    from the date before; without, from the new date."""
    order = order_locked(order_id)
    actor = require_buyer(acting_user, order)
    text = require_reason(reason)
    if new_due_on <= order.delivery_due_on:
        raise invalid(
            "new_due_on", "orders.extension_not_later", current=str(order.delivery_due_on)
        )
    extension = DeliveryExtension.objects.create(
        order=order,
        previous_due_on=order.delivery_due_on,
        new_due_on=new_due_on,
        with_ld=with_ld,
        reason=text,
        granted_by=actor.user,
        granted_at=clock.now(),
    )
    changes: dict[str, Any] = {"delivery_due_on": new_due_on}
    if not with_ld:
        changes["ld_due_on"] = new_due_on
    order_transition(
        order=order,
        event="extend",
        actor=actor.user,
        changes=changes,
        payload={
            "previous_due_on": str(extension.previous_due_on),
            "new_due_on": str(new_due_on),
            "with_ld": with_ld,
            "reason": text,
            "rule": "ORD-4",
        },
    )
    notices.announce(order=order, kind="orders.extended", to=("seller", "consignee"))
    return extension


@transaction.atomic
def order_cancel(*, order_id: int, acting_user: Any, reason: str) -> Order:
    """The buyer cancels an accepted order before anything is received, with
    a published reason; the commitment is released."""
    order = order_locked(order_id)
    actor = require_buyer(acting_user, order)
    text = require_reason(reason)
    order_transition(
        order=order,
        event="cancel",
        actor=actor.user,
        changes={"closed_at": clock.now(), "closed_by_side": "BUYER", "close_reason": text},
        payload={"reason": text},
    )
    _release(order, "cancelled by the buyer")
    notices.announce(order=order, kind="orders.cancelled", to=("seller", "consignee"))
    return order


def order_auto_cancel(*, order: Order, now: dt.datetime) -> Order:
    """ORD-3 (the clock, the order locked by the caller): a direct or L1 order
    the seller did not answer in time is cancelled and counts against the
    seller (the incidents app hears of it through the outbox)."""
    order_transition(
        order=order,
        event="auto_cancel",
        actor=None,
        changes={
            "closed_at": order.acceptance_due_at or now,
            "closed_by_side": "SYSTEM",
            "close_reason": "ORD-3",
        },
        payload={"rule": "ORD-3", "due": str(order.acceptance_due_at)},
    )
    _release(order, "not accepted in time")
    notices.auto_cancelled(order=order)
    notices.announce(order=order, kind="orders.auto_cancelled", to=("seller", "buyer"))
    return order


def _shown(moment: dt.datetime) -> str:
    from kraya.core.display import format_ist

    return format_ist(moment)
