"""The participation part of the bids API (see `kraya.bids.api`): a seller's
own sealed submission (BID-5).

- `GET /bids/{bid_id}/submission`: the caller's firm's submission as it may
  see it now (sealed receipt; its opened technical packet after the technical
  opening; its prices after the financial opening). Anyone else — the
  buyer, the Primary User, another seller, an operator — gets 404: a
  submission exists only for its own seller;
- `PUT /bids/{bid_id}/submission`: submit or revise (JSON; documents as
  base64 in `documents`, which replace the sealed ones when given);
- `POST /bids/{bid_id}/submission/withdraw`: before the end only (409
  `bids.withdrawal_after_end` after it);
- `GET /bids/submissions`: the firm's own submissions (sealed receipts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.bids.selectors import bid_get
from kraya.bids.selectors import participation as selectors
from kraya.bids.services import participation as services
from kraya.bids.services._common import denied

router = Router(tags=["bids"])


# --- schemas ---------------------------------------------------------------------------------


class ItemIn(Schema):
    position: int = Field(ge=1, le=32767)
    unit_price_paise: int = Field(description="Unit price in paise, above zero.")
    quantity: int | None = Field(None, description="Quantity offered (default: the bid's).")
    offer_id: int | None = Field(None, description="Your listed offer (catalogue items).")
    description: str = Field("", max_length=500, description="What you offer (BOQ lines).")
    local_content_percent: int | None = Field(None, description="MII-1, for BOQ lines.")
    remarks: str = Field("", max_length=500)


class DocumentIn(Schema):
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100, description="application/pdf, image/jpeg, image/png")
    content_base64: str = Field(max_length=3 * 1024 * 1024)


class SubmissionIn(Schema):
    items: list[ItemIn] = Field(max_length=500)
    emd_reference: str = Field("", max_length=100, description="BID-2: unless exempt.")
    documents: list[DocumentIn] | None = Field(
        None, description="Replace the sealed documents (omit to keep them)."
    )


class OpenedDocumentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int


class SubmissionOut(Schema):
    id: int
    bid_id: int
    bid_number: str
    status: str
    revision: int
    submitted_at: dt.datetime
    updated_at: dt.datetime
    withdrawn_at: dt.datetime | None
    sealed_digest: str
    documents_count: int
    technical: dict[str, Any] | None = Field(
        None, description="Your opened technical packet, after the technical opening."
    )
    financial: dict[str, Any] | None = Field(
        None, description="Your opened prices, after the financial opening."
    )
    documents: list[OpenedDocumentOut] = Field(
        default_factory=list, description="After the technical opening."
    )


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next_cursor: str | None


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int | None = Field(None, ge=1)


# --- helpers ---------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def submission_out(view: selectors.SubmissionView) -> dict[str, Any]:
    bid = view.submission.bid
    return {
        "id": view.id,
        "bid_id": bid.pk,
        "bid_number": bid.number,
        "status": view.status,
        "revision": view.revision,
        "submitted_at": view.submitted_at,
        "updated_at": view.updated_at,
        "withdrawn_at": view.withdrawn_at,
        "sealed_digest": view.sealed_digest,
        "documents_count": view.documents_count,
        "technical": view.technical,
        "financial": view.financial,
        "documents": [vars(document) for document in view.documents],
    }


# --- operations ------------------------------------------------------------------------------


@router.get(
    "/submissions",
    response={200: SubmissionPage, **error_responses(401, 403, 422)},
    summary="Your firm's submissions to bids (sealed receipts)",
)
def submissions_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    firm = selectors.bidding_firm(actor)
    if firm is None:
        raise denied("bids.not_seller")
    found = paginate_queryset(
        selectors.own_submissions(firm=firm),
        cursor=page.cursor,
        limit=page.limit,
        ordering=("-updated_at", "-id"),
    )
    views = selectors.submission_views(list(found.items))
    return {"items": [submission_out(v) for v in views], "next_cursor": found.next_cursor}


@router.get(
    "/{bid_id}/submission",
    response={200: SubmissionOut, **error_responses(401, 404)},
    summary="Your firm's submission to a bid",
)
def submission_get(request: HttpRequest, bid_id: int) -> Any:
    """BID-5: only the submitting firm's bidding users see it; before the
    technical opening only its sealed receipt."""
    actor = _actor(request)
    bid = bid_get(actor=actor, bid_id=bid_id)
    return submission_out(selectors.own_submission_get(actor=actor, bid=bid))


@router.put(
    "/{bid_id}/submission",
    response={200: SubmissionOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Submit or revise your firm's sealed offer (BID-5)",
)
def submission_put(request: HttpRequest, bid_id: int, payload: SubmissionIn) -> Any:
    """Sealed to the bid's keys at once. Refusals: 422 with field errors
    (`items.<position>.<field>`, `kyc`, `land_border`, `eligibility`,
    `emd_reference`, `documents`), 409 `bids.submission_closed` after the end,
    `bids.submission_withdrawn`, `bids.wrong_state`."""
    actor = _actor(request)
    bid = bid_get(actor=actor, bid_id=bid_id)
    documents = (
        services.document_inputs_from_json([d.dict() for d in payload.documents])
        if payload.documents is not None
        else None
    )
    services.submission_submit(
        acting_user=actor,
        bid=bid,
        items=[services.ItemInput(**item.dict()) for item in payload.items],
        documents=documents,
        declarations={"emd_reference": payload.emd_reference},
    )
    return submission_out(selectors.own_submission_get(actor=actor, bid=bid))


@router.post(
    "/{bid_id}/submission/withdraw",
    response={200: SubmissionOut, **error_responses(401, 403, 404, 409)},
    summary="Withdraw your firm's submission before the end (BID-5)",
)
def submission_withdraw(request: HttpRequest, bid_id: int) -> Any:
    """After the end: 409 `bids.withdrawal_after_end` (forfeits per policy)."""
    actor = _actor(request)
    bid = bid_get(actor=actor, bid_id=bid_id)
    services.submission_withdraw(acting_user=actor, bid=bid)
    return submission_out(selectors.own_submission_get(actor=actor, bid=bid))
