"""OPEN-2: the pure rules behind the statistics."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.insights import rules


def test_open2_fy_boundary_in_ist_same_utc_date():
    """31 Mar 23:59 IST and 1 Apr 00:01 IST are both 31 Mar in UTC, but in
    different financial years."""
    before = dt.datetime(2025, 3, 31, 23, 59, tzinfo=rules.IST)
    after = dt.datetime(2025, 4, 1, 0, 1, tzinfo=rules.IST)
    assert before.astimezone(dt.UTC).date() == after.astimezone(dt.UTC).date()
    assert (rules.month_of(before), rules.fy_of(before)) == (202503, 2024)
    assert (rules.month_of(after), rules.fy_of(after)) == (202504, 2025)


def test_open2_fy_boundary_utc_evening_is_next_ist_day():
    assert rules.fy_of(dt.datetime(2025, 3, 31, 18, 29, tzinfo=dt.UTC)) == 2024
    assert rules.fy_of(dt.datetime(2025, 3, 31, 18, 31, tzinfo=dt.UTC)) == 2025


def test_open2_fy_label_and_months():
    assert rules.fy_label(2024) == "2024-25"
    assert rules.fy_label(1999) == "1999-00"
    assert rules.fy_months(2024)[0] == 202404
    assert rules.fy_months(2024)[-1] == 202503
    assert len(rules.fy_months(2024)) == 12


def test_open2_naive_datetimes_refused():
    with pytest.raises(ValueError):
        rules.month_of(dt.datetime(2025, 3, 31))


@given(st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2090, 1, 1)))
def test_open2_fy_contains_its_month(moment):
    aware = moment.replace(tzinfo=dt.UTC)
    assert rules.month_of(aware) in rules.fy_months(rules.fy_of(aware))


def test_open2_declined_and_cancelled_do_not_count():
    assert not rules.counted("DECLINED")
    assert not rules.counted("CANCELLED")
    assert all(rules.counted(s) for s in ("PLACED", "ACCEPTED", "PAID", "BILLED"))


def test_segment_bits_and_compliance_mask():
    bits = rules.segment_bits(["MSE", "WOMAN", "GI"])
    assert rules.has_segment(bits, "MSE") and rules.has_segment(bits, "GI")
    assert not rules.has_segment(bits, "SC_ST")
    assert bits & rules.COMPLIANCE_MASK == rules.segment_bits(["MSE", "WOMAN"])


def test_share_percent():
    assert rules.share_percent(1, 3) == 33.3
    assert rules.share_percent(5, 0) is None


def test_bar_chart_scales_to_the_largest():
    chart = rules.bar_chart([("a", 50, "50"), ("b", 100, "100"), ("c", 0, "0")], height=220)
    heights = [bar.height for bar in chart.bars]
    assert heights[1] == chart.baseline - 16
    assert heights[0] == pytest.approx(heights[1] / 2, abs=0.1)
    assert heights[2] == 0
    assert rules.bar_chart([]).bars == ()
