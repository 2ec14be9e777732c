"""Pure incident rules (no Django): deadlines and days left (INC-1), the
default action for a severity (INC-2), and when repeated auto-cancels raise a
system incident. Each decision carries the clause it applied."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

from kraya.core.policy.sections import Incidents

MILD: Final = "mild"
SERIOUS: Final = "serious"
SEVERE: Final = "severe"
GRAVE: Final = "grave"
SEVERITIES: Final = (MILD, SERIOUS, SEVERE, GRAVE)

WARNING: Final = "warning"
SUSPENSION: Final = "suspension"
CATALOGUE_REMOVAL: Final = "catalogue_removal"
DEBARMENT: Final = "debarment"
ACTIONS: Final = (WARNING, SUSPENSION, CATALOGUE_REMOVAL, DEBARMENT)
# A buyer office can only be warned: the other actions bar a seller firm.
BUYER_ACTIONS: Final = frozenset({WARNING})


@dataclass(frozen=True, slots=True)
class Deadline:
    due_at: dt.datetime
    clause: str


def response_deadline(raised_at: dt.datetime, policy: Incidents) -> Deadline:
    """INC-1: the other party has `response_days` (7) calendar days, then it escalates."""
    return Deadline(raised_at + dt.timedelta(days=policy.response_days), "INC-1")


def reply_deadline(notice_at: dt.datetime, policy: Incidents) -> Deadline:
    """INC-1: a show-cause notice gets `show_cause_reply_days` (5) for a reply."""
    return Deadline(notice_at + dt.timedelta(days=policy.show_cause_reply_days), "INC-1")


def appeal_deadline(decided_at: dt.datetime, policy: Incidents) -> Deadline:
    """INC-2 (provisional window): one appeal within `appeal_days` (15)."""
    return Deadline(decided_at + dt.timedelta(days=policy.appeal_days), "INC-2")


def is_overdue(due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A deadline has passed once `now` reaches it (exactly 7 days later escalates)."""
    return due_at is not None and now >= due_at


def days_left(due_at: dt.datetime, now: dt.datetime) -> int:
    """Whole days left before `due_at`, rounded up (0 once it has passed):
    a deadline 6 days and 1 hour away has 7 days left."""
    seconds = (due_at - now).total_seconds()
    return max(0, math.ceil(seconds / 86_400))


def default_action(severity: str, policy: Incidents) -> str:
    """INC-2: the action policy maps a severity to."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return str(getattr(policy.severity_actions, severity))


def suspension_end(start: dt.datetime, days: int) -> dt.datetime:
    return start + dt.timedelta(days=days)


def auto_cancels_raise_incident(count: int, policy: Incidents) -> bool:
    """ORD-3 + INC-1: `count` auto-cancelled orders within the window reach
    the threshold (3) for a system incident against the seller."""
    return count >= policy.auto_cancel_incident_threshold
