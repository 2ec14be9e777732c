"""BID-4, BID-5, BID-7: the end of a bid and its two openings.

- `bid_end`: at the end time, too few submissions extend the bid once
  (BID-4, "extended due to less competition", the count never disclosed);
  otherwise nothing changes until the opening time;
- `technical_open`: at the opening time (and after the end), releases the
  technical key (`kraya.bids.sealing`), opens every submitted technical
  packet and moves the bid to technical evaluation;
- `financial_open`: after the technical evaluation (BID-6 check), releases
  the financial key, opens the prices of the qualified submissions and ranks
  each lot (BID-7, seeded draw), storing the ranking receipt on the lot.

Each is idempotent: run again on a bid already past the step it raises
`bids.wrong_state` and changes nothing, so the scheduler may re-run it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.bids import packets, rules, sealing, states
from kraya.bids.models import Bid, BidKeys, BidLot, Submission
from kraya.bids.services._common import MESSAGES, bid_policy, conflict
from kraya.bids.services.transitions import bid_locked, bid_transition
from kraya.core import clock
from kraya.core.receipts import DecisionReceipt

MESSAGES.update(
    {
        "bids.not_ended": _("This bid has not reached its end time."),
        "bids.not_opening_time": _("The bids cannot be opened before the opening time."),
        "bids.evaluation_incomplete": _(
            "Evaluate every technical bid before opening the financial bids."
        ),
        "bids.representation_pending": _(
            "A representation is waiting for an answer: answer it before the financial opening."
        ),
        "bids.representation_window_open": _(
            "A rejected bidder may still file a representation (48 hours): open the financial "
            "bids after the window closes."
        ),
        "bids.no_qualified_bids": _(
            "No bid is technically qualified: cancel the bid, with a reason."
        ),
    }
)


def _submitted(bid: Bid) -> list[Submission]:
    return list(
        Submission.objects.filter(bid=bid, status=Submission.Status.SUBMITTED).order_by("pk")
    )


def bid_end(*, bid_id: int, actor: Any | None = None) -> rules.EndDecision:
    """BID-4 at the end time of a published bid: extend once when fewer than
    the minimum arrived. Returns the decision (not extended: the bid waits
    for its opening). The receipt goes on the bid; its inputs hold the count,
    which only the opened bid shows (BID-4)."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        now = clock.now()
        if bid.status != states.PUBLISHED:
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        if now < bid.end_at:
            raise conflict("bids.not_ended")
        received = Submission.objects.filter(bid=bid, status=Submission.Status.SUBMITTED).count()
        decision = rules.less_competition_extension(
            bids_received=received,
            end_at=bid.end_at,
            extensions_so_far=bid.extensions,
            policy=bid_policy(bid),
            min_bids=bid.min_bids,
        )
        if decision.extended:
            moved = decision.end_at - bid.end_at
            bid_transition(
                bid_id=bid.pk,
                event=states.EXTEND,
                actor=actor,
                changes={
                    "end_at": decision.end_at,
                    "opening_at": bid.opening_at + moved,
                    "extensions": bid.extensions + 1,
                    "receipts": [*bid.receipts, decision.receipt.as_dict()],
                },
                # BID-4: the audit payload says that it was extended, not why in numbers.
                payload={"end_at": decision.end_at.isoformat(), "reason": "less_competition"},
            )
        return decision


def _release(bid: Bid, packet: str) -> bytes:
    keys = BidKeys.objects.select_for_update().get(bid=bid)
    opening = bid.opening_at if packet == sealing.TECHNICAL else clock.now()
    if packet == sealing.TECHNICAL:
        if keys.technical_private is None:
            keys.technical_private = sealing.unwrap_private(
                bid_id=bid.pk,
                packet=packet,
                wrapped=bytes(keys.technical_private_wrapped),
                opening_at=opening,
            )
            keys.technical_released_at = clock.now()
            keys.save(update_fields=["technical_private", "technical_released_at"])
        return bytes(keys.technical_private)
    if keys.financial_private is None:
        keys.financial_private = sealing.unwrap_private(
            bid_id=bid.pk,
            packet=packet,
            wrapped=bytes(keys.financial_private_wrapped),
            opening_at=opening,
        )
        keys.financial_released_at = clock.now()
        keys.save(update_fields=["financial_private", "financial_released_at"])
    return bytes(keys.financial_private)


def technical_open(*, bid_id: int, actor: Any | None = None) -> Bid:
    """BID-5: open the technical packets at the opening time."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        now = clock.now()
        if bid.status != states.PUBLISHED:
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        if now < bid.end_at:
            raise conflict("bids.not_ended")
        if now < bid.opening_at:
            raise conflict("bids.not_opening_time")
        private = _release(bid, sealing.TECHNICAL)
        submissions = _submitted(bid)
        for submission in submissions:
            aad = sealing.packet_aad(bid.pk, submission.seller_firm_id, sealing.TECHNICAL)
            submission.technical = packets.decode(
                sealing.open_packet(
                    released_private=private, sealed=bytes(submission.technical_sealed), aad=aad
                )
            )
            submission.save(update_fields=["technical"])
            document_aad = sealing.document_aad(bid.pk, submission.seller_firm_id)
            for document in submission.documents.all():
                opened = packets.decode(
                    sealing.open_packet(
                        released_private=private, sealed=bytes(document.sealed), aad=document_aad
                    )
                )
                document.content = bytes.fromhex(opened["content_hex"])
                document.file_name = opened["file_name"]
                document.content_type = opened["content_type"]
                document.save(update_fields=["content", "file_name", "content_type"])
        return bid_transition(
            bid_id=bid.pk,
            event=states.CLOSE,
            actor=actor,
            changes={"technical_opened_at": now},
            payload={"submissions": len(submissions)},
        )


def _rejections(submissions: list[Submission]) -> list[rules.Rejection]:
    found = []
    for submission in submissions:
        evaluation = getattr(submission, "evaluation", None)
        if evaluation is None or evaluation.qualified:
            continue
        representation = getattr(submission, "representation", None)
        found.append(
            rules.Rejection(
                bidder_id=str(submission.pk),
                rejected_at=evaluation.evaluated_at,
                representation_filed=representation is not None,
                representation_answered=representation is not None
                and representation.answered_at is not None,
            )
        )
    return found


def lot_items(lot: BidLot) -> list[tuple[int, int]]:
    return [(item.position, item.quantity) for item in lot.items.order_by("position")]


def financial_open(*, bid_id: int, actor: Any | None = None) -> Bid:
    """BID-6 check, then open the financial packets of the qualified
    submissions and rank each lot (BID-7). The BID-6 receipt and each lot's
    ranking receipt are stored."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        if bid.status != states.TECHNICAL_EVALUATION:
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        policy = bid_policy(bid)
        submissions = list(
            Submission.objects.filter(bid=bid, status=Submission.Status.SUBMITTED)
            .select_related("evaluation", "representation")
            .order_by("pk")
        )
        if any(getattr(s, "evaluation", None) is None for s in submissions):
            raise conflict("bids.evaluation_incomplete")
        now = clock.now()
        check = rules.financial_opening_check(
            at=now, rejections=_rejections(submissions), policy=policy
        )
        if not check.allowed:
            raise conflict(check.code)
        qualified = [s for s in submissions if s.evaluation.qualified]
        if not qualified:
            raise conflict("bids.no_qualified_bids")
        private = _release(bid, sealing.FINANCIAL)
        for submission in qualified:
            aad = sealing.packet_aad(bid.pk, submission.seller_firm_id, sealing.FINANCIAL)
            submission.financial = packets.decode(
                sealing.open_packet(
                    released_private=private, sealed=bytes(submission.financial_sealed), aad=aad
                )
            )
            submission.save(update_fields=["financial"])
        rankings = {}
        for lot in BidLot.objects.filter(bid=bid).prefetch_related("items"):
            quotes = []
            for submission in qualified:
                assert submission.financial is not None
                price = packets.lot_quote_paise(submission.financial, lot_items(lot))
                if price is not None:
                    quotes.append(rules.Quote(bidder_id=str(submission.pk), price_paise=price))
            if quotes:
                ranking = rules.financial_ranking(quotes=quotes, seed=bid.tie_break_seed)
                lot.ranking = ranking.receipt.as_dict()
                lot.save(update_fields=["ranking"])
                rankings[lot.number] = ranking.l1_bidder_id
        return bid_transition(
            bid_id=bid.pk,
            event=states.OPEN_FINANCIAL,
            actor=actor,
            changes={
                "financial_opened_at": now,
                "receipts": [*bid.receipts, check.receipt.as_dict()],
            },
            payload={"qualified": len(qualified), "l1_by_lot": rankings},
        )


def lot_ranking(lot: BidLot) -> rules.FinancialRanking | None:
    """The stored BID-7 ranking of a lot, replayed (ReplayMismatch if tampered)."""
    if lot.ranking is None:
        return None
    return rules.replay_financial_ranking(DecisionReceipt.from_dict(lot.ranking))


__all__ = ["bid_end", "financial_open", "lot_items", "lot_ranking", "technical_open"]
