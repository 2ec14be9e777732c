"""Pure incident rules (INC-1 deadlines and days left, INC-2 severities)."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.core.policy import policy_at
from kraya.incidents import rules


@pytest.fixture
def incidents(settings):
    return policy_at(dt.date(2026, 1, 1)).incidents


AT = dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.UTC)


def test_inc1_response_due_7_days_reply_due_5_days_appeal_15(incidents) -> None:
    assert rules.response_deadline(AT, incidents).due_at == AT + dt.timedelta(days=7)
    assert rules.reply_deadline(AT, incidents).due_at == AT + dt.timedelta(days=5)
    assert rules.appeal_deadline(AT, incidents).due_at == AT + dt.timedelta(days=15)
    assert rules.response_deadline(AT, incidents).clause == "INC-1"


def test_inc1_overdue_exactly_at_the_deadline_not_a_second_before() -> None:
    due = AT + dt.timedelta(days=7)
    assert not rules.is_overdue(due, due - dt.timedelta(seconds=1))
    assert rules.is_overdue(due, due)
    assert not rules.is_overdue(None, due)


def test_inc1_days_left_round_up_and_stop_at_zero() -> None:
    due = AT + dt.timedelta(days=7)
    assert rules.days_left(due, AT) == 7
    assert rules.days_left(due, AT + dt.timedelta(hours=1)) == 7
    assert rules.days_left(due, AT + dt.timedelta(days=6, hours=23)) == 1
    assert rules.days_left(due, due) == 0
    assert rules.days_left(due, due + dt.timedelta(days=3)) == 0


def test_inc2_each_severity_maps_to_the_policy_action(incidents) -> None:
    assert [rules.default_action(s, incidents) for s in rules.SEVERITIES] == [
        "warning",
        "suspension",
        "catalogue_removal",
        "debarment",
    ]
    with pytest.raises(ValueError):
        rules.default_action("catastrophic", incidents)


def test_inc1_three_auto_cancels_raise_a_system_incident(incidents) -> None:
    assert incidents.auto_cancel_incident_threshold == 3
    assert incidents.auto_cancel_window_days == 90
    assert not rules.auto_cancels_raise_incident(2, incidents)
    assert rules.auto_cancels_raise_incident(3, incidents)
