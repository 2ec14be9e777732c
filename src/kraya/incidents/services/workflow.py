"""INC-1/INC-2 after raising: the respondent's response, resolution or
escalation, withdrawal by the raiser, the operator's show-cause notice and
the 5-day reply, the decision (severity → action, reasons) and the one
appeal. Each checks who acts here and moves the state through
`incident_transition` (row lock + audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kraya.core import clock
from kraya.core.display import format_ist
from kraya.core.policy import policy_at
from kraya.incidents import rules, states
from kraya.incidents.models import Incident, IncidentMessage
from kraya.incidents.services import actions
from kraya.incidents.services._common import (
    clean_text,
    conflict,
    denied,
    invalid,
    is_respondent,
    require_operator,
    require_raiser,
    require_respondent,
    visible,
)
from kraya.incidents.services.raising import DocumentInput, add_message, check_document
from kraya.incidents.services.transitions import incident_locked, incident_transition

MAX_SUSPENSION_DAYS = 365


def incident_policy(incident: Incident) -> Any:
    """The incidents policy in force on the day the incident was raised (IST)."""
    return policy_at(clock.to_ist(incident.raised_at).date()).incidents


@transaction.atomic
def incident_respond(
    *, acting_user: Any, incident: Incident, text: str, document: DocumentInput | None = None
) -> Incident:
    """INC-1: the other party answers within 7 days (after that the clock
    has escalated it and the operator's show-cause is the way to answer)."""
    actor = require_respondent(acting_user, incident)
    body = clean_text("text", text)
    check_document(document)
    incident = incident_transition(
        incident_id=incident.pk,
        event=states.RESPOND,
        actor=actor.user,
        changes={"responded_at": clock.now()},
    )
    add_message(
        incident=incident,
        kind=IncidentMessage.Kind.RESPONSE,
        author=actor.user,
        text=body,
        document=document,
    )
    return incident


@transaction.atomic
def incident_resolve(*, acting_user: Any, incident: Incident) -> Incident:
    """The raiser (or an operator) accepts the response: resolved."""
    actor = require_raiser(acting_user, incident, or_operator=True)
    return incident_transition(incident_id=incident.pk, event=states.RESOLVE, actor=actor.user)


@transaction.atomic
def incident_escalate(*, acting_user: Any, incident: Incident) -> Incident:
    """The raiser is not satisfied with the response (or an operator steps in)."""
    actor = require_raiser(acting_user, incident, or_operator=True)
    if incident.status == states.OPEN and not actor.is_operator:
        # INC-1: the respondent has its 7 days; the clock escalates after them.
        raise conflict("incidents.wrong_state", status=incident.get_status_display())
    return incident_transition(
        incident_id=incident.pk,
        event=states.ESCALATE,
        actor=actor.user,
        changes={"escalated_at": clock.now()},
        payload={"by": "operator" if actor.is_operator else "raiser"},
    )


@transaction.atomic
def incident_withdraw(*, acting_user: Any, incident: Incident) -> Incident:
    """The raiser withdraws before a decision."""
    actor = visible(acting_user, incident)
    if incident.raiser_side == Incident.Side.SYSTEM:
        if not actor.is_operator:
            raise denied("incidents.not_raiser")
    else:
        actor = require_raiser(acting_user, incident)
    return incident_transition(incident_id=incident.pk, event=states.WITHDRAW, actor=actor.user)


@transaction.atomic
def show_cause_issue(*, acting_user: Any, incident: Incident, text: str) -> Incident:
    """INC-1: an operator issues a show-cause notice; the reply is due in 5 days."""
    actor = require_operator(acting_user, incident)
    body = clean_text("text", text)
    now = clock.now()
    due = rules.reply_deadline(now, incident_policy(incident))
    return incident_transition(
        incident_id=incident.pk,
        event=states.SHOW_CAUSE_ISSUE,
        actor=actor.user,
        changes={"show_cause_at": now, "show_cause_text": body, "reply_due_at": due.due_at},
        payload={"reply_due_at": due.due_at.isoformat(), "clause": due.clause},
    )


@transaction.atomic
def show_cause_reply(
    *, acting_user: Any, incident: Incident, text: str, document: DocumentInput | None = None
) -> Incident:
    """INC-1: the respondent replies to the notice before it lapses."""
    actor = require_respondent(acting_user, incident)
    body = clean_text("text", text)
    check_document(document)
    locked = incident_locked(incident.pk)
    now = clock.now()
    if locked.status == states.SHOW_CAUSE and rules.is_overdue(locked.reply_due_at, now):
        assert locked.reply_due_at is not None
        raise conflict("incidents.reply_window_closed", due=format_ist(locked.reply_due_at))
    incident = incident_transition(incident_id=incident.pk, event=states.REPLY, actor=actor.user)
    add_message(
        incident=incident,
        kind=IncidentMessage.Kind.REPLY,
        author=actor.user,
        text=body,
        document=document,
    )
    return incident


def _checked_action(
    incident: Incident,
    *,
    severity: str,
    action: str | None,
    reasons: str,
    policy: Any,
    debarred_until: dt.datetime | None,
    suspension_days: int | None,
    now: dt.datetime,
) -> tuple[str, str, int]:
    if severity not in rules.SEVERITIES:
        raise invalid("severity", "incidents.unknown_severity")
    default = rules.default_action(severity, policy)
    chosen = action or default
    if chosen not in rules.ACTIONS:
        raise invalid("action", "incidents.unknown_action")
    if incident.respondent_firm_id is None and chosen not in rules.BUYER_ACTIONS:
        raise invalid("action", "incidents.action_not_for_buyer")
    text = clean_text("reasons", reasons, "incidents.reasons_required")
    days = suspension_days or policy.suspension_days_default
    if chosen == rules.SUSPENSION and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise invalid("suspension_days", "incidents.suspension_days")
    if chosen == rules.DEBARMENT and (debarred_until is None or debarred_until <= now):
        raise invalid("debarred_until", "incidents.debarment_until")
    return chosen, text, days


@transaction.atomic
def incident_decide(
    *,
    acting_user: Any,
    incident: Incident,
    severity: str,
    reasons: str,
    action: str | None = None,
    action_reason: str = "",
    suspension_days: int | None = None,
    debarred_until: dt.datetime | None = None,
) -> Incident:
    """INC-2: the operator sets the severity; the action is the policy's for
    it unless the operator chooses another with a reason; it takes effect at
    once and may be appealed once within the appeal window."""
    actor = require_operator(acting_user, incident)
    locked = incident_locked(incident.pk)
    if states.next_state(locked.status, states.DECIDE) is None:
        raise conflict("incidents.wrong_state", status=locked.get_status_display())
    now = clock.now()
    policy = incident_policy(locked)
    chosen, text, days = _checked_action(
        locked,
        severity=severity,
        action=action,
        reasons=reasons,
        policy=policy,
        debarred_until=debarred_until,
        suspension_days=suspension_days,
        now=now,
    )
    default = rules.default_action(severity, policy)
    if chosen != default:
        why = (action_reason or "").strip()
        if not why:
            raise invalid("action_reason", "incidents.other_action_reason", default=default)
        text = f"{text}\n\n{why}"
    until, effects = actions.apply_action(
        incident=locked,
        actor=actor,
        action=chosen,
        decided_at=now,
        suspension_days=days,
        debarred_until=debarred_until,
    )
    appeal = rules.appeal_deadline(now, policy)
    receipt = {
        "clause": "INC-2",
        "severity": severity,
        "default_action": default,
        "action": chosen,
        **policy_at(clock.to_ist(locked.raised_at).date()).receipt("incidents"),
    }
    return incident_transition(
        incident_id=locked.pk,
        event=states.DECIDE,
        actor=actor.user,
        changes={
            "severity": severity,
            "action": chosen,
            "action_reasons": text,
            "action_until": until,
            "action_effects": effects,
            "decided_at": now,
            "appeal_due_at": appeal.due_at,
            "receipts": [*locked.receipts, receipt],
        },
        payload={
            "severity": severity,
            "action": chosen,
            "default_action": default,
            "until": until.isoformat() if until else None,
            "appeal_due_at": appeal.due_at.isoformat(),
        },
    )


@transaction.atomic
def incident_appeal(
    *, acting_user: Any, incident: Incident, text: str, document: DocumentInput | None = None
) -> Incident:
    """INC-2: the penalised party appeals once, within the window."""
    actor = visible(acting_user, incident)
    if not is_respondent(actor, incident):
        raise denied("incidents.not_penalised")
    body = clean_text("text", text)
    check_document(document)
    locked = incident_locked(incident.pk)
    now = clock.now()
    if locked.status == states.DECIDED and rules.is_overdue(locked.appeal_due_at, now):
        assert locked.appeal_due_at is not None
        raise conflict("incidents.appeal_window_closed", due=format_ist(locked.appeal_due_at))
    incident = incident_transition(
        incident_id=incident.pk,
        event=states.APPEAL,
        actor=actor.user,
        changes={"appeal_text": body, "appealed_at": now},
    )
    add_message(
        incident=incident,
        kind=IncidentMessage.Kind.APPEAL,
        author=actor.user,
        text=body,
        document=document,
    )
    return incident


@transaction.atomic
def appeal_decide(*, acting_user: Any, incident: Incident, outcome: str, reasons: str) -> Incident:
    """INC-2: an operator upholds or overturns the decision; overturning lifts
    the action (what is restorable)."""
    actor = require_operator(acting_user, incident)
    if outcome not in Incident.AppealOutcome.values:
        raise invalid("outcome", "incidents.unknown_outcome")
    text = clean_text("reasons", reasons, "incidents.reasons_required")
    locked = incident_locked(incident.pk)
    if states.next_state(locked.status, states.DECIDE_APPEAL) is None:
        raise conflict("incidents.wrong_state", status=locked.get_status_display())
    lifted: dict[str, Any] = {}
    if outcome == Incident.AppealOutcome.OVERTURNED:
        lifted = actions.lift_action(incident=locked, actor=actor)
    changes: dict[str, Any] = {
        "appeal_outcome": outcome,
        "appeal_reasons": text,
        "appeal_decided_at": clock.now(),
    }
    if lifted:
        changes["action_effects"] = {**locked.action_effects, "lifted": lifted}
    return incident_transition(
        incident_id=locked.pk,
        event=states.DECIDE_APPEAL,
        actor=actor.user,
        changes=changes,
        payload={"outcome": outcome},
    )
