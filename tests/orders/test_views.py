"""The order pages through the Django client, on the real database, in
English and Hindi (ORD-1): the contract with its parties (the seller named
now), items, total in words, delivery date, terms with their source and the
decision receipts; the contract PDF download (and the page while it is
still being rendered); the orders list of buyer offices and seller firms.
Other organisations and firms get a 404; anonymous visitors sign in first."""

from __future__ import annotations

import hashlib
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kraya.accounts.models import User
from kraya.buying import services as buying
from kraya.orders import services
from kraya.orders.models import ContractPdf, Order
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, Market, make_market
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(world: World) -> Market:
    return make_market(world)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def t(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def page(client: Client, url: str, language: str = "en") -> tuple[int, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content.decode()


def place(market: Market, *, term: bool = True) -> Order:
    """10 × usha_9 (₹1,20,000: L1), bought from tata_9 for ₹90,000."""
    world = market.world
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(offer_id=market.usha_9.pk, quantity=10)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
        additional_terms=[buying.TermInput(clause="installation", text="Install and demonstrate.")]
        if term
        else [],
    )
    buying.funds_block(acting_user=world.paying_authority, demand=demand)
    [order] = buying.order_place(acting_user=world.buyer, demand=demand)
    return order


def order_url(order: Order) -> str:
    return reverse("orders:order", args=[order.number])


def pdf_url(order: Order) -> str:
    return reverse("orders:contract_pdf", args=[order.number])


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_order_page_shows_the_contract(market: Market, language: str) -> None:
    order = place(market)
    services.contract_pdf_render(order_id=order.pk)
    pdf = ContractPdf.objects.get(order=order)
    status, html = page(signed_in(market.world.buyer), order_url(order), language)
    html = unescape(html)
    assert status == 200
    assert f'lang="{language}"' in html
    assert order.number in html
    # The seller is named now that the order is placed.
    assert market.world.seller_firm.name in html
    assert "₹90,000.00" in html
    assert "₹90,000.00 (₹90,000)" in html  # in words: below a lakh, the amount itself
    assert str(market.world.consignee) in html
    assert str(market.world.paying_authority) in html
    assert "Install and demonstrate." in html
    assert t("Buyer's additional terms (ATC)", language) in html
    assert t("General terms", language) in html
    assert t("L1 comparison and choice", language) in html
    assert "MODE-3" in html and "ORD-2" in html
    assert order.receipts_digest in html
    assert pdf.sha256 in html
    assert pdf_url(order) in html


def test_the_contract_pdf_downloads(market: Market) -> None:
    order = place(market)
    services.contract_pdf_render(order_id=order.pk)
    response = signed_in(market.world.seller_admin).get(pdf_url(order))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{order.number}.pdf"'
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == ContractPdf.objects.get(order=order).sha256


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_contract_not_yet_rendered_says_so(market: Market, language: str) -> None:
    # The rendering runs after the commit, which a test transaction never makes.
    order = place(market)
    assert not ContractPdf.objects.filter(order=order).exists()
    client = signed_in(market.world.buyer)
    response = client.get(pdf_url(order), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 202
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert (
        t(
            "The contract PDF is being prepared. Reload this page in a moment to download it.",
            language,
        )
        in html
    )
    _status, html = page(client, order_url(order), language)
    assert t("The contract PDF is being prepared. Reload this page in a moment.", language) in html


def test_placing_the_order_renders_the_pdf_after_the_commit(
    market: Market, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = place(market, term=False)
    response = signed_in(market.world.buyer).get(pdf_url(order))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_orders_list_for_buyer_and_seller(market: Market, language: str) -> None:
    order = place(market)
    world = market.world
    for user in (world.buyer, world.seller_admin, world.consignee):
        status, html = page(signed_in(user), reverse("orders:orders"), language)
        assert status == 200
        assert order_url(order) in html
        assert t("Orders", language) in html
    for user in (world.other_buyer, world.other_seller_admin):
        status, html = page(signed_in(user), reverse("orders:orders"), language)
        assert status == 200
        assert order.number not in html
        assert t("No orders yet.", language) in html


def test_who_may_see_an_order(market: Market) -> None:
    order = place(market)
    services.contract_pdf_render(order_id=order.pk)
    world = market.world
    for user in (world.buyer, world.consignee, world.paying_authority, world.primary):
        assert page(signed_in(user), order_url(order))[0] == 200
    assert page(signed_in(world.seller_admin), order_url(order))[0] == 200
    for user in (world.other_buyer, world.other_primary, world.other_seller_admin):
        client = signed_in(user)
        assert page(client, order_url(order))[0] == 404
        assert page(client, pdf_url(order))[0] == 404
    assert (
        page(signed_in(world.buyer), reverse("orders:order", args=["KRY-00000000-000000"]))[0]
        == 404
    )
    anonymous = Client()
    for url in (order_url(order), pdf_url(order), reverse("orders:orders")):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
