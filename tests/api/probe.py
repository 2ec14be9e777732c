"""A small API built on the project's API base, for testing that base.

It is mounted (beside the whole project) at `/probe/v1/`; tests select this
URLconf with `@pytest.mark.urls("tests.api.probe")`. Its operations
write real rows (audit events), so nothing here mocks the database."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import path
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from kraya.accounts.models import User
from kraya.api.idempotency import idempotent
from kraya.api.main import KrayaAPI
from kraya.api.pagination import cursor_paginate
from kraya.api.schemas import EmailAddress
from kraya.core import audit
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, NotFound
from kraya.urls import urlpatterns as project_urlpatterns

router = Router()


class Line(Schema):
    quantity: int = Field(ge=1, le=1000)


class NoteIn(Schema):
    title: str = Field(min_length=1, max_length=100)
    email: EmailAddress
    quantity: int = Field(ge=1)
    due: dt.date | None = None
    lines: list[Line] = Field(default_factory=list, max_length=5)


class NoteOut(Schema):
    seq: int
    title: str


class EventOut(Schema):
    seq: int
    action: str


class UserOut(Schema):
    id: int
    username: str


def _write_note(request: HttpRequest, title: str) -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=request.user, action="probe.note", payload={"title": title})


@router.post("/notes", response={201: NoteOut})
@idempotent
def note_create(request: HttpRequest, payload: NoteIn) -> Any:
    event = _write_note(request, payload.title)
    return Status(201, {"seq": event.seq, "title": payload.title})


@router.post("/notes/refused", response={201: NoteOut})
@idempotent
def note_create_refused(request: HttpRequest, payload: NoteIn) -> Any:
    """Writes, then refuses: the write must not survive."""
    _write_note(request, payload.title)
    raise Conflict(code="probe.refused")


# Let a test hold a request inside its transaction (concurrency tests).
SLOW_STARTED = threading.Event()
SLOW_RELEASE = threading.Event()


@router.post("/slow-notes", response={201: NoteOut})
@idempotent
def slow_note_create(request: HttpRequest, payload: NoteIn) -> Any:
    SLOW_STARTED.set()
    SLOW_RELEASE.wait(timeout=20)
    event = _write_note(request, payload.title)
    return Status(201, {"seq": event.seq, "title": payload.title})


@router.post("/public-notes", response={201: NoteOut}, auth=None)
@idempotent
def public_note_create(request: HttpRequest, payload: NoteIn) -> Any:
    event = _write_note(request, payload.title)
    return Status(201, {"seq": event.seq, "title": payload.title})


@router.post("/plain-notes", response={201: NoteOut})
def plain_note_create(request: HttpRequest, payload: NoteIn) -> Any:
    """Not idempotent: for fuzzing a plain body-parsing operation."""
    event = _write_note(request, payload.title)
    return Status(201, {"seq": event.seq, "title": payload.title})


class CounterIn(Schema):
    value: int


@router.post("/counters", response={201: NoteOut})
def counter_create(request: HttpRequest, payload: CounterIn) -> Any:
    """An unbounded integer stored in a bigint column (a schema missing a bound)."""
    with transaction.atomic():
        head = audit.record(actor=request.user, action="probe.counter")
        AuditEvent.objects.filter(pk=head.pk).update(seq=payload.value)
    return Status(201, {"seq": payload.value, "title": "counter"})


@router.get("/whoami")
def whoami(request: HttpRequest) -> dict[str, Any]:
    return {
        "user_id": request.user.pk,
        "auth_user_id": request.auth.pk,  # type: ignore[attr-defined]
        "membership_id": request.api_token_membership_id,  # type: ignore[attr-defined]
        "language": get_language(),
    }


@router.post("/echo")
def echo(request: HttpRequest) -> dict[str, str]:
    return {"method": request.method or ""}


@router.get("/events", response=list[EventOut])
@cursor_paginate(ordering=("seq",), max_limit=5, default_limit=3)
def event_list(request: HttpRequest) -> Any:
    return AuditEvent.objects.all()


@router.get("/users", response=list[UserOut])
@cursor_paginate(ordering=("-date_joined",))
def user_list(request: HttpRequest) -> Any:
    return User.objects.all()


@router.get("/search", auth=None)
def search(request: HttpRequest, q: str = Query(..., max_length=50), page: int = 1) -> Any:
    return {"q": q, "page": page}


RAISES: dict[str, Exception] = {
    "domain": NotFound(code="probe.missing"),
    "http404": Http404("gone"),
    "does_not_exist": User.DoesNotExist("no such user"),
    "object_does_not_exist": ObjectDoesNotExist("nothing"),
    "permission_denied": DjangoPermissionDenied("no"),
    "http_error": HttpError(409, "Busy"),
}


@router.get("/raise/{kind}", auth=None)
def raise_error(request: HttpRequest, kind: str) -> Any:
    if kind not in RAISES:
        raise NotFound()
    raise RAISES[kind]


probe_api = KrayaAPI(title="Probe", version="test", urls_namespace="probe")
probe_api.add_router("/", router)

urlpatterns = [path("probe/v1/", probe_api.urls), *project_urlpatterns]
