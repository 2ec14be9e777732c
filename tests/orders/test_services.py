"""ORD-1 after placement: the contract PDF of record (Hindi copy, then
English) rendered in the background, its digest in the audit log, and the
per-object visibility of orders. PDF text is compared as in
test_documents.py: Latin text and amounts exactly, Hindi loosely."""

from __future__ import annotations

import hashlib

import pytest

from kraya.accounts.selectors import as_actor
from kraya.buying import services
from kraya.buying.services import LineInput
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import NotFound
from kraya.orders import selectors
from kraya.orders.models import ContractPdf
from kraya.orders.services import contract_pdf_render
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, make_market
from tests.orders.test_documents import pdf_text, squeezed

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world):
    market = make_market(world)
    made = services.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[LineInput(market.usha_9.pk, 10)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    services.funds_block(acting_user=world.paying_authority, demand=made)
    [placed] = services.order_place(acting_user=world.buyer, demand=made)
    return placed


def test_ord1_contract_pdf_in_both_languages_names_parties_and_total(world, order) -> None:
    pdf = contract_pdf_render(order_id=order.pk)
    assert pdf.content[:5] == b"%PDF-"
    assert pdf.sha256 == hashlib.sha256(pdf.content).hexdigest() and pdf.size == len(pdf.content)
    text = pdf_text(pdf.content)
    # The Hindi copy comes first, then the complete English copy.
    hindi, english = text.split("Kraya Government e-Marketplace", 1)
    for copy in (hindi, english):
        for expected in (
            order.number,
            "Ganga Textiles",  # the seller
            "Directorate of Health",  # the buyer organisation
            "District Hospital Lucknow",  # the buyer office
            str(world.consignee),
            str(world.paying_authority),
            "₹90,000.00",  # the total
        ):
            assert expected in copy, expected
    assert squeezed("भुगतान") in squeezed(hindi)
    assert "Paying Authority" in english and "L1 purchase" in english


def test_ord1_pdf_digest_is_in_the_audit_log_and_rendering_is_idempotent(order) -> None:
    pdf = contract_pdf_render(order_id=order.pk)
    again = contract_pdf_render(order_id=order.pk)
    assert again.sha256 == pdf.sha256 and ContractPdf.objects.count() == 1
    [event] = AuditEvent.objects.filter(action="orders.contract_pdf_rendered")
    assert event.payload == {"number": order.number, "sha256": pdf.sha256, "size": pdf.size}
    assert event.object_id == str(order.pk)


def test_who_sees_an_order(world, order) -> None:
    for user in (
        world.buyer,
        world.consignee,
        world.paying_authority,
        world.primary,
        world.seller_admin,
        world.operator,
    ):
        assert selectors.order_get(actor=as_actor(user), number=order.number) == order
    for user in (world.other_buyer, world.other_primary, world.other_seller_admin):
        with pytest.raises(NotFound):
            selectors.order_get(actor=as_actor(user), number=order.number)
    assert list(selectors.orders_for(actor=as_actor(world.seller_admin))) == [order]
    assert list(selectors.orders_for(actor=as_actor(world.other_seller_admin))) == []
