"""OUT-2: feedback visibility and the summaries per state, event and topic."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.accounts.selectors import actor_for
from kraya.core import clock
from kraya.core.errors import NotFound, PermissionDenied
from kraya.outreach import selectors, services
from kraya.outreach.models import Feedback
from tests.factories import make_seller_firm
from tests.outreach.conftest import make_event

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 4, 30, tzinfo=dt.UTC)


def _submit(user, text, *, event=None, at=T0):
    with clock.frozen_at(at):
        return services.feedback_submit(acting_user=user, text=text, language="en", event=event)


def _answer(operator, item, *, topic, after_hours, close=False):
    with clock.frozen_at(item.created_at + dt.timedelta(hours=after_hours)):
        item = services.feedback_tag(acting_user=operator, feedback=item, topic=topic)
        item = services.feedback_respond(acting_user=operator, feedback=item, response="Noted.")
        if close:
            item = services.feedback_close(acting_user=operator, feedback=item)
    return item


@pytest.fixture
def summary_world(world):
    op = world.operator
    event = make_event(op, code="ALG-1")
    _bihar_firm, bihar_admin = make_seller_firm(state="Bihar")
    items = [
        _submit(world.buyer, "Payment is delayed, very bad."),  # UP, negative
        _submit(world.seller_admin, "Excellent workshop, very helpful.", event=event),  # positive
        _submit(world.seller_catalogue, "I attended the session.", event=event),  # neutral
        _submit(bihar_admin, "Registration was easy."),  # Bihar, positive
    ]
    _answer(op, items[0], topic="PAYMENT", after_hours=2, close=True)
    _answer(op, items[1], topic="TRAINING", after_hours=10)
    _answer(op, items[3], topic="REGISTRATION", after_hours=5, close=True)
    return world


def _rows(actor, by):
    return {
        row.key: (
            row.total,
            row.positive,
            row.neutral,
            row.negative,
            row.open,
            row.closed,
            row.median_response_hours,
        )
        for row in selectors.feedback_summary(actor=actor, by=by)
    }


def test_out2_summary_per_state(summary_world):
    operator = actor_for(user=summary_world.operator)
    assert _rows(operator, "state") == {
        "Uttar Pradesh": (3, 1, 1, 1, 2, 1, 6.0),
        "Bihar": (1, 1, 0, 0, 0, 1, 5.0),
    }


def test_out2_summary_per_event_and_topic(summary_world):
    operator = actor_for(user=summary_world.operator)
    assert _rows(operator, "event") == {
        "ALG-1": (2, 1, 1, 0, 2, 0, 10.0),
        "": (2, 1, 0, 1, 0, 2, 3.5),
    }
    by_topic = _rows(operator, "topic")
    assert by_topic == {
        "PAYMENT": (1, 0, 0, 1, 0, 1, 2.0),
        "TRAINING": (1, 1, 0, 0, 1, 0, 10.0),
        "REGISTRATION": (1, 1, 0, 0, 0, 1, 5.0),
        "": (1, 0, 1, 0, 1, 0, None),
    }
    labels = {
        row.key: str(row.label) for row in selectors.feedback_summary(actor=operator, by="topic")
    }
    assert labels["PAYMENT"] == "Payment" and labels[""] == "Not tagged"


def test_out2_summaries_and_inbox_are_for_operators(summary_world):
    buyer = actor_for(user=summary_world.buyer)
    with pytest.raises(PermissionDenied):
        selectors.feedback_summary(actor=buyer, by="state")
    with pytest.raises(PermissionDenied):
        selectors.feedback_inbox(actor=buyer)
    operator = actor_for(user=summary_world.operator)
    with pytest.raises(NotFound):
        selectors.feedback_summary(actor=operator, by="weather")
    assert selectors.feedback_inbox(actor=operator).count() == 4
    assert selectors.feedback_inbox(actor=operator, status="CLOSED").count() == 2
    assert selectors.feedback_inbox(actor=operator, sentiment="NEGATIVE").count() == 1
    assert selectors.feedback_inbox(actor=operator, state="bihar").count() == 1
    assert selectors.feedback_inbox(actor=operator, topic="TRAINING").count() == 1


def test_out2_feedback_is_seen_by_its_author_and_operators(summary_world):
    item = Feedback.objects.get(author=summary_world.buyer)
    assert selectors.feedback_get(actor=actor_for(user=summary_world.buyer), feedback_id=item.pk)
    assert selectors.feedback_get(actor=actor_for(user=summary_world.operator), feedback_id=item.pk)
    for other in (summary_world.consignee, summary_world.other_buyer, summary_world.seller_admin):
        with pytest.raises(NotFound):
            selectors.feedback_get(actor=actor_for(user=other), feedback_id=item.pk)
    mine = selectors.feedback_of_author(actor=actor_for(user=summary_world.buyer))
    assert [f.pk for f in mine] == [item.pk]
