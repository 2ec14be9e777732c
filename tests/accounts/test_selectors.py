"""Reads: memberships and roles, the acting user, user lists, office readiness."""

from __future__ import annotations

import pytest

from kraya.accounts import selectors, services
from kraya.accounts.models import Membership, Role
from kraya.core.errors import NotFound, PermissionDenied
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_memberships_and_roles_for_a_user(world):
    memberships = selectors.memberships_for(user=world.primary)
    assert [(m.role, m.buyer_unit) for m in memberships] == [(Role.PRIMARY, world.organisation)]
    assert selectors.roles_for(user=world.seller_admin) == {Role.SELLER_ADMIN}
    assert selectors.roles_for(user=world.buyer) == {Role.BUYER}


def test_memberships_come_with_their_units_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        memberships = selectors.memberships_for(user=world.buyer)
        assert memberships[0].buyer_unit.organisation == world.organisation


def test_an_actor_with_a_token_acts_through_that_membership_only(world):
    services.secondary_user_update(
        acting_user=world.primary,
        user=world.primary,
        unit=world.office,
        full_name=world.primary.full_name,
        email=world.primary.email,
        roles=[Role.CONSIGNEE],
    )
    session_actor = selectors.actor_for(user=world.primary)
    assert {m.role for m in session_actor.memberships} == {Role.PRIMARY, Role.CONSIGNEE}
    assert session_actor.is_primary_of(world.organisation)
    consignee = Membership.objects.get(user=world.primary, role=Role.CONSIGNEE)
    token_actor = selectors.actor_for(user=world.primary, token_membership_id=consignee.pk)
    assert [m.role for m in token_actor.memberships] == [Role.CONSIGNEE]
    assert not token_actor.is_primary_of(world.organisation)
    assert token_actor.sees_organisation(world.organisation)
    assert token_actor.roles_in_unit(world.office) == {Role.CONSIGNEE}


def test_an_operator_is_an_operator_only_in_a_session(world):
    world.buyer.is_staff = True
    assert selectors.actor_for(user=world.buyer).is_operator
    membership = Membership.objects.get(user=world.buyer)
    assert not selectors.actor_for(user=world.buyer, token_membership_id=membership.pk).is_operator


def test_organisation_users_lists_every_member_with_their_memberships(world):
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.consignee, unit=world.office
    )
    rows = selectors.organisation_users(organisation=world.organisation)
    listed = {user.username: [(m.role, m.is_active) for m in ms] for user, ms in rows}
    assert listed == {
        world.primary.username: [(Role.PRIMARY, True)],
        world.buyer.username: [(Role.BUYER, True)],
        world.consignee.username: [(Role.CONSIGNEE, False)],
        world.paying_authority.username: [(Role.PAYING_AUTHORITY, True)],
    }


def test_role_2_office_readiness(world):
    assert selectors.office_readiness(office=world.office) == []
    new_office = make_unit(parent=world.organisation)
    assert selectors.office_readiness(office=new_office) == [Role.BUYER, Role.PAYING_AUTHORITY]
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.paying_authority, unit=world.office
    )
    assert selectors.office_readiness(office=world.office) == [Role.PAYING_AUTHORITY]


def test_role_2_an_office_without_an_active_primary_is_not_ready(world):
    world.primary.is_active = False
    world.primary.save()
    assert selectors.office_readiness(office=world.office) == [Role.PRIMARY]


def test_who_may_manage_an_organisation_member(world):
    actor = selectors.actor_for(user=world.primary)
    assert selectors.organisation_member_get(actor=actor, user_id=world.buyer.pk) == (
        world.buyer,
        world.organisation,
    )
    with pytest.raises(NotFound):
        selectors.organisation_member_get(actor=actor, user_id=world.other_buyer.pk)
    with pytest.raises(NotFound):
        selectors.organisation_member_get(actor=actor, user_id=world.seller_admin.pk)
    with pytest.raises(PermissionDenied):
        selectors.organisation_member_get(
            actor=selectors.actor_for(user=world.buyer), user_id=world.consignee.pk
        )


def test_member_unit_in_is_the_users_office(world):
    assert selectors.member_unit_in(user=world.buyer, organisation=world.organisation) == (
        world.office
    )
    assert selectors.member_unit_in(user=world.primary, organisation=world.organisation) == (
        world.organisation
    )


def test_organisation_get_managed_needs_the_primary(world):
    assert (
        selectors.organisation_get_managed(
            actor=selectors.actor_for(user=world.primary), organisation_id=world.organisation.pk
        )
        == world.organisation
    )
    with pytest.raises(PermissionDenied):
        selectors.organisation_get_managed(
            actor=selectors.actor_for(user=world.buyer), organisation_id=world.organisation.pk
        )
    with pytest.raises(NotFound):
        selectors.organisation_get_managed(
            actor=selectors.actor_for(user=world.primary), organisation_id=world.office.pk
        )
    with pytest.raises(NotFound):
        selectors.organisation_get_managed(
            actor=selectors.actor_for(user=world.other_primary),
            organisation_id=world.organisation.pk,
        )
