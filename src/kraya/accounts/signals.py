"""Sign-in events go to the audit log with the client's IP (REMOTE_ADDR):
login, logout, a failed login and an account locked by the login throttle."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from kraya.accounts.models import User
from kraya.core import audit


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address Django saw. Behind a proxy, the proxy must set
    REMOTE_ADDR from the forwarded header it trusts."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username", ""))[:150]


@receiver(user_logged_in, dispatch_uid="kraya.accounts.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="auth.login", target=user, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="kraya.accounts.audit_logout")
def audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    with transaction.atomic():
        audit.record(actor=user, action="auth.logout", target=user, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="kraya.accounts.audit_login_failed")
def audit_login_failed(
    sender: Any,
    credentials: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # The username tried is recorded as typed; the password never is.
    with transaction.atomic():
        audit.record(
            actor=None,
            action="auth.login_failed",
            payload={"username": _username(credentials)},
            ip=client_ip(request),
        )


@receiver(user_locked_out, dispatch_uid="kraya.accounts.audit_locked_out")
def audit_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="auth.locked_out",
            payload={"username": str(username or "")[:150]},
            ip=ip_address or client_ip(request),
        )
