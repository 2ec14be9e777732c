from __future__ import annotations

import datetime as dt

import pytest

from kraya.outreach import services
from kraya.outreach.models import Event


def make_event(
    operator,
    *,
    state: str = "Uttar Pradesh",
    district: str = "Aligarh",
    starts_on: dt.date = dt.date(2026, 3, 10),
    ends_on: dt.date = dt.date(2026, 3, 11),
    code: str = "",
    segments: list[str] | None = None,
) -> Event:
    return services.event_create(
        acting_user=operator,
        data=services.EventData(
            kind=Event.Kind.WORKSHOP,
            title=f"MSE workshop {district}",
            title_hi=f"एमएसई कार्यशाला {district}",
            state=state,
            district=district,
            venue="Collectorate hall",
            starts_on=starts_on,
            ends_on=ends_on,
            organisers="District Industries Centre",
            target_segments=segments if segments is not None else ["MSE", "WOMAN"],
        ),
        code=code,
    )


@pytest.fixture
def event(world):
    return make_event(world.operator, code="ALG-2026")
