"""Operator screens: accounts are browsed in the admin, changed only by services."""

from __future__ import annotations

import pytest

from kraya.accounts.models import ApiToken, BuyerUnit, Membership, SellerFirm
from kraya.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, world):
    world.other_buyer.is_staff = True
    world.other_buyer.is_superuser = True
    world.other_buyer.save()
    client.force_login(world.other_buyer)
    return client


@pytest.mark.parametrize("model", [BuyerUnit, SellerFirm, Membership, ApiToken])
def test_operators_browse_but_do_not_edit(operator_client, world, model):
    api_token_create(
        acting_user=world.buyer, membership=Membership.objects.get(user=world.buyer), name="ERP"
    )
    name = model._meta.model_name
    changelist = operator_client.get(f"/operator/accounts/{name}/")
    assert changelist.status_code == 200
    first = model.objects.order_by("pk").first()
    assert operator_client.get(f"/operator/accounts/{name}/{first.pk}/change/").status_code == 200
    assert operator_client.get(f"/operator/accounts/{name}/add/").status_code == 403
    assert operator_client.post(f"/operator/accounts/{name}/{first.pk}/delete/").status_code == 403


def test_the_token_hash_is_never_shown(operator_client, world):
    token, _raw = api_token_create(
        acting_user=world.buyer, membership=Membership.objects.get(user=world.buyer), name="ERP"
    )
    page = operator_client.get(f"/operator/accounts/apitoken/{token.pk}/change/")
    assert token.key_hash not in page.content.decode()


def test_users_are_listed_with_their_memberships(operator_client, world):
    page = operator_client.get(f"/operator/accounts/user/{world.buyer.pk}/change/")
    assert page.status_code == 200
    assert world.office.name in page.content.decode()
    assert operator_client.get("/operator/accounts/user/?q=primary").status_code == 200
