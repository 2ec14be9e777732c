"""The incident's state machine (DESIGN: one transition table per machine).
Pure: `kraya.incidents.services.transitions.incident_transition` is the one
place that applies a transition under the incident's row lock and audits it.

    OPEN --respond--> RESPONDED --resolve--> RESOLVED
    OPEN --escalate--> ESCALATED            (INC-1: the clock, 7 days unanswered;
    RESPONDED --escalate--> ESCALATED        or the raiser/an operator)
    ESCALATED --show_cause--> SHOW_CAUSE     (an operator; reply due in 5 days)
    SHOW_CAUSE --reply--> REPLIED
    SHOW_CAUSE --lapse--> REPLY_LAPSED       (the clock: no reply in 5 days)
    REPLIED | REPLY_LAPSED --decide--> DECIDED   (severity, action, reasons; INC-2)
    DECIDED --appeal--> APPEALED --decide_appeal--> APPEAL_DECIDED
    any state before DECIDED --withdraw--> WITHDRAWN   (the raiser)"""

from __future__ import annotations

from typing import Final

OPEN: Final = "OPEN"
RESPONDED: Final = "RESPONDED"
RESOLVED: Final = "RESOLVED"
ESCALATED: Final = "ESCALATED"
SHOW_CAUSE: Final = "SHOW_CAUSE"
REPLIED: Final = "REPLIED"
REPLY_LAPSED: Final = "REPLY_LAPSED"
DECIDED: Final = "DECIDED"
APPEALED: Final = "APPEALED"
APPEAL_DECIDED: Final = "APPEAL_DECIDED"
WITHDRAWN: Final = "WITHDRAWN"

STATES: Final = (
    OPEN,
    RESPONDED,
    RESOLVED,
    ESCALATED,
    SHOW_CAUSE,
    REPLIED,
    REPLY_LAPSED,
    DECIDED,
    APPEALED,
    APPEAL_DECIDED,
    WITHDRAWN,
)

# Undecided: an incident in one of these is "open" (ORD-5 holds the automatic
# CRAC of its order; one open system incident per firm).
OPEN_STATES: Final = frozenset({OPEN, RESPONDED, ESCALATED, SHOW_CAUSE, REPLIED, REPLY_LAPSED})
# A decision stands in these (the seller's public history, INC-2).
DECIDED_STATES: Final = frozenset({DECIDED, APPEALED, APPEAL_DECIDED})

RESPOND: Final = "respond"
RESOLVE: Final = "resolve"
ESCALATE: Final = "escalate"
SHOW_CAUSE_ISSUE: Final = "show_cause"
REPLY: Final = "reply"
LAPSE: Final = "lapse"
DECIDE: Final = "decide"
APPEAL: Final = "appeal"
DECIDE_APPEAL: Final = "decide_appeal"
WITHDRAW: Final = "withdraw"

TRANSITIONS: Final[dict[tuple[str, str], str]] = {
    (OPEN, RESPOND): RESPONDED,
    (OPEN, ESCALATE): ESCALATED,
    (RESPONDED, RESOLVE): RESOLVED,
    (RESPONDED, ESCALATE): ESCALATED,
    (ESCALATED, SHOW_CAUSE_ISSUE): SHOW_CAUSE,
    (SHOW_CAUSE, REPLY): REPLIED,
    (SHOW_CAUSE, LAPSE): REPLY_LAPSED,
    (REPLIED, DECIDE): DECIDED,
    (REPLY_LAPSED, DECIDE): DECIDED,
    (DECIDED, APPEAL): APPEALED,
    (APPEALED, DECIDE_APPEAL): APPEAL_DECIDED,
    **{(state, WITHDRAW): WITHDRAWN for state in sorted(OPEN_STATES)},
}


def next_state(state: str, event: str) -> str | None:
    """Where `event` takes an incident in `state`, or None when it may not happen."""
    return TRANSITIONS.get((state, event))
