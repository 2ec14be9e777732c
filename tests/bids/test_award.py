"""ORD-2 and BID-8 through the award services: the sanction, then one
contract (mode BID) per allocated seller with its items, receipts and PDF,
the `Award` rows, the demand ORDERED."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids import states
from kraya.bids.models import Award, Bid, MatchInvitation
from kraya.bids.services import award, preferences
from kraya.core import clock
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.orders.models import ContractPdf, Order
from tests.bids.flow import MSE, ranked_bid
from tests.factories import audit_head

pytestmark = pytest.mark.django_db

TERMS = "buying.terms"

WORKED = [
    {"prices": {1: 100_00}},
    {"prices": {1: 110_00}, "seller": MSE},
    {"prices": {1: 114_00}, "seller": MSE},
]


def _settled(world, quotes=WORKED, **fields):
    """The worked example settled: L1 750, the two MSEs 125 each."""
    bid, submissions = ranked_bid(
        world, quotes, items=[("LED lamp 9 W", 1_000, 120_00)], mii_preference=False, **fields
    )
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        for invitation in MatchInvitation.objects.filter(lot__bid=bid):
            preferences.invitation_answer(
                acting_user=invitation.submission.submitted_by, invitation=invitation, accept=True
            )
    bid.refresh_from_db()
    assert bid.status == states.AWARD_PENDING
    return bid, submissions, now


def test_ord2_award_is_refused_without_the_sanction(world):
    bid, _, now = _settled(world)
    seq = audit_head()
    with clock.frozen_at(now), pytest.raises(Conflict) as refused:
        award.bid_award(acting_user=world.buyer, bid=bid)
    assert refused.value.code == "bids.not_sanctioned"
    assert not Order.objects.exists() and not Award.objects.exists() and audit_head() == seq


def test_ord2_sanction_by_paying_authority_or_buyer_quoting_a_reference_once(world):
    bid, _, now = _settled(world)
    with clock.frozen_at(now):
        with pytest.raises(PermissionDenied):
            award.bid_sanction(acting_user=world.consignee, bid=bid, sanction_reference="X")
        with pytest.raises(ValidationFailed) as blank:
            award.bid_sanction(acting_user=world.buyer, bid=bid, sanction_reference=" ")
        assert blank.value.code == "bids.sanction_reference_required"
        sanctioned = award.bid_sanction(acting_user=world.paying_authority, bid=bid)
        assert (sanctioned.sanctioned_by, sanctioned.sanctioned_at) == (
            world.paying_authority,
            now,
        )
        with pytest.raises(Conflict) as twice:
            award.bid_sanction(acting_user=world.buyer, bid=bid, sanction_reference="S/1")
    assert twice.value.code == "bids.already_sanctioned"


def test_bid8_award_makes_one_contract_per_allocated_seller_at_l1(
    world, django_capture_on_commit_callbacks
):
    """BID-8/ORD-1: the worked example awarded: three contracts at ₹100 a
    unit (750, 125 and 125 units), each with its Award row, receipts and PDF."""
    bid, (l1, mse110, mse114), now = _settled(world)
    with clock.frozen_at(now):
        award.bid_sanction(acting_user=world.buyer, bid=bid, sanction_reference="SAN/2026/17")
        with pytest.raises(PermissionDenied):
            award.bid_award(acting_user=world.paying_authority, bid=bid)
        with django_capture_on_commit_callbacks(execute=True):
            orders = award.bid_award(acting_user=world.buyer, bid=bid)
    assert len(orders) == 3
    by_firm = {order.seller_firm_id: order for order in orders}
    for submission, units in ((l1, 750), (mse110, 125), (mse114, 125)):
        order = by_firm[submission.seller_firm_id]
        assert (order.mode, order.total_paise) == (Order.Mode.BID, units * 100_00)
        item = order.items.get()
        assert (item.quantity, item.unit_price_paise, item.offer_id) == (units, 100_00, None)
        assert [r["kind"] for r in order.receipts] == [
            "bids.financial_ranking",
            "bids.preference",
            TERMS,
        ]
        assert order.paying_authority == world.paying_authority
        assert order.number.startswith("KRY")
        linked = Award.objects.get(submission=submission)
        assert (linked.order, linked.quantity, linked.unit_price_paise) == (order, units, 100_00)
    assert ContractPdf.objects.filter(order__in=orders).count() == 3
    bid.refresh_from_db()
    assert bid.status == states.AWARDED and bid.awarded_at == now
    with clock.frozen_at(now), pytest.raises(Conflict):  # re-run: nothing doubles
        award.bid_award(acting_user=world.buyer, bid=Bid.objects.get(pk=bid.pk))
    assert Order.objects.count() == 3


def test_bid8_a_lot_of_several_items_is_scaled_down_to_its_final_price(world):
    """BID-8: a lot of two items awarded whole; a lower final (auction) price
    scales the quoted unit prices down, rounded down to whole paise."""
    bid, (winner, _) = ranked_bid(
        world,
        [{"prices": {1: 1_000_00, 2: 333_33}}, {"prices": {1: 1_100_00, 2: 400_00}}],
        items=[("Cooler", 10, 1_200_00), ("Stand", 3, 500_00)],
        mii_preference=False,
    )
    lot = bid.lots.get()
    quoted = 10 * 1_000_00 + 3 * 333_33
    lot.auction_result = {
        "kind": "bids.ra",
        "outcome": {
            "ranking": [
                {"rank": 1, "bidder_id": str(winner.pk), "price_paise": 9_000_00},
            ]
        },
    }
    lot.save(update_fields=["auction_result"])
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        award.bid_sanction(acting_user=world.paying_authority, bid=bid)
        (order,) = award.bid_award(acting_user=world.buyer, bid=bid)
    items = list(order.items.order_by("id"))
    assert [(i.quantity, i.unit_price_paise) for i in items] == [
        (10, 1_000_00 * 9_000_00 // quoted),
        (3, 333_33 * 9_000_00 // quoted),
    ]
    assert order.total_paise == sum(i.total_paise for i in items) <= 9_000_00
    assert Award.objects.get(order=order).quantity == 1
