"""Shared service helpers: a lost race for a unique value is a field error."""

from __future__ import annotations

import pytest
from django.db import transaction

from kraya.accounts.models import User
from kraya.accounts.services._common import create_login
from kraya.core.errors import ValidationFailed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_username_taken_between_check_and_insert_is_a_field_error(world):
    # create_login runs after the service's own check; here nothing checked first,
    # as when a concurrent request inserted the same username in between.
    with pytest.raises(ValidationFailed) as info, transaction.atomic():
        create_login(
            username=world.buyer.username,
            password=PASSWORD,
            full_name="Twin",
            email="twin@example.in",
            field_prefix="admin_",
        )
    assert (info.value.code, list(info.value.fields)) == (
        "accounts.username_taken",
        ["admin_username"],
    )
    assert User.objects.filter(username=world.buyer.username).count() == 1
