"""Sending notifications: `notify` in the caller's transaction writes one
outbox message per person; the outbox's `notifications.deliver` handler then
renders the text in that person's language, stores the inbox row and sends
the email, in one transaction.

Exactly once: the inbox row (unique per user and key, and written in the
same transaction that marks the outbox message done). At least once: the
email, if the process dies between the mail server accepting it and the
commit (SMTP is not transactional); `emailed_at` records the send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from kraya.accounts.models import User
from kraya.core import clock, outbox
from kraya.notifications import messages
from kraya.notifications.models import Notification

DELIVER = "notifications.deliver"


def notify(*, users: Iterable[User], kind: str, payload: dict[str, Any], key: str) -> int:
    """Tell each of `users` of `kind` (inside the caller's transaction; the
    message goes out after the commit). Returns how many were addressed."""
    if kind not in messages.kinds():
        raise LookupError(f"no message text for {kind!r}")
    count = 0
    for user in users:
        outbox.emit(
            DELIVER,
            {"user_id": user.pk, "kind": kind, "key": key, "payload": payload},
            key=f"notify:{key}:{user.pk}",
        )
        count += 1
    return count


@outbox.handler(DELIVER)
def deliver(message: dict[str, Any]) -> None:
    user = User.objects.filter(pk=message["user_id"], is_active=True).first()
    if user is None:
        return
    key = str(message["key"])[:200]
    if Notification.objects.filter(user=user, key=key).exists():
        return  # delivered before (a repeated message): nothing more
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body, link = messages.render(message["kind"], message["payload"])
    with transaction.atomic():
        notification = Notification.objects.create(
            user=user,
            kind=message["kind"],
            key=key,
            subject=subject[:200],
            body=body,
            link=link[:300],
            created_at=clock.now(),
        )
        if user.email:
            send_mail(subject, f"{body}\n\n{_absolute(link)}".rstrip(), None, [user.email])
            Notification.objects.filter(pk=notification.pk).update(emailed_at=clock.now())


def _absolute(link: str) -> str:
    base = getattr(settings, "KRAYA_SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link and base else link


def notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (others: not found)."""
    notification = Notification.objects.get(pk=notification_id, user=user)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())
