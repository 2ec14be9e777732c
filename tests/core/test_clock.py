"""The clock: times are aware UTC, shown in IST; tests freeze it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kraya.core import clock

UTC = dt.UTC


def test_now_is_aware_utc_and_current():
    before = dt.datetime.now(tz=UTC)
    moment = clock.now()
    after = dt.datetime.now(tz=UTC)
    assert moment.utcoffset() == dt.timedelta(0)
    assert before <= moment <= after


def test_frozen_at_stops_the_clock_in_utc_and_restores_it():
    ist_noon = dt.datetime(2024, 8, 9, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    with clock.frozen_at(ist_noon):
        assert clock.now() == dt.datetime(2024, 8, 9, 6, 30, tzinfo=UTC)
        assert clock.now().utcoffset() == dt.timedelta(0)
        with clock.frozen_at(dt.datetime(2030, 1, 1, tzinfo=UTC)):
            assert clock.now().year == 2030
        assert clock.now() == dt.datetime(2024, 8, 9, 6, 30, tzinfo=UTC)
    assert abs(clock.now() - dt.datetime.now(tz=UTC)) < dt.timedelta(seconds=5)


def test_frozen_at_restores_the_clock_after_an_error():
    with pytest.raises(RuntimeError), clock.frozen_at(dt.datetime(2001, 1, 1, tzinfo=UTC)):
        raise RuntimeError("boom")
    assert clock.now().year >= 2024


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"), clock.frozen_at(dt.datetime(2024, 1, 1)):
        pass
    with pytest.raises(ValueError, match="naive"):
        clock.to_ist(dt.datetime(2024, 1, 1))


def test_to_ist_shows_the_same_instant_at_plus_five_thirty():
    stored = dt.datetime(2026, 11, 22, 8, 35, tzinfo=UTC)
    shown = clock.to_ist(stored)
    assert shown == stored
    assert (shown.hour, shown.minute) == (14, 5)
    assert shown.utcoffset() == dt.timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    ("utc_moment", "india_date"),
    [
        (dt.datetime(2024, 8, 8, 18, 29, 59, tzinfo=UTC), dt.date(2024, 8, 8)),
        (dt.datetime(2024, 8, 8, 18, 30, tzinfo=UTC), dt.date(2024, 8, 9)),  # IST midnight
    ],
)
def test_today_ist_turns_at_indian_midnight(utc_moment, india_date):
    with clock.frozen_at(utc_moment):
        assert clock.today_ist() == india_date
