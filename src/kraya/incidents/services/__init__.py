"""Incident services (INC-1, INC-2): one module per area, re-exported here."""

from kraya.incidents.services._common import MESSAGES, message
from kraya.incidents.services.clock import incidents_tick
from kraya.incidents.services.raising import (
    DocumentInput,
    incident_raise,
    incident_raise_system,
    raise_check,
)
from kraya.incidents.services.workflow import (
    appeal_decide,
    incident_appeal,
    incident_decide,
    incident_escalate,
    incident_policy,
    incident_resolve,
    incident_respond,
    incident_withdraw,
    show_cause_issue,
    show_cause_reply,
)

__all__ = [
    "MESSAGES",
    "DocumentInput",
    "appeal_decide",
    "incident_appeal",
    "incident_decide",
    "incident_escalate",
    "incident_policy",
    "incident_raise",
    "incident_raise_system",
    "incident_resolve",
    "incident_respond",
    "incident_withdraw",
    "incidents_tick",
    "message",
    "raise_check",
    "show_cause_issue",
    "show_cause_reply",
]
