"""Procurement policy as data: `policy/*.toml`, effective-dated, with sources.

`policy_at(date)` gives the frozen `Policy` in force on a date (in IST);
rules take that value and record `policy.receipt(section)` with a decision.
This package imports no Django at module level, so pure rules may use it."""

from kraya.core.policy.book import (
    Policy,
    PolicyBook,
    PolicyFileError,
    PolicyNotInForce,
    default_book,
    load_book,
    policy_at,
    policy_in_force,
)
from kraya.core.policy.sections import SECTIONS, SectionVersion

__all__ = [
    "SECTIONS",
    "Policy",
    "PolicyBook",
    "PolicyFileError",
    "PolicyNotInForce",
    "SectionVersion",
    "default_book",
    "load_book",
    "policy_at",
    "policy_in_force",
]
