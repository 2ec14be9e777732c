"""Pure outreach decisions (DOMAIN §12, OUT-1 and OUT-2). No Django here:
plain values in, decisions out, each citing its rule."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

# --- events (OUT-1) -----------------------------------------------------------------

WORKSHOP = "WORKSHOP"
SAMVAD = "SAMVAD"
DISTRICT_CAMP = "DISTRICT_CAMP"
GEM_EVENT = "GEM_EVENT"

DURING = "DURING"
ATTRIBUTED = "ATTRIBUTED"

SELLER = "SELLER"
BUYER = "BUYER"
OTHER = "OTHER"

# An event code is short, printable on a banner and typed on a phone.
EVENT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,15}$")
MOBILE_RE = re.compile(r"^[6-9]\d{9}$")


def event_code_is_valid(code: str) -> bool:
    return bool(EVENT_CODE_RE.match(code))


def mobile_normalise(mobile: str) -> str | None:
    """A 10-digit Indian mobile number (with an optional +91 or 0 in front),
    or None when it is not one."""
    digits = re.sub(r"[\s-]", "", mobile)
    if digits.startswith("+91"):
        digits = digits[3:]
    elif digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    return digits if MOBILE_RE.match(digits) else None


def event_dates_are_valid(*, starts_on: dt.date, ends_on: dt.date) -> bool:
    return ends_on >= starts_on


def attribution_how(*, registered_on: dt.date, starts_on: dt.date, ends_on: dt.date) -> str:
    """OUT-1: a registration made on the event's days through its on-the-spot
    link counts as made DURING the event; any other is ATTRIBUTED to it."""
    return DURING if starts_on <= registered_on <= ends_on else ATTRIBUTED


# --- feedback (OUT-2) -------------------------------------------------------------------

OPEN = "OPEN"
TAGGED = "TAGGED"
RESPONDED = "RESPONDED"
CLOSED = "CLOSED"

TAG = "tag"
RESPOND = "respond"
CLOSE = "close"

# OUT-2: each item is tracked to a response. The whole state machine: an
# operator tags the topic (and may re-tag until answering), responds, then
# closes. Nothing else changes a feedback's status.
FEEDBACK_TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, TAG): TAGGED,
    (TAGGED, TAG): TAGGED,
    (TAGGED, RESPOND): RESPONDED,
    (RESPONDED, CLOSE): CLOSED,
}


@dataclass(frozen=True)
class TransitionDecision:
    allowed: bool
    target: str
    code: str = ""
    rule: str = "OUT-2"


def feedback_transition(*, status: str, action: str) -> TransitionDecision:
    target = FEEDBACK_TRANSITIONS.get((status, action))
    if target is None:
        return TransitionDecision(False, status, "outreach.feedback_bad_transition")
    return TransitionDecision(True, target)


def actions_available(*, status: str) -> list[str]:
    """The actions an operator may take on a feedback in `status`, in order."""
    return [action for (source, action) in FEEDBACK_TRANSITIONS if source == status]


def median_hours(durations: Iterable[dt.timedelta]) -> float | None:
    """OUT-2 summaries: the median time to respond, in hours (None when no
    feedback has been answered yet)."""
    hours = [d.total_seconds() / 3600 for d in durations]
    if not hours:
        return None
    return round(statistics.median(hours), 1)
