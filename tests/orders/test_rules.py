"""The pure rules of fulfilment and payment (DOMAIN §9): deadlines (ORD-3,
ORD-5, ORD-7), liquidated damages (ORD-4), late-payment interest (ORD-7) and
the transaction charge (ORD-8), with the examples the sources give and the
invariants that must hold for every input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.core.policy import policy_at
from kraya.orders.rules import deadlines, money, states

IST = deadlines.IST
LAKH = 1_00_000_00


def ist(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=IST)


# --- ORD-3: the acceptance window in working days -------------------------------------


def test_ord3_two_working_days_skip_the_weekend() -> None:
    # Placed on Friday 4 Dec 2026 at 16:00 IST: Monday and Tuesday are the two
    # working days; the window ends at midnight IST after Tuesday.
    due = deadlines.acceptance_due(ist(2026, 12, 4, 16, 0), 2)
    assert due == ist(2026, 12, 9, 0, 0)
    # Placed on a Monday: Tuesday and Wednesday.
    assert deadlines.acceptance_due(ist(2026, 11, 30, 9, 0), 2) == ist(2026, 12, 3, 0, 0)


def test_ord3_gazetted_holidays_are_not_working_days() -> None:
    holidays = {dt.date(2026, 12, 7)}
    assert deadlines.acceptance_due(ist(2026, 12, 4, 16, 0), 2, holidays) == ist(2026, 12, 10)


def test_ord3_window_is_reckoned_in_ist_not_utc() -> None:
    # 20:00 UTC on Thursday 3 Dec is 01:30 IST on Friday 4 Dec.
    placed = dt.datetime(2026, 12, 3, 20, 0, tzinfo=dt.UTC)
    assert deadlines.acceptance_due(placed, 2) == ist(2026, 12, 9)


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 30))
def test_ord3_working_day_count_is_exact(start: dt.date, days: int) -> None:
    end = deadlines.add_working_days(start, days)
    between = [start + dt.timedelta(d) for d in range(1, (end - start).days + 1)]
    assert sum(deadlines.is_working_day(d) for d in between) == days
    assert deadlines.is_working_day(end)


# --- ORD-5 / ORD-7 windows --------------------------------------------------------------


def test_ord5_crac_window_is_ten_days_from_the_prc() -> None:
    prc = ist(2026, 12, 1, 11, 30)
    assert deadlines.window_end(prc, 10) == ist(2026, 12, 11, 11, 30)


def test_ord7_official_example_crac_day_1_paid_day_20_is_10_days_late() -> None:
    crac = ist(2026, 1, 1, 15, 0)
    last = deadlines.payment_last_day(crac, 10)
    assert last == dt.date(2026, 1, 10)
    assert deadlines.days_late(last, dt.date(2026, 1, 20)) == 10
    assert deadlines.days_late(last, dt.date(2026, 1, 10)) == 0


def test_days_left_counts_ist_calendar_days_and_flags_overdue() -> None:
    due = ist(2026, 12, 11, 0, 0)  # midnight: the last day is the 10th
    assert deadlines.days_left(due, ist(2026, 12, 8, 23, 0)).days == 2
    assert deadlines.days_left(due, ist(2026, 12, 10, 9, 0)).days == 0
    late = deadlines.days_left(due, ist(2026, 12, 12, 9, 0))
    assert late.overdue and late.days == -2


# --- ORD-4: liquidated damages --------------------------------------------------------


def ld(delayed: int, value: int, days: int) -> money.LiquidatedDamages:
    return money.liquidated_damages(
        delayed_value_paise=delayed,
        contract_value_paise=value,
        days_late=days,
        percent_per_week=Decimal("0.5"),
        cap_percent=Decimal("10"),
    )


def test_ord4_half_percent_per_week_or_part_of_a_week() -> None:
    assert ld(2 * LAKH, 2 * LAKH, 0).paise == 0
    assert ld(2 * LAKH, 2 * LAKH, 1).paise == 1_000_00  # part of a week: 0.5%
    assert ld(2 * LAKH, 2 * LAKH, 7).paise == 1_000_00
    assert ld(2 * LAKH, 2 * LAKH, 8).paise == 2_000_00  # ceil(8/7) = 2 weeks
    assert ld(2 * LAKH, 2 * LAKH, 8).weeks == 2


def test_ord4_capped_at_ten_percent_of_the_contract_value() -> None:
    # 30 weeks × 0.5% = 15% of the delayed value; the cap is 10% of the contract.
    capped = ld(2 * LAKH, 2 * LAKH, 30 * 7)
    assert capped.paise == 20_000_00 and capped.capped
    # The cap is on the contract value even when only part was delayed.
    assert ld(1 * LAKH, 10 * LAKH, 30 * 7).paise == 15_000_00


@given(
    st.integers(0, 10**12),
    st.integers(0, 10**12),
    st.integers(0, 3650),
)
def test_ord4_ld_never_exceeds_the_cap_and_grows_with_delay(
    delayed: int, extra: int, days: int
) -> None:
    value = delayed + extra
    first, later = ld(delayed, value, days), ld(delayed, value, days + 7)
    assert 0 <= first.paise <= later.paise
    assert later.paise <= round(value * Decimal("0.1")) + 1


# --- ORD-7: late-payment interest -----------------------------------------------------


def interest(principal: int, last: dt.date, on: dt.date, percent: str = "1") -> int:
    return money.late_payment_interest(
        principal_paise=principal,
        last_day=last,
        on=on,
        percent_per_month=Decimal(percent),
        days_per_month=30,
    ).paise


def test_ord7_official_example_three_lakh_ten_days_late_is_one_thousand() -> None:
    assert interest(3 * LAKH, dt.date(2026, 1, 10), dt.date(2026, 1, 20)) == 1_000_00


def test_ord7_forty_five_days_late() -> None:
    # 45/30 × 1% of ₹3 lakh = ₹4,500.
    assert interest(3 * LAKH, dt.date(2026, 1, 10), dt.date(2026, 2, 24)) == 4_500_00


def test_ord7_none_when_paid_in_time_or_before_october_2020() -> None:
    assert interest(3 * LAKH, dt.date(2026, 1, 10), dt.date(2026, 1, 10)) == 0
    old = policy_at(dt.date(2020, 9, 30)).orders.late_payment_interest_percent_per_month
    assert old == Decimal("0")
    assert interest(3 * LAKH, dt.date(2020, 9, 1), dt.date(2020, 12, 1), str(old)) == 0
    assert policy_at(dt.date(2020, 10, 1)).orders.late_payment_interest_percent_per_month == 1


@given(st.integers(0, 10**12), st.integers(0, 400), st.integers(0, 400))
def test_ord7_accruing_day_by_day_equals_accruing_at_once(
    principal: int, first: int, second: int
) -> None:
    last = dt.date(2026, 1, 10)
    middle, end = last + dt.timedelta(first), last + dt.timedelta(first + second)
    # The accrual posts total-to-date less what was posted: the parts always
    # add up to the whole, however the days are split.
    part1 = interest(principal, last, middle)
    part2 = interest(principal, last, end) - part1
    assert part2 >= 0 and part1 + part2 == interest(principal, last, end)


# --- ORD-8: the transaction charge ------------------------------------------------------


def charge(value: int) -> money.TransactionCharge:
    revenue = policy_at(dt.date(2026, 1, 1)).revenue
    return money.transaction_charge(
        order_value_paise=value,
        free_up_to_paise=revenue.transaction_charge_free_up_to_paise,
        percent=revenue.transaction_charge_percent,
        cap_paise=revenue.transaction_charge_cap_paise,
    )


def test_ord8_free_up_to_and_including_ten_lakh() -> None:
    assert charge(10 * LAKH).paise == 0
    assert charge(10 * LAKH + 1).paise == round((10 * LAKH + 1) * 0.003)


def test_ord8_point_three_percent_of_the_whole_value_capped_at_three_lakh() -> None:
    assert charge(20 * LAKH).paise == 6_000_00  # the source's example
    assert charge(1000 * LAKH).paise == 3 * LAKH and not charge(1000 * LAKH).capped
    assert charge(2000 * LAKH).paise == 3 * LAKH and charge(2000 * LAKH).capped


def test_ord8_no_charge_before_the_august_2024_policy() -> None:
    revenue = policy_at(dt.date(2024, 8, 8)).revenue
    assert revenue.transaction_charge_percent == 0


# --- the state machine ---------------------------------------------------------------


def test_every_state_is_reachable_and_final_states_have_no_way_out() -> None:
    reachable, frontier = {states.PLACED}, [states.PLACED]
    while frontier:
        state = frontier.pop()
        for (source, _event), target in states.TRANSITIONS.items():
            if source == state and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(states.STATES)
    assert not [key for key in states.TRANSITIONS if key[0] in states.FINAL]


@pytest.mark.parametrize(
    ("state", "event", "target"),
    [
        (states.PLACED, "accept", states.ACCEPTED),
        (states.PLACED, "auto_cancel", states.CANCELLED),
        (states.RECEIVED, "deem", states.CERTIFIED),
        (states.DELIVERED, "auto_certify", states.CERTIFIED),
        (states.REPLACEMENT_DUE, "dispatch", states.DISPATCHED),
        (states.BILLED, "pay", states.PAID),
        (states.RECEIVED, "cancel", None),  # goods received: no cancelling
        (states.PAID, "pay", None),
    ],
)
def test_transition_table(state: str, event: str, target: str | None) -> None:
    assert states.next_state(state, event) == target
