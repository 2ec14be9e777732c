"""Reads of a person's own notifications (nobody reads another's)."""

from __future__ import annotations

from django.db.models import QuerySet

from kraya.accounts.models import User
from kraya.notifications.models import Notification


def unread_count(user: User) -> int:
    """One indexed count (the partial index on unread rows)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
