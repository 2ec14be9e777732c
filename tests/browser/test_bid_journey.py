"""The bid journey in a real browser (BID-5..8, RA-1..4): a seller submits a
sealed bid through the page, a second seller bids too; at the opening time
the clock opens the technical packets; the Buyer qualifies both on the
evaluation page, opens the financial bids and starts the reverse auction;
the two bidders bid it down (one on the live page, whose panel polls and
shows the rank lost to the other's lower bid without a reload), the auction ends, the
clock closes it and settles the preferences; the Paying Authority's sanction
is recorded and the Buyer's award makes the contract, linked from the page.

The clock is moved (`clock.frozen_at` is process-wide, so the live server
sees it), never slept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from kraya.bids import states
from kraya.bids.models import Auction, Bid, Submission
from kraya.bids.services import auction as auction_services
from kraya.bids.services import award
from kraya.bids.services.clock import bids_tick
from kraya.bids.services.participation import ItemInput, submission_submit
from kraya.core import clock
from kraya.orders.models import Order
from tests.bids.test_participation_services import purifier_bid, verify_firm
from tests.browser.conftest import PHONE, sign_in
from tests.buying.market import make_market
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def browser_as(chromium: Browser, base_url: str, username: str) -> Iterator[Page]:
    context = chromium.new_context(viewport=PHONE, base_url=base_url, locale="en-IN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, username, PASSWORD)
        yield page
    finally:
        context.close()


def test_a_seller_bids_the_buyer_evaluates_an_auction_runs_and_the_award_is_an_order(
    world: World, chromium: Browser, live_server
) -> None:
    market = make_market(world)
    verify_firm(world.seller_firm)
    verify_firm(world.other_seller_firm)
    published = clock.now()
    with clock.frozen_at(published):
        bid = purifier_bid(market, reverse_auction=True, min_bids=2, published_at=published)
    base = live_server.url

    # BID-5: the first seller seals its submission on the page.
    with clock.frozen_at(published + dt.timedelta(days=1)):
        with browser_as(chromium, base, world.seller_admin.username) as seller:
            seller.goto(f"/bids/{bid.pk}/submission/")
            seller.get_by_label("Item 1: your offer").select_option(str(market.tata_9.pk))
            seller.get_by_label("Item 1: unit price (₹)").fill("9500")
            seller.get_by_role("button", name="Seal and submit").click()
            expect(seller.locator("#submission-revision")).to_have_text("1")
            expect(seller.locator("main")).not_to_contain_text("9,500")
        submission_submit(
            acting_user=world.other_seller_admin,
            bid=bid,
            items=[ItemInput(position=1, offer_id=market.godrej_9.pk, unit_price_paise=9_800_00)],
            declarations={},
        )
    assert Submission.objects.filter(bid=bid).count() == 2

    # The clock opens the technical packets at the opening time.
    opened_at = bid.opening_at + dt.timedelta(minutes=1)
    bids_tick(now=opened_at)
    assert Bid.objects.get(pk=bid.pk).status == states.TECHNICAL_EVALUATION

    # BID-6, BID-7, RA-1: the Buyer evaluates, opens the prices, starts the auction.
    with (
        clock.frozen_at(opened_at + dt.timedelta(hours=1)),
        browser_as(chromium, base, world.buyer.username) as buyer,
    ):
        buyer.goto(f"/bids/{bid.pk}/evaluation/")
        for submission in Submission.objects.filter(bid=bid):
            card = buyer.locator(f"#submission-{submission.pk}")
            card.get_by_label("Technically qualified").check()
            card.get_by_role("button", name="Record the evaluation").click()
            expect(buyer.locator(f"#submission-{submission.pk} .decision")).to_contain_text(
                "Technically qualified"
            )
        buyer.locator("#financial-open").click()
        expect(buyer.locator("main")).to_contain_text("₹9,500")
        buyer.goto(f"/bids/{bid.pk}/auction/")
        buyer.get_by_role("button", name="Start the reverse auction").click()
        expect(buyer.locator("main")).to_contain_text("Live")
    auction = Auction.objects.get(lot__bid=bid)
    assert auction.start_price_paise == 9_500_00

    # RA-2: the first seller bids on the live page and sees only its rank.
    during = auction.starts_at + dt.timedelta(minutes=5)
    with clock.frozen_at(during):
        auction_services.auction_bid(
            acting_user=world.other_seller_admin,
            auction_id=auction.pk,
            price_paise=9_400_00,
            client_ref="other-1",
        )
        with browser_as(chromium, base, world.seller_admin.username) as seller:
            seller.goto(f"/bids/{bid.pk}/auction/")
            seller.get_by_label("Your new price for the lot (₹)").fill("9300")
            seller.get_by_role("button", name="Place my bid").click()
            expect(seller.locator(".own-rank")).to_have_text("L1")
            expect(seller.locator("main")).not_to_contain_text("9,400")
            # The live panel polls: another bidder's lower bid shows as a lost
            # rank without a reload, and never with its price (RA-2).
            auction_services.auction_bid(
                acting_user=world.other_seller_admin,
                auction_id=auction.pk,
                price_paise=9_200_00,
                client_ref="other-2",
            )
            expect(seller.locator(".own-rank")).to_have_text("L2", timeout=15_000)
            expect(seller.locator("main")).not_to_contain_text("9,200")
            seller.get_by_label("Your new price for the lot (₹)").fill("9100")
            seller.get_by_role("button", name="Place my bid").click()
            expect(seller.locator(".own-rank")).to_have_text("L1")

    # RA-4: the auction ends; the clock closes it and settles the preferences.
    after = auction.end_at + dt.timedelta(minutes=1)
    bids_tick(now=after)
    bids_tick(now=after + dt.timedelta(minutes=1))
    assert Bid.objects.get(pk=bid.pk).status == states.AWARD_PENDING

    # ORD-2, BID-8: sanction, then the award makes the contract.
    with clock.frozen_at(after + dt.timedelta(minutes=5)):
        award.bid_sanction(acting_user=world.paying_authority, bid=bid)
        with browser_as(chromium, base, world.buyer.username) as buyer:
            buyer.goto(f"/bids/{bid.pk}/evaluation/")
            buyer.locator("#award-button").click()
            order = Order.objects.get()
            expect(buyer.locator(f'a[href="/orders/{order.number}/"]')).to_be_visible()
    assert order.seller_firm == world.seller_firm
    assert order.total_paise == 100 * 9_100_00
    assert Bid.objects.get(pk=bid.pk).status == states.AWARDED
