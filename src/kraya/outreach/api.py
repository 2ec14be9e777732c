"""The outreach API under `/api/v1/outreach/`: events, their funnel and the
state view (OUT-1, public reads, operator writes); feedback (OUT-2: buyers
and sellers write and read their own, operators tag, respond, close and
summarise).

Authorization follows the project rule (see `kraya/accounts/api.py`): 401
without credentials; 404 for feedback that is not the caller's; 403 for an
operator-only operation called by anyone else. Public reads carry no
personal data: attendee names are never served here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.idempotency import idempotent
from kraya.api.pagination import cursor_paginate
from kraya.api.schemas import error_responses
from kraya.core import clock
from kraya.core.errors import ValidationFailed
from kraya.outreach import selectors, services
from kraya.outreach.models import Attendance, Event, Feedback

router = Router(tags=["outreach"])

# --- schemas -------------------------------------------------------------------------


class EventOut(Schema):
    code: str
    kind: Event.Kind
    title: str
    title_hi: str
    state: str
    district: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    organisers: str
    target_segments: list[str]


class EventIn(Schema):
    kind: Event.Kind
    title: str = Field(max_length=200)
    title_hi: str = Field("", max_length=200)
    state: str = Field(max_length=100)
    district: str = Field("", max_length=100)
    venue: str = Field("", max_length=300)
    starts_on: dt.date
    ends_on: dt.date
    organisers: str = Field("", max_length=300)
    target_segments: list[str] = Field(default_factory=list, max_length=20)


class EventCreateIn(EventIn):
    code: str = Field("", max_length=16, description="Left blank: one is made up.")


class StageOut(Schema):
    key: str
    label: str
    count: int | None = Field(description="null: the stage is not tracked yet (see `note`).")
    note: str


class EventSummaryOut(Schema):
    event: EventOut
    attendance: int
    attendance_by_type: dict[str, int]
    attributed: int
    attributed_during: int
    funnel: list[StageOut]


class AttendeeIn(Schema):
    name: str = Field(max_length=200)
    attendee_type: Attendance.AttendeeType
    mobile: str = Field("", max_length=20)
    organisation: str = Field("", max_length=200)


class AttendanceIn(Schema):
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=services.MAX_ATTENDEES_PER_LIST)


class AttendanceOut(Schema):
    recorded: int
    attendance: int


class DistrictOut(Schema):
    district: str
    events: int
    attendance: int
    attributed: int
    stages: dict[str, int | None]
    segments: dict[str, int]


class StateViewOut(Schema):
    state: str
    districts: list[DistrictOut]
    total: DistrictOut


class FeedbackIn(Schema):
    text: str = Field(max_length=4000)
    language: Literal["en", "hi"]
    side: Literal["BUYER", "SELLER"] | None = Field(
        None, description="Only for someone who is both a buyer and a seller."
    )
    event: str = Field("", max_length=16, description="The code of an event, if about one.")
    order_ref: str = Field("", max_length=64)
    bid_ref: str = Field("", max_length=64)


class FeedbackOut(Schema):
    id: int
    side: Feedback.Side
    language: str
    text: str
    event: str | None
    order_ref: str
    bid_ref: str
    topic: str
    sentiment: Feedback.Sentiment
    sentiment_score: float
    status: Feedback.Status
    response: str
    created_at: dt.datetime
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_event(obj: Feedback) -> str | None:
        return obj.event.code if obj.event is not None else None


class FeedbackOperatorOut(FeedbackOut):
    author: str
    state: str

    @staticmethod
    def resolve_author(obj: Feedback) -> str:
        return obj.author.username


class TagIn(Schema):
    topic: Feedback.Topic


class RespondIn(Schema):
    response: str = Field(max_length=4000)


class SummaryRowOut(Schema):
    key: str
    label: str
    total: int
    positive: int
    neutral: int
    negative: int
    open: int
    closed: int
    median_response_hours: float | None


class InboxFilter(Schema):
    status: Feedback.Status | None = None
    topic: Feedback.Topic | None = None
    sentiment: Feedback.Sentiment | None = None
    state: str = Field("", max_length=100)


# --- helpers ----------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _event_data(payload: EventIn) -> services.EventData:
    return services.EventData(
        kind=payload.kind,
        title=payload.title,
        title_hi=payload.title_hi,
        state=payload.state,
        district=payload.district,
        venue=payload.venue,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        organisers=payload.organisers,
        target_segments=payload.target_segments,
    )


def _summary_out(event: Event) -> dict[str, Any]:
    summary = selectors.event_summary(event=event)
    return {
        "event": event,
        "attendance": summary.attendance,
        "attendance_by_type": summary.attendance_by_type,
        "attributed": summary.attributed,
        "attributed_during": summary.attributed_during,
        "funnel": [
            {"key": s.key, "label": str(s.label), "count": s.count, "note": str(s.note)}
            for s in summary.funnel
        ],
    }


def _district_out(row: selectors.DistrictRow) -> dict[str, Any]:
    return {
        "district": str(row.district),
        "events": row.events,
        "attendance": row.attendance,
        "attributed": row.attributed,
        "stages": row.stages,
        "segments": row.segments,
    }


# --- events (OUT-1) ----------------------------------------------------------------------


@router.get(
    "/events",
    auth=None,
    response={200: list[EventOut], **error_responses(422)},
    summary="List events",
)
@cursor_paginate(ordering=("-starts_on", "-id"))
def events_list(request: HttpRequest, state: str = "", upcoming: bool = False) -> Any:
    """Public. `upcoming=true` keeps events that have not ended yet."""
    return selectors.events_list(
        state=state[:100], upcoming_from=clock.today_ist() if upcoming else None
    )


@router.post(
    "/events",
    response={201: EventOut, **error_responses(401, 403, 422)},
    summary="Create an event (operator)",
)
@idempotent
def event_create(request: HttpRequest, payload: EventCreateIn) -> Any:
    event = services.event_create(
        acting_user=_actor(request), data=_event_data(payload), code=payload.code
    )
    return Status(201, event)


@router.get(
    "/events/{code}",
    auth=None,
    response={200: EventSummaryOut, **error_responses(404)},
    summary="An event, its counts and funnel",
)
def event_get(request: HttpRequest, code: str) -> Any:
    return _summary_out(selectors.event_by_code(code=code))


@router.put(
    "/events/{code}",
    response={200: EventOut, **error_responses(401, 403, 404, 422)},
    summary="Update an event (operator)",
)
def event_update(request: HttpRequest, code: str, payload: EventIn) -> Any:
    actor = _actor(request)
    selectors.require_operator(actor)
    event = selectors.event_by_code(code=code)
    return services.event_update(acting_user=actor, event=event, data=_event_data(payload))


@router.get(
    "/events/{code}/funnel",
    auth=None,
    response={200: list[StageOut], **error_responses(404)},
    summary="An event's funnel",
)
def event_funnel(request: HttpRequest, code: str) -> Any:
    return _summary_out(selectors.event_by_code(code=code))["funnel"]


@router.post(
    "/events/{code}/attendance",
    response={201: AttendanceOut, **error_responses(401, 403, 404, 422)},
    summary="Record attendance (operator)",
)
def attendance_add(request: HttpRequest, code: str, payload: AttendanceIn) -> Any:
    actor = _actor(request)
    selectors.require_operator(actor)
    event = selectors.event_by_code(code=code)
    created = services.attendance_record(
        acting_user=actor,
        event=event,
        attendees=[
            services.AttendeeData(
                name=a.name,
                attendee_type=a.attendee_type,
                mobile=a.mobile,
                organisation=a.organisation,
            )
            for a in payload.attendees
        ],
    )
    return Status(201, {"recorded": len(created), "attendance": event.attendance.count()})


@router.get(
    "/states/{state}",
    auth=None,
    response={200: StateViewOut},
    summary="A state's districts compared",
)
def state_get(request: HttpRequest, state: str) -> Any:
    view = selectors.state_view(state=state[:100])
    return {
        "state": view.state,
        "districts": [_district_out(row) for row in view.districts],
        "total": _district_out(view.total),
    }


# --- feedback (OUT-2) ------------------------------------------------------------------------


@router.post(
    "/feedback",
    response={201: FeedbackOut, **error_responses(401, 403, 422)},
    summary="Send feedback (buyer or seller)",
)
@idempotent
def feedback_submit(request: HttpRequest, payload: FeedbackIn) -> Any:
    event = None
    if payload.event:
        event = selectors.event_by_code_or_none(code=payload.event)
        if event is None:
            raise ValidationFailed(
                code="outreach.no_event", fields={"event": [_("There is no event with this code.")]}
            )
    feedback = services.feedback_submit(
        acting_user=_actor(request),
        text=payload.text,
        language=payload.language,
        side=payload.side,
        event=event,
        order_ref=payload.order_ref,
        bid_ref=payload.bid_ref,
    )
    return Status(201, feedback)


@router.get(
    "/feedback/mine",
    response={200: list[FeedbackOut], **error_responses(401, 422)},
    summary="My feedback and its responses",
)
@cursor_paginate(ordering=("-created_at", "-id"))
def feedback_mine(request: HttpRequest) -> Any:
    return selectors.feedback_of_author(actor=_actor(request))


@router.get(
    "/feedback/summary",
    response={200: list[SummaryRowOut], **error_responses(401, 403, 404)},
    summary="Feedback summary per state, event or topic (operator)",
)
def feedback_summary(request: HttpRequest, by: Literal["state", "event", "topic"] = "topic") -> Any:
    rows = selectors.feedback_summary(actor=_actor(request), by=by)
    return [{**row.__dict__, "label": str(row.label)} for row in rows]


@router.get(
    "/feedback",
    response={200: list[FeedbackOperatorOut], **error_responses(401, 403, 422)},
    summary="The feedback inbox (operator)",
)
@cursor_paginate(ordering=("-created_at", "-id"))
def feedback_inbox(request: HttpRequest, filters: Query[InboxFilter]) -> Any:
    return selectors.feedback_inbox(
        actor=_actor(request),
        status=filters.status or "",
        topic=filters.topic or "",
        sentiment=filters.sentiment or "",
        state=filters.state,
    )


@router.get(
    "/feedback/{feedback_id}",
    response={200: FeedbackOut, **error_responses(401, 404)},
    summary="One feedback (its author or an operator)",
)
def feedback_get(request: HttpRequest, feedback_id: int) -> Any:
    return selectors.feedback_get(actor=_actor(request), feedback_id=feedback_id)


def _operator_feedback(request: HttpRequest, feedback_id: int) -> tuple[Actor, Feedback]:
    actor = selectors.require_operator(_actor(request))
    return actor, selectors.feedback_get(actor=actor, feedback_id=feedback_id)


@router.post(
    "/feedback/{feedback_id}/tag",
    response={200: FeedbackOperatorOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Tag a feedback's topic (operator)",
)
def feedback_tag(request: HttpRequest, feedback_id: int, payload: TagIn) -> Any:
    actor, feedback = _operator_feedback(request, feedback_id)
    return services.feedback_tag(acting_user=actor, feedback=feedback, topic=payload.topic)


@router.post(
    "/feedback/{feedback_id}/respond",
    response={200: FeedbackOperatorOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Respond to a feedback (operator)",
)
def feedback_respond(request: HttpRequest, feedback_id: int, payload: RespondIn) -> Any:
    actor, feedback = _operator_feedback(request, feedback_id)
    return services.feedback_respond(
        acting_user=actor, feedback=feedback, response=payload.response
    )


@router.post(
    "/feedback/{feedback_id}/close",
    response={200: FeedbackOperatorOut, **error_responses(401, 403, 404, 409)},
    summary="Close a responded feedback (operator)",
)
def feedback_close(request: HttpRequest, feedback_id: int) -> Any:
    actor, feedback = _operator_feedback(request, feedback_id)
    return services.feedback_close(acting_user=actor, feedback=feedback)
