"""§7 on the database: invitations to match L1, answers, settling (MSE-1,
MSE-2, MII-2, PREF-1), through the services, the clock moved."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids import rules, states
from kraya.bids.models import Bid, MatchInvitation
from kraya.bids.services import preferences
from kraya.bids.services.clock import bids_tick
from kraya.core import clock
from kraya.core.errors import Conflict, PermissionDenied
from kraya.core.receipts import DecisionReceipt
from tests.bids.flow import MSE, ranked_bid
from tests.factories import audit_head, row_counts

pytestmark = pytest.mark.django_db

UNITS = 1_000
WORKED = [  # L1 non-MSE ₹100; MSEs at ₹110, ₹114 and ₹116; 1,000 units each
    {"prices": {1: 100_00}},
    {"prices": {1: 110_00}, "seller": MSE},
    {"prices": {1: 114_00}, "seller": MSE},
    {"prices": {1: 116_00}, "seller": MSE},
]


def _worked_bid(world, **fields):
    return ranked_bid(
        world,
        WORKED,
        items=[("LED lamp 9 W", UNITS, 120_00)],
        mii_preference=False,
        **fields,
    )


def _allocations(bid: Bid) -> dict[int, int]:
    lot = bid.lots.get()
    return {int(a["bidder_id"]): a["quantity"] for a in lot.preference["outcome"]["allocations"]}


def test_mse1_worked_example_110_and_114_match_l1_and_share_25_percent(world):
    """MSE-1, the issue's worked example: L1 non-MSE at ₹100 for 1,000 units;
    the MSEs at ₹110 and ₹114 are within L1 + 15% (₹115) and are invited,
    the one at ₹116 is not. Both match ₹100 and share 25% (250 units) in
    proportion to their offered quantities (1,000 each: 125 each); L1 keeps
    750. Everyone is paid ₹100 a unit."""
    bid, (l1, mse110, mse114, mse116) = _worked_bid(world)
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        bid = preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    assert bid.status == states.MATCHING
    invited = MatchInvitation.objects.filter(lot__bid=bid)
    assert {i.submission_id for i in invited} == {mse110.pk, mse114.pk}
    assert all(i.l1_unit_price_paise == 100_00 for i in invited)
    assert all(i.answer_by == now + dt.timedelta(hours=48) for i in invited)
    assert all(i.rules == ["MSE-1"] for i in invited)
    with clock.frozen_at(now + dt.timedelta(hours=1)):
        preferences.invitation_answer(
            acting_user=world.other_seller_admin,
            invitation=invited.get(submission=mse110),
            accept=True,
        )
        assert Bid.objects.get(pk=bid.pk).status == states.MATCHING  # one still to answer
        preferences.invitation_answer(
            acting_user=mse114.submitted_by,
            invitation=invited.get(submission=mse114),
            accept=True,
        )
    bid.refresh_from_db()
    assert bid.status == states.AWARD_PENDING  # the last answer settles
    assert _allocations(bid) == {l1.pk: 750, mse110.pk: 125, mse114.pk: 125}
    receipt = DecisionReceipt.from_dict(bid.lots.get().preference)
    assert receipt.outcome["unit_price_paise"] == 100_00
    lines = rules.explain_steps(receipt)
    assert any("outside the band" in line and str(mse116.pk) in line for line in lines)
    assert mse116.pk not in _allocations(bid)


def test_mse1_worked_example_one_declines_the_other_takes_the_whole_share(world):
    """MSE-1: ₹114 declines, ₹110 matches and takes all 250 units (it offered
    1,000); L1 keeps 750."""
    bid, (l1, mse110, mse114, _) = _worked_bid(world)
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        invited = MatchInvitation.objects.filter(lot__bid=bid)
        preferences.invitation_answer(
            acting_user=mse114.submitted_by,
            invitation=invited.get(submission=mse114),
            accept=False,
        )
        preferences.invitation_answer(
            acting_user=mse110.submitted_by,
            invitation=invited.get(submission=mse110),
            accept=True,
        )
    bid.refresh_from_db()
    assert _allocations(bid) == {l1.pk: 750, mse110.pk: 250}


def test_mse1_silence_is_a_decline_and_the_clock_settles_after_the_deadline(world):
    """MSE-1: nobody answers; before the deadline the tick waits, after it
    L1 takes everything."""
    bid, (l1, *_) = _worked_bid(world)
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    with pytest.raises(Conflict) as refused, clock.frozen_at(now + dt.timedelta(hours=47)):
        preferences.preferences_settle(bid_id=bid.pk)
    assert refused.value.code == "bids.invitations_open"
    assert bids_tick(now + dt.timedelta(hours=47))["settled"] == 0
    assert bids_tick(now + dt.timedelta(hours=48, seconds=1))["settled"] == 1
    bid.refresh_from_db()
    assert bid.status == states.AWARD_PENDING
    assert _allocations(bid) == {l1.pk: UNITS}
    assert bids_tick(now + dt.timedelta(hours=49))["settled"] == 0  # re-run: nothing


def test_mse1_an_mse_l1_takes_everything_and_nobody_is_invited(world):
    """MSE-1: L1 is itself an MSE: no invitation, settled at once."""
    bid, (l1, *_) = ranked_bid(
        world,
        [{"prices": {1: 100_00}, "seller": MSE}, {"prices": {1: 101_00}, "seller": MSE}],
        items=[("LED lamp 9 W", UNITS, 120_00)],
        mii_preference=False,
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=2)):
        bid = preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    assert bid.status == states.AWARD_PENDING
    assert not MatchInvitation.objects.filter(lot__bid=bid).exists()
    assert _allocations(bid) == {l1.pk: UNITS}


def test_mse2_non_divisible_lowest_mse_within_band_gets_the_whole_order(world):
    """MSE-2: a non-divisible item; the MSEs at ₹110 and ₹114 are invited,
    lowest first: ₹110 declines, ₹114 matches and gets all 1,000."""
    bid, (_, mse110, mse114, _) = _worked_bid(world, divisible=False)
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        invited = MatchInvitation.objects.filter(lot__bid=bid)
        assert {i.submission_id for i in invited} == {mse110.pk, mse114.pk}
        preferences.invitation_answer(
            acting_user=mse110.submitted_by,
            invitation=invited.get(submission=mse110),
            accept=False,
        )
        preferences.invitation_answer(
            acting_user=mse114.submitted_by,
            invitation=invited.get(submission=mse114),
            accept=True,
        )
    bid.refresh_from_db()
    assert _allocations(bid) == {mse114.pk: UNITS}


def test_mii2_divisible_class_i_within_20_percent_is_invited_for_half(world):
    """MII-2: L1 non-local at ₹100; Class-I at ₹119 (within 20%) is invited
    and matches: 500 each."""
    bid, (l1, class_i) = ranked_bid(
        world,
        [{"prices": {1: 100_00}}, {"prices": {1: 119_00}, "mii_class": rules.CLASS_1}],
        items=[("LED lamp 9 W", UNITS, 120_00)],
        mse_preference=False,
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=2)):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        invitation = MatchInvitation.objects.get(lot__bid=bid)
        assert (invitation.submission_id, invitation.rules) == (class_i.pk, ["MII-2"])
        preferences.invitation_answer(
            acting_user=class_i.submitted_by, invitation=invitation, accept=True
        )
    bid.refresh_from_db()
    assert _allocations(bid) == {l1.pk: 500, class_i.pk: 500}


def test_pref1_an_mse_class_i_l1_takes_all(world):
    """PREF-1 (i): L1 is an MSE and Class-I: nobody is invited."""
    bid, (l1, _) = ranked_bid(
        world,
        [
            {"prices": {1: 100_00}, "seller": MSE, "mii_class": rules.CLASS_1},
            {"prices": {1: 105_00}, "seller": MSE, "mii_class": rules.CLASS_1},
        ],
        items=[("LED lamp 9 W", UNITS, 120_00)],
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=2)):
        bid = preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    assert bid.status == states.AWARD_PENDING
    assert _allocations(bid) == {l1.pk: UNITS}


def test_pref_invite_refused_for_others_and_when_an_auction_is_to_run(world):
    """§7/RA-4: only the office's Buyer invites, and not while a reverse
    auction is still to run; refusals change nothing."""
    bid, _ = _worked_bid(world)
    counts, seq = row_counts(), audit_head()
    with pytest.raises(PermissionDenied):
        preferences.preferences_invite(acting_user=world.other_buyer, bid=bid)
    Bid.objects.filter(pk=bid.pk).update(reverse_auction=True)
    bid.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    assert refused.value.code == "bids.auction_first"
    assert (row_counts(), audit_head()) == (counts, seq)
    assert Bid.objects.get(pk=bid.pk).status == states.FINANCIAL_EVALUATION


def test_invitation_answered_once_in_time_by_the_invited_seller_only(world):
    """MSE-1: another seller may not answer; an answer after the deadline or a
    second answer is refused."""
    bid, (_, mse110, mse114, _) = _worked_bid(world)
    now = bid.opening_at + dt.timedelta(days=2)
    with clock.frozen_at(now):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    invited = MatchInvitation.objects.filter(lot__bid=bid)
    with clock.frozen_at(now), pytest.raises(PermissionDenied):
        preferences.invitation_answer(
            acting_user=mse114.submitted_by,
            invitation=invited.get(submission=mse110),
            accept=True,
        )
    with clock.frozen_at(now + dt.timedelta(hours=1)):
        preferences.invitation_answer(
            acting_user=mse110.submitted_by,
            invitation=invited.get(submission=mse110),
            accept=True,
        )
        with pytest.raises(Conflict) as twice:
            preferences.invitation_answer(
                acting_user=mse110.submitted_by,
                invitation=invited.get(submission=mse110),
                accept=False,
            )
    assert twice.value.code == "bids.invitation_answered"
    with clock.frozen_at(now + dt.timedelta(hours=49)), pytest.raises(Conflict) as late:
        preferences.invitation_answer(
            acting_user=mse114.submitted_by,
            invitation=invited.get(submission=mse114),
            accept=True,
        )
    assert late.value.code == "bids.invitation_expired"
    assert invited.get(submission=mse110).accepted is True
