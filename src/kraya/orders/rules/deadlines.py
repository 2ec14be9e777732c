"""The clocks of an order (ORD-3, ORD-5, ORD-6, ORD-7): when each side must
act, reckoned in India's calendar from the moment the previous step happened.

Conventions, so both sides and the scheduler agree to the second:
- A window of N days from a moment ends N × 24 hours after it (ORD-5: "deemed
  accepted on day 10" — the CRAC that did not come within 10 days of the PRC
  is deemed to have been issued at that instant, whenever the scheduler runs).
- ORD-3's acceptance window is counted in working days: it ends at midnight
  IST after the Nth working day (Monday–Friday, less the gazetted holidays
  the caller passes) following the day of placement.
- ORD-7's payment window is counted in calendar days with the day of the CRAC
  as day 1: the official example (CRAC on day 1, paid on day 20, 10 days
  late under a 10-day window) fixes this, so the last day to pay is
  `crac_date + days - 1` and a payment on day D is `D - last_day` days late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
_ONE_DAY = dt.timedelta(days=1)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need aware datetimes (UTC stored, IST reckoned)")
    return moment


def ist_date(moment: dt.datetime) -> dt.date:
    """The calendar date in India of an aware moment."""
    return _aware(moment).astimezone(IST).date()


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The Nth working day after `start` (`start` itself never counts)."""
    if days < 1:
        raise ValueError("a working-day window is at least one day")
    day, counted = start, 0
    while counted < days:
        day += _ONE_DAY
        if is_working_day(day, holidays):
            counted += 1
    return day


def end_of_ist_day(day: dt.date) -> dt.datetime:
    """Midnight IST at the end of `day` (the first instant of the next day), in UTC."""
    return dt.datetime.combine(day + _ONE_DAY, dt.time(), tzinfo=IST).astimezone(dt.UTC)


def acceptance_due(
    placed_at: dt.datetime, working_days: int, holidays: Collection[dt.date] = ()
) -> dt.datetime:
    """ORD-3: the seller accepts or declines before this instant."""
    return end_of_ist_day(add_working_days(ist_date(placed_at), working_days, holidays))


def window_end(start: dt.datetime, days: int) -> dt.datetime:
    """The end of an N-day window from `start` (ORD-5, ORD-6, INC-1)."""
    return _aware(start) + dt.timedelta(days=days)


def payment_last_day(crac_at: dt.datetime, days: int) -> dt.date:
    """ORD-7: the last IST day on which the Paying Authority pays in time."""
    if days < 1:
        raise ValueError("a payment window is at least one day")
    return ist_date(crac_at) + dt.timedelta(days=days - 1)


def days_late(last_day: dt.date, on: dt.date) -> int:
    """Whole days past `last_day` on `on` (0 when in time)."""
    return max(0, (on - last_day).days)


@dataclass(frozen=True, slots=True)
class DaysLeft:
    """A deadline as a person reads it: days left (negative when overdue)."""

    due: dt.datetime
    days: int
    overdue: bool


def days_left(due: dt.datetime, now: dt.datetime) -> DaysLeft:
    """Whole IST calendar days from today to the deadline's day."""
    remaining = (ist_date(due - dt.timedelta(microseconds=1)) - ist_date(now)).days
    return DaysLeft(due=due, days=remaining, overdue=now >= due)
