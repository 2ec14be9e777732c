"""Sign-in events are audited with the client IP; 5 failures lock the account."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from kraya.core.audit_models import AuditEvent
from tests.factories import PASSWORD, audit_head, can_sign_in

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


def _request():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=IP)
    request.session = SessionStore()
    request.user = AnonymousUser()
    return request


def _events_since(seq):
    return list(
        AuditEvent.objects.filter(seq__gt=seq)
        .order_by("seq")
        .values("action", "actor_id", "object_id", "ip", "payload")
    )


def test_login_and_logout_are_audited_with_the_client_ip(world):
    head = audit_head()
    request = _request()
    user = authenticate(request=request, username=world.buyer.username, password=PASSWORD)
    assert user == world.buyer
    login(request, user)
    logout(request)
    assert _events_since(head) == [
        {
            "action": "auth.login",
            "actor_id": world.buyer.pk,
            "object_id": str(world.buyer.pk),
            "ip": IP,
            "payload": {},
        },
        {
            "action": "auth.logout",
            "actor_id": world.buyer.pk,
            "object_id": str(world.buyer.pk),
            "ip": IP,
            "payload": {},
        },
    ]


def test_a_failed_login_is_audited_without_the_password(world):
    head = audit_head()
    assert can_sign_in(world.buyer.username, "Wrong-password-1") is False
    assert _events_since(head) == [
        {
            "action": "auth.login_failed",
            "actor_id": None,
            "object_id": "",
            "ip": IP,
            "payload": {"username": world.buyer.username},
        }
    ]


def test_five_failed_logins_lock_the_account_and_the_lock_is_audited(world):
    head = audit_head()
    for _attempt in range(5):
        assert can_sign_in(world.buyer.username, "Wrong-password-1") is False
    # Locked: even the right password is refused now.
    assert can_sign_in(world.buyer.username, PASSWORD) is False
    actions = [event["action"] for event in _events_since(head)]
    # The throttle reports the lock on the 5th failure and on every try after it.
    assert actions == ["auth.login_failed"] * 4 + ["auth.locked_out", "auth.login_failed"] * 2
    locked = AuditEvent.objects.filter(seq__gt=head, action="auth.locked_out").first()
    assert (locked.ip, locked.payload) == (IP, {"username": world.buyer.username})
    # Another user at the same address is not locked (the lock is per username and IP).
    assert can_sign_in(world.consignee.username, PASSWORD) is True
