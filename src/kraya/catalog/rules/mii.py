"""MII-1: a product's Make in India class from its local content, and its
country of origin (CAT-2: mandatory, an ISO 3166 code)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import pycountry

from kraya.catalog.rules.base import CLASS_1, CLASS_2, NON_LOCAL, Problem


class MiiPolicy(Protocol):
    """The MII section of the policy in force (`policy/mii.toml`)."""

    @property
    def class_i_min_local_content_percent(self) -> Decimal: ...
    @property
    def class_ii_above_local_content_percent(self) -> Decimal | None: ...
    @property
    def version(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MiiDecision:
    """The class, the rule that gave it and the policy version applied."""

    mii_class: str
    rule: str
    policy_version: str


def mii_class_for(*, local_content_percent: Decimal | int, policy: MiiPolicy) -> MiiDecision:
    """MII-1: Class-I at or above the Class-I minimum (50%); Class-II above
    the Class-II floor (20%) and below Class-I; otherwise non-local. Under the
    2017 order, which knew no Class-II, anything below Class-I is non-local."""
    content = Decimal(local_content_percent)
    if content >= policy.class_i_min_local_content_percent:
        mii_class = CLASS_1
    elif (
        policy.class_ii_above_local_content_percent is not None
        and content > policy.class_ii_above_local_content_percent
    ):
        mii_class = CLASS_2
    else:
        mii_class = NON_LOCAL
    return MiiDecision(mii_class, "MII-1", policy.version)


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a code (alpha-2 or alpha-3, any case),
    or None when there is no such country."""
    text = value.strip()
    if len(text) not in {2, 3} or not text.isascii() or not text.isalpha():
        return None
    code = text.upper()
    country = (
        pycountry.countries.get(alpha_2=code)
        if len(code) == 2
        else pycountry.countries.get(alpha_3=code)
    )
    return country.alpha_2 if country is not None else None


def origin_problems(*, country_of_origin: str, local_content_percent: int) -> list[Problem]:
    """CAT-2: the country of origin is mandatory and must be an ISO 3166 code;
    local content is a whole percentage from 0 to 100."""
    problems: list[Problem] = []
    if not country_of_origin.strip():
        problems.append(Problem("country_of_origin", "catalog.origin_required", "CAT-2"))
    elif country_code(country_of_origin) is None:
        problems.append(Problem("country_of_origin", "catalog.origin_unknown", "CAT-2"))
    if not 0 <= local_content_percent <= 100:
        problems.append(
            Problem("local_content_percent", "catalog.local_content_out_of_range", "MII-1")
        )
    return problems
