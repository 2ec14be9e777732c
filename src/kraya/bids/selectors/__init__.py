"""Who sees which bid, and the reads every part of the bids app shares.
Area selectors live beside this module (`selectors/<area>.py`).

Visibility (per object, on the server):
- a draft: the office's members, its organisation's Primary User, operators;
- a published bid (any later state): every signed-in user, as on GeM — the
  bid document is public; submissions are not (BID-5), and the number of
  submissions is never shown before the technical opening (BID-4)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kraya.accounts.models import Role, SellerFirm
from kraya.accounts.selectors import Actor
from kraya.bids import states
from kraya.bids.models import Bid, Submission
from kraya.buying.selectors import may_see_office
from kraya.core.errors import NotFound


def may_see_bid(actor: Actor, bid: Bid) -> bool:
    if bid.status != states.DRAFT:
        return True
    return may_see_office(actor, bid.office)


def may_manage_bid(actor: Actor, bid: Bid) -> bool:
    """ROLE-2: the Buyers of the bid's office run it."""
    return Role.BUYER in actor.roles_in_unit(bid.office)


def is_bid_office_member(actor: Actor, bid: Bid) -> bool:
    """The office's members and its organisation's Primary User (and operators)."""
    return may_see_office(actor, bid.office)


def bid_get(*, actor: Actor, bid_id: int) -> Bid:
    """The bid, or NotFound when it does not exist or `actor` may not see it."""
    bid = Bid.objects.select_related("office").filter(pk=bid_id).first()
    if bid is None or not may_see_bid(actor, bid):
        raise NotFound("There is no such bid.", code="bids.not_found")
    return bid


def bids_visible(*, actor: Actor) -> QuerySet[Bid]:
    """Published bids, and the drafts of the offices the actor may see."""
    offices = [m.buyer_unit_id for m in actor.memberships if m.buyer_unit_id is not None]
    organisations = [
        m.buyer_unit_id for m in actor.memberships if m.role == Role.PRIMARY and m.buyer_unit_id
    ]
    drafts = Q(office_id__in=offices) | Q(office__organisation_id__in=organisations)
    if actor.is_operator:
        return Bid.objects.all()
    return Bid.objects.filter(~Q(status=states.DRAFT) | drafts)


def bidding_firms(actor: Actor) -> list[SellerFirm]:
    """The firms the actor may bid for (seller admin or bidding user)."""
    bidding = {Role.SELLER_ADMIN, Role.SELLER_BIDDING}
    return [
        m.seller_firm for m in actor.memberships if m.seller_firm is not None and m.role in bidding
    ]


def own_submission(*, bid: Bid, firm: SellerFirm) -> Submission | None:
    """A firm's own submission to a bid (its sealed bytes, never opened for it)."""
    return Submission.objects.filter(bid=bid, seller_firm=firm).first()
