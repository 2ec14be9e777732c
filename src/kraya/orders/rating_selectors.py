"""ORD-9: reading the stored ratings, with who may see them.

- A seller firm's rating is shown to every signed-in user, beside the firm's
  incident history (INC-2): buyers choose sellers by it.
- A buyer office's rating is shown to its own organisation's members, to
  seller users (they choose whom to bid for and sell to) and to operators;
  a buyer-side user of another organisation gets a 404, as for its orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, SellerFirm
from kraya.accounts.selectors import Actor, organisation_of
from kraya.core.errors import NotFound
from kraya.orders.models import Rating
from kraya.orders.rules import ratings as rules
from kraya.orders.services._common import MESSAGES, message

MESSAGES.update({"orders.rating_not_found": _("There is no such seller firm or buyer office.")})

COMPONENT_LABELS: dict[str, Any] = {
    rules.RELIABILITY: _("Reliability: orders accepted, not declined or left to lapse"),
    rules.DELIVERY_QUALITY: _("Delivery quality: quantities accepted in CRACs"),
    rules.TIMELINESS: _("Timeliness: orders delivered by the delivery date"),
    rules.CATALOGUE: _("Catalogue: published offers in stock"),
    rules.INCIDENTS: _("Incidents decided against the seller"),
    rules.BID_CLOSURE: _("Bids closed within the offer validity"),
    rules.ORDER_PLACEMENT: _("Purchase decisions ordered in time"),
    rules.CRAC: _("CRACs issued in time (not deemed)"),
    rules.PAYMENT: _("Payments made in time"),
}


@dataclass(frozen=True, slots=True)
class ComponentRow:
    label: str
    weight_percent: str
    good: int
    counted: int
    percent: str | None  # None: no data yet
    is_incidents: bool


@dataclass(frozen=True, slots=True)
class RatingView:
    """A stored rating as a page shows it; `score` None: not enough data."""

    score: Decimal | None
    orders: int
    components: list[ComponentRow]
    computed_at: dt.datetime
    window_from: dt.datetime
    policy_version: str


def _not_found() -> NotFound:
    return NotFound(message("orders.rating_not_found"), code="orders.rating_not_found")


def _view(rating: Rating | None) -> RatingView | None:
    if rating is None:
        return None
    return RatingView(
        score=rating.score,
        orders=rating.orders,
        components=[
            ComponentRow(
                label=str(COMPONENT_LABELS.get(row["name"], row["name"])),
                weight_percent=row["weight_percent"],
                good=row["good"],
                counted=row["counted"],
                percent=row["percent"],
                is_incidents=row["name"] == rules.INCIDENTS,
            )
            for row in rating.components
        ],
        computed_at=rating.computed_at,
        window_from=rating.window_from,
        policy_version=rating.policy_version,
    )


def seller_rating_get(*, firm_id: int) -> tuple[SellerFirm, RatingView | None]:
    """The firm and its rating (None before the first refresh counts it)."""
    firm = SellerFirm.objects.filter(pk=firm_id).first()
    if firm is None:
        raise _not_found()
    rating = Rating.objects.filter(subject_key=f"{Rating.Subject.SELLER}:{firm.pk}").first()
    return firm, _view(rating)


def may_see_office_rating(actor: Actor, office: BuyerUnit) -> bool:
    if actor.is_operator or any(m.seller_firm_id for m in actor.memberships):
        return True
    if office.organisation_id is None:
        return False
    return actor.sees_organisation(organisation_of(office))


def office_rating_get(*, actor: Actor, office_id: int) -> tuple[BuyerUnit, RatingView | None]:
    """The office and its rating, or NotFound when `actor` may not see it."""
    office = BuyerUnit.objects.select_related("organisation").filter(pk=office_id).first()
    if office is None or not may_see_office_rating(actor, office):
        raise _not_found()
    rating = Rating.objects.filter(subject_key=f"{Rating.Subject.BUYER}:{office.pk}").first()
    return office, _view(rating)
