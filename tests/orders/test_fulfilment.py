"""ORD-3..ORD-6 through the services against the real database: who may act,
in which state and until when, and what each step writes (shipments, the
CRAC's quantities, the ledger, the audit log), with the clock moved."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.orders.models import LedgerTransaction, Order, Shipment
from kraya.orders.rules import deadlines, states
from kraya.orders.services import fulfilment
from kraya.orders.services.fulfilment import CracLine, InvoiceFile
from kraya.orders.services.ledger import ledger_check, order_money
from tests.buying.market import make_market
from tests.orders.flow import all_accepted, bid_order, drive, later, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(world):
    return make_market(world)


@pytest.fixture
def order(world, market):
    return place(world, market)


def test_placement_commits_the_contract_value_and_starts_ord3_clock(order) -> None:
    assert order.status == states.PLACED
    assert order.acceptance_due_at == deadlines.acceptance_due(order.placed_at, 2)
    [contract] = LedgerTransaction.objects.filter(order=order)
    assert contract.kind == "CONTRACT" and contract.rule == "ORD-2"
    money = order_money(order)
    assert money.outstanding_paise == order.total_paise and money.paid_paise == 0
    assert ledger_check().ok


def test_ord3_only_the_sellers_fulfilment_users_accept(world, order) -> None:
    for outsider in (
        world.buyer,
        world.consignee,
        world.other_seller_admin,
        world.seller_catalogue,
    ):
        with pytest.raises(PermissionDenied):
            fulfilment.order_accept(order_id=order.pk, acting_user=outsider)
    accepted = fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)
    assert accepted.status == states.ACCEPTED and accepted.ld_due_on == order.delivery_due_on
    [event] = AuditEvent.objects.filter(action="orders.accept")
    assert event.payload["from"] == "PLACED" and event.payload["rule"] == "ORD-3"


def test_ord3_no_acceptance_after_the_window(world, order) -> None:
    with clock.frozen_at(order.acceptance_due_at), pytest.raises(Conflict) as error:
        fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)
    assert error.value.code == "orders.acceptance_window_over"
    with clock.frozen_at(order.acceptance_due_at - dt.timedelta(seconds=1)):
        fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)


def test_ord3_decline_needs_a_reason_and_releases_the_commitment(world, order) -> None:
    with pytest.raises(ValidationFailed) as error:
        fulfilment.order_decline(order_id=order.pk, acting_user=world.seller_admin, reason=" ")
    assert error.value.fields == {"reason": ["Give the reason."]}
    declined = fulfilment.order_decline(
        order_id=order.pk, acting_user=world.seller_admin, reason="Out of stock"
    )
    assert declined.status == states.DECLINED and declined.close_reason == "Out of stock"
    money = order_money(declined)
    assert money.outstanding_paise == 0 and money.deductions_paise == order.total_paise
    assert ledger_check().ok


def test_ord8_transaction_charge_is_posted_on_acceptance(world) -> None:
    # Above ₹10 lakh only a bid buys: 150 almirahs at ₹9,000 = ₹13.5 lakh;
    # 0.30% of the whole value = ₹4,050.
    big = bid_order(world, quantity=150, unit_price_paise=9_000_00)
    assert big.total_paise == 13_50_000_00
    accepted = fulfilment.order_accept(order_id=big.pk, acting_user=world.seller_admin)
    assert accepted.transaction_charge_paise == 4_050_00
    charge = LedgerTransaction.objects.get(order=big, kind="CHARGE")
    assert charge.rule == "ORD-8"
    assert ledger_check().ok


def test_ord8_no_charge_up_to_ten_lakh(world, order) -> None:
    accepted = fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)
    assert accepted.total_paise == 90_000_00 and accepted.transaction_charge_paise == 0
    assert not LedgerTransaction.objects.filter(order=order, kind="CHARGE").exists()


def test_dispatch_records_invoice_evidence_and_file(world, order) -> None:
    drive(world, order, states.ACCEPTED)
    with pytest.raises(ValidationFailed) as error:
        fulfilment.order_dispatch(
            order_id=order.pk,
            acting_user=world.seller_admin,
            invoice_number="INV-9",
            invoice_date=clock.today_ist(),
            evidence="",
        )
    assert "evidence" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        fulfilment.order_dispatch(
            order_id=order.pk,
            acting_user=world.seller_admin,
            invoice_number="INV-9",
            invoice_date=clock.today_ist(),
            evidence="Docket 7",
            invoice_file=InvoiceFile("x.exe", "application/x-msdownload", b"MZ"),
        )
    assert error.value.code == "orders.document_type"
    shipment = fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=world.seller_admin,
        invoice_number="INV-9",
        invoice_date=clock.today_ist(),
        evidence="Docket 7",
        invoice_file=InvoiceFile("inv.pdf", "application/pdf", b"%PDF-1.7 invoice"),
    )
    assert shipment.round == 1 and shipment.kind == Shipment.Kind.ORIGINAL
    assert [(line.item_id, line.quantity) for line in shipment.lines.all()] == [
        (item.pk, item.quantity) for item in order.items.all()
    ]
    assert len(shipment.invoice_sha256) == 64


def test_ord5_prc_by_the_named_consignee_only_and_starts_the_crac_window(world, order) -> None:
    drive(world, order, states.DELIVERED)
    for outsider in (world.buyer, world.paying_authority, world.seller_admin, world.primary):
        with pytest.raises(PermissionDenied):
            fulfilment.order_receive(order_id=order.pk, acting_user=outsider)
    received = fulfilment.order_receive(order_id=order.pk, acting_user=world.consignee)
    assert received.status == states.RECEIVED
    assert received.crac_due_at == received.received_at + dt.timedelta(days=10)


def test_ord5_crac_accepts_and_rejects_with_reasons_and_raises_the_bill(world, order) -> None:
    drive(world, order, states.RECEIVED)
    [item] = order.items.all()
    with pytest.raises(ValidationFailed) as error:
        fulfilment.order_certify(
            order_id=order.pk, acting_user=world.consignee, lines=[CracLine(item.pk, 8, 1)]
        )
    assert error.value.code == "orders.crac_lines"
    with pytest.raises(ValidationFailed) as error:
        fulfilment.order_certify(
            order_id=order.pk, acting_user=world.consignee, lines=[CracLine(item.pk, 8, 2)]
        )
    assert error.value.code == "orders.rejection_reason_required"
    certified = fulfilment.order_certify(
        order_id=order.pk,
        acting_user=world.consignee,
        lines=[CracLine(item.pk, 8, 2, "Cracked housing")],
    )
    assert certified.status == states.BILLED
    assert certified.certification == Order.Certification.ISSUED
    bill = certified.bill
    assert bill.accepted_value_paise == 8 * item.unit_price_paise
    assert bill.short_supply_paise == 2 * item.unit_price_paise
    assert bill.ld_paise == 0 and bill.payable_paise == bill.accepted_value_paise
    assert bill.last_day == deadlines.payment_last_day(certified.certified_at, 10)
    assert ledger_check().ok


def test_ord5_no_crac_after_the_window(world, order) -> None:
    drive(world, order, states.RECEIVED)
    received = Order.objects.get(pk=order.pk)
    with clock.frozen_at(received.crac_due_at), pytest.raises(Conflict) as error:
        fulfilment.order_certify(
            order_id=order.pk, acting_user=world.consignee, lines=all_accepted(received)
        )
    assert error.value.code == "orders.crac_window_over"


def test_ord6_rejected_goods_are_replaced_within_ten_days(world, order) -> None:
    drive(world, order, states.RECEIVED)
    [item] = order.items.all()
    at = later(hours=2)
    with clock.frozen_at(at):
        rejected = fulfilment.order_certify(
            order_id=order.pk,
            acting_user=world.consignee,
            lines=[CracLine(item.pk, 7, 3, "Leaking")],
            replace_rejected=True,
        )
    assert rejected.status == states.REPLACEMENT_DUE
    assert rejected.replacement_due_at == at + dt.timedelta(days=10)
    replacement = fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=world.seller_admin,
        invoice_number="INV-2",
        invoice_date=clock.today_ist(),
        evidence="Docket 43",
    )
    assert replacement.kind == Shipment.Kind.REPLACEMENT and replacement.round == 2
    assert [(line.item_id, line.quantity) for line in replacement.lines.all()] == [(item.pk, 3)]
    fulfilment.order_receive(order_id=order.pk, acting_user=world.consignee)
    done = fulfilment.order_certify(
        order_id=order.pk, acting_user=world.consignee, lines=[CracLine(item.pk, 3)]
    )
    assert done.status == states.BILLED
    assert done.bill.accepted_value_paise == order.total_paise
    assert done.bill.short_supply_paise == 0
    assert ledger_check().ok


def test_ord4_extension_without_ld_moves_the_ld_date_with_ld_does_not(world, order) -> None:
    drive(world, order, states.ACCEPTED)
    first = order.delivery_due_on + dt.timedelta(days=5)
    with pytest.raises(ValidationFailed):
        fulfilment.order_extend(
            order_id=order.pk,
            acting_user=world.buyer,
            new_due_on=order.delivery_due_on,
            with_ld=False,
            reason="Road closed",
        )
    with pytest.raises(PermissionDenied):
        fulfilment.order_extend(
            order_id=order.pk,
            acting_user=world.seller_admin,
            new_due_on=first,
            with_ld=False,
            reason="x",
        )
    fulfilment.order_extend(
        order_id=order.pk, acting_user=world.buyer, new_due_on=first, with_ld=True, reason="Flood"
    )
    extended = Order.objects.get(pk=order.pk)
    assert extended.delivery_due_on == first and extended.ld_due_on == order.delivery_due_on
    second = first + dt.timedelta(days=5)
    fulfilment.order_extend(
        order_id=order.pk,
        acting_user=world.buyer,
        new_due_on=second,
        with_ld=False,
        reason="Strike",
    )
    extended = Order.objects.get(pk=order.pk)
    assert extended.delivery_due_on == second and extended.ld_due_on == second
    assert extended.extensions.count() == 2


def test_buyer_cancels_with_a_reason_before_receipt_only(world, order) -> None:
    drive(world, order, states.DISPATCHED)
    cancelled = fulfilment.order_cancel(
        order_id=order.pk, acting_user=world.buyer, reason="Delivery date passed"
    )
    assert cancelled.status == states.CANCELLED and cancelled.closed_by_side == "BUYER"
    assert order_money(cancelled).outstanding_paise == 0
    assert ledger_check().ok


def test_no_cancel_after_receipt(world, order) -> None:
    drive(world, order, states.RECEIVED)
    with pytest.raises(Conflict):
        fulfilment.order_cancel(order_id=order.pk, acting_user=world.buyer, reason="Changed mind")


def test_deadlines_are_shown_with_days_left(world, order) -> None:
    with clock.frozen_at(later()):
        left = deadlines.days_left(order.acceptance_due_at, clock.now())
    assert left.days >= 1 and not left.overdue
