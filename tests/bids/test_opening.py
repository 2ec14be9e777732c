"""BID-4, BID-5, BID-7 through the opening services, on the real database:
the clock moved, not slept."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids import sealing, states
from kraya.bids.models import Bid, BidKeys, Submission, TechnicalEvaluation
from kraya.bids.services import opening
from kraya.core import clock
from kraya.core.errors import Conflict
from tests.bids.factory import make_bid, make_submission
from tests.factories import make_seller_firm

pytestmark = pytest.mark.django_db


def _three_sellers(world):
    third, third_admin = make_seller_firm(name="Kashi Appliances")
    return [
        (world.seller_firm, world.seller_admin),
        (world.other_seller_firm, world.other_seller_admin),
        (third, third_admin),
    ]


def test_bid5_packets_are_ciphertext_until_the_technical_opening(world):
    bid = make_bid(world)
    submission = make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    raw = bytes(Submission.objects.get(pk=submission.pk).financial_sealed)
    assert b"950000" not in raw and b"unit_price" not in raw
    keys = BidKeys.objects.get(bid=bid)
    assert keys.technical_private is None and keys.financial_private is None
    with pytest.raises(sealing.StillSealed):
        sealing.unwrap_private(
            bid_id=bid.pk,
            packet=sealing.TECHNICAL,
            wrapped=bytes(keys.technical_private_wrapped),
            opening_at=bid.opening_at,
        )
    with pytest.raises(Conflict) as refused:
        opening.technical_open(bid_id=bid.pk)
    assert refused.value.code == "bids.not_ended"


def test_bid5_a_packet_is_bound_to_its_bid_seller_and_kind(world):
    bid = make_bid(world)
    submission = make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    keys = BidKeys.objects.get(bid=bid)
    with clock.frozen_at(bid.opening_at):
        private = sealing.unwrap_private(
            bid_id=bid.pk,
            packet=sealing.FINANCIAL,
            wrapped=bytes(keys.financial_private_wrapped),
            opening_at=bid.opening_at,
        )
    sealed = bytes(submission.financial_sealed)
    right = sealing.packet_aad(bid.pk, world.seller_firm.pk, sealing.FINANCIAL)
    assert b"950000" in sealing.open_packet(released_private=private, sealed=sealed, aad=right)
    for wrong in (
        sealing.packet_aad(bid.pk, world.other_seller_firm.pk, sealing.FINANCIAL),
        sealing.packet_aad(bid.pk, world.seller_firm.pk, sealing.TECHNICAL),
    ):
        with pytest.raises(sealing.SealBroken):
            sealing.open_packet(released_private=private, sealed=sealed, aad=wrong)


def test_bid4_too_few_bids_extend_once_then_the_bid_opens(world):
    bid = make_bid(world, min_bids=3)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    first_end = bid.end_at
    with clock.frozen_at(first_end):
        decision = opening.bid_end(bid_id=bid.pk)
    assert decision.extended and decision.end_at == first_end + dt.timedelta(days=7)
    bid.refresh_from_db()
    assert (bid.status, bid.extensions, bid.end_at) == (states.PUBLISHED, 1, decision.end_at)
    assert bid.opening_at == decision.end_at
    with clock.frozen_at(bid.end_at):
        assert not opening.bid_end(bid_id=bid.pk).extended  # BID-4: once
        opened = opening.technical_open(bid_id=bid.pk)
    assert opened.status == states.TECHNICAL_EVALUATION
    submission = Submission.objects.get(bid=bid)
    assert submission.technical["items"][0]["position"] == 1
    assert submission.financial is None  # the price stays sealed (BID-5)


def test_bid7_financial_opening_ranks_the_qualified_and_replays(world):
    bid = make_bid(world)
    submissions = [
        make_submission(bid, firm, user, prices={1: price})
        for (firm, user), price in zip(
            _three_sellers(world), (9_500_00, 9_000_00, 9_000_00), strict=True
        )
    ]
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    with pytest.raises(Conflict) as refused:
        opening.financial_open(bid_id=bid.pk)
    assert refused.value.code == "bids.evaluation_incomplete"
    for submission in submissions:
        TechnicalEvaluation.objects.create(
            submission=submission, qualified=True, evaluated_by=world.buyer
        )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=1)):
        opened = opening.financial_open(bid_id=bid.pk)
    assert opened.status == states.FINANCIAL_EVALUATION
    lot = opened.lots.get()
    ranking = opening.lot_ranking(lot)
    assert ranking is not None
    assert ranking.l1_price_paise == 9_000_00  # a one-item lot compares unit prices
    tied = {str(submissions[1].pk), str(submissions[2].pk)}
    assert set(ranking.tied) == tied and ranking.l1_bidder_id in tied
    assert ranking.ranking[-1] == str(submissions[0].pk)
    assert Bid.objects.get(pk=bid.pk).financial_opened_at is not None
    with pytest.raises(Conflict):  # re-running the step changes nothing
        opening.financial_open(bid_id=bid.pk)


def test_bid5_technical_opening_re_run_changes_nothing(world):
    """The clock may re-run a step: a second opening is refused, no new event."""
    from tests.factories import audit_head

    bid = make_bid(world)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
        seq = audit_head()
        with pytest.raises(Conflict) as again:
            opening.technical_open(bid_id=bid.pk)
    assert again.value.code == "bids.wrong_state" and audit_head() == seq


def test_bid6_no_qualified_bid_cannot_be_opened_financially(world):
    """BID-6/BID-8: with every bid rejected (windows closed) the financial
    opening is refused: the bid is to be cancelled with a reason."""
    bid = make_bid(world)
    submission = make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 1_00})
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    TechnicalEvaluation.objects.create(
        submission=submission,
        qualified=False,
        reason="No BIS mark",
        evaluated_by=world.buyer,
        evaluated_at=bid.opening_at,
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(hours=49)), pytest.raises(Conflict) as no:
        opening.financial_open(bid_id=bid.pk)
    assert no.value.code == "bids.no_qualified_bids"
    keys = BidKeys.objects.get(bid=bid)
    assert keys.financial_private is None  # the prices stay sealed
    assert Bid.objects.get(pk=bid.pk).status == states.TECHNICAL_EVALUATION


def test_bid5_sealkey_prints_a_pair_whose_halves_belong_together() -> None:
    import base64
    import io

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from django.core.management import call_command

    out = io.StringIO()
    call_command("bids_sealkey", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    private = X25519PrivateKey.from_private_bytes(
        base64.b64decode(values["KRAYA_SEAL_PRIVATE_KEY"])
    )
    sealed = sealing.seal(base64.b64decode(values["KRAYA_SEAL_PUBLIC_KEY"]), b"sealed", b"aad")
    raw = private.private_bytes_raw()
    assert sealing.unseal(raw, sealed, b"aad") == b"sealed"
