"""The publication part of the bids API (`/api/v1/bids/`, BID-1..3, BID-8)
through the HTTP client on a real database: a draft to a published bid with
corrigenda and its cancellation, field errors (422), state refusals (409),
the authorization matrix of every operation, and that a bid's output shows
nothing of its submissions, nor their number, before the opening (BID-4/5)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kraya.bids import states
from kraya.bids.models import Bid, BidItem, BidKeys, BidLot, Corrigendum
from kraya.bids.services import opening
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from tests.bids.factory import make_bid, make_submission
from tests.bids.test_publication_services import NOW, UP, draft, make_category, published
from tests.factories import World

pytestmark = pytest.mark.django_db

API = "/api/v1/bids"

API_COVERED = {
    ("GET", "/api/v1/bids/"),
    ("POST", "/api/v1/bids/"),
    ("POST", "/api/v1/bids/from-demand/{demand_id}"),
    ("GET", "/api/v1/bids/{bid_id}"),
    ("PATCH", "/api/v1/bids/{bid_id}"),
    ("POST", "/api/v1/bids/{bid_id}/publish"),
    ("POST", "/api/v1/bids/{bid_id}/corrigenda"),
    ("POST", "/api/v1/bids/{bid_id}/cancel"),
    ("GET", "/api/v1/bids/{bid_id}/document.pdf"),
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def call(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    if method == "GET":
        return client.get(API + path)
    return client.generic(
        method, API + path, json.dumps(body or {}, default=str), content_type="application/json"
    )


def error_of(response: Any) -> tuple[int, str, dict[str, list[str]]]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["fields"]


def counts() -> dict[str, int]:
    return {
        "bids": Bid.objects.count(),
        "items": BidItem.objects.count(),
        "lots": BidLot.objects.count(),
        "keys": BidKeys.objects.count(),
        "corrigenda": Corrigendum.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def bid_body(world: World, category: Any = None, **changes: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "title": "Water purifier 9 L",
            "quantity": 100,
            "estimated_unit_price_paise": 10_000_00,
            **(
                {"category_code": category.code, "golden_specs": {"capacity": "9"}}
                if category is not None
                else {}
            ),
        },
        {"title": "Installation at site", "quantity": 10, "estimated_unit_price_paise": 500_00},
    ]
    body: dict[str, Any] = {
        "office_id": world.office.pk,
        "title": "Water purifiers for district hospitals",
        "items": items,
        "consignee_id": world.consignee.pk,
        "paying_authority_id": world.paying_authority.pk,
        "delivery_state": UP,
        "delivery_pincode": "226001",
        "delivery_address": "District Hospital, Civil Lines, Lucknow",
        "emd_percent": "2",
    }
    body.update(changes)
    return body


# --- the journey -------------------------------------------------------------------------------


def test_bid1_to_bid8_a_draft_is_edited_published_amended_and_cancelled(world: World) -> None:
    category = make_category()
    buyer = client_for(world.buyer)
    with clock.frozen_at(NOW):
        response = call(buyer, "POST", "/", bid_body(world, category, evaluation_basis="ITEM"))
        assert response.status_code == 201, response.content
        made = response.json()
        assert (made["status"], made["number"], made["reference"]) == (
            "DRAFT",
            "",
            f"B-{made['id']}",
        )
        assert made["estimated_value_paise"] == 10_05_000_00
        assert [(i["position"], i["lot"], i["category_code"]) for i in made["items"]] == [
            (1, 1, category.code),
            (2, 2, None),
        ]
        assert made["items"][0]["golden_specs"] == {"capacity": "9"}
        assert made["min_bids"] == 3

        response = call(buyer, "PATCH", f"/{made['id']}", {"title": "Purifiers", "min_bids": 2})
        assert response.status_code == 200, response.content
        edited = response.json()
        assert (edited["title"], edited["min_bids"], len(edited["lots"])) == ("Purifiers", 2, 2)
        assert edited["items"] == made["items"]

        end = NOW + dt.timedelta(days=12)
        response = call(
            buyer,
            "POST",
            f"/{made['id']}/publish",
            {"end_at": end.isoformat(), "offer_validity_days": 90},
        )
        assert response.status_code == 200, response.content
        bid = response.json()
        assert (bid["status"], bid["number"]) == ("PUBLISHED", "KRY/B/2026/000001")
        assert [r["kind"] for r in bid["receipts"]] == [
            "bids.duration",
            "bids.offer_validity",
            "bids.emd_percent",
        ]

    with clock.frozen_at(NOW + dt.timedelta(days=6)):
        response = call(
            buyer,
            "POST",
            f"/{made['id']}/corrigenda",
            {"reason": "More purifiers", "quantities": {"1": 120}},
        )
    assert response.status_code == 201, response.content
    amended = response.json()
    [corrigendum] = amended["corrigenda"]
    assert corrigendum["version"] == 1
    assert corrigendum["end_extended"] is True  # 6 days were left (BID-3)
    assert corrigendum["changes"]["items.1.quantity"] == {"old": 100, "new": 120}
    assert amended["end_at"] == "2026-11-15T04:30:00Z"  # 7 days after the corrigendum
    assert amended["original_end_at"] == "2026-11-14T04:30:00Z"
    page = call(client_for(world.seller_admin), "GET", "/").json()
    assert [(row["number"], row["updated"]) for row in page["items"]] == [
        ("KRY/B/2026/000001", True)
    ]

    response = call(buyer, "POST", f"/{made['id']}/cancel", {"reason": "Budget withdrawn"})
    assert response.status_code == 200, response.content
    cancelled = call(client_for(world.seller_admin), "GET", f"/{made['id']}").json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("CANCELLED", "Budget withdrawn")


def test_field_errors_are_422_with_their_codes_and_write_nothing(world: World) -> None:
    buyer = client_for(world.buyer)
    before = counts()
    cases = [
        (bid_body(world, emd_percent="5.1"), "bids.emd_percent_out_of_range", "emd_percent"),
        (bid_body(world, emd_percent="1.9"), "bids.emd_percent_out_of_range", "emd_percent"),
        (
            bid_body(
                world,
                items=[{"category_code": "nope", "quantity": 1, "estimated_unit_price_paise": 1}],
            ),
            "bids.category_unknown",
            "items",
        ),
        (bid_body(world, title="  "), "bids.title_required", "title"),
        (bid_body(world, delivery_pincode="22600"), "bids.bad_pincode", "delivery_pincode"),
        (
            bid_body(world, evaluation_basis="LOT"),
            "bids.unknown_evaluation_basis",
            "evaluation_basis",
        ),
    ]
    for body, code, field in cases:
        status, got, fields = error_of(call(buyer, "POST", "/", body))
        assert (status, got, set(fields)) == (422, code, {field})
    assert counts() == before


def test_publication_refusals_are_422_then_409(world: World) -> None:
    bid = draft(world)
    buyer = client_for(world.buyer)
    short = {"end_at": (clock.now() + dt.timedelta(days=9)).isoformat(), "offer_validity_days": 90}
    assert error_of(call(buyer, "POST", f"/{bid.pk}/publish", short))[:2] == (
        422,
        "bids.duration_too_short",
    )
    fine = {"end_at": (clock.now() + dt.timedelta(days=11)).isoformat(), "offer_validity_days": 181}
    assert error_of(call(buyer, "POST", f"/{bid.pk}/publish", fine))[:2] == (
        422,
        "bids.offer_validity_out_of_range",
    )
    fine["offer_validity_days"] = 180
    assert call(buyer, "POST", f"/{bid.pk}/publish", fine).status_code == 200
    before = counts()
    assert error_of(call(buyer, "POST", f"/{bid.pk}/publish", fine))[:2] == (
        409,
        "bids.wrong_state",
    )
    assert error_of(call(buyer, "PATCH", f"/{bid.pk}", {"title": "Late edit"}))[:2] == (
        409,
        "bids.wrong_state",
    )
    assert error_of(call(buyer, "POST", f"/{bid.pk}/cancel", {"reason": " "}))[:2] == (
        422,
        "bids.reason_required",
    )
    assert counts() == before


def test_the_list_filters_by_status_and_pages_with_a_cursor(world: World) -> None:
    drafts = [draft(world) for _ in range(2)]
    public = [published(world) for _ in range(3)]
    buyer = client_for(world.buyer)
    page = call(buyer, "GET", "/?status=DRAFT").json()
    assert {row["id"] for row in page["items"]} == {b.pk for b in drafts}
    first = call(buyer, "GET", "/?limit=2").json()
    second = call(buyer, "GET", f"/?limit=2&cursor={first['next_cursor']}").json()
    third = call(buyer, "GET", f"/?limit=2&cursor={second['next_cursor']}").json()
    seen = [row["id"] for row in first["items"] + second["items"] + third["items"]]
    assert sorted(seen) == sorted(b.pk for b in drafts + public)
    assert third["next_cursor"] is None
    # Another organisation sees the published bids only.
    outsider = call(client_for(world.other_buyer), "GET", "/").json()
    assert {row["id"] for row in outsider["items"]} == {b.pk for b in public}


# --- sealed stays sealed (BID-4, BID-5) --------------------------------------------------------


def test_bid4_bid5_the_bid_output_shows_no_submission_nor_count_before_the_opening(
    world: World,
) -> None:
    bid = make_bid(world, min_bids=3)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    with clock.frozen_at(bid.end_at):
        decision = opening.bid_end(bid_id=bid.pk)
    assert decision.extended  # 1 of 3: extended once (BID-4)
    bid.refresh_from_db()
    assert [r["kind"] for r in bid.receipts] == ["bids.less_competition"]
    for user in (world.buyer, world.seller_admin, world.operator, world.other_buyer):
        response = call(client_for(user), "GET", f"/{bid.pk}")
        text = response.content.decode()
        assert response.status_code == 200
        out = response.json()
        assert out["extended_due_to_less_competition"] is True
        assert out["receipts"] == []
        assert "bids.less_competition" not in text
        assert "bids_received" not in text
        assert "submission" not in text.lower()
        assert "9500" not in text and "950000" not in text
    # After the technical opening the BID-4 receipt is public.
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    out = call(client_for(world.seller_admin), "GET", f"/{bid.pk}").json()
    assert [r["kind"] for r in out["receipts"]] == ["bids.less_competition"]


def test_the_bid_document_is_a_pdf_with_its_digest(world: World) -> None:
    bid = published(world)
    response = client_for(world.seller_admin).get(f"{API}/{bid.pk}/document.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert response.content.startswith(b"%PDF")


# --- the authorization matrix ------------------------------------------------------------------

PERSONAS = ("anonymous", "other_organisation", "wrong_role", "right_role")
PLAYERS = {"other_organisation": "other_buyer", "wrong_role": "consignee", "right_role": "buyer"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    url: Callable[[World], str]
    expected: tuple[int, int, int, int]
    body: Callable[[World], dict[str, Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _demand_url(world: World) -> str:
    from kraya.buying import services as buying
    from tests.buying.market import ADDRESS, LUCKNOW_PIN, make_market

    market = make_market(world)
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(market.usha_9.pk, 200)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    return f"/from-demand/{demand.pk}"


def _publish_body(world: World) -> dict[str, Any]:
    return {
        "end_at": (clock.now() + dt.timedelta(days=12)).isoformat(),
        "offer_validity_days": 90,
    }


MATRIX = [
    Row("GET", "/api/v1/bids/", lambda w: "/", (401, 200, 200, 200)),
    Row("POST", "/api/v1/bids/", lambda w: "/", (401, 404, 403, 201), body=bid_body),
    Row(
        "POST",
        "/api/v1/bids/from-demand/{demand_id}",
        _demand_url,
        (401, 404, 403, 201),
        body=lambda w: {},
    ),
    Row("GET", "/api/v1/bids/{bid_id}", lambda w: f"/{draft(w).pk}", (401, 404, 200, 200)),
    Row(
        "PATCH",
        "/api/v1/bids/{bid_id}",
        lambda w: f"/{draft(w).pk}",
        (401, 404, 403, 200),
        body=lambda w: {"title": "Renamed"},
    ),
    Row(
        "POST",
        "/api/v1/bids/{bid_id}/publish",
        lambda w: f"/{draft(w).pk}/publish",
        (401, 404, 403, 200),
        body=_publish_body,
    ),
    # A published bid is seen by every signed-in user: the other organisation gets 403.
    Row(
        "POST",
        "/api/v1/bids/{bid_id}/corrigenda",
        lambda w: f"/{published(w).pk}/corrigenda",
        (401, 403, 403, 201),
        body=lambda w: {"reason": "Clarified", "description": "Includes installation."},
    ),
    Row(
        "POST",
        "/api/v1/bids/{bid_id}/cancel",
        lambda w: f"/{draft(w).pk}/cancel",
        (401, 404, 403, 200),
        body=lambda w: {"reason": "Need changed"},
    ),
    Row(
        "GET",
        "/api/v1/bids/{bid_id}/document.pdf",
        lambda w: f"/{draft(w).pk}/document.pdf",
        (401, 404, 200, 200),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_authorization_matrix(row: Row, persona: str, world: World) -> None:
    user = None if persona == "anonymous" else getattr(world, PLAYERS[persona])
    url = row.url(world)
    client = client_for(user)
    before = counts()
    response = call(client, row.method, url, row.body(world) if row.body else None)
    expected = row.expected[PERSONAS.index(persona)]
    assert response.status_code == expected, (row.id, persona, response.content[:300])
    if expected >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert counts() == before, f"{row.id} as {persona} was refused but wrote rows"


def test_the_matrix_covers_every_publication_operation() -> None:
    assert {(row.method, row.path) for row in MATRIX} == API_COVERED


def test_a_draft_is_hidden_from_sellers_and_operators_see_it(world: World) -> None:
    bid = draft(world)
    assert call(client_for(world.seller_admin), "GET", f"/{bid.pk}").status_code == 404
    assert call(client_for(world.operator), "GET", f"/{bid.pk}").status_code == 200
    assert call(client_for(world.primary), "GET", f"/{bid.pk}").status_code == 200
    assert Bid.objects.get(pk=bid.pk).status == states.DRAFT
