from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import PASSWORD, unique

from kraya.accounts.models import Membership, User
from kraya.accounts.services import api_token_create


def make_token(user: User, *, name: str = "robot") -> tuple[Membership, str]:
    """A raw API token for `user`, scoped to their first active membership."""
    membership = Membership.objects.filter(user=user, is_active=True).order_by("id").first()
    assert membership is not None, "the user needs a membership to hold a token"
    _token, raw = api_token_create(acting_user=user, membership=membership, name=name)
    return membership, raw


@pytest.fixture
def bearer():
    """`bearer(user)` -> the headers of a request made with a fresh token of `user`."""

    def build(user: User) -> dict[str, str]:
        _membership, raw = make_token(user)
        return {"Authorization": f"Bearer {raw}"}

    return build


def make_person() -> User:
    """A signed-up user with no membership: enough for the API base, and much
    cheaper than the `world` (which the token and role tests use)."""
    username = unique("person")
    return User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.in"
    )


@pytest.fixture
def person(db) -> User:
    return make_person()


@pytest.fixture
def person_client(person) -> Client:
    """A test client signed in (by session) as `person`."""
    client = Client()
    client.force_login(person)
    return client
