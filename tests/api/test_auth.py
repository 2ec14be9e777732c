"""Token or session authentication, CSRF for the session, 401/403 bodies."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.api.conftest import make_token

from kraya.accounts.models import ApiToken, User
from kraya.accounts.services import api_token_revoke
from kraya.core.audit_models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.probe")]

WHOAMI = "/probe/v1/whoami"
NOTES = "/probe/v1/notes"
NOTE = {"title": "Chairs", "email": "a@example.in", "quantity": 2}

AUTH_REQUIRED = {
    "error": {"code": "auth.required", "message": "Please sign in.", "fields": {}},
}


def test_anonymous_gets_401_json_with_challenge(client):
    response = client.get(WHOAMI)
    assert response.status_code == 401
    assert response.json() == AUTH_REQUIRED
    assert response["WWW-Authenticate"] == 'Bearer realm="kraya"'


def test_anonymous_post_gets_401_not_a_csrf_complaint():
    response = Client(enforce_csrf_checks=True).post(
        NOTES, data=NOTE, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"


def test_token_sets_user_and_membership(client, world):
    membership, raw = make_token(world.buyer)
    response = client.get(WHOAMI, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json() == {
        "user_id": world.buyer.pk,
        "auth_user_id": world.buyer.pk,
        "membership_id": membership.pk,
        "language": "en",
    }


def test_token_post_needs_no_csrf(world):
    _membership, raw = make_token(world.buyer)
    before = AuditEvent.objects.count()
    response = Client(enforce_csrf_checks=True).post(
        NOTES,
        data=NOTE,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-seq").first().actor_id == world.buyer.pk


def test_token_user_language_is_used(client, world):
    User.objects.filter(pk=world.buyer.pk).update(preferred_language="hi")
    _membership, raw = make_token(world.buyer)
    response = client.get(WHOAMI, headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["language"] == "hi"
    assert response["Content-Language"] == "hi"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kr_00000000_not-a-real-secret",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "kr_abc",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_authorization_header_is_401(client, world, header):
    response = client.get(WHOAMI, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == AUTH_REQUIRED


def test_bad_token_is_not_excused_by_a_session(client, world):
    client.force_login(world.buyer)
    response = client.get(WHOAMI, headers={"Authorization": "Bearer kr_00000000_wrong"})
    assert response.status_code == 401


def test_revoked_token_is_refused(client, world):
    _membership, raw = make_token(world.buyer)
    token = ApiToken.objects.get(membership__user=world.buyer)
    api_token_revoke(acting_user=world.buyer, token=token)
    response = client.get(WHOAMI, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_token_of_inactive_user_is_refused(client, world):
    _membership, raw = make_token(world.buyer)
    User.objects.filter(pk=world.buyer.pk).update(is_active=False)
    response = client.get(WHOAMI, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.json() == AUTH_REQUIRED


def test_session_sets_user_without_membership(client, world):
    client.force_login(world.buyer)
    response = client.get(WHOAMI)
    assert response.status_code == 200
    assert response.json()["user_id"] == world.buyer.pk
    assert response.json()["membership_id"] is None


def test_session_of_inactive_user_is_refused(client, world):
    client.force_login(world.buyer)
    User.objects.filter(pk=world.buyer.pk).update(is_active=False)
    response = client.get(WHOAMI)
    assert response.status_code == 401


def test_session_get_needs_no_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.buyer)
    assert browser.get(WHOAMI).status_code == 200


def test_session_post_without_csrf_is_refused_and_changes_nothing(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.buyer)
    before = AuditEvent.objects.count()
    response = browser.post(NOTES, data=NOTE, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "auth.csrf_failed"
    assert AuditEvent.objects.count() == before


def test_session_post_with_csrf_header_is_accepted(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.buyer)
    browser.get("/api/v1/docs")  # the docs page sets the CSRF cookie for Swagger UI
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        NOTES, data=NOTE, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def test_session_post_with_wrong_csrf_header_is_refused(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.buyer)
    browser.get("/api/v1/docs")
    response = browser.post(
        NOTES, data=NOTE, content_type="application/json", headers={"X-CSRFToken": "x" * 32}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "auth.csrf_failed"


def test_public_operation_needs_nothing(client):
    response = client.get("/probe/v1/search?q=chairs")
    assert response.status_code == 200
    assert response.json() == {"q": "chairs", "page": 1}
