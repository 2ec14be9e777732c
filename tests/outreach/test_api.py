"""The outreach API: shapes and behaviour (who may call what is in
tests/api/test_authorization_matrix.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from kraya.outreach.models import Attendance, Event, Feedback
from tests.outreach.conftest import make_event

pytestmark = pytest.mark.django_db
API = "/api/v1/outreach"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_out1_events_are_listed_and_paginated_publicly(world):
    for n in range(3):
        make_event(world.operator, code=f"EV-T{n}", district=f"D{n}")
    make_event(world.operator, code="PATNA-1", state="Bihar")
    first = _client().get(f"{API}/events?limit=2&state=Uttar Pradesh").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        _client()
        .get(
            f"{API}/events", {"limit": 2, "state": "Uttar Pradesh", "cursor": first["next_cursor"]}
        )
        .json()
    )
    codes = [e["code"] for e in first["items"] + rest["items"]]
    assert sorted(codes) == ["EV-T0", "EV-T1", "EV-T2"] and rest["next_cursor"] is None
    assert _client().get(f"{API}/events?cursor=junk").status_code == 422


def test_out1_the_event_summary_has_no_personal_data(world, event):
    _client(world.operator).post(
        f"{API}/events/{event.code}/attendance",
        {"attendees": [{"name": "Sunita Devi", "mobile": "9876543210", "attendee_type": "SELLER"}]},
        content_type="application/json",
    )
    response = _client().get(f"{API}/events/alg-2026")
    body = response.json()
    assert response.status_code == 200
    assert body["event"]["code"] == "ALG-2026"
    assert body["attendance"] == 1 and body["attendance_by_type"]["SELLER"] == 1
    assert [s["key"] for s in body["funnel"]] == [
        "registered",
        "listed",
        "offer_made",
        "first_order",
    ]
    assert body["funnel"][3]["count"] is None and "issue 7" in body["funnel"][3]["note"]
    assert "Sunita" not in response.content.decode() and "98765" not in response.content.decode()
    assert _client().get(f"{API}/events/NOPE").status_code == 404


def test_out1_an_operator_creates_and_updates_an_event(world):
    client = _client(world.operator)
    body = {
        "kind": "DISTRICT_CAMP",
        "title": "Tribal entrepreneurs camp",
        "title_hi": "जनजातीय उद्यमी शिविर",
        "state": "Jharkhand",
        "starts_on": "2026-05-02",
        "ends_on": "2026-05-03",
        "target_segments": ["TRIBAL", "SHG"],
        "code": "RANCHI-1",
    }
    created = client.post(f"{API}/events", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["target_segments"] == ["SHG", "TRIBAL"]
    body.update(district="Ranchi", ends_on="2026-05-01")
    refused = client.put(f"{API}/events/RANCHI-1", body, content_type="application/json")
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"ends_on"}
    body["ends_on"] = "2026-05-04"
    updated = client.put(f"{API}/events/RANCHI-1", body, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["district"] == "Ranchi"
    assert Event.objects.get().ends_on.isoformat() == "2026-05-04"


def test_out1_attendance_bad_lines_are_field_errors(world, event):
    response = _client(world.operator).post(
        f"{API}/events/{event.code}/attendance",
        {"attendees": [{"name": "A", "attendee_type": "SELLER", "mobile": "12"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "mobile": ["Enter a 10-digit Indian mobile number."]
    }
    assert Attendance.objects.count() == 0


def test_out1_the_state_view(world, event):
    body = _client().get(f"{API}/states/Uttar%20Pradesh").json()
    assert body["state"] == "Uttar Pradesh"
    assert body["districts"][0]["district"] == "Aligarh"
    assert body["districts"][0]["stages"]["first_order"] is None
    assert body["total"]["events"] == 1


def test_out2_feedback_round_trip(world, event):
    seller = _client(world.seller_admin)
    sent = seller.post(
        f"{API}/feedback",
        {"text": "पंजीकरण आसान नहीं था।", "language": "hi", "event": "alg-2026"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    item = sent.json()
    assert (item["side"], item["sentiment"], item["event"], item["status"]) == (
        "SELLER",
        "NEGATIVE",
        "ALG-2026",
        "OPEN",
    )
    operator = _client(world.operator)
    url = f"{API}/feedback/{item['id']}"
    assert (
        operator.post(
            f"{url}/respond", {"response": "x"}, content_type="application/json"
        ).status_code
        == 409
    )
    tagged = operator.post(f"{url}/tag", {"topic": "REGISTRATION"}, content_type="application/json")
    assert (
        tagged.json()["status"] == "TAGGED"
        and tagged.json()["author"] == world.seller_admin.username
    )
    operator.post(f"{url}/respond", {"response": "हम मदद करेंगे।"}, content_type="application/json")
    mine = seller.get(f"{API}/feedback/mine").json()["items"]
    assert [(f["status"], f["response"]) for f in mine] == [("RESPONDED", "हम मदद करेंगे।")]
    assert operator.post(f"{url}/close").json()["status"] == "CLOSED"
    summary = operator.get(f"{API}/feedback/summary?by=event").json()
    assert summary == [
        {
            "key": "ALG-2026",
            "label": "ALG-2026",
            "total": 1,
            "positive": 0,
            "neutral": 0,
            "negative": 1,
            "open": 0,
            "closed": 1,
            "median_response_hours": 0.0,
        }
    ]
    inbox = operator.get(f"{API}/feedback?status=CLOSED&topic=REGISTRATION").json()["items"]
    assert [f["id"] for f in inbox] == [item["id"]]


def test_out2_bad_feedback_input_is_422_not_500(world):
    client = _client(world.buyer)
    for body in (
        {"text": "x", "language": "fr"},
        {"text": "x" * 4001, "language": "en"},
        {"text": "ok", "language": "en", "event": "NO-SUCH"},
        {"text": "   ", "language": "en"},
        {"language": "en"},
    ):
        response = client.post(f"{API}/feedback", body, content_type="application/json")
        assert response.status_code == 422, body
    operator = _client(world.operator)
    assert operator.get(f"{API}/feedback/summary?by=weather").status_code == 422
    assert operator.get(f"{API}/feedback?status=LOST").status_code == 422
    assert (
        operator.post(
            f"{API}/feedback/999/tag", {"topic": "PAYMENT"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert Feedback.objects.count() == 0
