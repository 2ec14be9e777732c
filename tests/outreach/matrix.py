"""Helpers for the outreach rows of the two authorization matrices
(`tests/api/test_authorization_matrix.py`, `tests/web/test_page_authorization.py`)."""

from __future__ import annotations

from typing import Any

from kraya.outreach import services
from kraya.outreach.models import Feedback
from tests.factories import World
from tests.outreach.conftest import make_event

# Operators only: a seller admin and a buyer are both refused with 403.
OPERATOR = {
    "other_organisation": "seller_admin",
    "wrong_role": "buyer",
    "right_role": "operator",
}


def event_code(world: World) -> str:
    return make_event(world.operator, code="MATRIX-1").code


def event_body(world: World) -> dict[str, Any]:
    return {
        "kind": "WORKSHOP",
        "title": "Matrix workshop",
        "state": "Uttar Pradesh",
        "district": "Aligarh",
        "starts_on": "2026-03-10",
        "ends_on": "2026-03-10",
        "target_segments": ["MSE"],
    }


def buyers_feedback(world: World, *, status: str = "OPEN") -> Feedback:
    """Feedback written by the buyer, moved on to `status` by the operator."""
    item = services.feedback_submit(acting_user=world.buyer, text="Payment is late.", language="en")
    if status in {"TAGGED", "RESPONDED"}:
        item = services.feedback_tag(acting_user=world.operator, feedback=item, topic="PAYMENT")
    if status == "RESPONDED":
        item = services.feedback_respond(
            acting_user=world.operator, feedback=item, response="Released today."
        )
    return item


def event_kwargs(world: World) -> dict[str, Any]:
    return {"code": event_code(world)}


def feedback_kwargs(world: World) -> dict[str, Any]:
    return {"feedback_id": buyers_feedback(world).pk}


def state_kwargs(world: World) -> dict[str, Any]:
    event_code(world)
    return {"state": "Uttar Pradesh"}
