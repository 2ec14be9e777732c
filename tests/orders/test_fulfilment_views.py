"""The fulfilment pages (ORD-3..ORD-8) through the Django client, on the real
database: each action page × (anonymous → sign in, another organisation or
firm → 404, the wrong role → 403, the right person → the action done and
back to the order page), with the order in the state the action needs; the
order page's forms for the right person only; field errors re-rendered in
the reader's language; a double-submitted payment paid once; the orders
list with what awaits each person; the invoice upload and download; the
seller's transaction charge (ORD-8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kraya.core import clock
from kraya.orders.models import Order, Payment, Shipment
from kraya.orders.rules import states
from kraya.orders.services.ledger import ledger_check
from tests.buying.market import make_market
from tests.factories import World
from tests.orders.flow import drive, place
from tests.orders.test_fulfilment_api import BUYER, CONSIGNEE, PAYING, SELLER, snapshot

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def t(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def crac_form(order: Order, rejected: int = 0, replace: bool = False) -> dict[str, Any]:
    shipment = order.shipments.order_by("-round").first()
    assert shipment is not None
    data: dict[str, Any] = {}
    for line in shipment.lines.all():
        data[f"accepted_{line.item_id}"] = line.quantity - rejected
        data[f"rejected_{line.item_id}"] = rejected
        data[f"reason_{line.item_id}"] = "Dented" if rejected else ""
    if replace:
        data["replace_rejected"] = "on"
    return data


@dataclass(frozen=True)
class Row:
    action: str
    state: str  # the order's state before
    players: dict[str, str]
    data: Callable[[Order], dict[str, Any]]
    after: str  # the state after the right person's POST


MATRIX = [
    Row("accept", states.PLACED, SELLER, lambda o: {}, states.ACCEPTED),
    Row("decline", states.PLACED, SELLER, lambda o: {"reason": "No stock"}, states.DECLINED),
    Row(
        "dispatch",
        states.ACCEPTED,
        SELLER,
        lambda o: {
            "invoice_number": "INV-5",
            "invoice_date": clock.today_ist().isoformat(),
            "evidence": "Docket 5",
        },
        states.DISPATCHED,
    ),
    Row("deliver", states.DISPATCHED, SELLER, lambda o: {"proof": "Challan"}, states.DELIVERED),
    Row("receive", states.DELIVERED, CONSIGNEE, lambda o: {}, states.RECEIVED),
    Row("certify", states.RECEIVED, CONSIGNEE, crac_form, states.BILLED),
    Row(
        "extend",
        states.ACCEPTED,
        BUYER,
        lambda o: {
            "new_due_on": (o.delivery_due_on + dt.timedelta(days=5)).isoformat(),
            "with_ld": "with",
            "reason": "Floods",
        },
        states.ACCEPTED,
    ),
    Row("cancel", states.ACCEPTED, BUYER, lambda o: {"reason": "No budget"}, states.CANCELLED),
    Row("pay", states.BILLED, PAYING, lambda o: {"idempotency_key": "page-k1"}, states.PAID),
]
PERSONAS = ("anonymous", "other", "wrong", "right")


@pytest.fixture
def market(world: World) -> Any:
    return make_market(world)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.action)
def test_action_pages_authorization_matrix(
    world: World, market: Any, row: Row, persona: str
) -> None:
    order = drive(world, place(world, market), row.state)
    url = reverse(f"orders:{row.action}", kwargs={"number": order.number})
    user = None if persona == "anonymous" else getattr(world, row.players[persona])
    client = client_for(user)
    before = snapshot(order)
    response = client.post(url, row.data(order))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    elif persona in ("other", "wrong"):
        assert response.status_code == (404 if persona == "other" else 403)
        assert client.get(url).status_code == (404 if persona == "other" else 403)
    else:
        assert response.status_code == 302, unescape(response.content.decode())[-1500:]
        assert response["Location"] == reverse("orders:order", kwargs={"number": order.number})
        assert Order.objects.get(pk=order.pk).status == row.after
        return
    assert snapshot(order) == before


def test_the_order_page_shows_forms_only_to_the_person_who_acts(world: World, market: Any) -> None:
    order = place(world, market)
    url = reverse("orders:order", kwargs={"number": order.number})
    seller_page = client_for(world.seller_admin).get(url).content.decode()
    assert 'id="form-accept"' in seller_page and 'id="form-decline"' in seller_page
    for other in (world.buyer, world.consignee, world.paying_authority, world.seller_catalogue):
        page = client_for(other).get(url).content.decode()
        assert 'id="form-' not in page
    assert 'id="deadline-acceptance"' in seller_page
    drive(world, order, states.ACCEPTED)
    buyer_page = client_for(world.buyer).get(url).content.decode()
    assert 'id="form-extend"' in buyer_page and 'id="form-cancel"' in buyer_page
    assert 'id="form-dispatch"' not in buyer_page


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_refused_form_comes_back_with_its_errors_in_the_readers_language(
    world: World, market: Any, language: str
) -> None:
    order = drive(world, place(world, market), states.RECEIVED)
    url = reverse("orders:certify", kwargs={"number": order.number})
    data = crac_form(order, rejected=2)
    data.update({key: "" for key in data if key.startswith("reason_")})
    response = client_for(world.consignee).post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert t("Give the reason for rejecting each line.", language) in text
    assert f'<html lang="{language}">' in text
    assert Order.objects.get(pk=order.pk).status == states.RECEIVED


def test_ord7_a_double_submitted_payment_pays_once(world: World, market: Any) -> None:
    order = drive(world, place(world, market), states.BILLED)
    client = client_for(world.paying_authority)
    page = client.get(reverse("orders:order", kwargs={"number": order.number})).content.decode()
    marker = 'name="idempotency_key" value="'
    key = page.split(marker, 1)[1].split('"', 1)[0]
    assert key.startswith("page-")
    url = reverse("orders:pay", kwargs={"number": order.number})
    first = client.post(url, {"idempotency_key": key})
    second = client.post(url, {"idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert Payment.objects.filter(order=order).count() == 1
    assert Order.objects.get(pk=order.pk).status == states.PAID
    assert ledger_check().ok


def test_dispatch_with_an_invoice_upload_and_its_download(world: World, market: Any) -> None:
    order = drive(world, place(world, market), states.ACCEPTED)
    seller = client_for(world.seller_admin)
    upload = SimpleUploadedFile("INV-9.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    response = seller.post(
        reverse("orders:dispatch", kwargs={"number": order.number}),
        {
            "invoice_number": "INV-9",
            "invoice_date": clock.today_ist().isoformat(),
            "evidence": "Docket 9",
            "invoice_file": upload,
        },
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get(order=order)
    assert (shipment.invoice_file_name, shipment.invoice_content_type) == (
        "INV-9.pdf",
        "application/pdf",
    )
    url = reverse("orders:invoice", kwargs={"number": order.number, "round_number": 1})
    page = client_for(world.consignee).get(reverse("orders:order", kwargs={"number": order.number}))
    assert url in page.content.decode()
    download = client_for(world.consignee).get(url)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 invoice"
    assert client_for(world.other_seller_admin).get(url).status_code == 404
    missing = reverse("orders:invoice", kwargs={"number": order.number, "round_number": 2})
    assert client_for(world.consignee).get(missing).status_code == 404


def test_the_orders_list_shows_what_awaits_each_person(world: World, market: Any) -> None:
    placed = place(world, market)
    received = drive(world, place(world, market), states.RECEIVED)
    billed = drive(world, place(world, market), states.BILLED)

    def awaiting(user: Any) -> str:
        text = unescape(client_for(user).get(reverse("orders:orders")).content.decode())
        return (
            text.split('id="awaiting"', 1)[1].split("</table>", 1)[0]
            if 'id="awaiting"' in text
            else ""
        )

    seller = awaiting(world.seller_admin)
    assert "To accept" in seller and placed.number in seller
    assert billed.number not in seller
    consignee = awaiting(world.consignee)
    assert "To certify" in consignee and received.number in consignee
    assert "10 days left" in consignee
    paying = awaiting(world.paying_authority)
    assert "To pay" in paying and billed.number in paying and placed.number not in paying
    assert awaiting(world.other_buyer) == ""


def test_ord8_ord7_the_seller_sees_the_charge_and_the_interest_of_a_late_payment(
    world: World, market: Any
) -> None:
    """A ₹90,000 order: no transaction charge (ORD-8: ₹0 up to ₹10 lakh);
    paid 45 days late: interest ₹1,350 (ORD-7), shown on the seller's page."""
    start = clock.now()
    with clock.frozen_at(start):
        order = drive(world, place(world, market), states.BILLED)
    url = reverse("orders:order", kwargs={"number": order.number})
    with clock.frozen_at(start + dt.timedelta(days=54)):
        page = unescape(client_for(world.paying_authority).get(url).content.decode())
        assert "₹1,350.00" in page and "45 days late" in page
        assert 'id="money-charge"' not in page  # the buyer side does not see ORD-8's charge
        drive(world, order, states.PAID)
        seller = unescape(client_for(world.seller_admin).get(url).content.decode())
    assert 'id="money-charge">₹0.00' in seller
    assert 'id="money-paid">₹91,350.00' in seller
    assert 'id="money-interest-paid">₹1,350.00' in seller
    assert 'id="money-outstanding">₹0.00' in seller
    assert "Paid" in seller and "CRAC" in seller and "PRC issued" in seller
