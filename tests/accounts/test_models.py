"""Invariants the database enforces on memberships (ROLE-1, ROLE-3)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kraya.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def _insert(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(**fields)


def test_role_1_one_active_primary_per_organisation(world):
    _insert(user=world.consignee, role=Role.PRIMARY, buyer_unit=world.organisation)


def test_role_3_one_active_admin_per_firm(world):
    _insert(user=world.seller_catalogue, role=Role.SELLER_ADMIN, seller_firm=world.seller_firm)


def test_a_membership_has_exactly_one_scope_matching_its_role(world):
    _insert(user=world.buyer, role=Role.CONSIGNEE)
    _insert(
        user=world.buyer,
        role=Role.CONSIGNEE,
        buyer_unit=world.office,
        seller_firm=world.seller_firm,
    )
    _insert(user=world.buyer, role=Role.SELLER_BIDDING, buyer_unit=world.office)
    _insert(user=world.seller_admin, role=Role.BUYER, seller_firm=world.seller_firm)


def test_an_active_role_is_held_once_per_unit_but_history_is_kept(world):
    _insert(user=world.buyer, role=Role.BUYER, buyer_unit=world.office)
    Membership.objects.filter(user=world.buyer).update(is_active=False)
    Membership.objects.create(user=world.buyer, role=Role.BUYER, buyer_unit=world.office)
    assert Membership.objects.filter(user=world.buyer, role=Role.BUYER).count() == 2
