"""OUT-1 and OUT-2 pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.outreach import rules

D = dt.date


@pytest.mark.parametrize(
    ("registered_on", "how"),
    [
        (D(2026, 3, 9), rules.ATTRIBUTED),  # the day before
        (D(2026, 3, 10), rules.DURING),  # first day
        (D(2026, 3, 11), rules.DURING),  # last day
        (D(2026, 3, 12), rules.ATTRIBUTED),  # the day after
    ],
)
def test_out1_registrations_on_the_event_days_are_during_it(registered_on, how):
    decided = rules.attribution_how(
        registered_on=registered_on, starts_on=D(2026, 3, 10), ends_on=D(2026, 3, 11)
    )
    assert decided == how


def test_out1_event_dates_and_codes():
    assert rules.event_dates_are_valid(starts_on=D(2026, 1, 1), ends_on=D(2026, 1, 1))
    assert not rules.event_dates_are_valid(starts_on=D(2026, 1, 2), ends_on=D(2026, 1, 1))
    assert rules.event_code_is_valid("EV-ABC123")
    assert rules.event_code_is_valid("LKO2026")
    for bad in ("ab", "lowercase", "X" * 17, "SPACE X", "-ABC"):
        assert not rules.event_code_is_valid(bad)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("9876543210", "9876543210"),
        ("+91 98765 43210", "9876543210"),
        ("09876543210", "9876543210"),
        ("98765-43210", "9876543210"),
        ("5876543210", None),
        ("98765", None),
        ("abcdefghij", None),
    ],
)
def test_mobile_numbers(raw, clean):
    assert rules.mobile_normalise(raw) == clean


def test_out2_the_feedback_state_machine_is_the_table():
    assert rules.feedback_transition(status=rules.OPEN, action=rules.TAG).target == rules.TAGGED
    assert rules.feedback_transition(status=rules.TAGGED, action=rules.TAG).target == rules.TAGGED
    assert (
        rules.feedback_transition(status=rules.TAGGED, action=rules.RESPOND).target
        == rules.RESPONDED
    )
    assert (
        rules.feedback_transition(status=rules.RESPONDED, action=rules.CLOSE).target == rules.CLOSED
    )
    allowed = set(rules.FEEDBACK_TRANSITIONS)
    for status in (rules.OPEN, rules.TAGGED, rules.RESPONDED, rules.CLOSED):
        for action in (rules.TAG, rules.RESPOND, rules.CLOSE):
            decision = rules.feedback_transition(status=status, action=action)
            assert decision.allowed == ((status, action) in allowed)
            if not decision.allowed:
                assert decision.code == "outreach.feedback_bad_transition"
                assert decision.target == status
    assert rules.actions_available(status=rules.OPEN) == [rules.TAG]
    assert rules.actions_available(status=rules.TAGGED) == [rules.TAG, rules.RESPOND]
    assert rules.actions_available(status=rules.CLOSED) == []


def test_out2_median_response_hours():
    hours = [dt.timedelta(hours=h) for h in (1, 3, 10)]
    assert rules.median_hours(hours) == 3.0
    assert rules.median_hours([dt.timedelta(hours=1), dt.timedelta(hours=2)]) == 1.5
    assert rules.median_hours([]) is None
