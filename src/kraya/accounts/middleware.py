"""Per-request accounts helpers for the web layer.

The language persists per user: a signed-in user's choice wins over the
cookie and Accept-Language (which LocaleMiddleware already applied).
`request_actor` builds the signed-in user's `Actor` once per request, so the
navigation, the dashboard and a view's permission checks share one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "preferred_language", "") or ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


_UNSET = object()


def request_actor(request: HttpRequest) -> Actor | None:
    """The signed-in user acting through all their active memberships (a
    browser session), or None for an anonymous visitor. Cached on the request."""
    cached = getattr(request, "_kraya_actor", _UNSET)
    if cached is not _UNSET:
        return cast(Actor | None, cached)
    user = getattr(request, "user", None)
    actor = actor_for(user=user) if isinstance(user, User) and user.is_authenticated else None
    request._kraya_actor = actor  # type: ignore[attr-defined]
    return actor


def signed_in_actor(request: HttpRequest) -> Actor:
    """The actor of a page that `member_page` already made sign in."""
    actor = request_actor(request)
    assert actor is not None  # member_page signed the user in
    return actor
