"""API authentication: an API token (`Authorization: Bearer kr_...`) or the
Django session of a signed-in browser, with CSRF enforced for unsafe methods.

Every operation uses `DEFAULT_AUTH` unless it says otherwise (`auth=None`
for public ones). An authenticated request carries:

- `request.user` — the user (for a token, the token's user);
- `request.auth` — the same user (ninja's convention);
- `request.api_token_membership_id` — the membership the token is scoped to,
  or `None` for a session (the user acts through any of their memberships).

Anything else answers 401 `auth.required`; a session request without a valid
CSRF token answers 403 `auth.csrf_failed` (`kraya.api.errors`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from kraya.accounts.selectors import api_token_authenticate

_MAX_TOKEN_LENGTH = 200
_TOKEN_CACHE_ATTR = "_kraya_api_token_auth"


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A request that presents a token is
    judged by the token alone: a wrong token is refused, never excused by a
    session cookie that happens to ride along."""

    openapi_bearerFormat = "kr_..."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, raw = header.partition(" ")
        raw = raw.strip()
        if scheme.lower() != "bearer" or not raw or len(raw) > _MAX_TOKEN_LENGTH:
            raise AuthenticationError()
        return self.authenticate(request, raw)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        cached = getattr(request, _TOKEN_CACHE_ATTR, None)
        if cached is not None and cached[0] == token:
            return cached[1]
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            raise AuthenticationError()
        user = api_token.user
        if not user.is_active:
            raise AuthenticationError()
        request.user = user
        request.api_token_membership_id = api_token.membership_id  # type: ignore[attr-defined]
        # The session path gets the user's language from middleware; a token
        # user is only known now, so apply their choice here.
        language = getattr(user, "preferred_language", "") or ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        setattr(request, _TOKEN_CACHE_ATTR, (token, user))
        return user

    def prime(self, request: HttpRequest) -> None:
        """Authenticate a token now, before the caller opens a transaction:
        the look-up writes the token's `last_used_at`, and that row lock must
        not be held for the length of the request. A failure is left for the
        operation's own authentication to report."""
        try:
            self(request)
        except AuthenticationError:
            return


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering a refusal without rendering the HTML
    failure page: the API turns it into JSON (`kraya.api.errors`)."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return HttpResponseForbidden(reason)


def _operation_view(request: HttpRequest) -> HttpResponse:
    """Stands for the API operation in the CSRF check (which only looks at
    the view for a `csrf_exempt` mark; operations have none)."""
    return HttpResponse()


def _csrf_failure(request: HttpRequest) -> str | None:
    """Why the request fails the CSRF check, or None when it passes (safe
    methods always pass)."""
    check = _CsrfCheck(_operation_view)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    check.process_request(request)
    refused = check.process_view(request, _operation_view, (), {})
    return refused.content.decode() if refused is not None else None


class SessionAuth(APIKeyCookie):
    """The browser's Django session. CSRF is checked only once we know the
    session belongs to a signed-in user, so an anonymous call gets a clear 401
    rather than a CSRF complaint; safe methods pass the check by definition."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and _csrf_failure(request):
            raise HttpError(403, "CSRF check Failed")
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        request.api_token_membership_id = None  # type: ignore[attr-defined]
        return request.user


api_token_auth = ApiTokenAuth()
session_auth = SessionAuth()

# The default for every operation of the project API.
DEFAULT_AUTH = [api_token_auth, session_auth]
