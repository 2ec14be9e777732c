"""The incident state machine as data (INC-1, INC-2): every transition in
the table, and nothing else."""

from __future__ import annotations

from kraya.incidents import states


def test_inc1_inc2_transition_table_is_exactly_the_documented_machine() -> None:
    undecided = sorted(states.OPEN_STATES)
    expected = {
        (states.OPEN, "respond"): states.RESPONDED,
        (states.OPEN, "escalate"): states.ESCALATED,
        (states.RESPONDED, "resolve"): states.RESOLVED,
        (states.RESPONDED, "escalate"): states.ESCALATED,
        (states.ESCALATED, "show_cause"): states.SHOW_CAUSE,
        (states.SHOW_CAUSE, "reply"): states.REPLIED,
        (states.SHOW_CAUSE, "lapse"): states.REPLY_LAPSED,
        (states.REPLIED, "decide"): states.DECIDED,
        (states.REPLY_LAPSED, "decide"): states.DECIDED,
        (states.DECIDED, "appeal"): states.APPEALED,
        (states.APPEALED, "decide_appeal"): states.APPEAL_DECIDED,
        **{(state, "withdraw"): states.WITHDRAWN for state in undecided},
    }
    assert expected == states.TRANSITIONS


def test_inc2_no_withdrawal_or_second_appeal_after_a_decision() -> None:
    for state in (states.DECIDED, states.APPEALED, states.APPEAL_DECIDED, states.RESOLVED):
        assert states.next_state(state, states.WITHDRAW) is None
    assert states.next_state(states.APPEAL_DECIDED, states.APPEAL) is None
    assert states.next_state(states.OPEN, states.DECIDE) is None
    for state in (states.RESOLVED, states.WITHDRAWN, states.APPEAL_DECIDED):
        assert not any(s == state for s, _event in states.TRANSITIONS)
