"""The inbox page: the signed-in person's notifications, newest first, with
"mark read" and "mark all read" forms that work without JavaScript."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kraya.core.pages import member_page
from kraya.notifications import selectors, services
from kraya.notifications.models import Notification

PER_PAGE = 30


@member_page
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated
    page = Paginator(selectors.inbox(user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@member_page
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = services.notification_read(
            user=request.user,  # type: ignore[arg-type]
            notification_id=notification_id,
        )
    except Notification.DoesNotExist as error:
        raise Http404 from error
    if request.POST.get("open") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@require_POST
@member_page
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(user=request.user)  # type: ignore[arg-type]
    return redirect("notifications:inbox")
