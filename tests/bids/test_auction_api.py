"""The reverse auction API (`/api/v1/bids/.../auctions`, RA-1..4) through the
HTTP client on the real database: who may call each operation (401, 404,
403, 2xx, refused writes changing nothing), what a bidder sees (RA-2: its own
rank only), refused bids answered 409 and kept in the log, the retry, and
the log after the close."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from kraya.accounts.models import Membership, Role
from kraya.accounts.services.tokens import api_token_create
from kraya.bids.models import Auction, AuctionBid
from kraya.bids.services import auction as ra
from kraya.core import clock
from tests.bids.factory import make_bid
from tests.bids.test_auction_services import started

pytestmark = pytest.mark.django_db

API = "/api/v1/bids"
API_COVERED = {
    ("GET", "/api/v1/bids/{bid_id}/auctions"),
    ("GET", "/api/v1/bids/auctions/{auction_id}"),
    ("POST", "/api/v1/bids/auctions/{auction_id}/bids"),
    ("GET", "/api/v1/bids/auctions/{auction_id}/log"),
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(API + path, json.dumps(body), content_type="application/json")


def get(user: Any, path: str) -> Any:
    return client_for(user).get(API + path)


@pytest.fixture
def live(world):
    """A live auction of three qualified bidders out of five; the clock 10
    minutes into it."""
    ready, auction = started(world, [9_000_00, 9_100_00, 9_200_00, 9_900_00, 9_950_00])
    with clock.frozen_at(auction.starts_at + dt.timedelta(minutes=10)):
        yield ready, auction


def test_ra_api_anonymous_callers_get_401_everywhere(live):
    ready, auction = live
    for response in (
        get(None, f"/{ready.bid.pk}/auctions"),
        get(None, f"/auctions/{auction.pk}"),
        post(None, f"/auctions/{auction.pk}/bids", {"price_paise": 1, "client_ref": "x"}),
        get(None, f"/auctions/{auction.pk}/log"),
    ):
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "auth.required"
    assert AuctionBid.objects.count() == 0


def test_ra_api_unknown_auction_or_hidden_bid_is_404(live, world):
    _, auction = live
    draft = make_bid(world, status="DRAFT")
    assert get(world.seller_admin, f"/{draft.pk}/auctions").status_code == 404
    assert get(world.buyer, f"/{draft.pk}/auctions").status_code == 200
    missing = auction.pk + 1000
    for response in (
        get(world.seller_admin, f"/auctions/{missing}"),
        post(
            world.seller_admin, f"/auctions/{missing}/bids", {"price_paise": 1, "client_ref": "x"}
        ),
        get(world.seller_admin, f"/auctions/{missing}/log"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["error"]["code"] == "bids.ra_not_found"


def test_ra2_only_the_auctions_qualified_bidders_may_bid_403_for_others(live, world):
    ready, auction = live
    eliminated = ready.sellers[3].user
    body = {"price_paise": 8_000_00, "client_ref": "x"}
    for user in (eliminated, world.buyer, world.operator, world.seller_catalogue):
        response = post(user, f"/auctions/{auction.pk}/bids", body)
        assert response.status_code == 403, (user, response.content)
    assert AuctionBid.objects.count() == 0
    assert Auction.objects.get(pk=auction.pk).last_sequence == 0


def test_ra2_bad_input_is_422_and_changes_nothing(live):
    ready, auction = live
    user = ready.sellers[0].user
    for body in (
        {"price_paise": 0, "client_ref": "x"},
        {"price_paise": -5, "client_ref": "x"},
        {"price_paise": "cheap", "client_ref": "x"},
        {"price_paise": 8_000_00, "client_ref": ""},
        {"price_paise": 8_000_00, "client_ref": "x" * 65},
        {"price_paise": 8_000_00},
    ):
        response = post(user, f"/auctions/{auction.pk}/bids", body)
        assert response.status_code == 422, (body, response.content)
    assert AuctionBid.objects.count() == 0


def test_ra2_a_bid_answers_the_own_rank_and_a_refused_one_409_stays_logged(live):
    ready, auction = live
    l1, l2 = ready.sellers[0], ready.sellers[1]
    path = f"/auctions/{auction.pk}/bids"
    # 0.5% of ₹9,000 is ₹45: L2 must bid at most ₹8,955.
    short = post(l2.user, path, {"price_paise": 8_955_01, "client_ref": "r1"})
    assert short.status_code == 409
    error = short.json()["error"]
    assert error["code"] == "bids.ra_decrement_too_small"
    assert error["fields"]["price_paise"] == ["Bid at most ₹8,955.00."]
    ok = post(l2.user, path, {"price_paise": 8_950_00, "client_ref": "r2"})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert (body["accepted"], body["sequence"], body["own_rank"]) == (True, 2, 1)
    assert body["min_next_bid_paise"] == 8_950_00 - 4_500
    # RA-2: nothing of the others in the answer (no other price, no name).
    text = ok.content.decode()
    assert "900000" not in text and "920000" not in text and l1.firm.name not in text
    retry = post(l2.user, path, {"price_paise": 8_000_00, "client_ref": "r2"})
    assert retry.json()["sequence"] == 2 and retry.json()["replayed"] is True
    assert list(AuctionBid.objects.values_list("sequence", "code")) == [
        (1, "bids.ra_decrement_too_small"),
        (2, ""),
    ]
    # L1 of the financial opening is now second and sees only that.
    seen = get(l1.user, f"/auctions/{auction.pk}").json()
    assert seen["own"]["rank"] == 2 and seen["qualified"] is True
    assert seen["own"]["last_price_paise"] is None and seen["bids_so_far"] is None
    assert "895000" not in json.dumps(seen) and seen["final_ranking"] is None


def test_ra_api_what_each_caller_sees_of_a_live_auction(live, world):
    ready, auction = live
    post(
        ready.sellers[1].user,
        f"/auctions/{auction.pk}/bids",
        {"price_paise": 8_900_00, "client_ref": "a"},
    )
    buyer = get(world.buyer, f"/auctions/{auction.pk}").json()
    assert buyer["bids_so_far"] == 1 and buyer["own"] is None and buyer["qualified"] is None
    assert "890000" not in json.dumps(buyer)
    eliminated = get(ready.sellers[3].user, f"/auctions/{auction.pk}").json()
    assert eliminated["qualified"] is False and eliminated["bids_so_far"] is None
    other = get(world.other_buyer, f"/auctions/{auction.pk}").json()
    assert other["bids_so_far"] is None and other["start_price_paise"] == 9_000_00
    listed = get(ready.sellers[1].user, f"/{ready.bid.pk}/auctions").json()
    assert [(row["id"], row["own_rank"], row["status"]) for row in listed] == [
        (auction.pk, 1, "LIVE")
    ]
    assert get(world.buyer, f"/{ready.bid.pk}/auctions").json()[0]["own_rank"] is None


def test_ra4_the_log_is_409_before_the_close_and_public_with_names_after(live, world):
    ready, auction = live
    path = f"/auctions/{auction.pk}/bids"
    post(ready.sellers[1].user, path, {"price_paise": 8_900_00, "client_ref": "a"})
    post(ready.sellers[2].user, path, {"price_paise": 8_999_99, "client_ref": "b"})  # refused
    early = get(world.buyer, f"/auctions/{auction.pk}/log")
    assert early.status_code == 409 and early.json()["error"]["code"] == "bids.ra_not_closed"
    ra.auction_tick(auction.end_at)
    with clock.frozen_at(auction.end_at + dt.timedelta(minutes=1)):
        late = post(ready.sellers[0].user, path, {"price_paise": 8_000_00, "client_ref": "c"})
        assert late.status_code == 409 and late.json()["error"]["code"] == "bids.ra_closed"
        for user in (world.buyer, world.other_buyer, ready.sellers[3].user, world.operator):
            log = get(user, f"/auctions/{auction.pk}/log")
            assert log.status_code == 200
            assert [
                (r["sequence"], r["seller"], r["price_paise"], r["accepted"]) for r in log.json()
            ] == [
                (1, ready.sellers[1].firm.name, 8_900_00, True),
                (2, ready.sellers[2].firm.name, 8_999_99, False),
            ]
        closed = get(world.buyer, f"/auctions/{auction.pk}").json()
    assert closed["status"] == "CLOSED"
    assert [(r["rank"], r["seller"]) for r in closed["final_ranking"]] == [
        (1, ready.sellers[1].firm.name),
        (2, ready.sellers[0].firm.name),
        (3, ready.sellers[2].firm.name),
    ]
    assert ready.sellers[1].firm.name in closed["explanation"]
    assert AuctionBid.objects.count() == 2


def test_ra2_a_bidders_api_token_bids_and_an_eliminated_bidders_token_gets_403(live):
    ready, auction = live

    def token_of(seller) -> str:
        membership = Membership.objects.get(
            user=seller.user, seller_firm=seller.firm, role=Role.SELLER_ADMIN
        )
        return api_token_create(acting_user=seller.user, membership=membership, name="t")[1]

    path = f"{API}/auctions/{auction.pk}/bids"
    body = json.dumps({"price_paise": 8_900_00, "client_ref": "tok-1"})
    ok = Client().post(
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_of(ready.sellers[1])}",
    )
    assert ok.status_code == 200 and ok.json()["own_rank"] == 1
    refused = Client().post(
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_of(ready.sellers[3])}",
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "bids.ra_not_qualified"
    assert AuctionBid.objects.count() == 1
