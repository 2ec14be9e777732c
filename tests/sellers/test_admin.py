"""Operator screens: registrations are read in the admin, changed only by services."""

from __future__ import annotations

import pytest

from kraya.accounts.models import User
from tests.sellers.kyc_examples import BANK_STEP, submitted

pytestmark = pytest.mark.django_db


def test_operators_read_registrations_but_do_not_edit(client, world):
    registration = submitted(User.objects.create_user(username="asha", password="x"))
    client.force_login(world.operator)  # staff, not superuser
    changelist = client.get("/operator/sellers/registration/?q=Varanasi")
    assert changelist.status_code == 200
    assert registration.pan in changelist.content.decode()
    page = client.get(f"/operator/sellers/registration/{registration.pk}/change/")
    assert page.status_code == 200
    assert BANK_STEP["account_number"] not in page.content.decode()
    assert client.get("/operator/sellers/registration/add/").status_code == 403
    deleted = client.post(f"/operator/sellers/registration/{registration.pk}/delete/")
    assert deleted.status_code == 403


def test_non_operators_are_sent_to_sign_in(client, world):
    client.force_login(world.seller_admin)
    assert client.get("/operator/sellers/registration/").status_code == 302
