"""The one place where exceptions become JSON errors.

Every API error has the shape `{"error": {"code", "message", "fields"}}`
(the same as `DomainError.as_dict`), a 4xx status and a message translated
into the active language (the user's choice, else `Accept-Language`).
Bad input never becomes a 500: parsing, validation, authentication and
routing failures all land here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from kraya.core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# Where ninja says a value came from; the first element of every error `loc`.
PARAM_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})

# pydantic error type -> a short, translatable message; Django's own wording
# where it has one, so Django's catalogues already carry the translation.
# `%(name)s` placeholders are filled from the error's `ctx` (max_length, ...);
# `%(limit_value)s` is the bound of a ge/gt/le/lt comparison.
_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "string_type": _("Enter text."),
    "string_too_short": _("Enter at least %(min_length)s characters."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": _("Enter a valid value."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_parsing_size": _("Enter a smaller whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_type": _("Enter a number."),
    "float_parsing": _("Enter a number."),
    "finite_number": _("Enter a finite number."),
    "decimal_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_max_digits": _("Enter at most %(max_digits)s digits."),
    "decimal_max_places": _("Enter at most %(decimal_places)s decimal places."),
    "bool_type": _("Enter true or false."),
    "bool_parsing": _("Enter true or false."),
    "greater_than": _("Ensure this value is greater than %(limit_value)s."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(limit_value)s."),
    "less_than": _("Ensure this value is less than %(limit_value)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(limit_value)s."),
    "multiple_of": _("Enter a multiple of %(multiple_of)s."),
    "list_type": _("Enter a list of values."),
    "tuple_type": _("Enter a list of values."),
    "set_type": _("Enter a list of values."),
    "too_short": _("Enter at least %(min_length)s items."),
    "too_long": _("Enter at most %(max_length)s items."),
    "dict_type": _("Enter an object."),
    "model_type": _("Enter an object."),
    "model_attributes_type": _("Enter an object."),
    "dataclass_type": _("Enter an object."),
    "date_type": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a valid date."),
    "datetime_type": _("Enter a valid date/time."),
    "datetime_parsing": _("Enter a valid date/time."),
    "datetime_from_date_parsing": _("Enter a valid date/time."),
    "timezone_aware": _("Enter a date and time with a time zone."),
    "time_type": _("Enter a valid time."),
    "time_parsing": _("Enter a valid time."),
    "uuid_type": _("Enter a valid UUID."),
    "uuid_parsing": _("Enter a valid UUID."),
    "url_type": _("Enter a valid URL."),
    "url_parsing": _("Enter a valid URL."),
    "url_scheme": _("Enter a valid URL."),
    "literal_error": _("Select a valid choice."),
    "enum": _("Select a valid choice."),
    "extra_forbidden": _("This field is not allowed."),
    "json_invalid": _("Enter a valid JSON."),
    "json_type": _("Enter a valid JSON."),
    "string_unicode": _("Enter valid text."),
    "bytes_type": _("Enter valid text."),
    "union_tag_invalid": _("Select a valid choice."),
    "union_tag_not_found": _("This field is required."),
}
_DEFAULT_FIELD_MESSAGE = _("Enter a valid value.")
_EMAIL_MESSAGE = _("Enter a valid email address.")

# Status -> (code, message) for errors that carry no domain code of their own.
_HTTP_ERRORS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _("The request could not be read.")),
    401: ("auth.required", _("Please sign in.")),
    403: ("auth.forbidden", _("You are not allowed to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    406: ("not_acceptable", _("This response format is not available.")),
    409: ("conflict", _("This conflicts with the current state.")),
    413: ("request_too_large", _("The request is too large.")),
    415: ("unsupported_media_type", _("Send the request body as JSON.")),
    422: ("validation", _("Some fields need attention.")),
    429: ("throttled", _("Too many requests. Please wait and try again.")),
}
_BAD_JSON_MESSAGE = _("The request body is not valid JSON.")
_OUT_OF_RANGE_MESSAGE = _("A value is too large or out of range.")
_CSRF_MESSAGE = _("The security token (CSRF) is missing or wrong. Reload the page and try again.")


def error_response(
    *,
    status: int,
    code: str,
    message: Any,
    fields: Mapping[str, Sequence[Any]] | None = None,
) -> JsonResponse:
    """A JSON error in the project's shape. Lazy messages are rendered here,
    in the language active for this request."""
    body = {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()},
        }
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        # RFC 9110 §11.6.1: a 401 names the scheme the client should use.
        response["WWW-Authenticate"] = 'Bearer realm="kraya"'
    return response


def http_error_response(status: int, *, message: Any = None) -> JsonResponse:
    code, default_message = _HTTP_ERRORS.get(status, (f"http_{status}", _HTTP_ERRORS[400][1]))
    return error_response(
        status=status, code=code, message=message if message is not None else default_message
    )


def field_message(error: Mapping[str, Any]) -> str:
    """A translated message for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"}:
        detail = str(ctx.get("error", "")) or str(error.get("msg", ""))
        if "email address" in detail or "email address" in str(error.get("msg", "")):
            return str(_EMAIL_MESSAGE)
        # A validator's own message: the schema author raised it already translated.
        return detail or str(_DEFAULT_FIELD_MESSAGE)
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return str(_DEFAULT_FIELD_MESSAGE)
    params = dict(ctx)
    for bound in ("ge", "gt", "le", "lt"):
        if bound in ctx:
            params["limit_value"] = ctx[bound]
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(_DEFAULT_FIELD_MESSAGE)


def field_name(loc: Sequence[Any]) -> str:
    """The client-facing field name for an error location.

    `KrayaAPI.validation_error_from_error_contexts` already dropped the
    operation's argument name; here the source (`body`, `query`, ...) goes,
    and nested positions join with dots (`lines.0.quantity`)."""
    parts = list(loc)
    if parts and parts[0] in PARAM_SOURCES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = field_name(error.get("loc", ()))
        message = field_message(error)
        messages = fields.setdefault(name, [])
        if message not in messages:
            messages.append(message)
    return fields


# --- handlers -----------------------------------------------------------------


# Set on a request whose refusal keeps what the service wrote (DomainError.keeps_writes).
KEEPS_WRITES_ATTR = "_kraya_refusal_keeps_writes"


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.keeps_writes:
        setattr(request, KEEPS_WRITES_ATTR, True)
    body = exc.as_dict()["error"]
    return error_response(
        status=exc.status, code=body["code"], message=body["message"], fields=body["fields"]
    )


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        status=422,
        code="validation",
        message=_HTTP_ERRORS[422][1],
        fields=validation_fields(exc.errors),
    )


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return http_error_response(401)


def _authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return http_error_response(403)


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return http_error_response(429)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return http_error_response(400, message=_BAD_JSON_MESSAGE)
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error_response(status=403, code="auth.csrf_failed", message=_CSRF_MESSAGE)
    return http_error_response(exc.status_code)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return http_error_response(404)


def _permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return http_error_response(403)


def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return http_error_response(413)
    logger.warning("Suspicious API request to %s: %s", request.path, exc)
    return http_error_response(400)


def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # An input the schema let through but the database cannot hold (an
    # unbounded integer, say). Schemas should bound their fields; this keeps a
    # missed bound from becoming a 500. The transaction has rolled back.
    logger.warning("Out-of-range value in API request to %s: %s", request.path, exc)
    return http_error_response(400, message=_OUT_OF_RANGE_MESSAGE)


def _raw_post_data(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # The body was consumed as multipart form data; a JSON operation cannot read it.
    return http_error_response(415)


# Exception class -> handler; ninja picks the most specific class (MRO order).
_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (DomainError, _domain_error),
    (NinjaValidationError, _validation_error),
    (AuthenticationError, _authentication_error),
    (AuthorizationError, _authorization_error),
    (Throttled, _throttled),
    (HttpError, _http_error),
    (Http404, _not_found),
    (ObjectDoesNotExist, _not_found),
    (DjangoPermissionDenied, _permission_denied),
    (SuspiciousOperation, _suspicious),
    (RawPostDataException, _raw_post_data),
    (DataError, _out_of_range),
    (OverflowError, _out_of_range),
]


def install(api: NinjaAPI) -> None:
    """Register every handler on `api` (`KrayaAPI` does this for itself)."""
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)


# --- views for what never reaches an operation ------------------------------------


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under the API that names no operation."""
    return http_error_response(404)


def method_not_allowed(response: HttpResponse) -> HttpResponse:
    """ninja answers a wrong method with a plain-text 405; keep its `Allow`
    header and give the body the project's error shape."""
    json_response = http_error_response(405)
    if response.has_header("Allow"):
        json_response["Allow"] = response["Allow"]
    return json_response
