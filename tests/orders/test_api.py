"""The orders API (`/api/v1/orders/`, ORD-1) through the HTTP client: who
sees which contract (buyer office, organisation's Primary User, the seller
firm; 404 for everyone else), the list, and the contract PDF."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from kraya.buying import services as buying
from kraya.orders import services
from kraya.orders.models import Order
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, Market, make_market

API = "/api/v1/orders"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def place(market: Market, lines: list[tuple[Any, int]]) -> list[Order]:
    """A sanctioned demand for `lines` (offer, quantity), ordered."""
    world = market.world
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(offer.pk, quantity) for offer, quantity in lines],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    buying.funds_block(acting_user=world.paying_authority, demand=demand)
    return buying.order_place(acting_user=world.buyer, demand=demand)


@pytest.fixture
def market(world: Any) -> Market:
    """The buying tests' market (tests/buying/market.py)."""
    return make_market(world)


@pytest.fixture
def two_orders(market: Market) -> dict[str, Order]:
    """A direct purchase from two firms: one contract each (ORD-1)."""
    orders = place(market, [(market.usha_9, 2), (market.godrej_9, 1)])
    by_firm = {order.seller_firm_id: order for order in orders}
    world = market.world
    return {"ours": by_firm[world.seller_firm.pk], "theirs": by_firm[world.other_seller_firm.pk]}


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_seller_firms_see_their_own_orders_and_the_buyer_office_sees_all(
    market: Market, two_orders: dict[str, Order]
) -> None:
    world = market.world
    ours, theirs = two_orders["ours"].number, two_orders["theirs"].number
    assert numbers(client_for(world.seller_admin).get(API)) == [ours]
    assert numbers(client_for(world.other_seller_admin).get(API)) == [theirs]
    assert sorted(numbers(client_for(world.buyer).get(API))) == sorted([ours, theirs])
    assert sorted(numbers(client_for(world.consignee).get(API))) == sorted([ours, theirs])
    assert numbers(client_for(world.other_buyer).get(API)) == []
    assert client_for(None).get(API).status_code == 401


@pytest.mark.parametrize(
    ("player", "status"),
    [
        (None, 401),
        ("other_buyer", 404),
        ("other_primary", 404),
        ("other_seller_admin", 404),
        ("seller_admin", 200),
        ("seller_catalogue", 200),
        ("buyer", 200),
        ("consignee", 200),
        ("paying_authority", 200),
        ("primary", 200),
        ("operator", 200),
    ],
)
def test_who_sees_an_order(
    market: Market, two_orders: dict[str, Order], player: str | None, status: int
) -> None:
    user = getattr(market.world, player) if player else None
    response = client_for(user).get(f"{API}/{two_orders['ours'].number}")
    assert response.status_code == status, response.content
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"


def test_order_out_names_the_parties_items_and_receipts(
    market: Market, two_orders: dict[str, Order]
) -> None:
    world = market.world
    order = two_orders["ours"]
    body = client_for(world.seller_admin).get(f"{API}/{order.number}").json()
    assert body["number"] == order.number
    assert (body["status"], body["mode"], body["category_code"]) == (
        "PLACED",
        "DIRECT",
        market.category.code,
    )
    assert body["buyer_office"] == {"id": world.office.pk, "name": "District Hospital Lucknow"}
    assert body["seller_firm"] == {"id": world.seller_firm.pk, "name": "Ganga Textiles"}
    assert body["consignee"] == {"id": world.consignee.pk, "name": str(world.consignee)}
    assert body["paying_authority"] == {
        "id": world.paying_authority.pk,
        "name": str(world.paying_authority),
    }
    assert body["items"] == [
        {
            "offer_id": market.usha_9.pk,
            "title": "Usha purifier 9 L",
            "brand": "Usha",
            "model": market.usha_9.product.model,
            "manufacturer": "Usha",
            "quantity": 2,
            "unit_price_paise": 12_000_00,
            "total_paise": 24_000_00,
        }
    ]
    assert body["total_paise"] == 24_000_00
    assert (body["delivery_period_days"], body["delivery_due_on"]) == (
        order.delivery_period_days,
        order.delivery_due_on.isoformat(),
    )
    assert body["delivery_address"] == ADDRESS
    assert body["receipts"] == order.receipts
    assert body["receipts_digest"] == order.receipts_digest
    assert [term["clause"] for term in body["terms"]] == [term["clause"] for term in order.terms]
    assert body["policy_version"] == "2024-07-10"
    assert body["pdf"] is None


def test_the_contract_pdf_is_pending_then_served_to_those_who_see_the_order(
    market: Market, two_orders: dict[str, Order]
) -> None:
    world = market.world
    number = two_orders["ours"].number
    url = f"{API}/{number}/contract.pdf"
    pending = client_for(world.buyer).get(url)
    assert pending.status_code == 404
    assert pending.json()["error"]["code"] == "orders.pdf_pending"
    assert pending.json()["error"]["message"] == (
        "The contract PDF is being prepared. Try again in a few seconds."
    )

    pdf = services.contract_pdf_render(order_id=two_orders["ours"].pk)
    response = client_for(world.seller_admin).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert hashlib.sha256(response.content).hexdigest() == pdf.sha256

    outsider = client_for(world.other_seller_admin).get(url)
    assert (outsider.status_code, outsider.json()["error"]["code"]) == (404, "not_found")
    assert client_for(world.other_buyer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_an_unknown_number_is_404(market: Market) -> None:
    response = client_for(market.world.buyer).get(f"{API}/KRY-20240101-000001")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    response = client_for(market.world.buyer).get(f"{API}/{'X' * 300}/contract.pdf")
    assert response.status_code == 404


def test_the_order_list_is_cursor_paginated_newest_first(market: Market) -> None:
    first = place(market, [(market.usha_9, 1)])
    second = place(market, [(market.tata_6, 1)])
    buyer = client_for(market.world.buyer)
    page = buyer.get(f"{API}?limit=1").json()
    assert [o["number"] for o in page["items"]] == [second[0].number]
    rest = buyer.get(f"{API}?limit=1&cursor={page['next_cursor']}").json()
    assert ([o["number"] for o in rest["items"]], rest["next_cursor"]) == ([first[0].number], None)
    bad = buyer.get(f"{API}?cursor=forged")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "pagination.bad_cursor")


def test_every_orders_operation_is_tested_here() -> None:
    from kraya.orders.api import router

    registered = {
        (method, "/" + path.strip("/"))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    # The fulfilment operations (issue 7) have their matrix in test_fulfilment_api.py.
    from tests.orders.test_fulfilment_api import MATRIX

    fulfilment = {(row.method, "/{number}" + row.path) for row in MATRIX}
    fulfilment.add(("GET", "/{number}/shipments/{round_number}/invoice"))
    assert registered - fulfilment == {
        ("GET", "/"),
        ("GET", "/{number}"),
        ("GET", "/{number}/contract.pdf"),
    }
