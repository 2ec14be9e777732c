"""Seller firms and their users (ROLE-3)."""

from __future__ import annotations

import pytest

from kraya.accounts import selectors, services
from kraya.accounts.models import Membership, Role
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.factories import (
    PASSWORD,
    audit_actions_since,
    audit_head,
    can_sign_in,
    make_operator,
    refused,
)

pytestmark = pytest.mark.django_db


def _firm(acting_user=None, **overrides):
    arguments = {
        "acting_user": acting_user,
        "name": "Kashi Handlooms",
        "pan": "aaapl1234c",
        "state": "Uttar Pradesh",
        "district": "Varanasi",
        "admin_username": "kashi-admin",
        "admin_full_name": "Meena Devi",
        "admin_email": "meena@kashi.example.in",
        "admin_password": PASSWORD,
    }
    arguments.update(overrides)
    return services.seller_firm_create(**arguments)


def _seller_user(world, acting_user=None, **overrides):
    arguments = {
        "acting_user": acting_user or world.seller_admin,
        "firm": world.seller_firm,
        "username": "ganga-bids",
        "full_name": "Arun Singh",
        "email": "arun@ganga.example.in",
        "roles": [Role.SELLER_BIDDING, Role.SELLER_FULFILMENT],
        "password": PASSWORD,
    }
    arguments.update(overrides)
    return services.seller_user_create(**arguments)


def test_role_3_a_seller_firm_is_created_with_its_one_admin(db):
    head = audit_head()
    firm, admin = _firm()
    assert (firm.name, firm.pan, firm.district) == ("Kashi Handlooms", "AAAPL1234C", "Varanasi")
    assert list(
        Membership.objects.filter(user=admin).values_list("role", "seller_firm_id", "buyer_unit")
    ) == [(Role.SELLER_ADMIN, firm.pk, None)]
    assert can_sign_in("kashi-admin")
    assert audit_actions_since(head) == ["accounts.seller_firm.create"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {
        "admin_user_id": admin.pk,
        "admin_username": "kashi-admin",
        "pan": "AAAPL1234C",
    }


def test_an_operator_may_create_a_firm_but_a_seller_may_not(world):
    operator = make_operator()
    _firm(acting_user=operator)
    assert AuditEvent.objects.order_by("-seq").first().actor_id == operator.pk
    with refused(PermissionDenied, "accounts.not_operator"):
        _firm(acting_user=world.seller_admin, pan=None, admin_username="x-admin")


def test_a_firm_needs_a_valid_unique_pan(world):
    _firm()
    with refused(ValidationFailed, "accounts.pan_taken", fields={"pan"}):
        _firm(admin_username="other-admin")
    with refused(ValidationFailed, "accounts.invalid_pan", fields={"pan"}):
        _firm(pan="ABCDE12345", admin_username="other-admin")


def test_a_firm_refuses_a_weak_admin_password_and_empty_name(db):
    with refused(ValidationFailed, fields={"name", "admin_password"}):
        _firm(name="", admin_password="kashi")


def test_role_3_the_admin_creates_seller_users(world):
    head = audit_head()
    user = _seller_user(world)
    assert set(
        Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
    ) == {Role.SELLER_BIDDING, Role.SELLER_FULFILMENT}
    assert audit_actions_since(head) == ["accounts.seller_user.create"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {
        "seller_firm_id": world.seller_firm.pk,
        "roles": ["SELLER_BIDDING", "SELLER_FULFILMENT"],
    }
    assert [u for u, _ in selectors.seller_firm_users(firm=world.seller_firm)] == sorted(
        [world.seller_admin, world.seller_catalogue, user], key=lambda u: u.full_name
    )


def test_role_3_only_the_admin_creates_seller_users(world):
    with refused(PermissionDenied, "accounts.not_seller_admin"):
        _seller_user(world, acting_user=world.seller_catalogue)
    with refused(NotFound):
        _seller_user(world, acting_user=world.other_seller_admin)
    with refused(NotFound):
        _seller_user(world, acting_user=world.primary)


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        ([Role.SELLER_ADMIN], "accounts.invalid_role"),
        ([Role.BUYER], "accounts.invalid_role"),
        ([], "accounts.no_roles"),
    ],
)
def test_role_3_one_admin_per_firm_and_only_seller_roles(world, roles, code):
    with refused(ValidationFailed, code, fields={"roles"}):
        _seller_user(world, roles=roles)


def test_seller_user_create_refuses_a_taken_username(world):
    with refused(ValidationFailed, "accounts.username_taken", fields={"username"}):
        _seller_user(world, username=world.buyer.username)


def test_role_3_the_admin_deactivates_a_seller_user(world):
    head = audit_head()
    user = services.seller_user_deactivate(
        acting_user=world.seller_admin, user=world.seller_catalogue, firm=world.seller_firm
    )
    assert user.is_active is False
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    assert audit_actions_since(head) == ["accounts.seller_user.deactivate"]
    with refused(Conflict, "accounts.already_inactive"):
        services.seller_user_deactivate(
            acting_user=world.seller_admin, user=world.seller_catalogue, firm=world.seller_firm
        )


def test_role_3_deactivation_refusals(world):
    with refused(Conflict, "accounts.seller_admin_cannot_be_deactivated"):
        services.seller_user_deactivate(
            acting_user=world.seller_admin, user=world.seller_admin, firm=world.seller_firm
        )
    with refused(PermissionDenied, "accounts.not_seller_admin"):
        services.seller_user_deactivate(
            acting_user=world.seller_catalogue, user=world.seller_admin, firm=world.seller_firm
        )
    with refused(NotFound):
        services.seller_user_deactivate(
            acting_user=world.other_seller_admin,
            user=world.seller_catalogue,
            firm=world.seller_firm,
        )
    with refused(NotFound):
        services.seller_user_deactivate(
            acting_user=world.seller_admin, user=world.buyer, firm=world.seller_firm
        )
