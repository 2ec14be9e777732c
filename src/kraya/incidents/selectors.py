"""Reads for incidents: an actor's incidents, one incident as its viewer may
see it (404 outside the parties and operators), its deadlines with days left
(INC-1), the open-incident flag of an order (ORD-5), and a seller firm's
public incident history (INC-2: decided incidents only, no messages)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kraya.accounts.selectors import Actor
from kraya.core import clock
from kraya.incidents import rules, states
from kraya.incidents.models import Incident
from kraya.incidents.services._common import BUYER_SIDE_ROLES, not_found
from kraya.incidents.services._common import may_see as _may_see


def _base() -> QuerySet[Incident]:
    return Incident.objects.select_related(
        "raised_by",
        "raiser_office",
        "raiser_firm",
        "respondent_office",
        "respondent_firm",
        "bid",
        "order",
        "offer__product",
    )


def incidents_for(*, actor: Actor) -> QuerySet[Incident]:
    """Every incident the actor is a party to (all of them for an operator)."""
    if actor.is_operator:
        return _base()
    offices = [
        m.buyer_unit_id
        for m in actor.memberships
        if m.buyer_unit_id is not None and m.role in BUYER_SIDE_ROLES
    ]
    firms = [m.seller_firm_id for m in actor.memberships if m.seller_firm_id is not None]
    return _base().filter(
        Q(raised_by=actor.user)
        | Q(raiser_office_id__in=offices)
        | Q(respondent_office_id__in=offices)
        | Q(raiser_firm_id__in=firms)
        | Q(respondent_firm_id__in=firms)
    )


def incident_get(*, actor: Actor, incident_id: int) -> Incident:
    incident = _base().filter(pk=incident_id).first()
    if incident is None or not _may_see(actor, incident):
        raise not_found()
    return incident


def order_has_open_incident(order_id: int) -> bool:
    """ORD-5: whether any incident against the order is undecided."""
    return Incident.objects.filter(
        order_id=order_id, status__in=sorted(states.OPEN_STATES)
    ).exists()


@dataclass(frozen=True, slots=True)
class DeadlineView:
    name: str  # response | reply | appeal
    due_at: dt.datetime
    days_left: int
    running: bool  # the step it waits for can still happen


def deadlines(incident: Incident, *, now: dt.datetime | None = None) -> list[DeadlineView]:
    """Each stored deadline with the whole days left (INC-1), for both sides."""
    moment = now or clock.now()
    rows = [
        ("response", incident.response_due_at, incident.status == states.OPEN),
        ("reply", incident.reply_due_at, incident.status == states.SHOW_CAUSE),
        ("appeal", incident.appeal_due_at, incident.status == states.DECIDED),
    ]
    return [
        DeadlineView(name, due, rules.days_left(due, moment), running and due > moment)
        for name, due, running in rows
        if due is not None
    ]


@dataclass(frozen=True)
class SellerHistory:
    """INC-2: what buyers see of a seller's incidents."""

    decided: list[Incident]
    by_severity: dict[str, int] = field(default_factory=dict)
    open_count: int = 0
    overturned_count: int = 0


def seller_history(*, firm_id: int, limit: int = 50) -> SellerHistory:
    """Decided incidents against the firm (number, date, severity, action,
    status) and counts; never messages, descriptions or who raised them."""
    decided_qs = Incident.objects.filter(
        respondent_firm_id=firm_id, status__in=sorted(states.DECIDED_STATES)
    ).order_by("-decided_at", "-id")
    decided = list(
        decided_qs.only(
            "number",
            "status",
            "severity",
            "action",
            "action_until",
            "decided_at",
            "appeal_outcome",
        )[:limit]
    )
    # An overturned decision is shown but not counted against the seller.
    standing = decided_qs.exclude(appeal_outcome=Incident.AppealOutcome.OVERTURNED)
    severities = Counter(standing.values_list("severity", flat=True))
    return SellerHistory(
        decided=decided,
        by_severity={s: severities.get(s, 0) for s in rules.SEVERITIES},
        open_count=Incident.objects.filter(
            respondent_firm_id=firm_id, status__in=sorted(states.OPEN_STATES)
        ).count(),
        overturned_count=decided_qs.filter(
            appeal_outcome=Incident.AppealOutcome.OVERTURNED
        ).count(),
    )
