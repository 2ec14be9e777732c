"""Secondary Users and the Primary role (ROLE-1, ROLE-2), and a user's language."""

from __future__ import annotations

import pytest

from kraya.accounts import selectors, services
from kraya.accounts.models import Membership, Role, User
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.factories import (
    PASSWORD,
    audit_actions_since,
    audit_head,
    can_sign_in,
    make_operator,
    make_secondary_user,
    make_unit,
    refused,
)

pytestmark = pytest.mark.django_db


def _create(world, acting_user=None, **overrides):
    arguments = {
        "acting_user": acting_user or world.primary,
        "unit": world.office,
        "username": "store-keeper",
        "full_name": "Ramesh Kumar",
        "email": "ramesh@example.in",
        "roles": [Role.BUYER, Role.CONSIGNEE],
        "password": PASSWORD,
        "mobile": "9876543210",
    }
    arguments.update(overrides)
    return services.secondary_user_create(**arguments)


def _active_roles(user, unit):
    return set(
        Membership.objects.filter(user=user, buyer_unit=unit, is_active=True).values_list(
            "role", flat=True
        )
    )


# --- create ---------------------------------------------------------------------


def test_role_1_the_primary_creates_a_secondary_user(world):
    head = audit_head()
    user = _create(world)
    assert (user.username, user.full_name, user.mobile, user.is_active) == (
        "store-keeper",
        "Ramesh Kumar",
        "9876543210",
        True,
    )
    assert user.check_password(PASSWORD)
    assert _active_roles(user, world.office) == {Role.BUYER, Role.CONSIGNEE}
    assert set(Membership.objects.filter(user=user).values_list("created_by", flat=True)) == {
        world.primary.pk
    }
    assert audit_actions_since(head) == ["accounts.secondary_user.create"]
    event = AuditEvent.objects.get(seq=head + 1)
    assert (event.actor_id, event.object_id) == (world.primary.pk, str(user.pk))
    assert event.payload == {
        "unit_id": world.office.pk,
        "organisation_id": world.organisation.pk,
        "roles": ["BUYER", "CONSIGNEE"],
    }


def test_role_2_a_secondary_user_may_sit_on_the_organisation_node(world):
    user = _create(world, unit=world.organisation, roles=[Role.PAYING_AUTHORITY])
    assert _active_roles(user, world.organisation) == {Role.PAYING_AUTHORITY}


def test_role_1_a_buyer_of_the_organisation_cannot_create_users(world):
    with refused(PermissionDenied, "accounts.not_primary"):
        _create(world, acting_user=world.buyer)


def test_role_1_the_primary_of_another_organisation_does_not_see_this_one(world):
    with refused(NotFound, "not_found"):
        _create(world, acting_user=world.other_primary)


def test_role_1_a_primary_cannot_create_users_in_another_organisation_office(world):
    with refused(NotFound):
        _create(world, unit=world.other_office)


def test_an_operator_is_not_the_primary(world):
    operator = make_operator()
    with refused(NotFound):
        _create(world, acting_user=operator)


def test_role_2_separation_of_duties_is_enforced_when_roles_are_granted(world):
    with refused(ValidationFailed, "accounts.role_conflict", fields={"roles"}):
        _create(world, roles=[Role.BUYER, Role.PAYING_AUTHORITY])
    with refused(ValidationFailed, "accounts.role_conflict", fields={"roles"}):
        _create(world, roles=[Role.CONSIGNEE, Role.PAYING_AUTHORITY])


@pytest.mark.parametrize(
    ("roles", "code"),
    [([], "accounts.no_roles"), ([Role.PRIMARY], "accounts.invalid_role")],
)
def test_role_2_secondary_users_get_secondary_roles(world, roles, code):
    with refused(ValidationFailed, code, fields={"roles"}):
        _create(world, roles=roles)


def test_secondary_roles_do_not_sit_above_the_organisation(world):
    with refused(ValidationFailed, "accounts.wrong_level", fields={"unit"}):
        _create(world, unit=world.department)


def test_a_duplicate_username_is_refused_whatever_its_case(world):
    with refused(ValidationFailed, "accounts.username_taken", fields={"username"}) as info:
        _create(world, username=world.buyer.username.upper())
    assert info.value.as_dict()["error"]["fields"] == {
        "username": ["This username is already taken."]
    }


def test_a_weak_password_is_refused_with_field_errors(world):
    with refused(ValidationFailed, "accounts.weak_password", fields={"password"}) as info:
        _create(world, password="ramesh")
    messages = info.value.as_dict()["error"]["fields"]["password"]
    assert "This password is too short. It must contain at least 10 characters." in messages


def test_every_bad_field_is_reported_at_once(world):
    with refused(
        ValidationFailed, fields={"full_name", "email", "mobile", "roles", "username"}
    ) as info:
        _create(
            world,
            username="bad name!",
            full_name=" ",
            email="not-an-email",
            mobile="12345",
            roles=[Role.BUYER, Role.PAYING_AUTHORITY],
        )
    assert info.value.code == "accounts.invalid_username"


def test_an_api_token_scopes_the_actor_to_its_membership(world):
    """ROLE-1: the Primary acting through a token of another membership is not the Primary."""
    services.secondary_user_update(
        acting_user=world.primary,
        user=world.primary,
        unit=world.office,
        full_name=world.primary.full_name,
        email=world.primary.email,
        roles=[Role.CONSIGNEE],
    )
    consignee_membership = Membership.objects.get(user=world.primary, role=Role.CONSIGNEE)
    actor = selectors.actor_for(user=world.primary, token_membership_id=consignee_membership.pk)
    with refused(PermissionDenied, "accounts.not_primary"):
        _create(world, acting_user=actor)


# --- update ---------------------------------------------------------------------


def test_role_1_the_primary_edits_a_user_and_replaces_their_roles(world):
    head = audit_head()
    user = services.secondary_user_update(
        acting_user=world.primary,
        user=world.buyer,
        unit=world.office,
        full_name="Sita Devi",
        email="sita@example.in",
        roles=[Role.CONSIGNEE],
        mobile="+91 9812345678",
    )
    user.refresh_from_db()
    assert (user.full_name, user.email, user.mobile) == (
        "Sita Devi",
        "sita@example.in",
        "+91 9812345678",
    )
    assert _active_roles(user, world.office) == {Role.CONSIGNEE}
    old = Membership.objects.get(user=user, role=Role.BUYER)
    assert (old.is_active, old.deactivated_at is not None) == (False, True)
    assert audit_actions_since(head) == ["accounts.secondary_user.update"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {
        "unit_id": world.office.pk,
        "roles_added": ["CONSIGNEE"],
        "roles_removed": ["BUYER"],
        "changed": ["email", "full_name", "mobile"],
    }


def test_role_2_update_refuses_adding_paying_authority_to_a_consignee(world):
    with refused(ValidationFailed, "accounts.role_conflict", fields={"roles"}):
        services.secondary_user_update(
            acting_user=world.primary,
            user=world.consignee,
            unit=world.office,
            full_name="C",
            email="c@example.in",
            roles=[Role.CONSIGNEE, Role.PAYING_AUTHORITY],
        )


def test_role_1_the_primary_cannot_make_themself_a_buyer(world):
    with refused(ValidationFailed, "accounts.role_conflict", fields={"roles"}):
        services.secondary_user_update(
            acting_user=world.primary,
            user=world.primary,
            unit=world.office,
            full_name="P",
            email="p@example.in",
            roles=[Role.BUYER],
        )


def test_update_refuses_the_wrong_actor_and_strangers(world):
    arguments = {
        "unit": world.office,
        "full_name": "X",
        "email": "x@example.in",
        "roles": [Role.BUYER],
    }
    with refused(PermissionDenied, "accounts.not_primary"):
        services.secondary_user_update(acting_user=world.consignee, user=world.buyer, **arguments)
    with refused(NotFound):
        services.secondary_user_update(
            acting_user=world.other_primary, user=world.buyer, **arguments
        )
    with refused(NotFound):
        services.secondary_user_update(
            acting_user=world.primary, user=world.other_buyer, **arguments
        )


def test_update_refuses_a_bad_email(world):
    with refused(ValidationFailed, "validation", fields={"email"}):
        services.secondary_user_update(
            acting_user=world.primary,
            user=world.buyer,
            unit=world.office,
            full_name="B",
            email="nope",
            roles=[Role.BUYER],
        )


# --- deactivate and reactivate ----------------------------------------------------


def test_role_1_the_primary_deactivates_a_user_who_can_no_longer_sign_in(world):
    assert can_sign_in(world.buyer.username) is True
    head = audit_head()
    user = services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.organisation
    )
    assert user.is_active is False
    assert _active_roles(user, world.office) == set()
    assert audit_actions_since(head) == ["accounts.secondary_user.deactivate"]
    assert AuditEvent.objects.get(seq=head + 1).payload["account_closed"] is True
    assert can_sign_in(world.buyer.username) is False
    assert selectors.office_readiness(office=world.office) == [Role.BUYER]


def test_deactivating_in_one_office_keeps_the_roles_elsewhere(world):
    second_office = make_unit(parent=world.organisation, name="Second office")
    services.secondary_user_update(
        acting_user=world.primary,
        user=world.buyer,
        unit=second_office,
        full_name=world.buyer.full_name,
        email=world.buyer.email,
        roles=[Role.CONSIGNEE],
    )
    user = services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office
    )
    assert user.is_active is True
    assert selectors.roles_for(user=user) == {Role.CONSIGNEE}


def test_role_1_the_primary_role_is_handed_over_not_deactivated(world):
    with refused(Conflict, "accounts.primary_cannot_be_deactivated"):
        services.secondary_user_deactivate(
            acting_user=world.primary, user=world.primary, unit=world.organisation
        )


def test_deactivate_refuses_twice_and_strangers(world):
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office
    )
    with refused(Conflict, "accounts.already_inactive"):
        services.secondary_user_deactivate(
            acting_user=world.primary, user=world.buyer, unit=world.office
        )
    with refused(NotFound):
        services.secondary_user_deactivate(
            acting_user=world.other_primary, user=world.consignee, unit=world.office
        )
    with refused(PermissionDenied, "accounts.not_primary"):
        services.secondary_user_deactivate(
            acting_user=world.paying_authority, user=world.consignee, unit=world.office
        )


def test_reactivate_restores_the_roles_held_when_deactivated(world):
    user = _create(world, roles=[Role.BUYER, Role.CONSIGNEE])
    services.secondary_user_update(
        acting_user=world.primary,
        user=user,
        unit=world.office,
        full_name=user.full_name,
        email=user.email,
        roles=[Role.PAYING_AUTHORITY],
    )
    services.secondary_user_deactivate(acting_user=world.primary, user=user, unit=world.office)
    head = audit_head()
    user = services.secondary_user_reactivate(
        acting_user=world.primary, user=user, unit=world.office
    )
    assert user.is_active is True
    assert _active_roles(user, world.office) == {Role.PAYING_AUTHORITY}
    assert audit_actions_since(head) == ["accounts.secondary_user.reactivate"]


def test_reactivate_with_new_roles_and_its_refusals(world):
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office
    )
    with refused(ValidationFailed, "accounts.role_conflict"):
        services.secondary_user_reactivate(
            acting_user=world.primary,
            user=world.buyer,
            unit=world.office,
            roles=[Role.BUYER, Role.PAYING_AUTHORITY],
        )
    with refused(PermissionDenied):
        services.secondary_user_reactivate(
            acting_user=world.consignee, user=world.buyer, unit=world.office
        )
    services.secondary_user_reactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office, roles=[Role.CONSIGNEE]
    )
    assert _active_roles(world.buyer, world.office) == {Role.CONSIGNEE}
    with refused(Conflict, "accounts.already_active"):
        services.secondary_user_reactivate(
            acting_user=world.primary, user=world.buyer, unit=world.office
        )


# --- hand-over --------------------------------------------------------------------


def test_role_1_the_primary_hands_the_role_to_a_successor(world):
    head = audit_head()
    membership = services.primary_role_hand_over(
        acting_user=world.primary, organisation=world.organisation, successor=world.consignee
    )
    assert (membership.user, membership.role, membership.buyer_unit) == (
        world.consignee,
        Role.PRIMARY,
        world.organisation,
    )
    assert selectors.primary_membership_for(organisation=world.organisation) == membership
    old = Membership.objects.get(user=world.primary, role=Role.PRIMARY)
    assert old.is_active is False
    world.primary.refresh_from_db()
    assert world.primary.is_active is False  # no role left in the portal
    assert audit_actions_since(head) == ["accounts.primary.hand_over"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {
        "from_user_id": world.primary.pk,
        "to_user_id": world.consignee.pk,
    }
    # The successor now manages users; the old Primary no longer does.
    make_secondary_user(primary=world.consignee, unit=world.office, roles=[Role.BUYER])
    with refused(NotFound):
        _create(world, acting_user=world.primary)


def test_role_1_a_buyer_cannot_become_the_primary(world):
    with refused(ValidationFailed, "accounts.role_conflict", fields={"successor"}):
        services.primary_role_hand_over(
            acting_user=world.primary, organisation=world.organisation, successor=world.buyer
        )


def test_hand_over_refusals(world):
    with refused(ValidationFailed, "accounts.not_member", fields={"successor"}):
        services.primary_role_hand_over(
            acting_user=world.primary,
            organisation=world.organisation,
            successor=world.other_buyer,
        )
    with refused(Conflict, "accounts.already_primary"):
        services.primary_role_hand_over(
            acting_user=world.primary, organisation=world.organisation, successor=world.primary
        )
    with refused(PermissionDenied, "accounts.not_primary"):
        services.primary_role_hand_over(
            acting_user=world.consignee,
            organisation=world.organisation,
            successor=world.consignee,
        )
    with refused(NotFound):
        services.primary_role_hand_over(
            acting_user=world.other_primary,
            organisation=world.organisation,
            successor=world.consignee,
        )


def test_an_operator_may_hand_over_the_primary_role(world):
    operator = make_operator()
    membership = services.primary_role_hand_over(
        acting_user=operator, organisation=world.organisation, successor=world.paying_authority
    )
    assert membership.created_by == operator
    assert AuditEvent.objects.order_by("-seq").first().actor_id == operator.pk


# --- language ---------------------------------------------------------------------


def test_the_language_persists_per_user(world):
    head = audit_head()
    user = services.user_set_language(user=world.buyer, language="hi")
    assert User.objects.get(pk=user.pk).preferred_language == "hi"
    assert audit_actions_since(head) == ["accounts.user.set_language"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {"from": "", "to": "hi"}


def test_an_unknown_language_is_refused(world):
    with refused(ValidationFailed, "accounts.invalid_language", fields={"language"}):
        services.user_set_language(user=world.buyer, language="fr")
