"""Incident services on a real database (INC-1, INC-2), with the clock
moved, never slept: numbering, the 7-day escalation, the 5-day show-cause
lapse, the decision and its effects, the appeal, withdrawal, the order's
open-incident flag (ORD-5) and system incidents after repeated auto-cancels."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kraya.accounts.models import SellerFirm
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, ValidationFailed
from kraya.incidents import selectors, services, states
from kraya.incidents.handlers import on_order_auto_cancelled
from kraya.incidents.models import Incident
from kraya.orders.models import Order
from tests.incidents.factory import escalated, make_order, raise_on_order, replied

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


def _status(incident: Incident) -> str:
    return Incident.objects.get(pk=incident.pk).status


def test_inc1_raise_numbers_the_incident_sets_the_7_day_deadline_and_audits(world):
    order = make_order(world)
    incident = raise_on_order(world, order=order)
    year = clock.to_ist(incident.raised_at).year
    assert re.fullmatch(rf"KRY/I/{year}/\d{{6}}", incident.number)
    second = raise_on_order(world)
    assert int(second.number[-6:]) == int(incident.number[-6:]) + 1
    assert incident.status == states.OPEN
    assert incident.raiser_side == Incident.Side.BUYER
    assert incident.respondent_firm == world.seller_firm
    assert incident.raiser_office == world.office
    assert incident.response_due_at == incident.raised_at + 7 * DAY
    assert incident.policy_version
    assert incident.receipts[0]["clause"] == "INC-1"
    event = AuditEvent.objects.get(action="incidents.raise", object_id=str(incident.pk))
    assert event.payload["respondent_firm"] == world.seller_firm.pk
    # ORD-5: the order now has an open incident.
    assert Order.objects.get(pk=order.pk).has_open_incident
    assert selectors.order_has_open_incident(order.pk)


def test_inc1_escalates_exactly_7_days_after_raising_not_before(world):
    incident = raise_on_order(world)
    due = incident.raised_at + 7 * DAY
    assert services.incidents_tick(now=due - SECOND)["escalated"] == 0
    assert _status(incident) == states.OPEN
    assert services.incidents_tick(now=due)["escalated"] == 1
    assert _status(incident) == states.ESCALATED
    # Idempotent: a second tick finds nothing to do.
    assert services.incidents_tick(now=due + DAY)["escalated"] == 0
    assert AuditEvent.objects.filter(action="incidents.escalate").count() == 1


def test_inc1_a_response_within_7_days_stops_the_escalation(world):
    incident = raise_on_order(world)
    with clock.frozen_at(incident.raised_at + 6 * DAY):
        services.incident_respond(
            acting_user=world.seller_admin, incident=incident, text="Dispatched today."
        )
    assert services.incidents_tick(now=incident.raised_at + 8 * DAY)["escalated"] == 0
    assert _status(incident) == states.RESPONDED
    services.incident_resolve(acting_user=world.buyer, incident=incident)
    assert _status(incident) == states.RESOLVED
    # ORD-5: closed, so the order no longer has an open incident.
    assert not Order.objects.get(pk=incident.order_id).has_open_incident


def test_inc1_show_cause_reply_lapses_exactly_5_days_after_the_notice(world):
    incident = escalated(world)
    notice_at = incident.response_due_at + DAY
    with clock.frozen_at(notice_at):
        services.show_cause_issue(acting_user=world.operator, incident=incident, text="Explain.")
    incident.refresh_from_db()
    assert incident.reply_due_at == notice_at + 5 * DAY
    assert services.incidents_tick(now=notice_at + 5 * DAY - SECOND)["lapsed"] == 0
    assert _status(incident) == states.SHOW_CAUSE
    assert services.incidents_tick(now=notice_at + 5 * DAY)["lapsed"] == 1
    assert _status(incident) == states.REPLY_LAPSED
    # A late reply is refused with the state.
    with pytest.raises(Conflict) as info:
        services.show_cause_reply(acting_user=world.seller_admin, incident=incident, text="Late")
    assert info.value.code == "incidents.wrong_state"


def test_inc1_a_reply_after_the_window_but_before_the_tick_is_refused(world):
    incident = escalated(world)
    services.show_cause_issue(acting_user=world.operator, incident=incident, text="Explain.")
    incident.refresh_from_db()
    assert incident.reply_due_at is not None
    with clock.frozen_at(incident.reply_due_at), pytest.raises(Conflict) as info:
        services.show_cause_reply(acting_user=world.seller_admin, incident=incident, text="Late")
    assert info.value.code == "incidents.reply_window_closed"


def test_inc1_deadlines_show_days_left_to_both_sides(world):
    incident = raise_on_order(world)
    shown = selectors.deadlines(incident, now=incident.raised_at + 2 * DAY + dt.timedelta(hours=1))
    assert [(d.name, d.days_left, d.running) for d in shown] == [("response", 5, True)]


def test_inc2_mild_defaults_to_a_warning_recorded_only(world):
    incident = replied(world)
    decided = services.incident_decide(
        acting_user=world.operator, incident=incident, severity="mild", reasons="First lapse."
    )
    assert (decided.status, decided.severity, decided.action) == ("DECIDED", "mild", "warning")
    assert decided.appeal_due_at == decided.decided_at + 15 * DAY
    assert not SellerFirm.objects.get(pk=world.seller_firm.pk).is_barred()
    event = AuditEvent.objects.get(action="incidents.decide", object_id=str(incident.pk))
    assert event.payload["default_action"] == "warning"
    assert decided.receipts[-1]["clause"] == "INC-2"


def test_inc2_serious_suspends_30_days_then_the_bar_ends(world):
    incident = replied(world)
    decided = services.incident_decide(
        acting_user=world.operator, incident=incident, severity="serious", reasons="Repeated."
    )
    assert decided.action == "suspension"
    assert decided.action_until == decided.decided_at + 30 * DAY
    firm = SellerFirm.objects.get(pk=world.seller_firm.pk)
    assert firm.suspended_until == decided.action_until
    assert firm.is_barred(decided.decided_at + 29 * DAY)
    assert not firm.is_barred(decided.decided_at + 30 * DAY)
    assert services.incidents_tick(now=decided.decided_at + 30 * DAY)["bars_ended"] == 1
    assert services.incidents_tick(now=decided.decided_at + 31 * DAY)["bars_ended"] == 0


def test_inc2_another_action_than_the_policys_needs_a_reason(world):
    incident = replied(world)
    with pytest.raises(ValidationFailed) as info:
        services.incident_decide(
            acting_user=world.operator,
            incident=incident,
            severity="mild",
            action="suspension",
            reasons="Bad.",
        )
    assert set(info.value.fields) == {"action_reason"}
    decided = services.incident_decide(
        acting_user=world.operator,
        incident=incident,
        severity="mild",
        action="suspension",
        action_reason="Third warning this year.",
        suspension_days=10,
        reasons="Bad.",
    )
    assert decided.action_until == decided.decided_at + 10 * DAY
    assert "Third warning this year." in decided.action_reasons


def test_inc2_grave_debars_until_the_date_and_an_overturned_appeal_lifts_it(world):
    incident = replied(world)
    until = clock.now() + 365 * DAY
    with pytest.raises(ValidationFailed) as info:
        services.incident_decide(
            acting_user=world.operator, incident=incident, severity="grave", reasons="Fraud."
        )
    assert set(info.value.fields) == {"debarred_until"}
    decided = services.incident_decide(
        acting_user=world.operator,
        incident=incident,
        severity="grave",
        reasons="Fraud.",
        debarred_until=until,
    )
    assert decided.action == "debarment"
    assert SellerFirm.objects.get(pk=world.seller_firm.pk).debarred_until == until
    services.incident_appeal(
        acting_user=world.seller_admin, incident=decided, text="The invoice was genuine."
    )
    overturned = services.appeal_decide(
        acting_user=world.operator, incident=decided, outcome="OVERTURNED", reasons="Proved."
    )
    assert overturned.status == states.APPEAL_DECIDED
    assert SellerFirm.objects.get(pk=world.seller_firm.pk).debarred_until is None
    assert AuditEvent.objects.filter(action="incidents.action_lifted").count() == 1
    # One appeal only.
    with pytest.raises(Conflict):
        services.incident_appeal(acting_user=world.seller_admin, incident=decided, text="Again")


def test_inc2_appeal_window_closes_after_15_days(world):
    incident = replied(world)
    decided = services.incident_decide(
        acting_user=world.operator, incident=incident, severity="mild", reasons="Noted."
    )
    assert decided.appeal_due_at is not None
    with clock.frozen_at(decided.appeal_due_at), pytest.raises(Conflict) as info:
        services.incident_appeal(acting_user=world.seller_admin, incident=decided, text="Late")
    assert info.value.code == "incidents.appeal_window_closed"


def test_inc2_upheld_appeal_keeps_the_suspension(world):
    incident = replied(world)
    decided = services.incident_decide(
        acting_user=world.operator, incident=incident, severity="serious", reasons="Late again."
    )
    services.incident_appeal(acting_user=world.seller_admin, incident=decided, text="Unfair.")
    services.appeal_decide(
        acting_user=world.operator, incident=decided, outcome="UPHELD", reasons="Records."
    )
    assert SellerFirm.objects.get(pk=world.seller_firm.pk).suspended_until == decided.action_until


def test_inc2_a_buyer_office_can_only_be_warned(world):
    order = make_order(world)
    incident = services.incident_raise(
        acting_user=world.seller_admin,
        order=order,
        category=Incident.Category.PAYMENT,
        description="Not paid 30 days after CRAC.",
    )
    assert incident.respondent_office == world.office
    services.incidents_tick(now=incident.response_due_at)
    services.show_cause_issue(acting_user=world.operator, incident=incident, text="Explain.")
    services.show_cause_reply(acting_user=world.buyer, incident=incident, text="Budget delay.")
    with pytest.raises(ValidationFailed) as info:
        services.incident_decide(
            acting_user=world.operator, incident=incident, severity="serious", reasons="Late."
        )
    assert info.value.code == "incidents.action_not_for_buyer"


def test_inc1_the_raiser_withdraws_before_a_decision_only(world):
    incident = raise_on_order(world)
    services.incident_withdraw(acting_user=world.buyer, incident=incident)
    assert _status(incident) == states.WITHDRAWN
    assert not Order.objects.get(pk=incident.order_id).has_open_incident
    decided = replied(world)
    services.incident_decide(
        acting_user=world.operator, incident=decided, severity="mild", reasons="Noted."
    )
    with pytest.raises(Conflict):
        services.incident_withdraw(acting_user=world.buyer, incident=decided)


def _auto_cancel(world, firm):
    return make_order(
        world,
        seller_firm=firm,
        status=Order.Status.CANCELLED,
        closed_at=clock.now(),
        closed_by_side="SYSTEM",
        close_reason="ORD-3",
    )


def test_inc1_system_incident_after_3_auto_cancels_in_90_days_once(world):
    firm = world.seller_firm
    orders = [_auto_cancel(world, firm) for _ in range(2)]
    on_order_auto_cancelled({"order_id": orders[-1].pk, "seller_firm_id": firm.pk})
    assert not Incident.objects.filter(raiser_side=Incident.Side.SYSTEM).exists()
    third = _auto_cancel(world, firm)
    on_order_auto_cancelled({"order_id": third.pk, "seller_firm_id": firm.pk})
    incident = Incident.objects.get(raiser_side=Incident.Side.SYSTEM)
    assert incident.respondent_firm == firm
    assert incident.raised_by is None
    assert incident.category == Incident.Category.AUTO_CANCELS
    assert incident.order == third
    # Re-delivery and a fourth cancel while it is open: still one.
    on_order_auto_cancelled({"order_id": third.pk, "seller_firm_id": firm.pk})
    fourth = _auto_cancel(world, firm)
    on_order_auto_cancelled({"order_id": fourth.pk, "seller_firm_id": firm.pk})
    assert Incident.objects.filter(raiser_side=Incident.Side.SYSTEM).count() == 1


def test_inc1_auto_cancels_older_than_90_days_do_not_count(world):
    firm = world.seller_firm
    old = [_auto_cancel(world, firm) for _ in range(2)]
    Order.objects.filter(pk__in=[o.pk for o in old]).update(
        closed_at=clock.now() - dt.timedelta(days=91)
    )
    latest = _auto_cancel(world, firm)
    on_order_auto_cancelled({"order_id": latest.pk, "seller_firm_id": firm.pk})
    assert not Incident.objects.filter(raiser_side=Incident.Side.SYSTEM).exists()


def test_inc1_the_respondent_is_notified_on_raise_and_both_sides_on_escalation(world):
    from kraya.core import outbox
    from kraya.notifications.models import Notification

    incident = raise_on_order(world)
    outbox.dispatch(limit=1000)
    raised = set(
        Notification.objects.filter(kind="incidents.raised").values_list("user", flat=True)
    )
    assert world.seller_admin.pk in raised and world.buyer.pk not in raised
    services.incidents_tick(now=incident.response_due_at)
    outbox.dispatch(limit=1000, now=incident.response_due_at)
    told = set(
        Notification.objects.filter(kind="incidents.escalated").values_list("user", flat=True)
    )
    assert {world.seller_admin.pk, world.buyer.pk} <= told
    assert world.other_buyer.pk not in told


def test_inc1_the_outbox_delivers_auto_cancels_to_the_system_incident_handler(world):
    from django.db import transaction

    from kraya.core import outbox

    orders = [_auto_cancel(world, world.seller_firm) for _ in range(3)]
    with transaction.atomic():
        for order in orders:
            outbox.emit(
                "orders.auto_cancelled",
                {"order_id": order.pk, "seller_firm_id": world.seller_firm.pk},
                key=f"orders.auto_cancelled:{order.pk}",
            )
    outbox.dispatch(limit=100)
    incident = Incident.objects.get(raiser_side=Incident.Side.SYSTEM)
    assert incident.respondent_firm == world.seller_firm


def test_inc1_on_a_bid_the_buyer_names_a_bidder_and_a_bidder_raises_against_the_office(world):
    from kraya.core.errors import PermissionDenied
    from tests.bids.factory import make_bid, make_submission

    bid = make_bid(world)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_000_00})
    values = {"bid": bid, "category": "BID_CONDUCT", "description": "Forged experience."}
    with pytest.raises(ValidationFailed) as info:
        services.incident_raise(acting_user=world.buyer, **values)
    assert set(info.value.fields) == {"respondent_firm"}
    with pytest.raises(ValidationFailed) as info:
        services.incident_raise(
            acting_user=world.buyer, respondent_firm=world.other_seller_firm, **values
        )
    assert info.value.code == "incidents.respondent_not_bidder"
    against_bidder = services.incident_raise(
        acting_user=world.buyer, respondent_firm=world.seller_firm, **values
    )
    assert against_bidder.respondent_firm == world.seller_firm
    by_bidder = services.incident_raise(acting_user=world.seller_admin, **values)
    assert (by_bidder.raiser_side, by_bidder.respondent_office) == ("SELLER", world.office)
    # A firm that did not bid sees the published bid but is no party to it.
    with pytest.raises(PermissionDenied):
        services.incident_raise(acting_user=world.other_seller_admin, **values)
    assert Incident.objects.filter(bid=bid).count() == 2
