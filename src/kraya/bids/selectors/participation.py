"""Reads of a seller's own submissions (BID-5).

A submission exists only for its own firm's bidding users: to anyone else —
the buyer, the Primary User, another seller, an operator — there is none
(`NotFound`), before and after the openings (the buyer reads opened bids
through the evaluation pages). What the seller sees grows with the bid:

- before the technical opening: that its sealed submission exists, its
  status, revision, times, the sealed digest and how many documents;
- after the technical opening: its own opened technical packet;
- after the financial opening (when its packet was opened, BID-6): its prices.

Nothing here counts the bid's submissions (BID-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from kraya.accounts.models import Role, SellerFirm
from kraya.accounts.selectors import Actor
from kraya.bids.models import Bid, BidItem, Submission, SubmissionDocument
from kraya.catalog.models import Offer
from kraya.core.errors import NotFound

BIDDING = {Role.SELLER_ADMIN, Role.SELLER_BIDDING}


@dataclass(frozen=True)
class OpenedDocument:
    id: int
    file_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class SubmissionView:
    """One submission as its own seller may see it now."""

    submission: Submission
    documents_count: int
    technical: dict[str, Any] | None
    financial: dict[str, Any] | None
    documents: list[OpenedDocument]

    @property
    def id(self) -> int:
        return self.submission.pk

    @property
    def status(self) -> str:
        return self.submission.status

    @property
    def revision(self) -> int:
        return self.submission.revision

    @property
    def submitted_at(self) -> dt.datetime:
        return self.submission.submitted_at

    @property
    def updated_at(self) -> dt.datetime:
        return self.submission.updated_at

    @property
    def withdrawn_at(self) -> dt.datetime | None:
        return self.submission.withdrawn_at

    @property
    def sealed_digest(self) -> str:
        return self.submission.sealed_digest

    @property
    def prices(self) -> dict[int, dict[str, int]]:
        """Position → unit price and offered quantity, after the financial opening."""
        if self.financial is None:
            return {}
        return {
            int(line["position"]): {
                "unit_price_paise": int(line["unit_price_paise"]),
                "quantity": int(line["quantity"]),
            }
            for line in self.financial.get("items", [])
        }


def bidding_firm(actor: Actor) -> SellerFirm | None:
    """The firm the actor bids for (seller admin or bidding user), or None."""
    membership = next(
        (m for m in actor.memberships if m.seller_firm_id is not None and m.role in BIDDING),
        None,
    )
    return membership.seller_firm if membership is not None else None


def _view(submission: Submission) -> SubmissionView:
    bid = submission.bid
    technical = submission.technical if bid.technical_opened_at is not None else None
    financial = submission.financial if bid.financial_opened_at is not None else None
    documents: list[OpenedDocument] = []
    if technical is not None:
        documents = [
            OpenedDocument(
                id=document.pk,
                file_name=document.file_name,
                content_type=document.content_type,
                size=len(bytes(document.content or b"")),
            )
            for document in submission.documents.filter(content__isnull=False).order_by("pk")
        ]
    count = getattr(submission, "documents_count", None)
    if count is None:
        count = SubmissionDocument.objects.filter(submission=submission).count()
    return SubmissionView(
        submission=submission,
        documents_count=count,
        technical=technical,
        financial=financial,
        documents=documents,
    )


def own_submission_view(*, actor: Actor, bid: Bid) -> SubmissionView | None:
    """The actor's firm's submission to `bid` as the seller may see it, or
    None (no bidding firm, or no submission)."""
    firm = bidding_firm(actor)
    if firm is None:
        return None
    submission = (
        Submission.objects.select_related("bid")
        .annotate(documents_count=Count("documents"))
        .filter(bid=bid, seller_firm=firm)
        .first()
    )
    return _view(submission) if submission is not None else None


def own_submission_get(*, actor: Actor, bid: Bid) -> SubmissionView:
    """As `own_submission_view`, NotFound when there is none to this actor."""
    view = own_submission_view(actor=actor, bid=bid)
    if view is None:
        raise NotFound("There is no such submission.", code="bids.no_submission")
    return view


def own_submissions(*, firm: SellerFirm) -> QuerySet[Submission]:
    """The firm's submissions, latest first, with their bids."""
    return (
        Submission.objects.filter(seller_firm=firm)
        .select_related("bid")
        .annotate(documents_count=Count("documents"))
        .order_by("-updated_at", "-pk")
    )


def submission_views(submissions: list[Submission]) -> list[SubmissionView]:
    return [_view(submission) for submission in submissions]


def matching_offers(*, firm: SellerFirm, item: BidItem) -> list[Offer]:
    """The firm's listed offers in the item's category meeting its golden
    parameters (BID-1), for the submission form."""
    if item.category_id is None:
        return []
    offers = (
        Offer.objects.filter(
            seller_firm=firm,
            category_id=item.category_id,
            status=Offer.Status.PUBLISHED,
            product__status=Offer.Status.PUBLISHED,
        )
        .select_related("product", "product__brand", "seller_firm")
        .order_by("product__title", "pk")
    )
    golden = item.golden_specs or {}
    return [
        offer
        for offer in offers
        if offer.is_listed
        and all(str((offer.product.specs or {}).get(k)) == str(v) for k, v in golden.items())
    ]
