"""The notifications API under `/api/v1/notifications`: the caller's own
inbox (cursor-paginated, newest first) and marking one read. Another
person's notification is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kraya.accounts.models import User
from kraya.api.pagination import MAX_CURSOR_LENGTH, paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.errors import NotFound
from kraya.notifications import selectors, services
from kraya.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class InboxQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int = Field(50, ge=1, le=200)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.get(
    "",
    response={200: NotificationPage, **error_responses(401, 422)},
    summary="The caller's notifications, newest first",
)
def notifications_list(request: HttpRequest, page: Query[InboxQuery]) -> Any:
    user = _user(request)
    found = paginate_queryset(
        selectors.inbox(user), cursor=page.cursor, limit=page.limit, ordering=("-created_at", "-id")
    )
    return {
        "items": list(found.items),
        "next_cursor": found.next_cursor,
        "unread": selectors.unread_count(user),
    }


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **error_responses(401, 404)},
    summary="Mark one of the caller's notifications read",
)
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    try:
        return services.notification_read(user=_user(request), notification_id=notification_id)
    except Notification.DoesNotExist as error:
        raise NotFound(code="notifications.not_found") from error
