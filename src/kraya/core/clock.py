"""The clock. Times are stored in UTC and shown in IST; every rule asks the
clock instead of calling `datetime.now`, so tests move time instead of sleeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
UTC = dt.UTC

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(tz=UTC)


def today_ist() -> dt.date:
    """Today's date in India (the date policy and deadlines are reckoned in)."""
    return to_ist(now()).date()


def to_ist(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Kraya stores and compares aware UTC times")
    return moment.astimezone(IST)


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Freeze the clock at `moment` (aware) inside the block: for tests and replays."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous
