"""The incidents API through the HTTP client: the authorization matrix
(anonymous 401, other organisation 404, wrong role 403, right role 2xx) for
every operation, refusals changing nothing, and a whole INC-1/INC-2 journey."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kraya.incidents.models import Incident
from kraya.incidents.services import incidents_tick
from tests.incidents.factory import escalated, make_order, raise_on_order, replied

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents"
API_COVERED = {
    ("GET", "/api/v1/incidents"),
    ("POST", "/api/v1/incidents"),
    ("GET", "/api/v1/incidents/{incident_id}"),
    *(
        ("POST", f"/api/v1/incidents/{{incident_id}}/{step}")
        for step in (
            "respond",
            "resolve",
            "escalate",
            "withdraw",
            "show-cause",
            "reply",
            "decide",
            "appeal",
            "decide-appeal",
        )
    ),
}


def call(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(API + path)
    return client.generic(
        method, API + path, json.dumps(body or {}), content_type="application/json"
    )


def _count() -> tuple[int, list[str]]:
    return Incident.objects.count(), list(
        Incident.objects.order_by("pk").values_list("status", flat=True)
    )


def test_inc1_raise_matrix_on_an_order(world):
    order = make_order(world)
    body = {"order_id": order.pk, "category": "DELIVERY", "description": "Not delivered."}
    before = _count()
    assert call(None, "POST", "", body).status_code == 401
    assert call(world.other_buyer, "POST", "", body).status_code == 404  # other organisation
    assert call(world.other_seller_admin, "POST", "", body).status_code == 404
    assert call(world.primary, "POST", "", body).status_code == 403  # sees it, no buyer role
    assert _count() == before
    response = call(world.buyer, "POST", "", body)
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "OPEN" and data["respondent_firm_id"] == world.seller_firm.pk
    assert data["deadlines"][0]["name"] == "response" and data["deadlines"][0]["days_left"] == 7
    seller = call(world.seller_admin, "POST", "", {**body, "category": "PAYMENT"})
    assert seller.status_code == 201 and seller.json()["respondent_office_id"] == world.office.pk


def test_inc1_raise_refusals_are_422_and_change_nothing(world):
    order = make_order(world)
    before = _count()
    both = {"order_id": order.pk, "offer_id": 1, "category": "DELIVERY", "description": "x"}
    assert (
        call(world.buyer, "POST", "", {**both, "offer_id": None, "order_id": None}).status_code
        == 422
    )
    bad = call(
        world.buyer, "POST", "", {"order_id": order.pk, "category": "NOPE", "description": "x"}
    )
    assert bad.status_code == 422 and "category" in bad.json()["error"]["fields"]
    empty = call(
        world.buyer, "POST", "", {"order_id": order.pk, "category": "DELIVERY", "description": " "}
    )
    assert empty.status_code == 422 and "description" in empty.json()["error"]["fields"]
    assert _count() == before


def test_inc1_get_and_list_only_for_parties_and_operators(world):
    incident = raise_on_order(world)
    path = f"/{incident.pk}"
    assert call(None, "GET", path).status_code == 401
    assert call(world.other_buyer, "GET", path).status_code == 404
    assert call(world.other_seller_admin, "GET", path).status_code == 404
    for user in (world.buyer, world.seller_admin, world.seller_catalogue, world.operator):
        assert call(user, "GET", path).status_code == 200
    assert [i["id"] for i in call(world.seller_admin, "GET", "").json()["items"]] == [incident.pk]
    assert call(world.other_seller_admin, "GET", "").json()["items"] == []
    assert call(None, "GET", "").status_code == 401


def test_inc1_respond_matrix(world):
    incident = raise_on_order(world)
    path = f"/{incident.pk}/respond"
    body = {"text": "Dispatched."}
    assert call(None, "POST", path, body).status_code == 401
    assert call(world.other_seller_admin, "POST", path, body).status_code == 404
    assert call(world.buyer, "POST", path, body).status_code == 403  # the raiser
    assert Incident.objects.get(pk=incident.pk).status == "OPEN"
    response = call(world.seller_admin, "POST", path, body)
    assert response.status_code == 200 and response.json()["status"] == "RESPONDED"
    assert response.json()["messages"][0]["text"] == "Dispatched."
    assert call(world.seller_admin, "POST", path, body).status_code == 409


def test_inc1_resolve_escalate_withdraw_matrix(world):
    incident = raise_on_order(world)
    call(world.seller_admin, "POST", f"/{incident.pk}/respond", {"text": "Done."})
    for step in ("resolve", "escalate", "withdraw"):
        path = f"/{incident.pk}/{step}"
        assert call(None, "POST", path).status_code == 401
        assert call(world.other_buyer, "POST", path).status_code == 404
        assert call(world.seller_admin, "POST", path).status_code == 403  # the respondent
    assert call(world.buyer, "POST", f"/{incident.pk}/escalate").status_code == 200
    assert call(world.buyer, "POST", f"/{incident.pk}/withdraw").status_code == 200
    assert Incident.objects.get(pk=incident.pk).status == "WITHDRAWN"


def test_inc1_show_cause_and_reply_matrix(world):
    incident = escalated(world)
    path = f"/{incident.pk}/show-cause"
    assert call(None, "POST", path, {"text": "x"}).status_code == 401
    assert call(world.other_buyer, "POST", path, {"text": "x"}).status_code == 404
    assert call(world.buyer, "POST", path, {"text": "x"}).status_code == 403
    assert call(world.seller_admin, "POST", path, {"text": "x"}).status_code == 403
    notice = call(world.operator, "POST", path, {"text": "Explain the delay."})
    assert notice.status_code == 200
    names = [d["name"] for d in notice.json()["deadlines"]]
    assert names == ["response", "reply"] and notice.json()["deadlines"][1]["days_left"] == 5
    reply = f"/{incident.pk}/reply"
    assert call(None, "POST", reply, {"text": "x"}).status_code == 401
    assert call(world.other_seller_admin, "POST", reply, {"text": "x"}).status_code == 404
    assert call(world.buyer, "POST", reply, {"text": "x"}).status_code == 403
    assert (
        call(world.seller_admin, "POST", reply, {"text": "Strike."}).json()["status"] == "REPLIED"
    )


def test_inc2_decide_appeal_and_decide_appeal_matrix(world):
    incident = replied(world)
    path = f"/{incident.pk}/decide"
    body = {"severity": "serious", "reasons": "Second delay this quarter."}
    assert call(None, "POST", path, body).status_code == 401
    assert call(world.other_buyer, "POST", path, body).status_code == 404
    assert call(world.buyer, "POST", path, body).status_code == 403
    assert call(world.seller_admin, "POST", path, body).status_code == 403
    bad = call(world.operator, "POST", path, {**body, "severity": "huge"})
    assert bad.status_code == 422 and "severity" in bad.json()["error"]["fields"]
    decided = call(world.operator, "POST", path, body)
    assert decided.status_code == 200 and decided.json()["action"] == "suspension"
    appeal = f"/{incident.pk}/appeal"
    assert call(None, "POST", appeal, {"text": "x"}).status_code == 401
    assert call(world.other_seller_admin, "POST", appeal, {"text": "x"}).status_code == 404
    assert call(world.buyer, "POST", appeal, {"text": "x"}).status_code == 403  # not penalised
    assert call(world.seller_admin, "POST", appeal, {"text": "Force majeure."}).status_code == 200
    verdict = f"/{incident.pk}/decide-appeal"
    body = {"outcome": "OVERTURNED", "reasons": "Strike proved."}
    assert call(None, "POST", verdict, body).status_code == 401
    assert call(world.other_buyer, "POST", verdict, body).status_code == 404
    assert call(world.seller_admin, "POST", verdict, body).status_code == 403
    done = call(world.operator, "POST", verdict, body)
    assert done.status_code == 200 and done.json()["appeal_outcome"] == "OVERTURNED"
    world.seller_firm.refresh_from_db()
    assert world.seller_firm.suspended_until is None


def test_inc1_clock_escalation_shows_in_the_api(world):
    incident = raise_on_order(world)
    incidents_tick(now=incident.response_due_at)
    assert call(world.seller_admin, "GET", f"/{incident.pk}").json()["status"] == "ESCALATED"
