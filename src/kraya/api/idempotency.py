"""`Idempotency-Key` support for POST operations.

Usage, one line under the route decorator::

    @router.post("/orders", response={201: OrderOut})
    @idempotent
    def order_create(request, payload: OrderIn): ...

How it behaves (a client may retry a POST safely with the same key):

- Keys are scoped per user and live 24 hours. A key is 1-255 visible ASCII
  characters; anything else answers 422 `idempotency.bad_key`.
- The first request runs the operation in one transaction that also stores
  (user, key, method, path, request hash, response status and body). So a
  stored key always means the work committed, and work that rolled back
  leaves no key behind.
- A repeat with the same method, path and body gets the stored response
  again, unchanged, with `Idempotent-Replayed: true`; the operation does not
  run.
- The same key with a different method, path or body answers 422
  `idempotency.key_reused`.
- While the first request is still running, a repeat answers 409
  `idempotency.in_progress` (PostgreSQL, by a transaction-scoped advisory
  lock; SQLite's immediate transactions already make the repeat wait for
  the first to finish, and then it replays).
- A request that fails (any 4xx/5xx: bad input, a refused domain rule, a
  crash) is *not* stored: its whole transaction is rolled back, nothing
  changed, and the client may fix the request and send it with the same key.
  The one exception is a refusal that is itself a record
  (`DomainError.keeps_writes`, e.g. a refused split kept for the MODE-5
  report): what the service wrote stays; the key is still not stored.
- Without the header the operation runs as usual; on an operation that
  allows anonymous callers the key is ignored (there is no user to scope it to).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from ninja.decorators import decorate_view

from kraya.api import errors
from kraya.api.auth import api_token_auth
from kraya.api.decorators import resolve_signature
from kraya.api.models import IdempotencyKey
from kraya.core import clock
from kraya.core.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255

_REQUEST_ATTR = "_kraya_idempotency"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Attempt:
    key: str
    # Both set by the view wrapper when the operation is about to run for real.
    request_hash: str = ""
    user_id: int | None = None


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode("ascii") if request.method else b"")
    digest.update(b"\n")
    digest.update(request.get_full_path().encode("utf-8"))
    digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all("!" <= ch <= "~" for ch in key)


def lock_key(*, user_id: int, key: str) -> int:
    """The signed 64-bit advisory-lock id for (user, key)."""
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_or_refuse(*, user_id: int, key: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: the immediate transaction already serialises writers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(user_id=user_id, key=key)])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency.in_progress",
        )


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        record.response_body.encode("utf-8"),
        status=record.response_status,
        content_type=record.response_content_type,
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _view_wrapper(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Runs after authentication and input parsing, inside the transaction
    opened by `_run_wrapper`: decide between replaying and running."""

    @wraps(view_func)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        attempt: _Attempt | None = getattr(request, _REQUEST_ATTR, None)
        user = getattr(request, "user", None)
        if attempt is None or user is None or not user.is_authenticated:
            return view_func(request, *args, **kwargs)
        if not _valid_key(attempt.key):
            raise ValidationFailed(
                _("Idempotency-Key must be 1 to 255 visible ASCII characters."),
                code="idempotency.bad_key",
            )
        # Read the body here, inside ninja's error handling (it may be too big).
        attempt.request_hash = _request_hash(request)
        _lock_or_refuse(user_id=user.pk, key=attempt.key)
        record = IdempotencyKey.objects.filter(user_id=user.pk, key=attempt.key).first()
        if record is not None and record.created_at <= clock.now() - KEY_TTL:
            record.delete()  # expired; the periodic purge had not reached it yet
            record = None
        if record is not None:
            if record.request_hash != attempt.request_hash:
                raise ValidationFailed(
                    _("This Idempotency-Key was already used for a different request."),
                    code="idempotency.key_reused",
                )
            return _replay(record)
        attempt.user_id = user.pk
        return view_func(request, *args, **kwargs)

    resolve_signature(view, view_func)
    return view


def _store(*, attempt: _Attempt, request: HttpRequest, response: HttpResponseBase) -> None:
    assert attempt.user_id is not None
    content = b"" if response.streaming else response.content  # type: ignore[attr-defined]
    IdempotencyKey.objects.create(
        user_id=attempt.user_id,
        key=attempt.key,
        method=request.method or "",
        path=request.path[:2048],
        request_hash=attempt.request_hash,
        response_status=response.status_code,
        response_content_type=response.get("Content-Type", "application/json"),
        response_body=content.decode("utf-8"),
        created_at=clock.now(),
    )


def _run_wrapper(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps the whole ninja operation (auth, parsing, view, rendering) in one
    transaction, so the stored response commits with the work or not at all."""

    @wraps(run)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, **kwargs)
        attempt = _Attempt(key=key.strip())
        setattr(request, _REQUEST_ATTR, attempt)
        # Authenticate before the transaction opens, so the token row it
        # touches is not locked until this request ends (see ApiTokenAuth.prime).
        api_token_auth.prime(request)
        with transaction.atomic():
            response = run(request, **kwargs)
            if response.status_code >= 400:
                # The operation failed after perhaps writing something: undo it
                # all, and keep the key free for a corrected retry; unless the
                # refusal itself is a record to keep (DomainError.keeps_writes).
                if not getattr(request, errors.KEEPS_WRITES_ATTR, False):
                    transaction.set_rollback(True)
            elif attempt.user_id is not None:
                _store(attempt=attempt, request=request, response=response)
        return response

    return wrapped


def idempotent(view_func: F) -> F:
    """Give a POST operation `Idempotency-Key` support (see the module docs)."""
    view = _view_wrapper(view_func)
    return cast(F, decorate_view(_run_wrapper)(view))


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete keys older than 24 hours; return how many went."""
    cutoff = (now or clock.now()) - KEY_TTL
    deleted, _details = IdempotencyKey.objects.filter(created_at__lte=cutoff).delete()
    return deleted
