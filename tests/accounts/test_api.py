"""The accounts API: what each operation answers (the authorization matrix
for every role is in tests/api/test_authorization_matrix.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from kraya.accounts import selectors, services
from kraya.accounts.models import ApiToken, Membership, Role, User
from kraya.core.audit_models import AuditEvent
from tests.factories import PASSWORD, audit_actions_since, audit_head, can_sign_in, row_counts

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accounts"


def _session(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(client: Client) -> dict[str, str]:
    """A CSRF cookie and the matching header, as a page of the site would set them."""
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return {"X-CSRFToken": token}


def _send(client: Client, method: str, path: str, body=None, **headers):
    headers = {**_csrf(client), **headers}
    return getattr(client, method)(
        f"{BASE}{path}", data=body or {}, content_type="application/json", headers=headers
    )


def test_me_lists_memberships_and_roles(world):
    response = _session(world.buyer).get(f"{BASE}/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["roles"], body["token_membership_id"]) == (
        world.buyer.username,
        ["BUYER"],
        None,
    )
    [membership] = body["memberships"]
    assert (membership["role"], membership["buyer_unit"]["id"], membership["seller_firm"]) == (
        "BUYER",
        world.office.pk,
        None,
    )


def test_me_with_a_token_shows_only_its_membership(world, client):
    services.secondary_user_update(
        acting_user=world.primary,
        user=world.primary,
        unit=world.office,
        full_name=world.primary.full_name,
        email=world.primary.email,
        roles=[Role.CONSIGNEE],
    )
    consignee = Membership.objects.get(user=world.primary, role=Role.CONSIGNEE)
    _token, raw = services.api_token_create(
        acting_user=world.primary, membership=consignee, name="robot"
    )
    response = client.get(f"{BASE}/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["roles"] == ["CONSIGNEE"]
    assert response.json()["token_membership_id"] == consignee.pk
    # ...so it cannot act as the Primary User.
    response = client.get(
        f"{BASE}/organisations/{world.organisation.pk}/users",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "accounts.not_primary",
    )


def test_the_primary_lists_users_a_page_at_a_time(world):
    client = _session(world.primary)
    url = f"{BASE}/organisations/{world.organisation.pk}/users"
    first = client.get(url, {"limit": 3}).json()
    second = client.get(url, {"limit": 3, "cursor": first["next_cursor"]}).json()
    usernames = [u["username"] for u in first["items"] + second["items"]]
    members = [world.primary, world.buyer, world.consignee, world.paying_authority]
    assert usernames == sorted(user.username for user in members)
    assert second["next_cursor"] is None
    buyer = next(u for u in first["items"] + second["items"] if u["id"] == world.buyer.pk)
    assert [m["role"] for m in buyer["memberships"]] == ["BUYER"]


def test_the_primary_creates_a_buyer_who_can_then_sign_in(world):
    client = _session(world.primary)
    head = audit_head()
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/users",
        {
            "username": "new-buyer",
            "full_name": "Nisha Rao",
            "email": "nisha@example.in",
            "password": PASSWORD,
            "roles": ["BUYER"],
            "unit": world.office.pk,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["username"], [m["role"] for m in body["memberships"]]) == (
        "new-buyer",
        ["BUYER"],
    )
    assert body["memberships"][0]["buyer_unit"]["id"] == world.office.pk
    assert audit_actions_since(head) == ["accounts.secondary_user.create"]
    assert can_sign_in("new-buyer")


def test_creating_a_user_with_an_idempotency_key_replays(world):
    client = _session(world.primary)
    body = {
        "username": "twice",
        "full_name": "Twice",
        "email": "twice@example.in",
        "password": PASSWORD,
        "roles": ["CONSIGNEE"],
    }
    path = f"/organisations/{world.organisation.pk}/users"
    first = _send(client, "post", path, body, **{"Idempotency-Key": "k-1"})
    again = _send(client, "post", path, body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert User.objects.filter(username="twice").count() == 1


def test_bad_input_gets_field_errors_and_changes_nothing(world):
    client = _session(world.primary)
    before = row_counts()
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/users",
        {
            "username": "weak",
            "full_name": "Weak",
            "email": "weak@example.in",
            "password": "weak",
            "roles": ["BUYER", "PAYING_AUTHORITY"],
        },
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "accounts.weak_password"
    assert set(error["fields"]) == {"password", "roles"}
    assert row_counts() == before
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/users",
        {"username": "x", "full_name": "X", "email": "bad", "password": PASSWORD, "roles": ["X"]},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"email", "roles.0"}
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/users",
        {
            "username": "x",
            "full_name": "X",
            "email": "x@example.in",
            "password": PASSWORD,
            "roles": ["BUYER"],
            "unit": world.other_office.pk,
        },
    )
    assert (response.status_code, response.json()["error"]["code"]) == (
        422,
        "accounts.wrong_unit",
    )
    assert row_counts() == before


def test_patch_changes_only_what_is_sent(world):
    client = _session(world.primary)
    response = _send(client, "patch", f"/users/{world.buyer.pk}", {"full_name": "Renamed"})
    assert response.status_code == 200, response.json()
    assert (response.json()["full_name"], response.json()["email"]) == (
        "Renamed",
        world.buyer.email,
    )
    assert selectors.roles_for(user=world.buyer) == {Role.BUYER}
    response = _send(client, "patch", f"/users/{world.buyer.pk}", {"roles": ["CONSIGNEE"]})
    assert selectors.roles_for(user=world.buyer) == {Role.CONSIGNEE}
    # The Primary User may edit their own details.
    response = _send(client, "patch", f"/users/{world.primary.pk}", {"mobile": "9876543210"})
    assert (response.status_code, response.json()["mobile"]) == (200, "9876543210")


def test_deactivate_and_hand_over(world):
    client = _session(world.primary)
    response = _send(client, "post", f"/users/{world.consignee.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    again = _send(client, "post", f"/users/{world.consignee.pk}/deactivate")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "accounts.already_inactive")
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/hand-over",
        {"successor": world.buyer.pk},
    )
    assert (response.status_code, response.json()["error"]["fields"]) == (
        422,
        {"successor": ["The Primary User cannot also be a Buyer."]},
    )
    response = _send(
        client,
        "post",
        f"/organisations/{world.organisation.pk}/hand-over",
        {"successor": world.paying_authority.pk},
    )
    assert response.status_code == 200
    assert response.json()["primary"]["id"] == world.paying_authority.pk


def test_office_readiness(world):
    client = _session(world.consignee)
    response = client.get(f"{BASE}/offices/{world.office.pk}/readiness")
    assert response.json() == {"office_id": world.office.pk, "ready": True, "missing_roles": []}
    services.secondary_user_deactivate(
        acting_user=world.primary, user=world.buyer, unit=world.office
    )
    response = client.get(f"{BASE}/offices/{world.office.pk}/readiness")
    assert response.json()["missing_roles"] == ["BUYER"]


def test_seller_admin_manages_seller_users(world):
    client = _session(world.seller_admin)
    response = client.get(f"{BASE}/seller-firms/{world.seller_firm.pk}/users")
    assert [u["username"] for u in response.json()["items"]] == sorted(
        [world.seller_admin.username, world.seller_catalogue.username]
    )
    response = _send(
        client,
        "post",
        f"/seller-firms/{world.seller_firm.pk}/users",
        {
            "username": "bidder",
            "full_name": "Bidder",
            "email": "bidder@example.in",
            "password": PASSWORD,
            "roles": ["SELLER_BIDDING"],
        },
    )
    assert response.status_code == 201
    new_id = response.json()["id"]
    response = _send(
        client, "post", f"/seller-firms/{world.seller_firm.pk}/users/{new_id}/deactivate"
    )
    assert (response.status_code, response.json()["is_active"]) == (200, False)


def test_tokens_are_created_listed_used_and_revoked(world):
    client = _session(world.buyer)
    membership = Membership.objects.get(user=world.buyer)
    response = _send(client, "post", "/tokens", {"membership": membership.pk, "name": "ERP"})
    assert response.status_code == 201
    created = response.json()
    raw = created.pop("token")
    assert raw.startswith(f"kr_{created['prefix']}_")
    listed = client.get(f"{BASE}/tokens").json()["items"]
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    robot = Client(enforce_csrf_checks=True)
    me = robot.get(f"{BASE}/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["token_membership_id"] == membership.pk
    response = _send(client, "post", f"/tokens/{created['id']}/revoke")
    assert response.json()["revoked_at"] is not None
    assert robot.get(f"{BASE}/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None


def test_a_token_for_someone_elses_membership_is_refused(world):
    client = _session(world.buyer)
    other = Membership.objects.get(user=world.consignee)
    response = _send(client, "post", "/tokens", {"membership": other.pk, "name": "ERP"})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (
        422,
        {"membership"},
    )


def test_language_is_set_and_the_answer_follows_it(world):
    client = _session(world.buyer)
    head = audit_head()
    response = _send(client, "patch", "/me/language", {"language": "hi"})
    assert (response.status_code, response.json()["preferred_language"]) == (200, "hi")
    assert audit_actions_since(head) == ["accounts.user.set_language"]
    response = _send(client, "patch", "/me/language", {"language": "fr"})
    assert response.status_code == 422
    assert AuditEvent.objects.filter(seq__gt=head).count() == 1
