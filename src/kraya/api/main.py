"""The project API at `/api/v1/`: the one place routers are mounted.

OpenAPI 3.1 at `/api/v1/openapi.json`, interactive docs at `/api/v1/docs`
(Swagger UI served from our own static files: the CSP allows no CDN and no
inline script). Authentication, errors, pagination and idempotency live in
the sibling modules; a router only declares operations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import Swagger
from pydantic import BaseModel

from kraya.api import errors
from kraya.api.auth import DEFAULT_AUTH
from kraya.api.schemas import HealthOut

API_DESCRIPTION = _(
    "The JSON API of Kraya, an open-source Government e-Marketplace. "
    "Authenticate with an API token (`Authorization: Bearer kr_...`) or a "
    "signed-in browser session (send the CSRF token in `X-CSRFToken` for "
    "unsafe methods). Errors have the shape "
    '`{"error": {"code", "message", "fields"}}`. Lists are cursor-paginated '
    "(`?cursor=...&limit=...`, answer `next_cursor`). POSTs that create "
    "things accept an `Idempotency-Key` header."
)


def _strip_schema_argument(model: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A body with one schema argument is sent as that schema's fields at the
    top level, so the argument's name is no part of the client's field name."""
    single = getattr(model, "__read_from_single_attr__", None)
    if not single or not loc or loc[0] != single:
        return loc
    annotation = model.model_fields[single].annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return loc[1:]
    return loc


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return errors.method_not_allowed(response)
        return response

    return wrapped


class KrayaAPI(NinjaAPI):
    """NinjaAPI with the project's conventions: token-or-session auth by
    default, every error as project JSON (also where ninja answers by itself:
    validation field names, 405, unknown paths, the API root)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", DEFAULT_AUTH)
        super().__init__(**kwargs)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        errors.install(self)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        collected: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            reverse_map = getattr(model, "__ninja_flatten_map_reverse__", {})
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = tuple(error["loc"])
                loc = reverse_map.get(loc, _strip_schema_argument(model, loc))
                collected.append(
                    {
                        "type": error["type"],
                        "loc": (model.__ninja_param_source__, *loc),
                        "msg": error["msg"],
                        "ctx": {k: str(v) for k, v in (error.get("ctx") or {}).items()},
                    }
                )
        return ValidationError(collected)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern = path("", self._root_view, name="api-root")
                else:
                    csrf_exempt = getattr(pattern.callback, "csrf_exempt", False)
                    pattern.callback = _json_method_not_allowed(pattern.callback)
                    pattern.callback.csrf_exempt = csrf_exempt  # type: ignore[attr-defined]
            urls.append(pattern)
        urls.append(path("<path:rest>", errors.not_found_view, name="api-not-found"))
        return urls

    def _root_view(self, request: HttpRequest) -> HttpResponse:
        namespace = self.urls_namespace
        return JsonResponse(
            {
                "title": self.title,
                "version": self.version,
                "openapi": reverse(f"{namespace}:openapi-json"),
                "docs": reverse(f"{namespace}:openapi-view"),
            }
        )


api = KrayaAPI(
    title="Kraya API",
    version="1",
    description=cast(str, API_DESCRIPTION),  # lazy: rendered per request
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
)


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request: HttpRequest) -> Any:
    """Liveness and database reachability, in one query (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return {"status": "ok", "database": "ok"}


# Routers, in one place. Each app's `api.py` exposes `router`.
api.add_router("/accounts", "kraya.accounts.api.router")
api.add_router("/sellers", "kraya.sellers.api.router")
api.add_router("/sellers/imports", "kraya.sellers.bulk.api.router")  # KYC-5 bulk
api.add_router("/outreach", "kraya.outreach.api.router")
api.add_router("/policy", "kraya.core.api.router")
api.add_router("/audit", "kraya.core.audit_api.router")  # OPEN-5
api.add_router("/catalog", "kraya.catalog.api.router")  # CAT-1..4
api.add_router("/search", "kraya.catalog.search.api.router")  # CAT-5
api.add_router("/buying", "kraya.buying.api.router")  # MODE-1..6, ORD-2
api.add_router("/orders", "kraya.orders.api.router")  # ORD-1
api.add_router("/bids", "kraya.bids.api.router")  # BID-1..8, MSE/MII/PREF, RA-1..4
api.add_router("/incidents", "kraya.incidents.api.router")  # INC-1, INC-2
api.add_router("/notifications", "kraya.notifications.api.router")  # issue 7: the inbox
api.add_router("/ocds", "kraya.opendata.api.router")  # OPEN-1: OCDS open data, public
