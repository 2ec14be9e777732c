"""The buying API (`/api/v1/buying/`, MODE-1..6, ORD-1/ORD-2) through the
HTTP client on a real database: the L1 journey to a contract and its PDF,
who may call each operation, and the refusals (422 field messages, 409 state
codes), never a 500."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kraya.buying import services
from kraya.buying.models import AvailabilityReport, Demand, FundBlock, SplitRefusal
from kraya.catalog.models import Offer
from kraya.core.audit_models import AuditEvent
from kraya.orders.models import Order
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, Market
from tests.catalog import matrix as catalog_matrix

API = "/api/v1/buying"
MODE_REASON = (
    "₹1,20,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase, GFR 149, policy of 10 Jul 2024"
)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def call(
    client: Client,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    if method == "GET":
        return client.get(API + path, headers=headers or {})
    return client.generic(
        method,
        API + path,
        json.dumps(body if body is not None else {}),
        content_type="application/json",
        headers=headers or {},
    )


def demand_body(market: Market, offer: Any, quantity: int, **changes: Any) -> dict[str, Any]:
    world = market.world
    body = {
        "office_id": world.office.pk,
        "consignee_id": world.consignee.pk,
        "lines": [{"offer_id": offer.pk, "quantity": quantity}],
        "delivery_state": UP,
        "delivery_pincode": LUCKNOW_PIN,
        "delivery_address": ADDRESS,
    }
    body.update(changes)
    return body


def make_demand(market: Market, offer: Any = None, quantity: int = 10, **kwargs: Any) -> Demand:
    """A demand made through the service (the API's own creation is tested below)."""
    world = market.world
    return services.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[services.LineInput((offer or market.usha_9).pk, quantity)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
        **kwargs,
    )


def sanctioned(market: Market, **kwargs: Any) -> Demand:
    demand = make_demand(market, **kwargs)
    services.funds_block(acting_user=market.world.paying_authority, demand=demand)
    return demand


def counts() -> dict[str, int]:
    return {
        "demands": Demand.objects.count(),
        "fund_blocks": FundBlock.objects.count(),
        "orders": Order.objects.count(),
        "refusals": SplitRefusal.objects.count(),
        "reports": AvailabilityReport.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def error_of(response: Any) -> tuple[int, str, dict[str, list[str]]]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["fields"]


# --- the L1 journey ------------------------------------------------------------------------


def test_the_l1_journey_from_demand_to_contract_pdf(
    market: Market, django_capture_on_commit_callbacks: Any
) -> None:
    world = market.world
    buyer = client_for(world.buyer)

    # MODE-1: ₹1,20,000 needs an L1 purchase; MODE-3: L1 is tata_9 at ₹9,000.
    response = call(buyer, "POST", "/demands", demand_body(market, market.usha_9, 10))
    assert response.status_code == 201, response.content
    demand = response.json()
    assert (demand["status"], demand["required_mode"], demand["mode"]) == ("OPEN", "L1", "L1")
    assert demand["total_paise"] == 120_000_00
    assert demand["mode_reason"] == MODE_REASON
    assert demand["reference"] == f"D-{demand['id']}"
    assert demand["category_code"] == market.category.code
    assert demand["policy_version"] == "2024-07-10"
    assert demand["split_reason"] == (
        "No other demand of this office for this category in the last 30 days."
    )
    [line] = demand["lines"]
    assert (line["offer_id"], line["quantity"], line["unit_price_paise"]) == (
        market.usha_9.pk,
        10,
        12_000_00,
    )
    assert line["golden_specs"] == {"capacity": "9"}
    assert (line["selected_offer_id"], line["selected_unit_price_paise"]) == (
        market.tata_9.pk,
        9_000_00,
    )
    decision = line["decision"]
    assert decision["allowed"] is True
    assert decision["code"] == "buying.l1.selected"
    assert (decision["l1_offer_id"], decision["l1_price_paise"]) == (market.tata_9.pk, 90_000_00)
    assert decision["reason"] == (
        f"Offer {market.tata_9.pk} is L1 at ₹90,000 among offers from 4 manufacturers."
    )
    assert sorted((c["manufacturer"], c["price_paise"]) for c in decision["candidates"]) == [
        ("Bajaj", 100_000_00),
        ("Godrej", 95_000_00),
        ("Tata", 90_000_00),
        ("Usha", 120_000_00),
    ]
    assert decision["seed"]
    assert "Ganga Textiles" not in response.content.decode()  # no seller names
    assert demand["selected_total_paise"] == 90_000_00
    assert (demand["fund_block"], demand["orders"]) == (None, [])
    assert demand["receipts"]["mode"]["kind"] == "buying.mode"
    assert demand["receipts"]["split"]["kind"] == "buying.split"
    assert demand["receipts"]["choice"] is None

    # ORD-2: the Paying Authority blocks what the demand will cost.
    paying = client_for(world.paying_authority)
    response = call(paying, "POST", f"/demands/{demand['id']}/sanction", {"budget_head": "2210"})
    assert response.status_code == 201, response.content
    sanctioned_demand = response.json()
    assert sanctioned_demand["status"] == "SANCTIONED"
    block = sanctioned_demand["fund_block"]
    assert (block["amount_paise"], block["paying_authority_id"], block["status"]) == (
        90_000_00,
        world.paying_authority.pk,
        "BLOCKED",
    )
    assert block["budget_head"] == "2210"
    response = call(buyer, "GET", f"/offices/{world.office.pk}/funds")
    assert response.json() == {
        "office_id": world.office.pk,
        "blocked_paise": 90_000_00,
        "blocks": 1,
    }

    # ORD-1: the order, then its PDF once rendered in the background.
    key = {"Idempotency-Key": "journey-1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = call(buyer, "POST", f"/demands/{demand['id']}/orders", headers=key)
        assert response.status_code == 201, response.content
        [order] = response.json()["orders"]
        pending = buyer.get(f"/api/v1/orders/{order['number']}/contract.pdf")
        assert error_of(pending)[:2] == (404, "orders.pdf_pending")
    assert re.fullmatch(r"KRY-\d{8}-\d{6}", order["number"])
    assert (order["status"], order["mode"], order["total_paise"]) == ("PLACED", "L1", 90_000_00)
    assert order["seller_firm"] == {"id": world.seller_firm.pk, "name": "Ganga Textiles"}
    assert order["buyer_office"]["id"] == world.office.pk
    assert order["consignee"]["id"] == world.consignee.pk
    assert order["paying_authority"]["id"] == world.paying_authority.pk
    assert [
        (i["offer_id"], i["quantity"], i["unit_price_paise"], i["total_paise"])
        for i in order["items"]
    ] == [(market.tata_9.pk, 10, 9_000_00, 90_000_00)]
    assert order["items"][0]["manufacturer"] == "Tata"
    assert (order["delivery_state"], order["delivery_pincode"]) == (UP, LUCKNOW_PIN)
    assert [r["kind"] for r in order["receipts"]][:3] == [
        "buying.mode",
        "buying.split",
        "buying.l1",
    ]
    assert len(order["receipts_digest"]) == 64
    assert order["terms"] and order["pdf"] is None
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 90

    response = client_for(world.buyer).get(f"/api/v1/orders/{order['number']}/contract.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{order["number"]}.pdf"'
    assert response.content.startswith(b"%PDF")
    digest = hashlib.sha256(response.content).hexdigest()
    event = AuditEvent.objects.get(action="orders.contract_pdf_rendered")
    assert event.payload["sha256"] == digest
    detail = client_for(world.buyer).get(f"/api/v1/orders/{order['number']}").json()
    assert detail["pdf"] == {
        "sha256": digest,
        "size": len(response.content),
        "url": f"/api/v1/orders/{order['number']}/contract.pdf",
    }

    # The demand now names its contract.
    final = call(buyer, "GET", f"/demands/{demand['id']}").json()
    assert (final["status"], final["orders"]) == ("ORDERED", [order["number"]])


def test_ord1_a_replayed_order_placement_answers_the_same_orders_and_places_nothing_twice(
    market: Market,
) -> None:
    demand = sanctioned(market)
    buyer = client_for(market.world.buyer)
    key = {"Idempotency-Key": "order-once"}
    first = call(buyer, "POST", f"/demands/{demand.pk}/orders", headers=key)
    assert first.status_code == 201
    before = counts()
    again = call(buyer, "POST", f"/demands/{demand.pk}/orders", headers=key)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert counts() == before
    assert Order.objects.count() == 1
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 90
    # Without the key the demand is simply no longer open.
    response = call(buyer, "POST", f"/demands/{demand.pk}/orders")
    assert error_of(response)[:2] == (409, "buying.demand_not_open")
    assert Order.objects.count() == 1


def test_ord1_orders_split_by_seller_firm_and_a_direct_purchase_buys_the_chosen_offer(
    market: Market,
) -> None:
    world = market.world
    buyer = client_for(world.buyer)
    body = demand_body(market, market.usha_9, 2)
    body["lines"].append({"offer_id": market.godrej_9.pk, "quantity": 1})
    response = call(buyer, "POST", "/demands", body)
    assert response.status_code == 201, response.content
    demand = response.json()
    assert demand["mode"] == "DIRECT"  # ₹33,500
    assert demand["mode_reason"].startswith("₹33,500 is at most ₹50,000: direct purchase")
    assert [line["selected_offer_id"] for line in demand["lines"]] == [
        market.usha_9.pk,
        market.godrej_9.pk,
    ]
    assert demand["lines"][0]["decision"]["code"] == "buying.direct.allowed"
    assert demand["lines"][0]["decision"]["candidates"] == []
    call(client_for(world.paying_authority), "POST", f"/demands/{demand['id']}/sanction")
    response = call(buyer, "POST", f"/demands/{demand['id']}/orders")
    assert response.status_code == 201, response.content
    orders = response.json()["orders"]
    assert sorted((o["seller_firm"]["id"], o["total_paise"]) for o in orders) == sorted(
        [(world.seller_firm.pk, 24_000_00), (world.other_seller_firm.pk, 9_500_00)]
    )


# --- demands: more answers ----------------------------------------------------------------


def test_mode4_a_bid_demand_is_not_sanctioned_or_ordered(market: Market) -> None:
    world = market.world
    buyer = client_for(world.buyer)
    response = call(buyer, "POST", "/demands", demand_body(market, market.usha_9, 10, mode="BID"))
    assert response.status_code == 201
    demand = response.json()
    assert (demand["status"], demand["mode"]) == ("BID_REQUIRED", "BID")
    assert demand["lines"][0]["decision"] is None
    assert demand["receipts"]["choice"]["kind"] == "buying.mode_choice"
    paying = client_for(world.paying_authority)
    response = call(paying, "POST", f"/demands/{demand['id']}/sanction")
    assert error_of(response)[:2] == (409, "buying.bid_required")
    response = call(buyer, "POST", f"/demands/{demand['id']}/orders")
    assert error_of(response)[:2] == (409, "buying.bid_required")


def test_mode3_too_few_manufacturers_turns_the_demand_to_a_bid(market: Market) -> None:
    buyer = client_for(market.world.buyer)
    response = call(buyer, "POST", "/demands", demand_body(market, market.tata_6, 20))
    assert response.status_code == 201  # ₹1,00,000: L1, but only Tata makes 6 L
    demand = response.json()
    assert demand["status"] == "BID_REQUIRED"
    decision = demand["lines"][0]["decision"]
    assert (decision["allowed"], decision["code"]) == (False, "buying.too_few_manufacturers")
    assert decision["l1_offer_id"] is None


def test_a_laxer_mode_than_the_value_allows_is_a_field_error(market: Market) -> None:
    response = call(
        client_for(market.world.buyer),
        "POST",
        "/demands",
        demand_body(market, market.usha_9, 10, mode="DIRECT"),
    )
    status, code, fields = error_of(response)
    assert (status, code) == (422, "buying.mode_not_allowed")
    assert fields == {
        "mode": ["This buying mode is not allowed for this value: L1 purchase is required."]
    }


def test_compare_again_and_cancel(market: Market) -> None:
    world = market.world
    demand = make_demand(market)
    buyer = client_for(world.buyer)
    Offer.objects.filter(pk=market.godrej_9.pk).update(price_paise=8_000_00)
    from kraya.catalog.search import index

    index.rebuild()
    response = call(buyer, "POST", f"/demands/{demand.pk}/compare")
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["selected_offer_id"] == market.godrej_9.pk
    services.funds_block(acting_user=world.paying_authority, demand=demand)
    response = call(buyer, "POST", f"/demands/{demand.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "CANCELLED"
    assert response.json()["fund_block"]["status"] == "RELEASED"
    assert call(buyer, "GET", f"/offices/{world.office.pk}/funds").json()["blocked_paise"] == 0
    response = call(buyer, "POST", f"/demands/{demand.pk}/compare")
    assert error_of(response)[:2] == (409, "buying.demand_not_open")
    response = call(buyer, "POST", f"/demands/{demand.pk}/orders")
    assert error_of(response)[:2] == (409, "buying.demand_not_open")


def test_the_demand_list_is_paginated_and_filtered_by_status(market: Market) -> None:
    first = make_demand(market, quantity=1)
    second = make_demand(market, market.tata_6, quantity=1)
    services.demand_cancel(acting_user=market.world.buyer, demand=first)
    buyer = client_for(market.world.buyer)
    page = call(buyer, "GET", "/demands?limit=1").json()
    assert [d["id"] for d in page["items"]] == [second.pk]
    assert page["next_cursor"]
    rest = call(buyer, "GET", f"/demands?limit=1&cursor={page['next_cursor']}").json()
    assert ([d["id"] for d in rest["items"]], rest["next_cursor"]) == ([first.pk], None)
    cancelled = call(buyer, "GET", "/demands?status=CANCELLED").json()
    assert [d["id"] for d in cancelled["items"]] == [first.pk]
    response = call(buyer, "GET", "/demands?status=NOPE")
    assert error_of(response)[:2] == (422, "validation")


# --- refusals: 422 with field messages, 409 with state codes ----------------------------------


@pytest.mark.parametrize(
    ("change", "code", "fields"),
    [
        (
            {"delivery_pincode": "22600"},
            "buying.bad_pincode",
            {"delivery_pincode": ["Enter the six-digit PIN code."]},
        ),
        (
            {"delivery_state": "Atlantis"},
            "buying.delivery_state_unknown",
            {"delivery_state": ["Choose the state to deliver to."]},
        ),
        (
            {"lines": [{"offer_id": 1, "quantity": 0}]},
            "validation",
            {"lines.0.quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"lines": [{"offer_id": 987654321, "quantity": 1}]},
            "buying.offer_not_available",
            {"offer_id": ["This offer is no longer on the portal."]},
        ),
        ({"lines": []}, "buying.no_lines", {"lines": ["Add at least one item."]}),
        (
            {"consignee_id": 987654321},
            "buying.consignee_not_in_office",
            {"consignee_id": ["Choose a consignee of this office."]},
        ),
        ({"mode": "AUCTION"}, "validation", {"mode": ["Select a valid choice."]}),
        (
            {"lines": [{"offer_id": 2**70, "quantity": 1}]},
            "validation",
            {
                "lines.0.offer_id": [
                    "Ensure this value is less than or equal to 9223372036854775807."
                ]
            },
        ),
        (
            {"delivery_address": "  "},
            "buying.address_required",
            {"delivery_address": ["Enter the delivery address."]},
        ),
    ],
)
def test_bad_demand_input_is_a_field_error_and_writes_nothing(
    market: Market, change: dict[str, Any], code: str, fields: dict[str, list[str]]
) -> None:
    buyer = client_for(market.world.buyer)
    before = counts()
    response = call(buyer, "POST", "/demands", demand_body(market, market.usha_9, 1, **change))
    assert error_of(response) == (422, code, fields)
    assert counts() == before


def test_mixed_categories_are_refused(market: Market) -> None:
    furniture = catalog_matrix.listed_offer(market.world)
    body = demand_body(market, market.usha_9, 1)
    body["lines"].append({"offer_id": furniture.pk, "quantity": 1})
    response = call(client_for(market.world.buyer), "POST", "/demands", body)
    assert error_of(response) == (
        422,
        "buying.mixed_categories",
        {"lines": ["All items of a demand must be of one category: make one demand per category."]},
    )


def test_a_body_that_is_not_json_is_a_400_not_a_500(market: Market) -> None:
    response = client_for(market.world.buyer).generic(
        "POST", f"{API}/demands", "{not json", content_type="application/json"
    )
    assert error_of(response)[:2] == (400, "bad_request")


@pytest.mark.parametrize("with_key", [False, True])
def test_mode5_a_split_is_refused_and_recorded_even_under_an_idempotency_key(
    market: Market, with_key: bool
) -> None:
    buyer = client_for(market.world.buyer)
    response = call(buyer, "POST", "/demands", demand_body(market, market.usha_9, 4))
    assert response.json()["mode"] == "DIRECT"  # ₹48,000
    headers = {"Idempotency-Key": "split-1"} if with_key else {}
    response = call(
        buyer, "POST", "/demands", demand_body(market, market.usha_9, 1), headers=headers
    )
    status, code, fields = error_of(response)
    assert (status, code) == (422, "buying.split")
    assert fields == {
        "lines": [
            "Refused as a split: with this office's other demands for this category in the "
            "last 30 days the value is ₹60,000.00, which requires L1 purchase."
        ]
    }
    assert Demand.objects.count() == 1
    [refusal] = SplitRefusal.objects.all()
    assert (refusal.demand_total_paise, refusal.summed_total_paise) == (12_000_00, 60_000_00)
    # The department's public figures count it (MODE-5).
    rows = Client().get(f"{API}/compliance").json()
    assert [(r["department_id"], r["split_refusals"]) for r in rows] == [
        (market.world.department.pk, 1)
    ]


def test_ord2_order_refusals_are_409_with_their_codes(market: Market) -> None:
    world = market.world
    buyer = client_for(world.buyer)
    open_demand = make_demand(market)
    response = call(buyer, "POST", f"/demands/{open_demand.pk}/orders")
    assert error_of(response)[:2] == (409, "buying.sanction_missing")

    # Later demands of the same category choose L1 (MODE-4) so as not to be splits.
    short = make_demand(market, quantity=1, mode="L1")  # L1: tata_9 at ₹9,000
    services.funds_block(acting_user=world.paying_authority, demand=short, amount_paise=100_00)
    response = call(buyer, "POST", f"/demands/{short.pk}/orders")
    status, code, _fields = error_of(response)
    assert (status, code) == (409, "buying.sanction_insufficient")
    assert response.json()["error"]["message"] == (
        "The funds blocked (₹100.00) do not cover the order's ₹9,000.00."
    )

    stale = sanctioned(market, quantity=1, mode="L1")
    Offer.objects.filter(pk=market.tata_9.pk).update(price_paise=9_500_00)
    response = call(buyer, "POST", f"/demands/{stale.pk}/orders")
    assert error_of(response)[:2] == (409, "buying.comparison_stale")
    Offer.objects.filter(pk=market.tata_9.pk).update(price_paise=9_000_00)

    services.funds_block(acting_user=world.paying_authority, demand=open_demand)
    Offer.objects.filter(pk=market.tata_9.pk).update(stock=5)
    before = counts()
    response = call(
        buyer, "POST", f"/demands/{open_demand.pk}/orders", headers={"Idempotency-Key": "k"}
    )
    assert error_of(response)[:2] == (409, "buying.out_of_stock")
    assert counts() == before
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 5


def test_ord2_a_buyer_blocks_funds_only_quoting_a_sanction_and_naming_the_paying_authority(
    market: Market,
) -> None:
    world = market.world
    demand = make_demand(market)
    buyer = client_for(world.buyer)
    response = call(buyer, "POST", f"/demands/{demand.pk}/sanction", {})
    assert error_of(response) == (
        422,
        "buying.sanction_reference_required",
        {
            "sanction_reference": [
                "Enter the sanction reference (order number and date of the financial sanction)."
            ]
        },
    )
    body = {"sanction_reference": "FS/2024/17 dt 01.08.2024"}
    response = call(buyer, "POST", f"/demands/{demand.pk}/sanction", body)
    assert error_of(response)[:2] == (422, "buying.paying_authority_required")
    body["paying_authority_id"] = world.consignee.pk
    response = call(buyer, "POST", f"/demands/{demand.pk}/sanction", body)
    assert error_of(response)[:2] == (422, "buying.paying_authority_not_in_office")
    body["paying_authority_id"] = world.paying_authority.pk
    response = call(buyer, "POST", f"/demands/{demand.pk}/sanction", body)
    assert response.status_code == 201, response.content
    assert response.json()["fund_block"]["sanction_reference"] == "FS/2024/17 dt 01.08.2024"
    response = call(buyer, "POST", f"/demands/{demand.pk}/sanction", body)
    assert error_of(response)[:2] == (409, "buying.already_sanctioned")


def test_the_primary_user_cannot_buy(market: Market) -> None:
    world = market.world
    primary = client_for(world.primary)
    before = counts()
    response = call(primary, "POST", "/demands", demand_body(market, market.usha_9, 1))
    assert error_of(response)[:2] == (403, "buying.not_buyer")
    assert counts() == before
    demand = sanctioned(market)
    before = counts()
    response = call(primary, "POST", f"/demands/{demand.pk}/orders")
    assert error_of(response)[:2] == (403, "buying.not_buyer")
    assert counts() == before
    # ... but watches the office's demands (ROLE-1).
    assert call(primary, "GET", f"/demands/{demand.pk}").status_code == 200


# --- availability reports (MODE-6) and compliance --------------------------------------------


def test_mode6_availability_reports(market: Market) -> None:
    world = market.world
    buyer = client_for(world.buyer)
    body = {
        "office_id": world.office.pk,
        "item": "Oxygen concentrator, 10 L",
        "estimated_value_paise": 85_000_00,
        "reason": "URGENT_EMERGENCY",
        "category_code": market.category.code,
    }
    response = call(buyer, "POST", "/availability-reports", body, {"Idempotency-Key": "ar-1"})
    assert response.status_code == 201, response.content
    report = response.json()
    assert re.fullmatch(r"AR-.+-\d{8}-0001", report["report_id"])
    assert (report["office_id"], report["reason"], report["reason_label"]) == (
        world.office.pk,
        "URGENT_EMERGENCY",
        "Urgent need in an emergency",
    )
    assert report["receipt"]["kind"] == "buying.availability"
    response = call(buyer, "POST", "/availability-reports", body, {"Idempotency-Key": "ar-1"})
    assert response.json() == report and AvailabilityReport.objects.count() == 1

    response = call(buyer, "POST", "/availability-reports", {**body, "reason": "OTHER"})
    assert error_of(response)[:2] == (422, "buying.reason_text_required")
    response = call(buyer, "POST", "/availability-reports", {**body, "reason": "LAZY"})
    assert error_of(response) == (
        422,
        "buying.unknown_reason",
        {"reason": ["Choose a reason from the list."]},
    )
    response = call(buyer, "POST", "/availability-reports", {**body, "category_code": "nope"})
    assert error_of(response)[:2] == (422, "catalog.no_category")

    listed = call(buyer, "GET", f"/availability-reports?office_id={world.office.pk}").json()
    assert [r["report_id"] for r in listed["items"]] == [report["report_id"]]
    rows = Client().get(f"{API}/compliance").json()
    assert rows == [
        {
            "department_id": world.department.pk,
            "department": "Health",
            "availability_reports": 1,
            "off_portal_paise": 85_000_00,
            "split_refusals": 0,
        }
    ]
    assert Client().get(f"{API}/compliance?since=2099-01-01").json() == []
    assert error_of(Client().get(f"{API}/compliance?since=yesterday"))[:2] == (422, "validation")


# --- the authorization matrix ----------------------------------------------------------------

PERSONAS = ("anonymous", "other_organisation", "wrong_role", "right_role")
MEMBER = {"other_organisation": "other_buyer", "wrong_role": "consignee", "right_role": "buyer"}
PAYING = {
    "other_organisation": "other_buyer",
    "wrong_role": "consignee",
    "right_role": "paying_authority",
}
ORDERING = {"other_organisation": "other_buyer", "wrong_role": "primary", "right_role": "buyer"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    url: Callable[[Market], str]
    expected: tuple[int, int, int, int]
    players: dict[str, str]
    body: Callable[[Market], dict[str, Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _report_body(market: Market) -> dict[str, Any]:
    return {
        "office_id": market.world.office.pk,
        "item": "Water purifier",
        "estimated_value_paise": 20_000_00,
        "reason": "NOT_AVAILABLE",
    }


MATRIX = [
    Row(
        "POST",
        "/demands",
        lambda m: "/demands",
        (401, 404, 403, 201),
        MEMBER,
        body=lambda m: demand_body(m, m.usha_9, 10),
    ),
    Row("GET", "/demands", lambda m: "/demands", (401, 200, 200, 200), MEMBER),
    Row(
        "GET",
        "/demands/{demand_id}",
        lambda m: f"/demands/{make_demand(m).pk}",
        (401, 404, 200, 200),
        MEMBER,
    ),
    Row(
        "POST",
        "/demands/{demand_id}/compare",
        lambda m: f"/demands/{make_demand(m).pk}/compare",
        (401, 404, 403, 200),
        MEMBER,
    ),
    Row(
        "POST",
        "/demands/{demand_id}/sanction",
        lambda m: f"/demands/{make_demand(m).pk}/sanction",
        (401, 404, 403, 201),
        PAYING,
    ),
    Row(
        "POST",
        "/demands/{demand_id}/orders",
        lambda m: f"/demands/{sanctioned(m).pk}/orders",
        (401, 404, 403, 201),
        ORDERING,
    ),
    Row(
        "POST",
        "/demands/{demand_id}/cancel",
        lambda m: f"/demands/{make_demand(m).pk}/cancel",
        (401, 404, 403, 200),
        MEMBER,
    ),
    Row(
        "GET",
        "/offices/{office_id}/funds",
        lambda m: f"/offices/{m.world.office.pk}/funds",
        (401, 404, 200, 200),
        MEMBER,
    ),
    Row(
        "POST",
        "/availability-reports",
        lambda m: "/availability-reports",
        (401, 404, 403, 201),
        MEMBER,
        body=_report_body,
    ),
    Row(
        "GET",
        "/availability-reports",
        lambda m: f"/availability-reports?office_id={m.world.office.pk}",
        (401, 404, 200, 200),
        MEMBER,
    ),
    Row("GET", "/compliance", lambda m: "/compliance", (200, 200, 200, 200), MEMBER),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_authorization_matrix(row: Row, persona: str, market: Market) -> None:
    user = None if persona == "anonymous" else getattr(market.world, row.players[persona])
    url = row.url(market)
    client = client_for(user)
    before = counts()
    response = call(client, row.method, url, row.body(market) if row.body else None)
    expected = row.expected[PERSONAS.index(persona)]
    assert response.status_code == expected, (row.id, persona, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert counts() == before, f"{row.id} as {persona} was refused but wrote rows"


def test_the_matrix_covers_every_buying_operation() -> None:
    from kraya.buying.api import router

    registered = {
        (method, "/" + path.strip("/"))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    assert registered == {(row.method, row.path) for row in MATRIX}


def test_an_outsider_sees_no_demands_in_the_list(market: Market) -> None:
    make_demand(market)
    page = call(client_for(market.world.other_buyer), "GET", "/demands").json()
    assert page == {"items": [], "next_cursor": None}


def test_an_api_token_works_like_a_session(market: Market) -> None:
    from kraya.accounts.models import Membership
    from kraya.accounts.services import api_token_create

    world = market.world
    membership = Membership.objects.get(user=world.buyer)
    _token, raw = api_token_create(acting_user=world.buyer, membership=membership, name="erp")
    headers = {"Authorization": f"Bearer {raw}"}
    response = call(Client(), "POST", "/demands", demand_body(market, market.usha_9, 10), headers)
    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["selected_offer_id"] == market.tata_9.pk
