"""The evaluation API (`/api/v1/bids/...`: BID-6, BID-7, §7, ORD-2, BID-8)
through the HTTP client on the real database: the journey from opened
technical bids to contracts, the authorization matrix of every operation
(401 anonymous, 404 another bid's object, 403 the wrong role, 2xx the right
one; refused writes change nothing), and nothing read before its opening."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kraya.bids import states
from kraya.bids.models import (
    Award,
    Bid,
    Clarification,
    MatchInvitation,
    Representation,
    TechnicalEvaluation,
)
from kraya.bids.services import award, evaluation, preferences
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.orders.models import Order
from tests.bids.factory import make_bid, make_submission
from tests.bids.flow import MSE, opened_bid, ranked_bid

pytestmark = pytest.mark.django_db

API = "/api/v1/bids"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

API_COVERED = {
    ("GET", "/api/v1/bids/{bid_id}/evaluation"),
    ("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/evaluation"),
    ("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/clarifications"),
    ("POST", "/api/v1/bids/{bid_id}/clarifications/{clarification_id}/answer"),
    ("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/representation"),
    ("POST", "/api/v1/bids/{bid_id}/representations/{representation_id}/answer"),
    ("POST", "/api/v1/bids/{bid_id}/financial-opening"),
    ("GET", "/api/v1/bids/{bid_id}/ranking"),
    ("GET", "/api/v1/bids/{bid_id}/evaluation/mine"),
    ("POST", "/api/v1/bids/{bid_id}/preferences"),
    ("POST", "/api/v1/bids/{bid_id}/invitations/{invitation_id}"),
    ("POST", "/api/v1/bids/{bid_id}/sanction"),
    ("POST", "/api/v1/bids/{bid_id}/award"),
}

WORKED = [
    {"prices": {1: 100_00}},
    {"prices": {1: 110_00}, "seller": MSE},
]


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def call(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    client = user if isinstance(user, Client) else client_for(user)
    if method == "GET":
        return client.get(API + path)
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def counts() -> tuple[int, ...]:
    return (
        TechnicalEvaluation.objects.count(),
        Clarification.objects.count(),
        Clarification.objects.exclude(answered_at=None).count(),
        Representation.objects.count(),
        Representation.objects.exclude(answered_at=None).count(),
        MatchInvitation.objects.exclude(answered_at=None).count(),
        Order.objects.count(),
        Award.objects.count(),
        Bid.objects.exclude(sanctioned_at=None).count(),
        AuditEvent.objects.count(),
    )


# --- the states each row needs -------------------------------------------------------------


@dataclass
class Case:
    """A prepared bid: the URL to call, the moment to call it, its body, the
    user with the right role and the status they get."""

    path: str
    at: dt.datetime
    right: Any
    ok: int
    body: dict[str, Any] | None = None
    wrong_bid_path: str = ""


def _technical(world):
    bid, (first, second) = opened_bid(world, WORKED, mii_preference=False)
    return bid, first, second, bid.opening_at + HOUR


def _rejected(world):
    bid, first, second, at = _technical(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
    return bid, first, second, at


def _ranked(world):
    bid, (l1, mse) = ranked_bid(
        world, WORKED, items=[("LED lamp 9 W", 1_000, 120_00)], mii_preference=False
    )
    return bid, l1, mse, bid.opening_at + 2 * DAY


def _matching(world):
    bid, l1, mse, at = _ranked(world)
    with clock.frozen_at(at):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    return bid, l1, mse, at


def _pending(world):
    bid, l1, mse, at = _matching(world)
    invitation = MatchInvitation.objects.get(lot__bid=bid)
    with clock.frozen_at(at):
        preferences.invitation_answer(
            acting_user=world.other_seller_admin, invitation=invitation, accept=True
        )
    return bid, l1, mse, at


def _other_bid(world) -> Bid:
    other = make_bid(world)
    make_submission(other, world.seller_firm, world.seller_admin, prices={1: 9_000_00})
    return other


def case_evaluation_get(world):
    bid, *_, at = _technical(world)
    return Case(f"/{bid.pk}/evaluation", at, world.buyer, 200, wrong_bid_path="/999999/evaluation")


def case_evaluate(world):
    bid, first, _, at = _technical(world)
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/submissions/{first.pk}/evaluation",
        at,
        world.buyer,
        200,
        body={"qualified": False, "reason": "No BIS mark"},
        wrong_bid_path=f"/{other.pk}/submissions/{first.pk}/evaluation",
    )


def case_clarify(world):
    bid, first, _, at = _technical(world)
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/submissions/{first.pk}/clarifications",
        at,
        world.buyer,
        201,
        body={"question": "Send the BIS certificate."},
        wrong_bid_path=f"/{other.pk}/submissions/{first.pk}/clarifications",
    )


def case_clarification_answer(world):
    bid, first, _, at = _technical(world)
    with clock.frozen_at(at):
        asked = evaluation.clarification_ask(
            acting_user=world.buyer, submission=first, question="Warranty?"
        )
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/clarifications/{asked.pk}/answer",
        at,
        world.seller_admin,
        200,
        body={"answer": "Two years."},
        wrong_bid_path=f"/{other.pk}/clarifications/{asked.pk}/answer",
    )


def case_represent(world):
    bid, first, _, at = _rejected(world)
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/submissions/{first.pk}/representation",
        at + HOUR,
        world.seller_admin,
        201,
        body={"text": "The mark is on page 4."},
        wrong_bid_path=f"/{other.pk}/submissions/{first.pk}/representation",
    )


def case_representation_answer(world):
    bid, first, _, at = _rejected(world)
    with clock.frozen_at(at + HOUR):
        filed = evaluation.representation_file(
            acting_user=world.seller_admin, submission=first, text="Page 4."
        )
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/representations/{filed.pk}/answer",
        at + 2 * HOUR,
        world.buyer,
        200,
        body={"upheld": True, "answer": "Found."},
        wrong_bid_path=f"/{other.pk}/representations/{filed.pk}/answer",
    )


def case_financial_open(world):
    bid, first, second, at = _technical(world)
    with clock.frozen_at(at):
        for submission in (first, second):
            evaluation.technical_evaluate(
                acting_user=world.buyer, submission=submission, qualified=True
            )
    return Case(
        f"/{bid.pk}/financial-opening",
        at + HOUR,
        world.buyer,
        200,
        wrong_bid_path="/999999/financial-opening",
    )


def case_ranking(world):
    bid, *_, at = _ranked(world)
    return Case(f"/{bid.pk}/ranking", at, world.buyer, 200, wrong_bid_path="/999999/ranking")


def case_own(world):
    bid, *_, at = _ranked(world)
    return Case(
        f"/{bid.pk}/evaluation/mine",
        at,
        world.seller_admin,
        200,
        wrong_bid_path="/999999/evaluation/mine",
    )


def case_invite(world):
    bid, *_, at = _ranked(world)
    return Case(
        f"/{bid.pk}/preferences", at, world.buyer, 200, wrong_bid_path="/999999/preferences"
    )


def case_invitation_answer(world):
    bid, _, _mse, at = _matching(world)
    invitation = MatchInvitation.objects.get(lot__bid=bid)
    other = _other_bid(world)
    return Case(
        f"/{bid.pk}/invitations/{invitation.pk}",
        at + HOUR,
        world.other_seller_admin,
        200,
        body={"accept": True},
        wrong_bid_path=f"/{other.pk}/invitations/{invitation.pk}",
    )


def case_sanction(world):
    bid, *_, at = _pending(world)
    return Case(
        f"/{bid.pk}/sanction",
        at,
        world.paying_authority,
        200,
        body={},
        wrong_bid_path="/999999/sanction",
    )


def case_award(world):
    bid, *_, at = _pending(world)
    with clock.frozen_at(at):
        award.bid_sanction(acting_user=world.paying_authority, bid=bid)
    return Case(f"/{bid.pk}/award", at, world.buyer, 201, wrong_bid_path="/999999/award")


@dataclass
class Row:
    method: str
    path: str
    case: Callable[[Any], Case]


MATRIX = [
    Row("GET", "/api/v1/bids/{bid_id}/evaluation", case_evaluation_get),
    Row("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/evaluation", case_evaluate),
    Row("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/clarifications", case_clarify),
    Row(
        "POST",
        "/api/v1/bids/{bid_id}/clarifications/{clarification_id}/answer",
        case_clarification_answer,
    ),
    Row("POST", "/api/v1/bids/{bid_id}/submissions/{submission_id}/representation", case_represent),
    Row(
        "POST",
        "/api/v1/bids/{bid_id}/representations/{representation_id}/answer",
        case_representation_answer,
    ),
    Row("POST", "/api/v1/bids/{bid_id}/financial-opening", case_financial_open),
    Row("GET", "/api/v1/bids/{bid_id}/ranking", case_ranking),
    Row("GET", "/api/v1/bids/{bid_id}/evaluation/mine", case_own),
    Row("POST", "/api/v1/bids/{bid_id}/preferences", case_invite),
    Row("POST", "/api/v1/bids/{bid_id}/invitations/{invitation_id}", case_invitation_answer),
    Row("POST", "/api/v1/bids/{bid_id}/sanction", case_sanction),
    Row("POST", "/api/v1/bids/{bid_id}/award", case_award),
]


def test_the_matrix_is_the_covered_list():
    assert {(row.method, row.path) for row in MATRIX} == API_COVERED


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.path}")
def test_authorization_matrix(row: Row, world) -> None:
    """401 anonymous; 404 an unknown bid or another bid's object; 403 a
    signed-in user without the role (another office's Buyer); the right role
    succeeds. Every refusal is JSON with a code and writes nothing."""
    case = row.case(world)
    with clock.frozen_at(case.at):
        # Signed in first: a sign-in is itself an audit event.
        for client, path, expected in (
            (client_for(None), case.path, 401),
            (client_for(world.seller_catalogue), case.wrong_bid_path, 404),
            (client_for(world.other_buyer), case.path, 403),
        ):
            before = counts()
            response = call(client, row.method, path, case.body)
            assert response.status_code == expected, (path, response.content[:300])
            assert set(response.json()["error"]) == {"code", "message", "fields"}
            assert counts() == before
        response = call(case.right, row.method, case.path, case.body)
    assert response.status_code == case.ok, response.content[:500]


# --- the journey ---------------------------------------------------------------------------


def test_bid5_nothing_is_read_before_its_opening_through_the_evaluation_api(world):
    """BID-5/BID-4: before the technical opening the evaluation pages say
    only `bids.sealed` — no submission, no count; before the financial
    opening no price, for the Buyer and for a bidder."""
    bid = make_bid(world)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_123_45})
    for user, path in (
        (world.buyer, f"/{bid.pk}/evaluation"),
        (world.seller_admin, f"/{bid.pk}/evaluation/mine"),
        (world.buyer, f"/{bid.pk}/ranking"),
        (world.seller_admin, f"/{bid.pk}/ranking"),
    ):
        response = call(user, "GET", path)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "bids.sealed"
        assert set(response.json()) == {"error"} and b"912345" not in response.content
    bid, _ = opened_bid(world, [{"prices": {1: 9_123_45}}])
    with clock.frozen_at(bid.opening_at + HOUR):
        page = call(world.buyer, "GET", f"/{bid.pk}/evaluation")
        assert page.status_code == 200
        assert b"912345" not in page.content and page.json()["submissions"][0]["financial"] is None
        assert call(world.seller_admin, "GET", f"/{bid.pk}/ranking").status_code == 409


def test_bid6_to_bid8_the_journey_through_the_api(world):
    """A rejected bidder's upheld representation, the financial opening, the
    MSE invitation matched, the sanction and the award: two contracts."""
    bid, first, second, at = _technical(world)
    with clock.frozen_at(at):
        rejected = call(
            world.buyer,
            "POST",
            f"/{bid.pk}/submissions/{first.pk}/evaluation",
            {"qualified": False, "reason": ""},
        )
        assert rejected.status_code == 422
        assert "reason" in rejected.json()["error"]["fields"]
        assert (
            call(
                world.buyer,
                "POST",
                f"/{bid.pk}/submissions/{first.pk}/evaluation",
                {"qualified": False, "reason": "No BIS mark"},
            ).status_code
            == 200
        )
        assert (
            call(
                world.buyer,
                "POST",
                f"/{bid.pk}/submissions/{second.pk}/evaluation",
                {"qualified": True},
            ).status_code
            == 200
        )
        refused = call(world.buyer, "POST", f"/{bid.pk}/financial-opening")
        assert refused.json()["error"]["code"] == "bids.representation_window_open"
        filed = call(
            world.seller_admin,
            "POST",
            f"/{bid.pk}/submissions/{first.pk}/representation",
            {"text": "Page 4 shows the mark."},
        )
        assert filed.status_code == 201
        answered = call(
            world.buyer,
            "POST",
            f"/{bid.pk}/representations/{filed.json()['id']}/answer",
            {"upheld": True, "answer": "Found it."},
        )
        assert answered.json()["upheld"] is True
        opened = call(world.buyer, "POST", f"/{bid.pk}/financial-opening").json()
    assert opened["status"] == states.FINANCIAL_EVALUATION
    (lot,) = opened["lots"]
    assert [r["price_paise"] for r in lot["ranking"]] == [100_00, 110_00]
    assert lot["receipts"][0]["kind"] == "bids.financial_ranking"
    with clock.frozen_at(at + DAY):
        own = call(world.other_seller_admin, "GET", f"/{bid.pk}/ranking").json()
        assert own == {
            "bid_id": bid.pk,
            "status": states.FINANCIAL_EVALUATION,
            "lots": None,
            "own": [
                {
                    "number": 1,
                    "title": lot["title"],
                    "own_rank": 2,
                    "own_price_paise": 110_00,
                    "l1_price_paise": 100_00,
                }
            ],
        }
        invited = call(world.buyer, "POST", f"/{bid.pk}/preferences").json()
        (invitation,) = invited["lots"][0]["invitations"]
        assert invitation["submission_id"] == second.pk
        mine = call(world.other_seller_admin, "GET", f"/{bid.pk}/evaluation/mine").json()
        assert [i["id"] for i in mine["invitations"]] == [invitation["id"]]
        matched = call(
            world.other_seller_admin,
            "POST",
            f"/{bid.pk}/invitations/{invitation['id']}",
            {"accept": True},
        )
        assert matched.json()["accepted"] is True
        assert Bid.objects.get(pk=bid.pk).status == states.AWARD_PENDING
        assert call(world.buyer, "POST", f"/{bid.pk}/award").json()["error"]["code"] == (
            "bids.not_sanctioned"
        )
        assert (
            call(
                world.buyer, "POST", f"/{bid.pk}/sanction", {"sanction_reference": "SAN/17"}
            ).status_code
            == 200
        )
        placed = call(world.buyer, "POST", f"/{bid.pk}/award")
    assert placed.status_code == 201
    totals = sorted(o["total_paise"] for o in placed.json()["orders"])
    assert totals == [25 * 100_00, 75 * 100_00]  # 100 units: MSE-1 25%, L1 the rest
    assert {o["mode"] for o in placed.json()["orders"]} == {"BID"}
