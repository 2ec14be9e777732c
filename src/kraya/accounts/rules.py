"""Pure rules for organisations and roles (DOMAIN §2, ROLE-1..3).

No Django here: these functions take plain values (role and level codes are
plain strings; `models.Role` and `BuyerUnit.Level` reuse these constants) and
return a `RoleDecision` naming the rule that decided, so they can be tested
exhaustively and the services can quote the rule in their errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Role codes (stored in Membership.role).
PRIMARY = "PRIMARY"
BUYER = "BUYER"
CONSIGNEE = "CONSIGNEE"
PAYING_AUTHORITY = "PAYING_AUTHORITY"
SELLER_ADMIN = "SELLER_ADMIN"
SELLER_CATALOGUE = "SELLER_CATALOGUE"
SELLER_BIDDING = "SELLER_BIDDING"
SELLER_FULFILMENT = "SELLER_FULFILMENT"

BUYER_ROLES = frozenset({PRIMARY, BUYER, CONSIGNEE, PAYING_AUTHORITY})
# ROLE-2: the roles a Primary User hands out to Secondary Users.
SECONDARY_BUYER_ROLES = frozenset({BUYER, CONSIGNEE, PAYING_AUTHORITY})
SELLER_ROLES = frozenset({SELLER_ADMIN, SELLER_CATALOGUE, SELLER_BIDDING, SELLER_FULFILMENT})
# ROLE-3: the roles a seller admin hands out to the firm's other users.
SECONDARY_SELLER_ROLES = frozenset({SELLER_CATALOGUE, SELLER_BIDDING, SELLER_FULFILMENT})
ALL_ROLES = BUYER_ROLES | SELLER_ROLES

# Buyer tree levels (stored in BuyerUnit.level), top to bottom.
MINISTRY = "MINISTRY"
STATE = "STATE"
DEPARTMENT = "DEPARTMENT"
ORGANISATION = "ORGANISATION"
OFFICE = "OFFICE"
ROOT_LEVELS = frozenset({MINISTRY, STATE})

# §2 tree: type → Ministry or State → Department → Organisation → Office/Division.
# An organisation may hang directly under its ministry or state; an office may
# be a division of another office.
_ALLOWED_PARENT_LEVELS: dict[str, frozenset[str]] = {
    MINISTRY: frozenset(),
    STATE: frozenset(),
    DEPARTMENT: frozenset({MINISTRY, STATE}),
    ORGANISATION: frozenset({MINISTRY, STATE, DEPARTMENT}),
    OFFICE: frozenset({ORGANISATION, OFFICE}),
}

# ROLE-2: an office transacts only with these roles present.
READINESS_ROLES = (PRIMARY, BUYER, PAYING_AUTHORITY)

API_TOKEN_MAX_DAYS = 365


@dataclass(frozen=True)
class RoleDecision:
    """The outcome of a rule: `code` is the stable error code when refused."""

    allowed: bool
    rule: str
    reason: str
    code: str = ""


def _allow(rule: str, reason: str) -> RoleDecision:
    return RoleDecision(True, rule, reason)


def _refuse(rule: str, code: str, reason: str) -> RoleDecision:
    return RoleDecision(False, rule, reason, code)


def can_hold_together(held: Iterable[str], role: str) -> RoleDecision:
    """May a person who already holds `held` (in the scope that matters) also hold `role`?

    The caller passes the roles the person holds in the same office plus
    PRIMARY when they are the Primary User of that office's organisation;
    when granting PRIMARY, every role they hold anywhere in the organisation."""
    held_set = frozenset(held)
    if role in held_set:
        return _allow("ROLE-2", "already held")
    # ROLE-1: the Primary User cannot buy.
    if role == PRIMARY and BUYER in held_set:
        return _refuse("ROLE-1", "accounts.role_conflict", "a Buyer cannot be the Primary User")
    if role == BUYER and PRIMARY in held_set:
        return _refuse("ROLE-1", "accounts.role_conflict", "the Primary User cannot be a Buyer")
    # ROLE-2: separation of duties between buying/receiving and paying.
    if role == PAYING_AUTHORITY and held_set & {BUYER, CONSIGNEE}:
        return _refuse(
            "ROLE-2",
            "accounts.role_conflict",
            "the Paying Authority cannot also be Buyer or Consignee",
        )
    if role in {BUYER, CONSIGNEE} and PAYING_AUTHORITY in held_set:
        return _refuse(
            "ROLE-2",
            "accounts.role_conflict",
            "a Buyer or Consignee cannot also be the Paying Authority",
        )
    return _allow("ROLE-2", "no conflict")


def role_set_decision(roles: Iterable[str], *, held: Iterable[str] = ()) -> RoleDecision:
    """Grant `roles` one by one on top of `held`; the first conflict refuses all."""
    current = set(held)
    for role in sorted(set(roles)):
        decision = can_hold_together(current, role)
        if not decision.allowed:
            return decision
        current.add(role)
    return _allow("ROLE-2", "no conflict")


def secondary_roles_decision(roles: Iterable[str], *, held: Iterable[str] = ()) -> RoleDecision:
    """ROLE-1/ROLE-2: what a Primary User may grant to a Secondary User."""
    wanted = set(roles)
    if not wanted:
        return _refuse("ROLE-2", "accounts.no_roles", "choose at least one role")
    if not wanted <= SECONDARY_BUYER_ROLES:
        return _refuse(
            "ROLE-2", "accounts.invalid_role", "only Buyer, Consignee and Paying Authority"
        )
    return role_set_decision(wanted, held=held)


def seller_roles_decision(roles: Iterable[str]) -> RoleDecision:
    """ROLE-3: the seller admin grants catalogue, bidding and fulfilment roles only."""
    wanted = set(roles)
    if not wanted:
        return _refuse("ROLE-3", "accounts.no_roles", "choose at least one role")
    if not wanted <= SECONDARY_SELLER_ROLES:
        return _refuse(
            "ROLE-3", "accounts.invalid_role", "only catalogue, bidding and fulfilment roles"
        )
    return _allow("ROLE-3", "seller roles")


def role_unit_decision(role: str, level: str) -> RoleDecision:
    """Where a buyer role may sit: PRIMARY on the organisation node; the
    secondary roles on an office or on the organisation node itself."""
    if role == PRIMARY:
        if level == ORGANISATION:
            return _allow("ROLE-1", "primary on the organisation")
        return _refuse(
            "ROLE-1", "accounts.wrong_level", "the Primary User belongs to an organisation"
        )
    if role in SECONDARY_BUYER_ROLES:
        if level in {ORGANISATION, OFFICE}:
            return _allow("ROLE-2", "secondary role in an office")
        return _refuse(
            "ROLE-2", "accounts.wrong_level", "secondary roles belong to an office or organisation"
        )
    return _refuse("ROLE-2", "accounts.invalid_role", "not a buyer role")


def unit_level_decision(parent_level: str | None, level: str) -> RoleDecision:
    """§2 tree: may a node of `level` hang under a node of `parent_level` (None: a root)?"""
    if level not in _ALLOWED_PARENT_LEVELS:
        return _refuse("TREE", "accounts.wrong_level", "unknown level")
    if parent_level is None:
        if level in ROOT_LEVELS:
            return _allow("TREE", "root")
        return _refuse("TREE", "accounts.wrong_level", "only a ministry or state is a root")
    if parent_level in _ALLOWED_PARENT_LEVELS[level]:
        return _allow("TREE", "fits the tree")
    return _refuse("TREE", "accounts.wrong_level", f"{level} cannot sit under {parent_level}")


def office_readiness(roles_present: Iterable[str]) -> list[str]:
    """ROLE-2: the roles an office still lacks before it can transact, in a fixed order."""
    present = set(roles_present)
    return [role for role in READINESS_ROLES if role not in present]


# An Indian mobile number: ten digits starting 6–9, optionally written with +91 or 0.
_MOBILE = re.compile(r"^(?:\+91[\s-]?|0)?[6-9]\d{9}$")


def mobile_is_valid(mobile: str) -> bool:
    return bool(_MOBILE.match(mobile.strip()))


def api_token_lifetime_is_valid(days: int) -> bool:
    return 1 <= days <= API_TOKEN_MAX_DAYS
