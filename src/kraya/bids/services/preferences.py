"""§7 on the database: after the financial ranking (or the reverse auction),
the sellers whose answer can change a lot's allocation are invited to match
L1 (MSE-1, MII-2, PREF-1); when every invitation is answered or its deadline
has passed (silence is a decline), `rules.purchase_preference` decides each
lot with the answers and the bid moves to AWARD_PENDING.

Who is invited is read from the rule itself: the decision run with nobody
answering asks every seller it could ever ask (a decline only makes the
rule ask the next one), so its "invited" steps are exactly the sellers whose
answer can matter. The answers are then injected and the same rule decides.

- `invitations_create(bid_id=, actor=)`: the invitations of every lot (task D
  calls it right after `states.CLOSE_AUCTION`, inside its transaction);
- `preferences_invite`: the buyer's step FINANCIAL_EVALUATION → MATCHING
  (settles at once when nobody is to be invited);
- `invitation_answer`: the invited seller accepts or declines, once, in time;
- `preferences_settle`: the decision per lot, MATCHING → AWARD_PENDING."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.bids import packets, rules, states
from kraya.bids.models import Bid, BidLot, MatchInvitation, Submission
from kraya.bids.services._common import (
    MESSAGES,
    bid_policy,
    conflict,
    denied,
    not_found,
    require_bidding_seller,
    require_office_buyer,
)
from kraya.bids.services.transitions import bid_locked, bid_transition
from kraya.core import audit, clock

MESSAGES.update(
    {
        "bids.auction_first": _(
            "This bid has a reverse auction: the preferences apply to its result."
        ),
        "bids.invitation_answered": _("This invitation has already been answered."),
        "bids.invitation_expired": _("The time to answer this invitation has passed."),
        "bids.invitations_open": _(
            "Some invited sellers may still answer: settle after they answer or their time ends."
        ),
        "bids.preference_inputs": _("The offers of a lot cannot be decided: %(detail)s"),
        "bids.not_invited": _("Only the invited seller can answer this invitation."),
    }
)

RESERVATIONS: Mapping[str, frozenset[str] | None] = {
    Bid.MiiReservation.NONE: None,
    Bid.MiiReservation.CLASS_1: frozenset({rules.CLASS_1}),
    Bid.MiiReservation.CLASS_1_2: frozenset({rules.CLASS_1, rules.CLASS_2}),
}


def _lot_class(technical: Mapping[str, Any], positions: list[int]) -> str:
    """MII-1 for a lot: the lowest class among the offered items (a lot is
    Class-I only when every item is)."""
    classes = {
        str(item.get("mii_class") or rules.NON_LOCAL)
        for item in technical.get("items", [])
        if int(item["position"]) in positions
    }
    if not classes or classes == {rules.CLASS_1}:
        return rules.CLASS_1 if classes else rules.NON_LOCAL
    if classes <= {rules.CLASS_1, rules.CLASS_2}:
        return rules.CLASS_2
    return rules.NON_LOCAL


def final_prices(lot: BidLot) -> dict[str, int]:
    """Bidder id (submission pk) → the lot's final price: the RA-4 result's
    ranking when the lot was auctioned, else the BID-7 ranking."""
    receipt = lot.auction_result or lot.ranking
    if not receipt:
        return {}
    return {str(row["bidder_id"]): int(row["price_paise"]) for row in receipt["outcome"]["ranking"]}


def lot_offers(lot: BidLot) -> tuple[list[rules.FinancialOffer], int]:
    """The §7 offers of a lot and its total quantity. A lot of one item offers
    units at the unit price; a lot of several items is one unit at its total
    (it goes whole to one seller, `kraya.bids.packets`)."""
    items = list(lot.items.order_by("position"))
    positions = [item.position for item in items]
    one_item = len(items) == 1
    total = items[0].quantity if one_item else 1
    prices = final_prices(lot)
    submissions = Submission.objects.filter(pk__in=[int(b) for b in prices]).order_by("pk")
    offers = []
    for submission in submissions:
        technical = submission.technical or {}
        seller = technical.get("seller", {})
        quantity = (
            packets.offered_quantities(submission.financial or {"items": []}).get(
                positions[0], total
            )
            if one_item
            else 1
        )
        category = seller.get("mse_category")
        offers.append(
            rules.FinancialOffer(
                bidder_id=str(submission.pk),
                unit_price_paise=prices[str(submission.pk)],
                quantity=quantity,
                is_mse=bool(seller.get("is_mse")),
                mse_category=str(category).lower() if category else None,
                mii_class=_lot_class(technical, positions),
            )
        )
    return offers, total


def _decide(bid: Bid, lot: BidLot, accepts: Mapping[str, bool]) -> rules.PreferenceDecision | None:
    offers, total = lot_offers(lot)
    if not offers:
        return None
    reserved = RESERVATIONS.get(bid.mii_reservation)
    try:
        return rules.purchase_preference(
            offers=offers,
            total_quantity=total,
            divisible=lot.divisible and lot.items.count() == 1,
            policy=bid_policy(bid),
            seed=bid.tie_break_seed,
            accepts=accepts,
            mse_preference=bid.mse_preference,
            mii_preference=bid.mii_preference,
            mse_share_percent=bid.mse_share_percent,
            reserved_for=reserved,
        )
    except rules.BidError as error:
        raise conflict("bids.preference_inputs", detail=error.message) from error


def _invitees(decision: rules.PreferenceDecision) -> dict[str, list[str]]:
    """Bidder id → the rules under which the decision asks it (with nobody answering)."""
    asked: dict[str, list[str]] = {}
    for step in decision.receipt.outcome["steps"]:
        if step["event"] == "invited":
            rules_of = asked.setdefault(step["bidder_id"], [])
            if step["rule"] not in rules_of:
                rules_of.append(step["rule"])
    return asked


def answer_deadline(bid: Bid, at: dt.datetime) -> dt.datetime:
    """MSE-1/MII-2: the answer is due `match_response_hours` (provisional, 48) later."""
    return at + dt.timedelta(hours=bid_policy(bid).preferences.match_response_hours)


def invitations_create(*, bid_id: int, actor: Any) -> None:
    """Invite, per lot, every seller whose answer can change the allocation
    (MSE-1, MII-2, PREF-1), to match the lot's L1 price by the deadline.
    Idempotent: a lot's existing invitations are kept. Runs in the caller's
    transaction (task D: right after `states.CLOSE_AUCTION`)."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        if bid.status not in (states.FINANCIAL_EVALUATION, states.MATCHING):
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        now = clock.now()
        due = answer_deadline(bid, now)
        created = 0
        for lot in BidLot.objects.filter(bid=bid).order_by("number"):
            decision = _decide(bid, lot, {})
            if decision is None or decision.unit_price_paise is None:
                continue
            for bidder_id, rule_ids in sorted(_invitees(decision).items()):
                _, made = MatchInvitation.objects.get_or_create(
                    lot=lot,
                    submission_id=int(bidder_id),
                    defaults={
                        "rules": rule_ids,
                        "l1_unit_price_paise": decision.unit_price_paise,
                        "invited_at": now,
                        "answer_by": due,
                    },
                )
                created += int(made)
        audit.record(
            actor=getattr(actor, "user", actor),
            action="bids.invitations_created",
            target=bid,
            payload={"number": bid.number, "invitations": created, "answer_by": due.isoformat()},
        )


def _open_invitations(bid: Bid, now: dt.datetime) -> bool:
    return MatchInvitation.objects.filter(
        lot__bid=bid, accepted__isnull=True, answer_by__gt=now
    ).exists()


def preferences_settle(*, bid_id: int, actor: Any | None = None) -> Bid:
    """Decide each lot with the answers (no answer by the deadline = decline),
    store the §7 receipt on the lot and move MATCHING → AWARD_PENDING.
    Refused while an invitation may still be answered; re-run: `bids.wrong_state`."""
    with transaction.atomic():
        bid = bid_locked(bid_id)
        if bid.status != states.MATCHING:
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        now = clock.now()
        if _open_invitations(bid, now):
            raise conflict("bids.invitations_open")
        outcome = {}
        for lot in BidLot.objects.filter(bid=bid).order_by("number"):
            accepts = {
                str(invitation.submission_id): bool(invitation.accepted)
                for invitation in lot.invitations.filter(accepted__isnull=False)
            }
            decision = _decide(bid, lot, accepts)
            if decision is None:
                continue
            lot.preference = decision.receipt.as_dict()
            lot.save(update_fields=["preference"])
            outcome[lot.number] = [[a.bidder_id, a.quantity] for a in decision.allocations]
        return bid_transition(
            bid_id=bid.pk,
            event=states.SETTLE,
            actor=actor,
            expect=states.MATCHING,
            payload={"allocations": outcome},
        )


@transaction.atomic
def preferences_invite(*, acting_user: Any, bid: Bid) -> Bid:
    """The buyer's step after the financial ranking (no reverse auction):
    FINANCIAL_EVALUATION → MATCHING with the invitations; nobody to invite
    settles at once (AWARD_PENDING)."""
    actor = require_office_buyer(acting_user, bid.office)
    bid = bid_locked(bid.pk)
    if bid.status != states.FINANCIAL_EVALUATION:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    if bid.reverse_auction:
        raise conflict("bids.auction_first")
    bid_transition(
        bid_id=bid.pk, event=states.INVITE, actor=actor.user, expect=states.FINANCIAL_EVALUATION
    )
    invitations_create(bid_id=bid.pk, actor=actor.user)
    if not MatchInvitation.objects.filter(lot__bid=bid).exists():
        return preferences_settle(bid_id=bid.pk, actor=actor.user)
    return Bid.objects.get(pk=bid.pk)


@transaction.atomic
def invitation_answer(
    *, acting_user: Any, invitation: MatchInvitation, accept: bool
) -> MatchInvitation:
    """MSE-1/MII-2: the invited seller matches L1 (or declines), once, before
    the deadline. The last answer settles the bid at once."""
    actor, firm = require_bidding_seller(acting_user)
    locked = (
        MatchInvitation.objects.select_for_update()
        .select_related("submission", "lot")
        .filter(pk=invitation.pk)
        .first()
    )
    if locked is None:
        raise not_found()
    invitation = locked
    if invitation.submission.seller_firm_id != firm.pk:
        raise denied("bids.not_invited")
    bid = bid_locked(invitation.lot.bid_id)
    if bid.status != states.MATCHING:
        raise conflict("bids.wrong_state", status=bid.get_status_display())
    if invitation.accepted is not None:
        raise conflict("bids.invitation_answered")
    now = clock.now()
    if now > invitation.answer_by:
        raise conflict("bids.invitation_expired")
    invitation.accepted = bool(accept)
    invitation.answered_at = now
    invitation.save(update_fields=["accepted", "answered_at"])
    audit.record(
        actor=actor.user,
        action="bids.invitation_answered",
        target=invitation,
        payload={"bid": bid.pk, "lot": invitation.lot.number, "accepted": invitation.accepted},
    )
    if not _open_invitations(bid, now):
        preferences_settle(bid_id=bid.pk, actor=actor.user)
    return invitation


def bids_due_for_settling(now: dt.datetime) -> list[int]:
    """MATCHING bids whose invitations are all answered or past their time."""
    matching = Bid.objects.filter(status=states.MATCHING).values_list("pk", flat=True)
    waiting = set(
        MatchInvitation.objects.filter(
            lot__bid__status=states.MATCHING, accepted__isnull=True, answer_by__gt=now
        ).values_list("lot__bid_id", flat=True)
    )
    return sorted(pk for pk in matching if pk not in waiting)


__all__ = [
    "bids_due_for_settling",
    "final_prices",
    "invitation_answer",
    "invitations_create",
    "lot_offers",
    "preferences_invite",
    "preferences_settle",
]
