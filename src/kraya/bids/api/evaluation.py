"""The evaluation part of the bids API (see `kraya.bids.api`): technical
evaluation, clarifications and representations (BID-6), the financial
opening and ranking (BID-7), invitations to match L1 (§7), sanction and
award (ORD-2, BID-8).

Every operation first finds the bid the caller may see (404), then the
object inside that bid (404 when it is not this bid's); the service decides
the role (403) and the state or clock (409). Nothing is read before the
technical opening (409 `bids.sealed`: BID-4, BID-5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.schemas import error_responses
from kraya.bids.models import Bid, Clarification, MatchInvitation, Representation, Submission
from kraya.bids.selectors import bid_get, bidding_firms, may_manage_bid
from kraya.bids.selectors import evaluation as read
from kraya.bids.services import award, evaluation, preferences
from kraya.bids.services._common import MESSAGES, conflict, denied, not_found
from kraya.orders.schemas import OrderOut, orders_out

router = Router(tags=["bids"])

MESSAGES.update(
    {
        "bids.sealed": _("Nothing of the submissions can be shown before the technical opening."),
        "bids.not_bidder": _("Only the office's Buyers and this bid's bidders can see this."),
    }
)


# --- schemas -------------------------------------------------------------------------------


class EvaluationIn(Schema):
    qualified: bool
    reason: str = Field("", max_length=4000)


class QuestionIn(Schema):
    question: str = Field(..., max_length=4000)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=4000)


class RepresentationIn(Schema):
    text: str = Field(..., max_length=4000)


class RepresentationAnswerIn(Schema):
    upheld: bool
    answer: str = Field(..., max_length=4000)


class InvitationAnswerIn(Schema):
    accept: bool


class BidSanctionIn(Schema):
    sanction_reference: str = Field("", max_length=400)


class PartyOut(Schema):
    id: int
    name: str


class EvaluationOut(Schema):
    qualified: bool
    reason: str
    evaluated_at: dt.datetime


class ClarificationOut(Schema):
    id: int
    question: str
    asked_at: dt.datetime
    due_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class RepresentationOut(Schema):
    id: int
    text: str
    filed_at: dt.datetime
    answer: str
    upheld: bool | None
    answered_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    file_name: str
    content_type: str


class SubmissionEvaluationOut(Schema):
    id: int
    seller_firm: PartyOut
    submitted_at: dt.datetime
    technical: dict[str, Any] | None
    documents: list[DocumentOut]
    financial: dict[str, Any] | None = Field(
        None, description="The opened prices: null until the financial opening (BID-5)."
    )
    evaluation: EvaluationOut | None
    clarifications: list[ClarificationOut]
    representation: RepresentationOut | None


class InvitationOut(Schema):
    id: int
    lot: int
    submission_id: int
    rules: list[str]
    l1_unit_price_paise: int
    answer_by: dt.datetime
    accepted: bool | None
    answered_at: dt.datetime | None


class ReceiptOut(Schema):
    kind: str
    rules: list[str]
    message: str
    explanation: str
    steps: list[str]
    receipt: dict[str, Any]


class RankOut(Schema):
    rank: int
    submission_id: int
    seller_firm: str
    price_paise: int
    final_price_paise: int | None


class AwardOut(Schema):
    submission_id: int
    seller_firm: str
    quantity: int
    unit_price_paise: int
    order_number: str


class LotOut(Schema):
    number: int
    title: str
    divisible: bool
    ranking: list[RankOut]
    receipts: list[ReceiptOut]
    invitations: list[InvitationOut]
    awards: list[AwardOut]


class BidderLotOut(Schema):
    number: int
    title: str
    own_rank: int | None
    own_price_paise: int | None
    l1_price_paise: int | None


class BidEvaluationOut(Schema):
    bid_id: int
    status: str
    financial_opened: bool
    sanctioned: bool
    submissions: list[SubmissionEvaluationOut]
    lots: list[LotOut]


class RankingOut(Schema):
    bid_id: int
    status: str
    lots: list[LotOut] | None = Field(None, description="The office's Buyers: every lot in full.")
    own: list[BidderLotOut] | None = Field(
        None, description="A bidder: its own rank and the L1 price of each lot."
    )


class OwnEvaluationOut(Schema):
    submission_id: int
    evaluation: EvaluationOut | None
    clarifications: list[ClarificationOut]
    representation: RepresentationOut | None
    invitations: list[InvitationOut]
    lots: list[BidderLotOut]


class SanctionOut(Schema):
    bid_id: int
    sanction_reference: str
    sanctioned_at: dt.datetime


class OrdersOut(Schema):
    orders: list[OrderOut]


# --- helpers -------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _bid(request: HttpRequest, bid_id: int) -> tuple[Actor, Bid]:
    actor = _actor(request)
    return actor, bid_get(actor=actor, bid_id=bid_id)


def _opened(bid: Bid) -> None:
    if not read.evaluation_visible(bid):
        raise conflict("bids.sealed")


def _submission(bid: Bid, submission_id: int) -> Submission:
    found = Submission.objects.filter(pk=submission_id, bid=bid).select_related("bid").first()
    if found is None:
        raise not_found()
    return found


def _own_submission(actor: Actor, bid: Bid) -> Submission | None:
    firms = [firm.pk for firm in bidding_firms(actor)]
    return Submission.objects.filter(bid=bid, seller_firm_id__in=firms).first()


def _buyer_view(bid: Bid) -> dict[str, Any]:
    bid.refresh_from_db()
    return {
        "bid_id": bid.pk,
        "status": bid.status,
        "financial_opened": read.prices_visible(bid),
        "sanctioned": bid.sanctioned_at is not None,
        "submissions": read.submissions_for_buyer(bid),
        "lots": read.lots_for_buyer(bid) if read.prices_visible(bid) else [],
    }


def _manager(actor: Actor, bid: Bid) -> None:
    if not may_manage_bid(actor, bid):
        raise denied("bids.not_buyer")


# --- the buyer's evaluation ------------------------------------------------------------------


@router.get(
    "/{bid_id}/evaluation",
    response={200: BidEvaluationOut, **error_responses(401, 403, 404, 409)},
    summary="The opened submissions, evaluations and (after the financial opening) ranking",
)
def evaluation_get(request: HttpRequest, bid_id: int) -> Any:
    """BID-6 for the office's Buyers; prices only after the financial opening (BID-5)."""
    actor, bid = _bid(request, bid_id)
    _manager(actor, bid)
    _opened(bid)
    return _buyer_view(bid)


@router.post(
    "/{bid_id}/submissions/{submission_id}/evaluation",
    response={200: BidEvaluationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Qualify or reject (with a reason) a technical bid (BID-6)",
)
def submission_evaluate(
    request: HttpRequest, bid_id: int, submission_id: int, payload: EvaluationIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    evaluation.technical_evaluate(
        acting_user=actor,
        submission=_submission(bid, submission_id),
        qualified=payload.qualified,
        reason=payload.reason,
    )
    return _buyer_view(bid)


@router.post(
    "/{bid_id}/submissions/{submission_id}/clarifications",
    response={201: ClarificationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Ask a bidder to clarify, answer due in 3 days (BID-6)",
)
def clarification_ask(
    request: HttpRequest, bid_id: int, submission_id: int, payload: QuestionIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    asked = evaluation.clarification_ask(
        acting_user=actor, submission=_submission(bid, submission_id), question=payload.question
    )
    return Status(201, asked)


@router.post(
    "/{bid_id}/clarifications/{clarification_id}/answer",
    response={200: ClarificationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="The bidder answers a clarification before its deadline (BID-6)",
)
def clarification_answer(
    request: HttpRequest, bid_id: int, clarification_id: int, payload: AnswerIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    found = Clarification.objects.filter(pk=clarification_id, submission__bid=bid).first()
    if found is None:
        raise not_found()
    return evaluation.clarification_answer(
        acting_user=actor, clarification=found, answer=payload.answer
    )


@router.post(
    "/{bid_id}/submissions/{submission_id}/representation",
    response={201: RepresentationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="A rejected bidder files its one representation within 48 hours (BID-6)",
)
def representation_file(
    request: HttpRequest, bid_id: int, submission_id: int, payload: RepresentationIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    filed = evaluation.representation_file(
        acting_user=actor, submission=_submission(bid, submission_id), text=payload.text
    )
    return Status(201, filed)


@router.post(
    "/{bid_id}/representations/{representation_id}/answer",
    response={200: RepresentationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="The buyer answers a representation; upheld, the bid qualifies (BID-6)",
)
def representation_answer(
    request: HttpRequest, bid_id: int, representation_id: int, payload: RepresentationAnswerIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    found = Representation.objects.filter(pk=representation_id, submission__bid=bid).first()
    if found is None:
        raise not_found()
    return evaluation.representation_answer(
        acting_user=actor, representation=found, upheld=payload.upheld, answer=payload.answer
    )


@router.post(
    "/{bid_id}/financial-opening",
    response={200: BidEvaluationOut, **error_responses(401, 403, 404, 409)},
    summary="Open the financial bids and rank each lot (BID-6 check, BID-7)",
)
def financial_open(request: HttpRequest, bid_id: int) -> Any:
    actor, bid = _bid(request, bid_id)
    evaluation.financial_open_by_buyer(acting_user=actor, bid=bid)
    return _buyer_view(bid)


@router.get(
    "/{bid_id}/ranking",
    response={200: RankingOut, **error_responses(401, 403, 404, 409)},
    summary="The financial ranking: in full for the Buyers, own rank and L1 for a bidder",
)
def ranking_get(request: HttpRequest, bid_id: int) -> Any:
    """BID-7 after the financial opening (409 `bids.sealed` before it)."""
    actor, bid = _bid(request, bid_id)
    manager = may_manage_bid(actor, bid)
    own = None if manager else _own_submission(actor, bid)
    if not manager and own is None:
        raise denied("bids.not_bidder")
    if not read.prices_visible(bid):
        raise conflict("bids.sealed")
    if manager:
        return {"bid_id": bid.pk, "status": bid.status, "lots": read.lots_for_buyer(bid)}
    assert own is not None
    return {"bid_id": bid.pk, "status": bid.status, "own": read.lots_for_bidder(bid, own)}


@router.get(
    "/{bid_id}/evaluation/mine",
    response={200: OwnEvaluationOut, **error_responses(401, 403, 404, 409)},
    summary="A bidder's own evaluation, clarifications, representation and invitations",
)
def own_evaluation_get(request: HttpRequest, bid_id: int) -> Any:
    actor, bid = _bid(request, bid_id)
    own = _own_submission(actor, bid)
    if own is None:
        raise denied("bids.not_bidder")
    _opened(bid)
    return read.seller_view(bid, own)


# --- preferences, sanction, award ---------------------------------------------------------


@router.post(
    "/{bid_id}/preferences",
    response={200: BidEvaluationOut, **error_responses(401, 403, 404, 409)},
    summary="Invite the sellers who may match L1 (MSE-1, MII-2, PREF-1)",
)
def preferences_invite(request: HttpRequest, bid_id: int) -> Any:
    actor, bid = _bid(request, bid_id)
    preferences.preferences_invite(acting_user=actor, bid=bid)
    return _buyer_view(bid)


@router.post(
    "/{bid_id}/invitations/{invitation_id}",
    response={200: InvitationOut, **error_responses(401, 403, 404, 409, 422)},
    summary="The invited seller matches L1 or declines, once, in time",
)
def invitation_answer(
    request: HttpRequest, bid_id: int, invitation_id: int, payload: InvitationAnswerIn
) -> Any:
    actor, bid = _bid(request, bid_id)
    found = MatchInvitation.objects.filter(pk=invitation_id, lot__bid=bid).first()
    if found is None:
        raise not_found()
    answered = preferences.invitation_answer(
        acting_user=actor, invitation=found, accept=payload.accept
    )
    return {
        "id": answered.pk,
        "lot": answered.lot.number,
        "submission_id": answered.submission_id,
        "rules": list(answered.rules),
        "l1_unit_price_paise": answered.l1_unit_price_paise,
        "answer_by": answered.answer_by,
        "accepted": answered.accepted,
        "answered_at": answered.answered_at,
    }


@router.post(
    "/{bid_id}/sanction",
    response={200: SanctionOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Record the sanction for the bid's contracts (ORD-2)",
)
def bid_sanction(request: HttpRequest, bid_id: int, payload: BidSanctionIn) -> Any:
    """By the bid's Paying Authority, or a Buyer of its office quoting the reference."""
    actor, bid = _bid(request, bid_id)
    done = award.bid_sanction(
        acting_user=actor, bid=bid, sanction_reference=payload.sanction_reference
    )
    return {
        "bid_id": done.pk,
        "sanction_reference": done.sanction_reference,
        "sanctioned_at": done.sanctioned_at,
    }


@router.post(
    "/{bid_id}/award",
    response={201: OrdersOut, **error_responses(401, 403, 404, 409)},
    summary="Award the bid: one contract per allocated seller (BID-8, ORD-1)",
)
def bid_award(request: HttpRequest, bid_id: int) -> Any:
    actor, bid = _bid(request, bid_id)
    orders = award.bid_award(acting_user=actor, bid=bid)
    return Status(201, {"orders": orders_out(orders)})
