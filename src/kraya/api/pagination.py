"""Cursor (keyset) pagination: `{"items": [...], "next_cursor": "..." | null}`.

A page is read with `WHERE (ordering) > (last row's values)`, never with an
offset, so rows inserted or deleted between two page reads make no row
appear twice or go missing. The ordering always ends with the primary key,
which makes it unique. The cursor is opaque and signed: clients pass it
back untouched; anything else is 422 `pagination.bad_cursor`.

One line on an operation returning a queryset::

    @router.get("/offers", response=list[OfferOut])
    @cursor_paginate(ordering=("-created_at", "id"))
    def offer_list(request): return offers_visible_to(user=request.user)

or, outside ninja, `paginate_queryset(queryset, cursor=..., limit=..., ordering=...)`.
Ordering fields must be non-null columns of the model itself (or `pk`);
no lookups across relations."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Schema
from ninja.pagination import PaginationBase, paginate

from kraya.api.decorators import resolve_signature
from kraya.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 2000
_SALT = "kraya.api.pagination.cursor"

T = TypeVar("T")


class BadCursor(ValidationFailed):
    code = "pagination.bad_cursor"
    default_message = _("This page link is not valid. Start again from the first page.")

    def __init__(self) -> None:
        super().__init__(fields={"cursor": [self.default_message]})


@dataclass(frozen=True)
class CursorPage(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _normalise_ordering(ordering: Sequence[str]) -> tuple[str, ...]:
    """Append the primary key as the last, unique tie-breaker if missing."""
    fields = tuple(ordering) or ("pk",)
    names = {f.lstrip("-") for f in fields}
    if not names & {"pk", "id"}:
        descending = fields[0].startswith("-")
        fields = (*fields, "-pk" if descending else "pk")
    return fields


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _value_of(item: Any, name: str) -> Any:
    if isinstance(item, dict):  # a .values() queryset
        return item["id"] if name == "pk" and "pk" not in item else item[name]
    value = getattr(item, name)
    return value.pk if isinstance(value, Model) else value


def _to_python(queryset: QuerySet[Any], name: str, raw: Any) -> Any:
    """Turn a cursor value back into what the column compares against."""
    opts = queryset.model._meta
    field = opts.pk if name == "pk" else opts.get_field(name)
    assert field is not None
    if field.is_relation:
        field = field.target_field
    return field.to_python(raw)


def _decode_cursor(cursor: str, ordering: tuple[str, ...]) -> list[Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor()
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadCursor() from None
    if (
        not isinstance(payload, dict)
        or payload.get("o") != list(ordering)
        or not isinstance(payload.get("v"), list)
        or len(payload["v"]) != len(ordering)
    ):
        # A cursor from another list (or another ordering) is not ours to follow.
        raise BadCursor()
    return list(payload["v"])


def _encode_cursor(item: Any, ordering: tuple[str, ...]) -> str:
    values = [_encode_value(_value_of(item, f.lstrip("-"))) for f in ordering]
    return signing.dumps({"o": list(ordering), "v": values}, salt=_SALT, compress=True)


def _after(queryset: QuerySet[Any], ordering: tuple[str, ...], raw_values: list[Any]) -> Q:
    """Rows strictly after the cursor row in `ordering`:
    (a > x) or (a = x and b > y) or (a = x and b = y and c > z) ..."""
    try:
        values = [
            _to_python(queryset, f.lstrip("-"), raw)
            for f, raw in zip(ordering, raw_values, strict=True)
        ]
    except (DjangoValidationError, TypeError, ValueError):
        # Validly signed yet unreadable: the field changed type since it was issued.
        raise BadCursor() from None
    condition = Q()
    equal_so_far = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{name}__{lookup}": value})
        equal_so_far &= Q(**{name: value})
    return condition


def paginate_queryset(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int | None,
    ordering: Sequence[str] = ("pk",),
    max_limit: int = MAX_LIMIT,
    default_limit: int = DEFAULT_LIMIT,
) -> CursorPage[Any]:
    """One page of `queryset` after `cursor`, at most `limit` (capped) rows.
    Reads `limit + 1` rows in one query to know whether there is a next page."""
    fields = _normalise_ordering(ordering)
    size = max(1, min(limit or default_limit, max_limit))
    queryset = queryset.order_by(*fields)
    if cursor:
        queryset = queryset.filter(_after(queryset, fields, _decode_cursor(cursor, fields)))
    rows = list(queryset[: size + 1])
    items = rows[:size]
    next_cursor = _encode_cursor(items[-1], fields) if len(rows) > size and items else None
    return CursorPage(items=items, next_cursor=next_cursor)


class CursorPagination(PaginationBase):
    """The ninja paginator; prefer the `cursor_paginate(...)` shorthand."""

    class Input(Schema):
        cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
        limit: int | None = Field(None, ge=1, description=f"Items per page (at most {MAX_LIMIT}).")

    InputSource = Query(...)

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None

    items_attribute = "items"

    def __init__(
        self,
        *,
        ordering: Sequence[str] = ("pk",),
        max_limit: int = MAX_LIMIT,
        default_limit: int = DEFAULT_LIMIT,
        **kwargs: Any,
    ) -> None:
        self.ordering = tuple(ordering)
        self.max_limit = max_limit
        self.default_limit = default_limit
        super().__init__(**kwargs)

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        page = paginate_queryset(
            queryset,
            cursor=pagination.cursor,
            limit=pagination.limit,
            ordering=self.ordering,
            max_limit=self.max_limit,
            default_limit=self.default_limit,
        )
        return {"items": page.items, "next_cursor": page.next_cursor}


def cursor_paginate(
    *,
    ordering: Sequence[str] = ("pk",),
    max_limit: int = MAX_LIMIT,
    default_limit: int = DEFAULT_LIMIT,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for an operation that returns a queryset and declares
    `response=list[ItemOut]`: adds `?cursor=&limit=` and answers a page."""
    inject = paginate(
        CursorPagination, ordering=ordering, max_limit=max_limit, default_limit=default_limit
    )

    def decorator(view_func: Callable[..., Any]) -> Callable[..., Any]:
        view = inject(view_func)
        resolve_signature(view, view_func)
        return view

    return decorator
