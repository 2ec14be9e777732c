"""The reverse auction pages (RA-1..4) through the test client: who may open
and post each page (sign-in redirect, 404, 403, 2xx; refused posts change
nothing), what a bidder, the buyer and the public see while it runs (RA-2:
own rank only; the office: the number of bids, never prices), the polled
panel, and the log with the explained result after the close (RA-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kraya.bids import states
from kraya.bids.models import Auction, AuctionBid, Bid
from kraya.bids.services import auction as ra
from kraya.core import clock
from tests.bids.factory import make_bid
from tests.bids.test_auction_services import auction_ready, started

pytestmark = pytest.mark.django_db

PAGES_COVERED = {"bids:auction", "bids:auction_start", "bids:auction_panel", "bids:auction_bid"}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(user: Any, name: str, *args: int) -> Any:
    return client_for(user).get(reverse(name, args=args))


def bid_form(user: Any, auction: Auction, rupees: str, ref: str) -> Any:
    url = reverse("bids:auction_bid", args=[auction.lot.bid_id, auction.pk])
    prefix = f"a{auction.pk}"
    return client_for(user).post(url, {f"{prefix}-price": rupees, f"{prefix}-client_ref": ref})


@pytest.fixture
def live(world):
    ready, auction = started(world, [9_000_00, 9_100_00, 9_200_00, 9_900_00, 9_950_00])
    with clock.frozen_at(auction.starts_at + dt.timedelta(minutes=10)):
        yield ready, Auction.objects.select_related("lot").get(pk=auction.pk)


def test_ra_pages_send_anonymous_visitors_to_sign_in(live):
    ready, auction = live
    bid_id = ready.bid.pk
    client = Client()
    for method, url in (
        ("get", reverse("bids:auction", args=[bid_id])),
        ("get", reverse("bids:auction_panel", args=[bid_id, auction.pk])),
        ("post", reverse("bids:auction_bid", args=[bid_id, auction.pk])),
        ("post", reverse("bids:auction_start", args=[bid_id])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    assert AuctionBid.objects.count() == 0


def test_ra_pages_404_for_a_hidden_bid_an_unknown_auction_or_a_bid_without_auction(live, world):
    ready, auction = live
    draft = make_bid(world, status=states.DRAFT, reverse_auction=True)
    assert page(world.seller_admin, "bids:auction", draft.pk).status_code == 404
    plain = make_bid(world)  # published, no reverse auction
    assert page(world.buyer, "bids:auction", plain.pk).status_code == 404
    assert page(world.buyer, "bids:auction_panel", ready.bid.pk, auction.pk + 99).status_code == 404
    assert page(world.buyer, "bids:auction_panel", plain.pk, auction.pk).status_code == 404
    response = client_for(ready.sellers[0].user).post(
        reverse("bids:auction_bid", args=[plain.pk, auction.pk]), {}
    )
    assert response.status_code == 404
    assert AuctionBid.objects.count() == 0


def test_ra1_only_the_offices_buyer_starts_and_sees_the_start_form(world):
    ready = auction_ready(world, [9_000_00, 9_100_00, 9_200_00])
    url = reverse("bids:auction_start", args=[ready.bid.pk])
    with clock.frozen_at(ready.opened_at + dt.timedelta(hours=1)):
        assert (
            "Start the reverse auction"
            not in page(world.seller_admin, "bids:auction", ready.bid.pk).content.decode()
        )
        assert (
            "Start the reverse auction"
            in page(world.buyer, "bids:auction", ready.bid.pk).content.decode()
        )
        for outsider in (world.seller_admin, world.other_buyer, world.consignee):
            assert client_for(outsider).post(url, {"starts_at": ""}).status_code == 403
        assert Auction.objects.count() == 0
        response = client_for(world.buyer).post(url, {"starts_at": ""})
        assert response.status_code == 302
        assert Bid.objects.get(pk=ready.bid.pk).status == states.REVERSE_AUCTION
        again = client_for(world.buyer).post(url, {"starts_at": ""})
        assert again.status_code == 200 and "cannot do that now" in again.content.decode()
    assert Auction.objects.count() == 1


def test_ra2_a_bidder_sees_its_own_rank_and_bids_through_the_form(live):
    ready, auction = live
    l1, l2, eliminated = ready.sellers[0], ready.sellers[1], ready.sellers[3]
    text = page(l2.user, "bids:auction", ready.bid.pk).content.decode()
    assert "Your firm qualified" in text and "L2" in text and "Place my bid" in text
    assert "₹8,955.00" in text  # the minimum next bid: 0.5% of ₹9,000 below the start
    # Refused (not low enough): the form shows why, the refused bid is logged.
    refused = bid_form(l2.user, auction, "8955.01", "form-1")
    assert refused.status_code == 200
    assert "Bid at most ₹8,955.00." in refused.content.decode()
    accepted = bid_form(l2.user, auction, "8950.00", "form-2")
    assert accepted.status_code == 302
    double = bid_form(l2.user, auction, "8950.00", "form-2")  # the same form sent twice
    assert double.status_code == 302
    assert list(AuctionBid.objects.values_list("sequence", "price_paise", "code")) == [
        (1, 8_955_01, "bids.ra_decrement_too_small"),
        (2, 8_950_00, ""),
    ]
    mine = page(l2.user, "bids:auction", ready.bid.pk).content.decode()
    assert "<strong>L1</strong>" in mine and "₹8,950.00" in mine
    theirs = page(l1.user, "bids:auction", ready.bid.pk).content.decode()
    assert "<strong>L2</strong>" in theirs
    assert "8,950" not in theirs and l2.firm.name not in theirs  # RA-2
    out = page(eliminated.user, "bids:auction", ready.bid.pk).content.decode()
    assert "does not take part" in out and "Place my bid" not in out
    forbidden = bid_form(eliminated.user, auction, "8000", "x")
    assert forbidden.status_code == 403
    invalid = bid_form(l1.user, auction, "-3", "y")
    assert invalid.status_code == 200 and AuctionBid.objects.count() == 2


def test_ra_the_buyer_follows_the_count_of_bids_never_prices_and_the_panel_polls(live, world):
    ready, auction = live
    bid_form(ready.sellers[1].user, auction, "8950.00", "a")
    text = page(world.buyer, "bids:auction", ready.bid.pk).content.decode()
    assert "Bids so far" in text and "8,950" not in text and "Your rank" not in text
    panel = page(world.buyer, "bids:auction_panel", ready.bid.pk, auction.pk)
    body = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in body
    assert 'hx-get="' in body and 'hx-trigger="every 3s"' in body
    assert "Time left" in body and "110 min 0 s" in body
    public = page(world.other_buyer, "bids:auction", ready.bid.pk).content.decode()
    assert "Bids so far" not in public and "Place my bid" not in public


def test_ra4_after_the_close_everyone_sees_the_log_and_the_explained_ranking(live, world):
    ready, auction = live
    bid_form(ready.sellers[1].user, auction, "8950.00", "a")
    bid_form(ready.sellers[2].user, auction, "9000.00", "b")  # refused: above its ceiling
    ra.auction_tick(auction.end_at)
    with clock.frozen_at(auction.end_at + dt.timedelta(minutes=5)):
        for user in (world.buyer, world.other_buyer, ready.sellers[3].user):
            text = page(user, "bids:auction", ready.bid.pk).content.decode()
            assert "Result (RA-4)" in text and "Bid log" in text
            assert ready.sellers[1].firm.name in text and "₹8,950.00" in text
            assert "bids.ra_decrement_too_small" in text
            assert "The reverse auction from ₹9,000 closed" in text
            assert "hx-get" not in text and "Place my bid" not in text
        late = bid_form(ready.sellers[0].user, auction, "8000", "c")
        assert late.status_code == 200 and "closed" in late.content.decode()
    assert AuctionBid.objects.count() == 2
