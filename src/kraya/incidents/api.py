"""The incidents API under `/api/v1/incidents` (INC-1, INC-2): list mine,
get, raise, respond, resolve, escalate, withdraw, show-cause, reply, decide,
appeal, decide-appeal.

401 without credentials; 404 for an incident (or bid, order, offer) the
caller is no party to; 403 when they see it without the right to the step;
422 with field messages; 409 when the state or the clock refuses."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.pagination import MAX_CURSOR_LENGTH, paginate_queryset
from kraya.api.schemas import error_responses
from kraya.bids.models import Bid
from kraya.catalog.models import Offer
from kraya.core.errors import NotFound
from kraya.incidents import selectors, services
from kraya.incidents.models import Incident
from kraya.incidents.services._common import invalid, message
from kraya.orders.models import Order

router = Router(tags=["incidents"])


# --- schemas ---------------------------------------------------------------------------------


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
    limit: int | None = Field(None, ge=1, description="Items per page (at most 200).")


class DocumentIn(Schema):
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    content_base64: str


class RaiseIn(Schema):
    """Exactly one of `bid_id`, `order_id`, `offer_id`; a buyer's incident on
    a bid names the bidding `respondent_firm_id`."""

    bid_id: int | None = None
    order_id: int | None = None
    offer_id: int | None = None
    respondent_firm_id: int | None = None
    category: str = Field(max_length=16)
    description: str = Field(max_length=10_000)
    document: DocumentIn | None = None


class TextIn(Schema):
    text: str = Field(max_length=10_000)
    document: DocumentIn | None = None


class ShowCauseIn(Schema):
    text: str = Field(max_length=10_000)


class DecideIn(Schema):
    severity: str = Field(max_length=8)
    reasons: str = Field(max_length=10_000)
    action: str | None = Field(None, max_length=20, description="Default: the policy's (INC-2).")
    action_reason: str = Field("", max_length=5000)
    suspension_days: int | None = None
    debarred_until: dt.datetime | None = None


class AppealDecideIn(Schema):
    outcome: str = Field(max_length=12, description="UPHELD or OVERTURNED")
    reasons: str = Field(max_length=10_000)


class DeadlineOut(Schema):
    name: str
    due_at: dt.datetime
    days_left: int
    running: bool


class MessageOut(Schema):
    kind: str
    author: str
    text: str
    file_name: str
    created_at: dt.datetime


class IncidentOut(Schema):
    id: int
    number: str
    status: str
    raiser_side: str
    category: str
    description: str
    bid_id: int | None
    order_id: int | None
    offer_id: int | None
    respondent_firm_id: int | None
    respondent_office_id: int | None
    raised_at: dt.datetime
    severity: str
    action: str
    action_reasons: str
    action_until: dt.datetime | None
    show_cause_text: str
    appeal_outcome: str
    appeal_reasons: str
    policy_version: str
    deadlines: list[DeadlineOut]
    messages: list[MessageOut]


class IncidentSummaryOut(Schema):
    id: int
    number: str
    status: str
    raiser_side: str
    category: str
    raised_at: dt.datetime
    severity: str
    action: str


class IncidentPage(Schema):
    items: list[IncidentSummaryOut]
    next_cursor: str | None


# --- helpers ---------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _incident(actor: Actor, incident_id: int) -> Incident:
    return selectors.incident_get(actor=actor, incident_id=incident_id)


def _document(raw: DocumentIn | None) -> services.DocumentInput | None:
    if raw is None:
        return None
    try:
        content = base64.b64decode(raw.content_base64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise invalid("document", "incidents.document_type") from error
    return services.DocumentInput(
        file_name=raw.file_name, content_type=raw.content_type, content=content
    )


def incident_out(incident: Incident) -> dict[str, Any]:
    return {
        **{name: getattr(incident, name) for name in IncidentSummaryOut.__annotations__},
        "description": incident.description,
        "bid_id": incident.bid_id,
        "order_id": incident.order_id,
        "offer_id": incident.offer_id,
        "respondent_firm_id": incident.respondent_firm_id,
        "respondent_office_id": incident.respondent_office_id,
        "action_reasons": incident.action_reasons,
        "action_until": incident.action_until,
        "show_cause_text": incident.show_cause_text,
        "appeal_outcome": incident.appeal_outcome,
        "appeal_reasons": incident.appeal_reasons,
        "policy_version": incident.policy_version,
        "deadlines": [vars_of(d) for d in selectors.deadlines(incident)],
        "messages": [
            {
                "kind": m.kind,
                "author": str(m.author),
                "text": m.text,
                "file_name": m.file_name,
                "created_at": m.created_at,
            }
            for m in incident.messages.select_related("author")
        ],
    }


def vars_of(deadline: selectors.DeadlineView) -> dict[str, Any]:
    return {
        "name": deadline.name,
        "due_at": deadline.due_at,
        "days_left": deadline.days_left,
        "running": deadline.running,
    }


def _target(payload: RaiseIn) -> dict[str, Any]:
    """The named bid, order or offer (404 when missing; the service decides
    visibility and the parties)."""
    found: dict[str, Any] = {}
    for name, model, key in (
        ("bid", Bid, payload.bid_id),
        ("order", Order, payload.order_id),
        ("offer", Offer, payload.offer_id),
    ):
        if key is not None:
            row = model.objects.filter(pk=key).first()
            if row is None:
                raise NotFound(
                    message("incidents.target_not_found"), code="incidents.target_not_found"
                )
            found[name] = row
    if payload.respondent_firm_id is not None:
        firm = SellerFirm.objects.filter(pk=payload.respondent_firm_id).first()
        if firm is None:
            raise invalid("respondent_firm", "incidents.respondent_required")
        found["respondent_firm"] = firm
    return found


# --- operations ------------------------------------------------------------------------------


@router.get(
    "",
    response={200: IncidentPage, **error_responses(401)},
    summary="Incidents you are a party to (all of them for an operator)",
)
def incidents_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    found = paginate_queryset(
        selectors.incidents_for(actor=_actor(request)),
        cursor=page.cursor,
        limit=page.limit,
        ordering=("-raised_at", "-id"),
    )
    return {"items": list(found.items), "next_cursor": found.next_cursor}


@router.post(
    "",
    response={201: IncidentOut, **error_responses(401, 403, 404, 422)},
    summary="Raise an incident against a bid, an order or an offer (INC-1)",
)
def incident_raise(request: HttpRequest, payload: RaiseIn) -> Any:
    incident = services.incident_raise(
        acting_user=_actor(request),
        category=payload.category,
        description=payload.description,
        document=_document(payload.document),
        **_target(payload),
    )
    return Status(201, incident_out(incident))


@router.get(
    "/{incident_id}",
    response={200: IncidentOut, **error_responses(401, 404)},
    summary="An incident with its deadlines (days left) and messages",
)
def incident_get(request: HttpRequest, incident_id: int) -> Any:
    return incident_out(_incident(_actor(request), incident_id))


def _step(request: HttpRequest, incident_id: int, call: Any, **kwargs: Any) -> Any:
    actor = _actor(request)
    incident = call(acting_user=actor, incident=_incident(actor, incident_id), **kwargs)
    return incident_out(incident)


_WRITE = {200: IncidentOut, **error_responses(401, 403, 404, 409, 422)}


@router.post("/{incident_id}/respond", response=_WRITE, summary="Respond (respondent, INC-1)")
def incident_respond(request: HttpRequest, incident_id: int, payload: TextIn) -> Any:
    return _step(
        request,
        incident_id,
        services.incident_respond,
        text=payload.text,
        document=_document(payload.document),
    )


@router.post("/{incident_id}/resolve", response=_WRITE, summary="Accept the response (raiser)")
def incident_resolve(request: HttpRequest, incident_id: int) -> Any:
    return _step(request, incident_id, services.incident_resolve)


@router.post("/{incident_id}/escalate", response=_WRITE, summary="Escalate (raiser, operator)")
def incident_escalate(request: HttpRequest, incident_id: int) -> Any:
    return _step(request, incident_id, services.incident_escalate)


@router.post("/{incident_id}/withdraw", response=_WRITE, summary="Withdraw (raiser)")
def incident_withdraw(request: HttpRequest, incident_id: int) -> Any:
    return _step(request, incident_id, services.incident_withdraw)


@router.post(
    "/{incident_id}/show-cause", response=_WRITE, summary="Issue a show-cause notice (operator)"
)
def show_cause_issue(request: HttpRequest, incident_id: int, payload: ShowCauseIn) -> Any:
    return _step(request, incident_id, services.show_cause_issue, text=payload.text)


@router.post(
    "/{incident_id}/reply", response=_WRITE, summary="Reply to the show-cause notice (5 days)"
)
def show_cause_reply(request: HttpRequest, incident_id: int, payload: TextIn) -> Any:
    return _step(
        request,
        incident_id,
        services.show_cause_reply,
        text=payload.text,
        document=_document(payload.document),
    )


@router.post("/{incident_id}/decide", response=_WRITE, summary="Decide (operator, INC-2)")
def incident_decide(request: HttpRequest, incident_id: int, payload: DecideIn) -> Any:
    return _step(request, incident_id, services.incident_decide, **payload.dict())


@router.post("/{incident_id}/appeal", response=_WRITE, summary="Appeal once (penalised party)")
def incident_appeal(request: HttpRequest, incident_id: int, payload: TextIn) -> Any:
    return _step(
        request,
        incident_id,
        services.incident_appeal,
        text=payload.text,
        document=_document(payload.document),
    )


@router.post(
    "/{incident_id}/decide-appeal", response=_WRITE, summary="Decide the appeal (operator)"
)
def appeal_decide(request: HttpRequest, incident_id: int, payload: AppealDecideIn) -> Any:
    return _step(
        request,
        incident_id,
        services.appeal_decide,
        outcome=payload.outcome,
        reasons=payload.reasons,
    )
