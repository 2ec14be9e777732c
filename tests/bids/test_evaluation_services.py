"""BID-6 through the evaluation services on the real database: reasons,
the clarification window, the one 48-hour representation and its answer,
and the buyer's financial opening (BID-7)."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids import states
from kraya.bids.models import Bid, Clarification, Representation, TechnicalEvaluation
from kraya.bids.services import evaluation
from kraya.core import clock
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.bids.flow import opened_bid
from tests.factories import audit_actions_since, audit_head, row_counts

pytestmark = pytest.mark.django_db

TWO = [{"prices": {1: 9_000_00}}, {"prices": {1: 9_500_00}}]


def _opened(world):
    bid, submissions = opened_bid(world, TWO)
    return bid, submissions, bid.opening_at + dt.timedelta(hours=1)


def test_bid6_rejection_needs_a_reason_and_only_the_buyer_evaluates(world):
    _bid, (first, _), at = _opened(world)
    before, seq = row_counts(), audit_head()
    with clock.frozen_at(at):
        with pytest.raises(ValidationFailed) as no_reason:
            evaluation.technical_evaluate(
                acting_user=world.buyer, submission=first, qualified=False, reason="  "
            )
        assert no_reason.value.code == "bids.rejection_reason_required"
        assert "reason" in no_reason.value.fields
        for stranger in (world.other_buyer, world.seller_admin, world.paying_authority):
            with pytest.raises(PermissionDenied):
                evaluation.technical_evaluate(
                    acting_user=stranger, submission=first, qualified=True
                )
    assert (row_counts(), audit_head()) == (before, seq)
    assert not TechnicalEvaluation.objects.exists()


def test_bid6_evaluation_may_change_until_the_financial_opening(world):
    bid, (first, second), at = _opened(world)
    seq = audit_head()
    with clock.frozen_at(at):
        rejected = evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
        assert (rejected.qualified, rejected.reason) == (False, "No BIS mark")
        assert rejected.receipt is not None and rejected.receipt["kind"] == "bids.eligibility"
    with clock.frozen_at(at + dt.timedelta(hours=2)):
        changed = evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=True
        )
        evaluation.technical_evaluate(acting_user=world.buyer, submission=second, qualified=True)
    assert changed.qualified and TechnicalEvaluation.objects.count() == 2
    assert audit_actions_since(seq) == ["bids.technical_evaluated"] * 3
    with clock.frozen_at(at + dt.timedelta(hours=3)):
        opened = evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
    assert opened.status == states.FINANCIAL_EVALUATION
    with clock.frozen_at(at + dt.timedelta(hours=4)), pytest.raises(Conflict) as late:
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="Too late"
        )
    assert late.value.code == "bids.wrong_state"


def test_bid6_clarification_is_due_in_3_days_and_answered_once_by_its_seller(world):
    _bid, (first, _), at = _opened(world)
    with clock.frozen_at(at):
        asked = evaluation.clarification_ask(
            acting_user=world.buyer, submission=first, question="Send the BIS certificate."
        )
    assert asked.due_at == at + dt.timedelta(days=3)
    with clock.frozen_at(at + dt.timedelta(days=1)):
        with pytest.raises(PermissionDenied):
            evaluation.clarification_answer(
                acting_user=world.other_seller_admin, clarification=asked, answer="Not mine"
            )
        answered = evaluation.clarification_answer(
            acting_user=world.seller_admin, clarification=asked, answer="Attached, IS 16240."
        )
        assert answered.answer == "Attached, IS 16240."
        with pytest.raises(Conflict) as twice:
            evaluation.clarification_answer(
                acting_user=world.seller_admin, clarification=asked, answer="Again"
            )
    assert twice.value.code == "bids.clarification_answered"
    with clock.frozen_at(at):
        late = evaluation.clarification_ask(
            acting_user=world.buyer, submission=first, question="And the warranty?"
        )
    with clock.frozen_at(at + dt.timedelta(days=3, seconds=1)), pytest.raises(Conflict) as out:
        evaluation.clarification_answer(
            acting_user=world.seller_admin, clarification=late, answer="Two years"
        )
    assert out.value.code == "bids.clarification_late"
    assert Clarification.objects.get(pk=late.pk).answered_at is None


def test_bid6_one_representation_within_48_hours_blocks_financial_opening_until_answered(world):
    bid, (first, second), at = _opened(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
        evaluation.technical_evaluate(acting_user=world.buyer, submission=second, qualified=True)
        with pytest.raises(Conflict) as window:
            evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
        assert window.value.code == "bids.representation_window_open"
        with pytest.raises(Conflict) as not_rejected:
            evaluation.representation_file(
                acting_user=world.other_seller_admin, submission=second, text="We qualify"
            )
        assert not_rejected.value.code == "bids.not_rejected"
    with clock.frozen_at(at + dt.timedelta(hours=48)):  # exactly 48 hours: in time
        filed = evaluation.representation_file(
            acting_user=world.seller_admin, submission=first, text="The BIS mark is on page 4."
        )
        assert filed.receipt["rules"] == ["BID-6"]
        with pytest.raises(Conflict) as twice:
            evaluation.representation_file(
                acting_user=world.seller_admin, submission=first, text="Again"
            )
        assert twice.value.code == "bids.representation_already_filed"
    with clock.frozen_at(at + dt.timedelta(hours=49)):
        with pytest.raises(Conflict) as pending:
            evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
        assert pending.value.code == "bids.representation_pending"
        with pytest.raises(PermissionDenied):
            evaluation.representation_answer(
                acting_user=world.seller_admin, representation=filed, upheld=True, answer="Yes"
            )
        evaluation.representation_answer(
            acting_user=world.buyer, representation=filed, upheld=True, answer="Found on page 4."
        )
        assert TechnicalEvaluation.objects.get(submission=first).qualified
        opened = evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
    assert opened.status == states.FINANCIAL_EVALUATION
    assert opened.lots.get().ranking["outcome"]["ranking"][0]["bidder_id"] == str(first.pk)


def test_bid6_a_representation_after_48_hours_is_refused(world):
    _bid, (first, _), at = _opened(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
    seq = audit_head()
    with clock.frozen_at(at + dt.timedelta(hours=48, seconds=1)), pytest.raises(Conflict) as late:
        evaluation.representation_file(
            acting_user=world.seller_admin, submission=first, text="Late"
        )
    assert late.value.code == "bids.representation_late"
    assert not Representation.objects.exists() and audit_head() == seq


def test_bid6_rejected_representation_keeps_the_rejection(world):
    bid, (first, second), at = _opened(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
        evaluation.technical_evaluate(acting_user=world.buyer, submission=second, qualified=True)
        filed = evaluation.representation_file(
            acting_user=world.seller_admin, submission=first, text="Please look again"
        )
        evaluation.representation_answer(
            acting_user=world.buyer, representation=filed, upheld=False, answer="Not found."
        )
        opened = evaluation.financial_open_by_buyer(acting_user=world.buyer, bid=bid)
    ranking = opened.lots.get().ranking["outcome"]["ranking"]
    assert [row["bidder_id"] for row in ranking] == [str(second.pk)]
    assert Bid.objects.get(pk=bid.pk).status == states.FINANCIAL_EVALUATION
