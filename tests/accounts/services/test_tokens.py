"""API tokens: stored hashed, scoped to one membership, shown once."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from kraya.accounts import selectors, services
from kraya.accounts.models import ApiToken, Membership, Role
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, NotFound, ValidationFailed
from tests.factories import audit_actions_since, audit_head, make_operator, refused

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 4, 1, 4, 30, tzinfo=dt.UTC)


def _membership(user, role):
    return Membership.objects.get(user=user, role=role, is_active=True)


def test_a_token_is_shown_once_and_stored_as_a_hash(world):
    membership = _membership(world.buyer, Role.BUYER)
    head = audit_head()
    with clock.frozen_at(T0):
        token, raw = services.api_token_create(
            acting_user=world.buyer, membership=membership, name="ERP link"
        )
    kind, prefix, secret = raw.split("_", 2)
    assert (kind, prefix, len(secret) >= 40) == ("kr", token.prefix, True)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    assert (token.created_at, token.expires_at) == (T0, T0 + dt.timedelta(days=90))
    assert token.user == world.buyer
    assert audit_actions_since(head) == ["accounts.api_token.create"]
    assert AuditEvent.objects.get(seq=head + 1).payload == {
        "membership_id": membership.pk,
        "prefix": token.prefix,
        "name": "ERP link",
    }


def test_authenticate_accepts_only_a_live_token_and_records_use_once_a_minute(world):
    membership = _membership(world.buyer, Role.BUYER)
    with clock.frozen_at(T0):
        token, raw = services.api_token_create(
            acting_user=world.buyer, membership=membership, name="ERP", expires_in_days=1
        )
        assert selectors.api_token_authenticate(raw=raw) == token
        assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    with clock.frozen_at(T0 + dt.timedelta(seconds=30)):
        assert selectors.api_token_authenticate(raw=raw) == token
        assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    with clock.frozen_at(T0 + dt.timedelta(seconds=61)):
        selectors.api_token_authenticate(raw=raw)
        assert ApiToken.objects.get(pk=token.pk).last_used_at == T0 + dt.timedelta(seconds=61)
    with clock.frozen_at(T0 + dt.timedelta(days=1)):
        assert selectors.api_token_authenticate(raw=raw) is None
    for wrong in ("", "kr_x", raw + "x", raw.replace("kr_", "xx_"), "kr_" + "a" * 8 + "_b"):
        assert selectors.api_token_authenticate(raw=wrong) is None


def test_a_token_dies_with_its_membership(world):
    membership = _membership(world.buyer, Role.BUYER)
    _token, raw = services.api_token_create(
        acting_user=world.buyer, membership=membership, name="ERP"
    )
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office
    )
    assert selectors.api_token_authenticate(raw=raw) is None


def test_tokens_are_for_ones_own_memberships(world):
    with refused(NotFound):
        services.api_token_create(
            acting_user=world.consignee,
            membership=_membership(world.buyer, Role.BUYER),
            name="Not mine",
        )


def test_a_token_actor_cannot_create_tokens_for_other_memberships(world):
    primary_membership = _membership(world.primary, Role.PRIMARY)
    services.secondary_user_update(
        acting_user=world.primary,
        user=world.primary,
        unit=world.office,
        full_name=world.primary.full_name,
        email=world.primary.email,
        roles=[Role.CONSIGNEE],
    )
    consignee = _membership(world.primary, Role.CONSIGNEE)
    actor = selectors.actor_for(user=world.primary, token_membership_id=consignee.pk)
    with refused(NotFound):
        services.api_token_create(acting_user=actor, membership=primary_membership, name="x")


@pytest.mark.parametrize(
    ("name", "days", "fields"),
    [("", 90, {"name"}), ("ok", 0, {"expires_in_days"}), ("ok", 400, {"expires_in_days"})],
)
def test_token_fields_are_checked(world, name, days, fields):
    with refused(ValidationFailed, "validation", fields=fields):
        services.api_token_create(
            acting_user=world.buyer,
            membership=_membership(world.buyer, Role.BUYER),
            name=name,
            expires_in_days=days,
        )


def test_the_owner_revokes_a_token_once(world):
    token, raw = services.api_token_create(
        acting_user=world.buyer, membership=_membership(world.buyer, Role.BUYER), name="ERP"
    )
    with refused(NotFound):
        services.api_token_revoke(acting_user=world.primary, token=token)
    head = audit_head()
    with clock.frozen_at(T0):
        revoked = services.api_token_revoke(acting_user=world.buyer, token=token)
    assert revoked.revoked_at == T0
    assert selectors.api_token_authenticate(raw=raw) is None
    assert audit_actions_since(head) == ["accounts.api_token.revoke"]
    with refused(Conflict, "accounts.token_revoked"):
        services.api_token_revoke(acting_user=world.buyer, token=token)


def test_an_operator_may_revoke_any_token(world):
    operator = make_operator()
    token, _raw = services.api_token_create(
        acting_user=world.buyer, membership=_membership(world.buyer, Role.BUYER), name="ERP"
    )
    assert services.api_token_revoke(acting_user=operator, token=token).revoked_at is not None
