"""The policy API: `GET /api/v1/policy?on=YYYY-MM-DD`, public.

Anyone may read the procurement policy in force on a date, with each
section's version and source, to check a decision receipt against it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from kraya.core import clock
from kraya.core.errors import ValidationFailed
from kraya.core.policy import PolicyNotInForce, default_book, policy_at

router = Router(tags=["policy"])
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PolicySectionOut(Schema):
    title: str
    rules: list[str]
    version: str
    effective_from: dt.date
    source: str
    provisional: bool
    notes: str
    values: dict[str, Any]


class PolicyOut(Schema):
    on: dt.date
    version: str
    sections: dict[str, PolicySectionOut]


def _day(on: str | None) -> dt.date:
    if on is None or not on.strip():
        return clock.today_ist()
    try:
        # fromisoformat also takes 20240809 and week dates; ask for YYYY-MM-DD only.
        if not _ISO_DATE.fullmatch(on):
            raise ValueError(on)
        return dt.date.fromisoformat(on)
    except ValueError:
        raise ValidationFailed(
            fields={"on": [_("Enter a valid date (YYYY-MM-DD).")]},
        ) from None


@router.get("", auth=None, response=PolicyOut, summary="Procurement policy in force on a date")
def policy_get(request: HttpRequest, on: str | None = None) -> Any:
    """The policy in force on `on` (a date in India; default today), every
    section with its version (`effective_from`), source citation and values.
    Money is in paise; percentages are decimal strings."""
    day = _day(on)
    try:
        policy = policy_at(day)
    except PolicyNotInForce:
        first = default_book().first_date.isoformat()
        raise ValidationFailed(
            _("No policy is in force on that date; the first policy date is %(first)s.")
            % {"first": first},
            code="policy.not_in_force",
            fields={"on": [_("Enter a date on or after %(first)s.") % {"first": first}]},
        ) from None
    return policy.as_json()
