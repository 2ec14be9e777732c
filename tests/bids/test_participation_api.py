"""The participation API (BID-5) through the HTTP client on a real database:
who may call each operation (401 anonymous, 404 cannot see, 403 wrong role,
2xx), refusals (422 field errors, 409 clock/state) that change nothing, and
what the seller reads before and after the openings."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from kraya.bids import states
from kraya.bids.models import Submission, SubmissionDocument, TechnicalEvaluation
from kraya.bids.services import opening
from kraya.core import clock
from tests.bids.test_participation_services import (
    PDF,
    counts,
    purifier_bid,
    submit,
    verify_firm,
)
from tests.buying.market import make_market

pytestmark = pytest.mark.django_db

API = "/api/v1/bids"
API_COVERED = {
    ("GET", "/api/v1/bids/submissions"),
    ("GET", "/api/v1/bids/{bid_id}/submission"),
    ("PUT", "/api/v1/bids/{bid_id}/submission"),
    ("POST", "/api/v1/bids/{bid_id}/submission/withdraw"),
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def call(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    client = client_for(user)
    if method == "GET":
        return client.get(API + path)
    return client.generic(
        method, API + path, json.dumps(body or {}), content_type="application/json"
    )


def body(market: Any, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "items": [{"position": 1, "offer_id": market.tata_9.pk, "unit_price_paise": 9_500_00}],
    }
    values.update(changes)
    return values


@pytest.fixture
def market(world):
    return make_market(world)


@pytest.fixture
def bid(market):
    verify_firm(market.world.seller_firm)
    verify_firm(market.world.other_seller_firm)
    return purifier_bid(market)


def test_bid5_put_seals_a_submission_and_get_shows_only_its_receipt(market, bid):
    created = call(
        market.world.seller_admin,
        "PUT",
        f"/{bid.pk}/submission",
        body(
            market,
            documents=[
                {
                    "file_name": "spec.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(PDF).decode(),
                }
            ],
        ),
    )
    assert created.status_code == 200, created.content
    data = created.json()
    row = Submission.objects.get()
    assert data["id"] == row.pk and data["bid_id"] == bid.pk and data["status"] == "SUBMITTED"
    assert (data["revision"], data["sealed_digest"], data["documents_count"]) == (
        1,
        row.sealed_digest,
        1,
    )
    assert (data["technical"], data["financial"], data["documents"]) == (None, None, [])
    revised = call(market.world.seller_admin, "PUT", f"/{bid.pk}/submission", body(market))
    assert revised.json()["revision"] == 2 and revised.json()["documents_count"] == 1
    read = call(market.world.seller_admin, "GET", f"/{bid.pk}/submission").json()
    assert read == revised.json()
    listed = call(market.world.seller_admin, "GET", "/submissions").json()
    assert [item["id"] for item in listed["items"]] == [row.pk] and listed["next_cursor"] is None
    assert "950000" not in json.dumps(listed) and "Tata" not in json.dumps(read)


def test_bid5_after_each_opening_the_seller_reads_its_own_packets(market, bid):
    submission = submit(market, bid)
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    data = call(market.world.seller_admin, "GET", f"/{bid.pk}/submission").json()
    assert data["technical"]["items"][0]["title"] == "Tata purifier 9 L"
    assert data["financial"] is None
    TechnicalEvaluation.objects.create(
        submission=submission, qualified=True, evaluated_by=market.world.buyer
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=1)):
        opening.financial_open(bid_id=bid.pk)
    data = call(market.world.seller_admin, "GET", f"/{bid.pk}/submission").json()
    assert data["financial"]["items"] == [
        {"position": 1, "unit_price_paise": 9_500_00, "quantity": 100}
    ]
    # Another seller, the buyer and an operator still have no such submission.
    for user in (market.world.other_seller_admin, market.world.buyer, market.world.operator):
        assert call(user, "GET", f"/{bid.pk}/submission").status_code == 404


def test_bid5_withdraw_before_the_end_and_409_after_it(market, bid):
    submit(market, bid)
    with clock.frozen_at(bid.end_at):
        late = call(market.world.seller_admin, "POST", f"/{bid.pk}/submission/withdraw")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "bids.withdrawal_after_end"
    assert "forfeits" in late.json()["error"]["message"]
    done = call(market.world.seller_admin, "POST", f"/{bid.pk}/submission/withdraw")
    assert done.status_code == 200 and done.json()["status"] == "WITHDRAWN"
    again = call(market.world.seller_admin, "POST", f"/{bid.pk}/submission/withdraw")
    assert again.status_code == 409 and again.json()["error"]["code"] == "bids.already_withdrawn"


def test_bid5_refusals_are_422_or_409_with_codes_and_change_nothing(market, bid):
    user = market.world.seller_admin
    before = counts()
    wrong_offer = call(
        user,
        "PUT",
        f"/{bid.pk}/submission",
        body(
            market,
            items=[{"position": 1, "offer_id": market.tata_6.pk, "unit_price_paise": 0}],
        ),
    )
    assert wrong_offer.status_code == 422
    assert set(wrong_offer.json()["error"]["fields"]) == {
        "items.1.offer_id",
        "items.1.unit_price_paise",
    }
    bad_base64 = call(
        user,
        "PUT",
        f"/{bid.pk}/submission",
        body(
            market,
            documents=[
                {"file_name": "a.pdf", "content_type": "application/pdf", "content_base64": "!!"}
            ],
        ),
    )
    assert bad_base64.status_code == 422
    assert bad_base64.json()["error"]["code"] == "bids.document_type"
    malformed = call(user, "PUT", f"/{bid.pk}/submission", {"items": "none"})
    assert malformed.status_code == 422
    with clock.frozen_at(bid.end_at):
        late = call(user, "PUT", f"/{bid.pk}/submission", body(market))
    assert late.status_code == 409 and late.json()["error"]["code"] == "bids.submission_closed"
    assert counts() == before


# --- the authorization matrix -------------------------------------------------------------


def test_bid5_anonymous_callers_get_401_on_every_participation_operation(market, bid):
    for method, path in [
        ("GET", "/submissions"),
        ("GET", f"/{bid.pk}/submission"),
        ("PUT", f"/{bid.pk}/submission"),
        ("POST", f"/{bid.pk}/submission/withdraw"),
    ]:
        assert call(None, method, path, body(market)).status_code == 401, (method, path)


def test_bid5_a_bid_the_caller_cannot_see_is_404_and_unchanged(market):
    verify_firm(market.world.seller_firm)
    draft = purifier_bid(market, status=states.DRAFT)
    before = counts()
    user = market.world.seller_admin
    assert call(user, "GET", f"/{draft.pk}/submission").status_code == 404
    assert call(user, "PUT", f"/{draft.pk}/submission", body(market)).status_code == 404
    assert call(user, "POST", f"/{draft.pk}/submission/withdraw").status_code == 404
    assert call(user, "GET", "/999999/submission").status_code == 404
    assert counts() == before


def test_bid5_who_sees_the_bid_without_a_seller_role_gets_403_on_writes_404_on_reads(market, bid):
    submit(market, bid)
    world = market.world
    before = counts()
    for user in (
        world.buyer,
        world.primary,
        world.consignee,
        world.seller_catalogue,
        world.operator,
    ):
        assert call(user, "PUT", f"/{bid.pk}/submission", body(market)).status_code == 403
        assert call(user, "POST", f"/{bid.pk}/submission/withdraw").status_code == 403
        assert call(user, "GET", "/submissions").status_code == 403
        # BID-5: a submission exists only for its own firm.
        assert call(user, "GET", f"/{bid.pk}/submission").status_code == 404
    # Another seller has no submission here, and cannot withdraw this one.
    other = world.other_seller_admin
    assert call(other, "GET", f"/{bid.pk}/submission").status_code == 404
    assert call(other, "POST", f"/{bid.pk}/submission/withdraw").status_code == 404
    assert call(other, "GET", "/submissions").json()["items"] == []
    assert counts() == before
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    assert SubmissionDocument.objects.count() == 0
