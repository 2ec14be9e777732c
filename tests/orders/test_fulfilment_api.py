"""The fulfilment operations of the orders API (ORD-3..ORD-8) through the
HTTP client, on the real database.

The authorization matrix: every operation × (anonymous → 401, another
organisation's or firm's user → 404, the wrong role in the right
organisation or firm → 403, the right person → 2xx), with the order in the
state the operation needs; a refused call changes nothing. Then the happy
paths, asserting exact outcomes: a whole order from acceptance to a late
payment with its interest (ORD-7: 45 days late), the idempotent payment,
the invoice download, extension and cancellation, and the refusals' codes."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.orders.models import LedgerTransaction, Order, Payment, Shipment
from kraya.orders.rules import states
from kraya.orders.services.ledger import ledger_check
from tests.buying.market import make_market
from tests.factories import World
from tests.orders.flow import drive, place

pytestmark = pytest.mark.django_db

API = "/api/v1/orders"
PDF = b"%PDF-1.4\n% an invoice\n"

SELLER = {"other": "other_seller_admin", "wrong": "seller_catalogue", "right": "seller_admin"}
CONSIGNEE = {"other": "other_buyer", "wrong": "buyer", "right": "consignee"}
BUYER = {"other": "other_seller_admin", "wrong": "consignee", "right": "buyer"}
PAYING = {"other": "other_primary", "wrong": "buyer", "right": "paying_authority"}
# Reads: everyone who sees the order may read its money and shipments, so
# there is no wrong role; the "wrong" column is the seller's catalogue user (200).
READER = {"other": "other_buyer", "wrong": "seller_catalogue", "right": "primary"}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def crac_body(order: Order, rejected: int = 0, replace: bool = False) -> dict[str, Any]:
    shipment = order.shipments.order_by("-round").first()
    assert shipment is not None
    return {
        "lines": [
            {
                "item_id": line.item_id,
                "accepted": line.quantity - rejected,
                "rejected": rejected,
                "reason": "Dented body" if rejected else "",
            }
            for line in shipment.lines.all()
        ],
        "replace_rejected": replace,
    }


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # after /api/v1/orders/{number}
    state: str  # the state the order is driven to first
    players: dict[str, str]
    body: Callable[[Order], dict[str, Any]] | None = None
    right_status: int = 200
    wrong_status: int = 403
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


MATRIX = [
    Row("POST", "/accept", states.PLACED, SELLER),
    Row("POST", "/decline", states.PLACED, SELLER, lambda o: {"reason": "Out of stock"}),
    Row(
        "POST",
        "/dispatch",
        states.ACCEPTED,
        SELLER,
        lambda o: {
            "invoice_number": "INV-9",
            "invoice_date": clock.today_ist().isoformat(),
            "evidence": "Docket 7, Safe Express",
        },
    ),
    Row("POST", "/deliver", states.DISPATCHED, SELLER, lambda o: {"proof": "Signed challan"}),
    Row("POST", "/receive", states.DISPATCHED, CONSIGNEE),
    Row("POST", "/certify", states.RECEIVED, CONSIGNEE, crac_body),
    Row(
        "POST",
        "/extend",
        states.ACCEPTED,
        BUYER,
        lambda o: {
            "new_due_on": (o.delivery_due_on + dt.timedelta(days=10)).isoformat(),
            "with_ld": False,
            "reason": "Rains closed the road",
        },
    ),
    Row("POST", "/cancel", states.ACCEPTED, BUYER, lambda o: {"reason": "Budget withdrawn"}),
    Row(
        "POST",
        "/pay",
        states.BILLED,
        PAYING,
        right_status=201,
        headers={"Idempotency-Key": "matrix-pay-1"},
    ),
    Row("GET", "/money", states.BILLED, READER, wrong_status=200),
    Row("GET", "/shipments", states.BILLED, READER, wrong_status=200),
]
PERSONAS = ("anonymous", "other", "wrong", "right")


def snapshot(order: Order) -> tuple[Any, ...]:
    return (
        Order.objects.get(pk=order.pk).status,
        AuditEvent.objects.count(),
        LedgerTransaction.objects.count(),
        Payment.objects.count(),
        Shipment.objects.count(),
    )


def call(row: Row, client: Client, order: Order) -> Any:
    url = f"{API}/{order.number}{row.path}"
    if row.method == "GET":
        return client.get(url)
    return post(client, url, row.body(order) if row.body else None, **row.headers)


@pytest.fixture
def market(world: World) -> Any:
    return make_market(world)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_authorization_matrix(world: World, market: Any, row: Row, persona: str) -> None:
    """ROLE-2/ROLE-3: each operation answers each persona as the project's
    convention says, and a refusal writes nothing."""
    order = drive(world, place(world, market), row.state)
    user = None if persona == "anonymous" else getattr(world, row.players[persona])
    expected = {
        "anonymous": 401,
        "other": 404,
        "wrong": row.wrong_status,
        "right": row.right_status,
    }[persona]
    client = client_for(user)  # signing in writes its own audit event
    before = snapshot(order)
    response = call(row, client, order)
    assert response.status_code == expected, (row.id, persona, response.content[:300])
    if expected >= 400:
        assert snapshot(order) == before
        error = response.json()["error"]
        if persona == "wrong":
            assert error["code"].startswith("orders.not_")
    elif row.method == "POST" and row.path != "/pay":
        assert response.json()["number"] == order.number


def test_every_fulfilment_operation_is_in_the_matrix() -> None:
    from kraya.orders.api import router

    registered = {
        (method, "/" + path.strip("/"))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    fulfilment = {(m, p) for m, p in registered if p.count("/") >= 2 and "contract.pdf" not in p}
    in_matrix = {(row.method, "/{number}" + row.path) for row in MATRIX}
    in_matrix.add(("GET", "/{number}/shipments/{round_number}/invoice"))  # tested below
    assert fulfilment == in_matrix


def _body(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_ord3_to_ord7_a_whole_order_through_the_api_paid_45_days_late(
    world: World, market: Any
) -> None:
    """From acceptance to payment: allowed_actions and deadlines follow the
    state for each side; the invoice is downloadable by the buyer side and
    not by another firm; paid 45 days late, the interest is 1% a month for 45
    days (ORD-7); a repeated key pays once; the ledger reconciles."""
    start = clock.now()
    with clock.frozen_at(start):
        order = place(world, market)
        seller, consignee = client_for(world.seller_admin), client_for(world.consignee)
        paying, buyer = client_for(world.paying_authority), client_for(world.buyer)
        url = f"{API}/{order.number}"

        placed = _body(seller.get(url))
        assert placed["allowed_actions"] == ["accept", "decline"]
        assert [d["kind"] for d in placed["deadlines"]] == ["acceptance", "delivery"]
        assert placed["deadlines"][0]["side"] == "seller"
        assert placed["deadlines"][0]["overdue"] is False
        assert _body(buyer.get(url))["allowed_actions"] == []

        accepted = _body(post(seller, f"{url}/accept"))
        assert accepted["status"] == "ACCEPTED" and accepted["accepted_at"] is not None
        assert accepted["allowed_actions"] == ["dispatch"]
        assert _body(buyer.get(url))["allowed_actions"] == ["extend", "cancel"]

        invoice = {
            "file_name": "INV-77.pdf",
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        }
        dispatched = _body(
            post(
                seller,
                f"{url}/dispatch",
                {
                    "invoice_number": "INV-77",
                    "invoice_date": clock.today_ist().isoformat(),
                    "evidence": "Docket 42, Safe Express",
                    "invoice_file": invoice,
                },
            )
        )
        assert dispatched["status"] == "DISPATCHED"
        [shipment] = _body(buyer.get(f"{url}/shipments"))
        assert (shipment["round"], shipment["kind"], shipment["invoice_number"]) == (
            1,
            "ORIGINAL",
            "INV-77",
        )
        assert shipment["invoice_file"]["file_name"] == "INV-77.pdf"
        download = buyer.get(shipment["invoice_file"]["url"])
        assert download.status_code == 200 and download.content == PDF
        assert download["Content-Type"] == "application/pdf"
        assert (
            client_for(world.other_seller_admin).get(shipment["invoice_file"]["url"]).status_code
            == 404
        )
        assert client_for(None).get(shipment["invoice_file"]["url"]).status_code == 401

        assert _body(consignee.get(url))["allowed_actions"] == ["receive"]
        received = _body(post(consignee, f"{url}/receive"))
        assert received["status"] == "RECEIVED" and received["allowed_actions"] == ["certify"]
        [crac_clock] = received["deadlines"]
        assert (crac_clock["kind"], crac_clock["side"], crac_clock["days_left"]) == (
            "crac",
            "consignee",
            10,
        )
        certified = _body(
            post(consignee, f"{url}/certify", crac_body(Order.objects.get(pk=order.pk)))
        )
        assert certified["status"] == "BILLED" and certified["certification"] == "ISSUED"
        assert _body(paying.get(url))["allowed_actions"] == ["pay"]
        bill = _body(paying.get(f"{url}/money"))
        assert bill["bill"]["payable_paise"] == order.total_paise == 90_000_00
        assert bill["bill"]["ld_paise"] == 0
        assert bill["bill"]["last_day"] == (clock.today_ist() + dt.timedelta(days=9)).isoformat()
        assert bill["outstanding_paise"] == order.total_paise and bill["payments"] == []

    # ORD-7: 54 days after the CRAC day is 45 days past the last day (day 10).
    with clock.frozen_at(start + dt.timedelta(days=54)):
        late = _body(seller.get(f"{url}/money"))
        assert (late["days_late_today"], late["interest_due_today_paise"]) == (45, 1_350_00)
        assert _body(seller.get(url))["deadlines"][0]["days_left"] == -45
        paid = _body(post(paying, f"{url}/pay", **{"Idempotency-Key": "pay-77"}), 201)
        assert (paid["principal_paise"], paid["interest_paise"], paid["days_late"]) == (
            90_000_00,
            1_350_00,
            45,
        )
        assert paid["total_paise"] == 91_350_00
        again = post(paying, f"{url}/pay", **{"Idempotency-Key": "pay-77"})
        assert again.status_code == 201 and again.json() == paid
        assert again["Idempotent-Replayed"] == "true"
        assert Payment.objects.filter(order=order).count() == 1
        money = _body(seller.get(f"{url}/money"))
        assert money["paid_paise"] == 91_350_00 and money["outstanding_paise"] == 0
        assert [p["interest_paise"] for p in money["payments"]] == [1_350_00]
        assert money["reconciliation"] == {
            "value_paise": 90_000_00,
            "paid_paise": 90_000_00,
            "deductions_paise": 0,
            "outstanding_paise": 0,
            "interest_unpaid_paise": 0,
        }
        assert _body(seller.get(url))["status"] == "PAID"
    assert ledger_check().ok


def test_ord7_pay_needs_an_idempotency_key(world: World, market: Any) -> None:
    order = drive(world, place(world, market), states.BILLED)
    response = post(client_for(world.paying_authority), f"{API}/{order.number}/pay")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "orders.key_required"
    assert Payment.objects.count() == 0


def test_refusals_have_stable_codes(world: World, market: Any) -> None:
    order = place(world, market)
    seller, url = client_for(world.seller_admin), f"{API}/{order.number}"
    wrong_state = post(seller, f"{url}/deliver", {"proof": "x"})
    assert (wrong_state.status_code, wrong_state.json()["error"]["code"]) == (
        409,
        "orders.wrong_state",
    )
    no_reason = post(seller, f"{url}/decline", {"reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["fields"] == {"reason": ["Give the reason."]}
    # ORD-3: after the window the seller can no longer accept.
    with clock.frozen_at(order.acceptance_due_at):
        late = post(seller, f"{url}/accept")
        assert late.json()["error"]["code"] == "orders.acceptance_window_over"
        assert late.status_code == 409
        assert _body(seller.get(url))["allowed_actions"] == ["decline"]
    drive(world, order, states.ACCEPTED)
    bad_file = post(
        seller,
        f"{url}/dispatch",
        {
            "invoice_number": "INV-1",
            "invoice_date": clock.today_ist().isoformat(),
            "evidence": "Docket 1",
            "invoice_file": {
                "file_name": "a.exe",
                "content_type": "application/x-msdownload",
                "content_base64": base64.b64encode(b"MZ").decode(),
            },
        },
    )
    assert bad_file.status_code == 422
    assert bad_file.json()["error"]["code"] == "orders.document_type"
    drive(world, order, states.RECEIVED)
    consignee = client_for(world.consignee)
    wrong_lines = post(consignee, f"{url}/certify", {"lines": [], "replace_rejected": False})
    assert (wrong_lines.status_code, wrong_lines.json()["error"]["code"]) == (
        422,
        "orders.crac_lines",
    )
    assert Order.objects.get(pk=order.pk).status == states.RECEIVED


def test_ord5_ord6_a_crac_rejecting_items_asks_for_a_replacement(world: World, market: Any) -> None:
    order = drive(world, place(world, market), states.RECEIVED)
    consignee, url = client_for(world.consignee), f"{API}/{order.number}"
    body = _body(post(consignee, f"{url}/certify", crac_body(order, rejected=2, replace=True)))
    assert body["status"] == "REPLACEMENT_DUE"
    assert [(d["kind"], d["side"], d["days_left"]) for d in body["deadlines"]] == [
        ("replacement", "seller", 10)
    ]
    assert _body(client_for(world.seller_admin).get(url))["allowed_actions"] == ["dispatch"]
    [shipment] = _body(consignee.get(f"{url}/shipments"))
    [line] = shipment["lines"]
    assert (line["accepted"], line["rejected"], line["rejection_reason"]) == (
        8,
        2,
        "Dented body",
    )


def test_ord4_the_buyer_extends_without_ld_then_cancels(world: World, market: Any) -> None:
    order = drive(world, place(world, market), states.ACCEPTED)
    buyer, url = client_for(world.buyer), f"{API}/{order.number}"
    new_day = order.delivery_due_on + dt.timedelta(days=10)
    body = _body(
        post(
            buyer,
            f"{url}/extend",
            {"new_due_on": new_day.isoformat(), "with_ld": False, "reason": "Rains"},
        )
    )
    assert body["delivery_due_on"] == new_day.isoformat()
    assert Order.objects.get(pk=order.pk).ld_due_on == new_day
    not_later = post(
        buyer, f"{url}/extend", {"new_due_on": new_day.isoformat(), "with_ld": True, "reason": "x"}
    )
    assert not_later.status_code == 422 and "new_due_on" in not_later.json()["error"]["fields"]
    cancelled = _body(post(buyer, f"{url}/cancel", {"reason": "Budget withdrawn"}))
    assert (cancelled["status"], cancelled["close_reason"]) == ("CANCELLED", "Budget withdrawn")
    assert cancelled["allowed_actions"] == [] and cancelled["deadlines"] == []
    assert ledger_check().ok
