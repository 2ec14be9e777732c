"""Pure role rules (DOMAIN §2: ROLE-1, ROLE-2, ROLE-3 and the buyer tree)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.accounts import rules
from kraya.accounts.models import BuyerUnit, Role

BUYER_ROLES = sorted(rules.BUYER_ROLES)


def _grant_one_by_one(roles: list[str]) -> set[str]:
    held: set[str] = set()
    for role in roles:
        if rules.can_hold_together(held, role).allowed:
            held.add(role)
    return held


@given(st.lists(st.sampled_from(BUYER_ROLES), max_size=12))
def test_role_2_granting_one_by_one_never_combines_paying_authority_with_buyer_or_consignee(
    roles: list[str],
) -> None:
    held = _grant_one_by_one(roles)
    assert not (rules.PAYING_AUTHORITY in held and held & {rules.BUYER, rules.CONSIGNEE})


@given(st.lists(st.sampled_from(BUYER_ROLES), max_size=12))
def test_role_1_granting_one_by_one_never_makes_the_primary_a_buyer(roles: list[str]) -> None:
    held = _grant_one_by_one(roles)
    assert not {rules.PRIMARY, rules.BUYER} <= held


@given(st.lists(st.sampled_from(BUYER_ROLES), max_size=12))
def test_role_2_granting_is_monotonic_and_only_refuses_conflicts(roles: list[str]) -> None:
    """Every role refused along the way conflicts with something already held."""
    held: set[str] = set()
    for role in roles:
        decision = rules.can_hold_together(held, role)
        if decision.allowed:
            held.add(role)
        else:
            assert decision.code == "accounts.role_conflict"
            assert decision.rule in {"ROLE-1", "ROLE-2"}
            assert held & {rules.PRIMARY, rules.BUYER, rules.CONSIGNEE, rules.PAYING_AUTHORITY}


@given(st.sets(st.sampled_from(BUYER_ROLES)))
def test_role_set_decision_agrees_with_granting_one_by_one(roles: set[str]) -> None:
    decision = rules.role_set_decision(roles)
    conflict = (rules.PAYING_AUTHORITY in roles and roles & {rules.BUYER, rules.CONSIGNEE}) or (
        {rules.PRIMARY, rules.BUYER} <= roles
    )
    assert decision.allowed is (not conflict)


def test_role_2_buyer_and_consignee_may_be_combined() -> None:
    assert rules.secondary_roles_decision([rules.BUYER, rules.CONSIGNEE]).allowed


@pytest.mark.parametrize(
    ("held", "role", "rule"),
    [
        ({rules.BUYER}, rules.PAYING_AUTHORITY, "ROLE-2"),
        ({rules.CONSIGNEE}, rules.PAYING_AUTHORITY, "ROLE-2"),
        ({rules.PAYING_AUTHORITY}, rules.BUYER, "ROLE-2"),
        ({rules.PAYING_AUTHORITY}, rules.CONSIGNEE, "ROLE-2"),
        ({rules.PRIMARY}, rules.BUYER, "ROLE-1"),
        ({rules.BUYER}, rules.PRIMARY, "ROLE-1"),
    ],
)
def test_role_conflicts_name_their_rule(held: set[str], role: str, rule: str) -> None:
    decision = rules.can_hold_together(held, role)
    assert decision == rules.RoleDecision(False, rule, decision.reason, "accounts.role_conflict")


@pytest.mark.parametrize(
    ("held", "role"),
    [
        ({rules.PRIMARY}, rules.CONSIGNEE),
        ({rules.PRIMARY}, rules.PAYING_AUTHORITY),
        ({rules.CONSIGNEE}, rules.PRIMARY),
        ({rules.BUYER}, rules.BUYER),
    ],
)
def test_role_1_primary_may_hold_roles_other_than_buyer(held: set[str], role: str) -> None:
    assert rules.can_hold_together(held, role).allowed


def test_role_1_primary_user_cannot_be_granted_buyer_as_secondary_role() -> None:
    decision = rules.secondary_roles_decision([rules.BUYER], held={rules.PRIMARY})
    assert (decision.allowed, decision.rule, decision.code) == (
        False,
        "ROLE-1",
        "accounts.role_conflict",
    )


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        ([], "accounts.no_roles"),
        ([rules.PRIMARY], "accounts.invalid_role"),
        ([rules.BUYER, rules.SELLER_BIDDING], "accounts.invalid_role"),
    ],
)
def test_role_2_secondary_roles_are_buyer_consignee_or_paying_authority(
    roles: list[str], code: str
) -> None:
    decision = rules.secondary_roles_decision(roles)
    assert (decision.allowed, decision.code) == (False, code)


@pytest.mark.parametrize(
    ("roles", "allowed", "code"),
    [
        ([rules.SELLER_CATALOGUE, rules.SELLER_BIDDING, rules.SELLER_FULFILMENT], True, ""),
        ([], False, "accounts.no_roles"),
        ([rules.SELLER_ADMIN], False, "accounts.invalid_role"),
        ([rules.BUYER], False, "accounts.invalid_role"),
    ],
)
def test_role_3_the_seller_admin_grants_only_catalogue_bidding_fulfilment(
    roles: list[str], allowed: bool, code: str
) -> None:
    decision = rules.seller_roles_decision(roles)
    assert (decision.allowed, decision.rule, decision.code) == (allowed, "ROLE-3", code)


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        (set(), [rules.PRIMARY, rules.BUYER, rules.PAYING_AUTHORITY]),
        ({rules.PRIMARY, rules.BUYER}, [rules.PAYING_AUTHORITY]),
        ({rules.PRIMARY, rules.CONSIGNEE, rules.PAYING_AUTHORITY}, [rules.BUYER]),
        ({rules.BUYER, rules.PAYING_AUTHORITY, rules.CONSIGNEE}, [rules.PRIMARY]),
        ({rules.PRIMARY, rules.BUYER, rules.PAYING_AUTHORITY}, []),
    ],
)
def test_role_2_office_readiness_lists_missing_roles(present: set[str], missing: list[str]) -> None:
    assert rules.office_readiness(present) == missing


@given(st.sets(st.sampled_from(sorted(rules.ALL_ROLES))))
def test_role_2_office_readiness_is_empty_exactly_when_the_three_roles_are_present(
    present: set[str],
) -> None:
    missing = rules.office_readiness(present)
    assert set(missing) == {rules.PRIMARY, rules.BUYER, rules.PAYING_AUTHORITY} - present


@pytest.mark.parametrize(
    ("role", "level", "allowed"),
    [
        (rules.PRIMARY, rules.ORGANISATION, True),
        (rules.PRIMARY, rules.OFFICE, False),
        (rules.BUYER, rules.OFFICE, True),
        (rules.BUYER, rules.ORGANISATION, True),
        (rules.PAYING_AUTHORITY, rules.DEPARTMENT, False),
        (rules.SELLER_ADMIN, rules.OFFICE, False),
    ],
)
def test_roles_sit_at_their_level(role: str, level: str, allowed: bool) -> None:
    assert rules.role_unit_decision(role, level).allowed is allowed


@pytest.mark.parametrize(
    ("parent", "level", "allowed"),
    [
        (None, rules.STATE, True),
        (None, rules.MINISTRY, True),
        (None, rules.DEPARTMENT, False),
        (rules.STATE, rules.DEPARTMENT, True),
        (rules.DEPARTMENT, rules.ORGANISATION, True),
        (rules.STATE, rules.ORGANISATION, True),
        (rules.ORGANISATION, rules.OFFICE, True),
        (rules.OFFICE, rules.OFFICE, True),
        (rules.DEPARTMENT, rules.OFFICE, False),
        (rules.OFFICE, rules.ORGANISATION, False),
        (rules.STATE, rules.STATE, False),
        (rules.STATE, "REGION", False),
    ],
)
def test_the_buyer_tree_has_its_levels_in_order(
    parent: str | None, level: str, allowed: bool
) -> None:
    assert rules.unit_level_decision(parent, level).allowed is allowed


@pytest.mark.parametrize(
    ("mobile", "valid"),
    [
        ("9876543210", True),
        ("+91 9876543210", True),
        ("09876543210", True),
        ("5876543210", False),
        ("98765", False),
        ("98765432101", False),
    ],
)
def test_mobile_numbers(mobile: str, valid: bool) -> None:
    assert rules.mobile_is_valid(mobile) is valid


def test_the_models_reuse_the_rule_codes() -> None:
    assert set(Role.values) == rules.ALL_ROLES
    assert set(BuyerUnit.Level.values) == {
        rules.MINISTRY,
        rules.STATE,
        rules.DEPARTMENT,
        rules.ORGANISATION,
        rules.OFFICE,
    }


def test_api_token_lifetime_is_bounded() -> None:
    assert [rules.api_token_lifetime_is_valid(d) for d in (0, 1, 365, 366)] == [
        False,
        True,
        True,
        False,
    ]
