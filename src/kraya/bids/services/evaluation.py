"""BID-6 on the database: the buyer's technical evaluation with reasons, the
clarification window (3 days), the one representation within 48 hours and
its answer, and the buyer's financial opening (BID-6 check, then BID-7 in
`opening.financial_open`).

Every step runs while the bid is in TECHNICAL_EVALUATION, under the bid's
row lock, and writes the audit log in its transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.bids import rules, states
from kraya.bids.models import Bid, Clarification, Representation, Submission, TechnicalEvaluation
from kraya.bids.services import opening
from kraya.bids.services._common import (
    MESSAGES,
    bid_policy,
    conflict,
    denied,
    invalid,
    require_bidding_seller,
    require_office_buyer,
)
from kraya.bids.services.transitions import bid_locked
from kraya.core import audit, clock

MAX_TEXT = 4000

MESSAGES.update(
    {
        "bids.rejection_reason_required": _("Give the reason for rejecting this bid."),
        "bids.text_required": _("This field is required."),
        "bids.text_too_long": _("Keep this under 4,000 characters."),
        "bids.evaluated_submission_withdrawn": _("This submission was withdrawn."),
        "bids.not_own_submission": _("Only the seller who submitted this bid can do this."),
        "bids.clarification_answered": _("This clarification has already been answered."),
        "bids.clarification_late": _("The time to answer this clarification has passed."),
        "bids.not_rejected": _("Only a technically rejected bidder may file a representation."),
        "bids.representation_already_filed": _("Only one representation may be filed."),
        "bids.representation_before_rejection": _("A representation cannot predate the rejection."),
        "bids.representation_late": _(
            "The 48 hours to file a representation after the rejection have passed."
        ),
        "bids.representation_answered": _("This representation has already been answered."),
    }
)


def _text(field: str, value: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise invalid(field, "bids.text_required")
    if len(cleaned) > MAX_TEXT:
        raise invalid(field, "bids.text_too_long")
    return cleaned


def _in_evaluation(bid_id: int) -> Bid:
    bid = bid_locked(bid_id)
    if bid.status != states.TECHNICAL_EVALUATION:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    return bid


def _submitted(submission: Submission) -> Submission:
    fresh = Submission.objects.select_for_update().get(pk=submission.pk)
    if fresh.status != Submission.Status.SUBMITTED:
        raise conflict("bids.evaluated_submission_withdrawn")
    return fresh


def _own(acting_user: Any, submission: Submission) -> Any:
    actor, firm = require_bidding_seller(acting_user)
    if submission.seller_firm_id != firm.pk:
        raise denied("bids.not_own_submission")
    return actor


def _percent(value: Any) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal(0)


def eligibility_receipt(bid: Bid, submission: Submission) -> dict[str, Any] | None:
    """BID-1/BID-2 on the opened technical packet's seller profile (for the
    buyer's reference: the verdict stays the buyer's)."""
    seller = (submission.technical or {}).get("seller")
    if not seller:
        return None
    category = seller.get("mse_category")
    try:
        decision = rules.eligibility_check(
            seller=rules.SellerProfile(
                bidder_id=str(submission.pk),
                is_mse=bool(seller.get("is_mse")),
                mse_category=str(category).lower() if category else None,
                is_startup=bool(seller.get("is_startup")),
                turnover_paise_by_year=tuple(
                    int(v) for v in seller.get("turnover_paise_by_year", [])
                ),
                experience_years=int(seller.get("experience_years") or 0),
                past_performance_percent=_percent(seller.get("past_performance_percent")),
            ),
            criteria=rules.EligibilityCriteria(
                min_average_turnover_paise=bid.min_average_turnover_paise,
                min_experience_years=bid.min_experience_years,
                min_past_performance_percent=bid.min_past_performance_percent,
                relax_for_mse_and_startups=bid.relax_for_mse_and_startups,
            ),
            policy=bid_policy(bid),
        )
    except (rules.BidError, TypeError, ValueError):
        return None
    return decision.receipt.as_dict()


@transaction.atomic
def technical_evaluate(
    *, acting_user: Any, submission: Submission, qualified: bool, reason: str = ""
) -> TechnicalEvaluation:
    """BID-6: qualify or reject (with a reason) one opened submission; may be
    changed until the financial opening. A new rejection starts a new 48-hour
    representation window (it is dated now)."""
    bid = submission.bid
    actor = require_office_buyer(acting_user, bid.office)
    reason = _text("reason", reason, required=False)
    if not qualified and not reason:
        raise invalid("reason", "bids.rejection_reason_required")
    bid = _in_evaluation(bid.pk)
    submission = _submitted(submission)
    now = clock.now()
    before = TechnicalEvaluation.objects.filter(submission=submission).first()
    evaluation, _ = TechnicalEvaluation.objects.update_or_create(
        submission=submission,
        defaults={
            "qualified": bool(qualified),
            "reason": reason,
            "receipt": eligibility_receipt(bid, submission),
            "evaluated_by": actor.user,
            "evaluated_at": now
            if before is None or before.qualified != bool(qualified)
            else before.evaluated_at,
        },
    )
    audit.record(
        actor=actor.user,
        action="bids.technical_evaluated",
        target=evaluation,
        payload={
            "bid": bid.pk,
            "submission": submission.pk,
            "qualified": evaluation.qualified,
            "changed": before is not None,
        },
    )
    return evaluation


@transaction.atomic
def clarification_ask(*, acting_user: Any, submission: Submission, question: str) -> Clarification:
    """BID-6: ask a bidder to clarify; the answer is due in 3 days."""
    actor = require_office_buyer(acting_user, submission.bid.office)
    question = _text("question", question)
    bid = _in_evaluation(submission.bid_id)
    submission = _submitted(submission)
    now = clock.now()
    clarification = Clarification.objects.create(
        submission=submission,
        question=question,
        asked_by=actor.user,
        asked_at=now,
        due_at=rules.clarification_deadline(now, bid_policy(bid)),
    )
    audit.record(
        actor=actor.user,
        action="bids.clarification_asked",
        target=clarification,
        payload={
            "bid": bid.pk,
            "submission": submission.pk,
            "due_at": clarification.due_at.isoformat(),
        },
    )
    return clarification


@transaction.atomic
def clarification_answer(
    *, acting_user: Any, clarification: Clarification, answer: str
) -> Clarification:
    """BID-6: the bidder answers, once, before the deadline."""
    submission = clarification.submission
    actor = _own(acting_user, submission)
    answer = _text("answer", answer)
    bid = _in_evaluation(submission.bid_id)
    clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
    if clarification.answered_at is not None:
        raise conflict("bids.clarification_answered")
    now = clock.now()
    if now > clarification.due_at:
        raise conflict("bids.clarification_late")
    clarification.answer = answer
    clarification.answered_at = now
    clarification.save(update_fields=["answer", "answered_at"])
    audit.record(
        actor=actor.user,
        action="bids.clarification_answered",
        target=clarification,
        payload={"bid": bid.pk, "submission": submission.pk},
    )
    return clarification


@transaction.atomic
def representation_file(*, acting_user: Any, submission: Submission, text: str) -> Representation:
    """BID-6: a rejected bidder files one representation within 48 hours."""
    actor = _own(acting_user, submission)
    text = _text("text", text)
    bid = _in_evaluation(submission.bid_id)
    submission = _submitted(submission)
    evaluation = TechnicalEvaluation.objects.filter(submission=submission).first()
    if evaluation is None or evaluation.qualified:
        raise conflict("bids.not_rejected")
    now = clock.now()
    decision = rules.representation_check(
        rejected_at=evaluation.evaluated_at,
        filed_at=now,
        already_filed=Representation.objects.filter(submission=submission).count(),
        policy=bid_policy(bid),
    )
    if not decision.allowed:
        raise conflict(decision.code)
    representation = Representation.objects.create(
        submission=submission,
        text=text,
        filed_by=actor.user,
        filed_at=now,
        receipt=decision.receipt.as_dict(),
    )
    audit.record(
        actor=actor.user,
        action="bids.representation_filed",
        target=representation,
        payload={"bid": bid.pk, "submission": submission.pk},
    )
    return representation


@transaction.atomic
def representation_answer(
    *, acting_user: Any, representation: Representation, upheld: bool, answer: str
) -> Representation:
    """BID-6: the buyer answers the representation before the financial
    opening; upheld, the submission becomes technically qualified."""
    submission = representation.submission
    actor = require_office_buyer(acting_user, submission.bid.office)
    answer = _text("answer", answer)
    bid = _in_evaluation(submission.bid_id)
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if representation.answered_at is not None:
        raise conflict("bids.representation_answered")
    now = clock.now()
    representation.answer = answer
    representation.upheld = bool(upheld)
    representation.answered_by = actor.user
    representation.answered_at = now
    representation.save(update_fields=["answer", "upheld", "answered_by", "answered_at"])
    if upheld:
        TechnicalEvaluation.objects.filter(submission=submission).update(
            qualified=True, evaluated_by=actor.user, evaluated_at=now
        )
    audit.record(
        actor=actor.user,
        action="bids.representation_answered",
        target=representation,
        payload={"bid": bid.pk, "submission": submission.pk, "upheld": bool(upheld)},
    )
    return representation


def financial_open_by_buyer(*, acting_user: Any, bid: Bid) -> Bid:
    """BID-6 then BID-7: the office's Buyer opens the financial bids
    (`opening.financial_open`: refused while a representation is pending or
    a rejected bidder's 48-hour window is open)."""
    actor = require_office_buyer(acting_user, bid.office)
    return opening.financial_open(bid_id=bid.pk, actor=actor.user)


__all__ = [
    "clarification_answer",
    "clarification_ask",
    "eligibility_receipt",
    "financial_open_by_buyer",
    "representation_answer",
    "representation_file",
    "technical_evaluate",
]
