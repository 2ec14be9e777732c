"""Reads of the evaluation area (BID-6, BID-7, §7, BID-8), as plain dicts the
API and the pages share. What each reader may see:

- the office's Buyers (`may_manage_bid`): after the technical opening every
  submitted bid's opened technical packet, documents, evaluation,
  clarifications and representation; prices only after the financial
  opening (BID-5); the ranking with its receipts; invitations; awards;
- a bidder (its own submission only): its evaluation, clarifications,
  representation and invitations; after the financial opening its own rank
  and the L1 price of each lot, never the others' prices or names.

Nothing here is read before the technical opening (BID-4, BID-5): the
callers refuse with `bids.sealed` (`evaluation_visible`)."""

from __future__ import annotations

from typing import Any

from kraya.bids import rules, states
from kraya.bids.models import (
    Award,
    Bid,
    BidLot,
    MatchInvitation,
    Submission,
)
from kraya.bids.services.preferences import final_prices
from kraya.core.receipts import DecisionReceipt


def evaluation_visible(bid: Bid) -> bool:
    """The technical packets are open (BID-5)."""
    return bid.status not in states.SEALED_TECHNICAL and bid.technical_opened_at is not None


def prices_visible(bid: Bid) -> bool:
    return bid.status not in states.SEALED_FINANCIAL and bid.financial_opened_at is not None


def explained(receipt: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored receipt with its English sentence (`rules.explain`) and, for a
    preference, one line per step."""
    if not receipt:
        return None
    decision = DecisionReceipt.from_dict(receipt)
    try:
        sentence = rules.explain(decision)
    except KeyError:
        sentence = decision.message
    steps = rules.explain_steps(decision) if decision.kind == "bids.preference" else []
    return {
        "kind": decision.kind,
        "rules": list(decision.rules),
        "message": decision.message,
        "explanation": sentence,
        "steps": steps,
        "receipt": receipt,
    }


def _clarifications(submission: Submission) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "question": c.question,
            "asked_at": c.asked_at,
            "due_at": c.due_at,
            "answer": c.answer,
            "answered_at": c.answered_at,
        }
        for c in submission.clarifications.all()
    ]


def _representation(submission: Submission) -> dict[str, Any] | None:
    r = getattr(submission, "representation", None)
    if r is None:
        return None
    return {
        "id": r.pk,
        "text": r.text,
        "filed_at": r.filed_at,
        "answer": r.answer,
        "upheld": r.upheld,
        "answered_at": r.answered_at,
    }


def _evaluation(submission: Submission) -> dict[str, Any] | None:
    e = getattr(submission, "evaluation", None)
    if e is None:
        return None
    return {"qualified": e.qualified, "reason": e.reason, "evaluated_at": e.evaluated_at}


def _invitations(queryset: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "lot": i.lot.number,
            "submission_id": i.submission_id,
            "rules": list(i.rules),
            "l1_unit_price_paise": i.l1_unit_price_paise,
            "answer_by": i.answer_by,
            "accepted": i.accepted,
            "answered_at": i.answered_at,
        }
        for i in queryset.select_related("lot")
    ]


def submissions_for_buyer(bid: Bid) -> list[dict[str, Any]]:
    """BID-6: the opened submissions (the caller checked `may_manage_bid` and
    `evaluation_visible`)."""
    show_prices = prices_visible(bid)
    found = (
        Submission.objects.filter(bid=bid, status=Submission.Status.SUBMITTED)
        .select_related("seller_firm", "evaluation", "representation")
        .prefetch_related("clarifications", "documents")
        .order_by("pk")
    )
    return [
        {
            "id": s.pk,
            "seller_firm": {"id": s.seller_firm_id, "name": s.seller_firm.name},
            "submitted_at": s.submitted_at,
            "technical": s.technical,
            "documents": [
                {"id": d.pk, "file_name": d.file_name, "content_type": d.content_type}
                for d in s.documents.all()
            ],
            "financial": s.financial if show_prices else None,
            "evaluation": _evaluation(s),
            "clarifications": _clarifications(s),
            "representation": _representation(s),
        }
        for s in found
    ]


def _names(bid: Bid) -> dict[str, str]:
    return {
        str(pk): name
        for pk, name in Submission.objects.filter(bid=bid).values_list("pk", "seller_firm__name")
    }


def lots_for_buyer(bid: Bid) -> list[dict[str, Any]]:
    """BID-7, RA-4, §7: each lot's ranking (firm names shown after the
    financial opening), its receipts explained, invitations and awards."""
    names = _names(bid)
    lots = []
    for lot in BidLot.objects.filter(bid=bid).order_by("number"):
        prices = final_prices(lot)
        ranking = (lot.ranking or {}).get("outcome", {}).get("ranking", [])
        lots.append(
            {
                "number": lot.number,
                "title": lot.title,
                "divisible": lot.divisible,
                "ranking": [
                    {
                        "rank": row["rank"],
                        "submission_id": int(row["bidder_id"]),
                        "seller_firm": names.get(str(row["bidder_id"]), ""),
                        "price_paise": row["price_paise"],
                        "final_price_paise": prices.get(str(row["bidder_id"])),
                    }
                    for row in ranking
                ],
                "receipts": [
                    r
                    for r in (
                        explained(lot.ranking),
                        explained(lot.auction_result),
                        explained(lot.preference),
                    )
                    if r
                ],
                "invitations": _invitations(MatchInvitation.objects.filter(lot=lot)),
                "awards": [
                    {
                        "submission_id": a.submission_id,
                        "seller_firm": names.get(str(a.submission_id), ""),
                        "quantity": a.quantity,
                        "unit_price_paise": a.unit_price_paise,
                        "order_number": a.order.number if a.order else "",
                    }
                    for a in Award.objects.filter(lot=lot).select_related("order")
                ],
            }
        )
    return lots


def lots_for_bidder(bid: Bid, submission: Submission) -> list[dict[str, Any]]:
    """BID-7 for a bidder: its own rank and the L1 price per lot, nothing of the others."""
    lots = []
    for lot in BidLot.objects.filter(bid=bid).order_by("number"):
        ranking = (lot.ranking or {}).get("outcome", {}).get("ranking", [])
        own = next((r for r in ranking if str(r["bidder_id"]) == str(submission.pk)), None)
        lots.append(
            {
                "number": lot.number,
                "title": lot.title,
                "own_rank": own["rank"] if own else None,
                "own_price_paise": own["price_paise"] if own else None,
                "l1_price_paise": ranking[0]["price_paise"] if ranking else None,
            }
        )
    return lots


def seller_view(bid: Bid, submission: Submission) -> dict[str, Any]:
    """What a bidder sees of its own submission after the technical opening."""
    submission = (
        Submission.objects.select_related("evaluation", "representation")
        .prefetch_related("clarifications")
        .get(pk=submission.pk)
    )
    return {
        "submission_id": submission.pk,
        "evaluation": _evaluation(submission),
        "clarifications": _clarifications(submission),
        "representation": _representation(submission),
        "invitations": _invitations(MatchInvitation.objects.filter(submission=submission)),
        "lots": lots_for_bidder(bid, submission) if prices_visible(bid) else [],
    }


__all__ = [
    "evaluation_visible",
    "explained",
    "lots_for_bidder",
    "lots_for_buyer",
    "prices_visible",
    "seller_view",
    "submissions_for_buyer",
]
