"""The fulfilment journey in a real browser (ORD-5, ORD-7): an order placed
through the services, accepted and dispatched by the seller; the consignee
issues the PRC and the CRAC on the order page; the bill is paid 45 days
after its last day by the Paying Authority on the page; the seller's page
shows the money and the interest paid for the delay (₹90,000 × 1% × 45/30 =
₹1,350).

The clock is moved (`clock.frozen_at` is process-wide, so the live server
sees it too), never slept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from kraya.core import clock
from kraya.orders.models import Order, Payment
from kraya.orders.rules import states
from kraya.orders.services.ledger import ledger_check
from tests.browser.conftest import PHONE, sign_in
from tests.buying.market import make_market
from tests.factories import PASSWORD, World
from tests.orders.flow import drive, place

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


def test_consignee_certifies_the_paying_authority_pays_late_and_the_seller_sees_the_interest(
    world: World, chromium: Browser, live_server
) -> None:
    market = make_market(world)
    start = clock.now()
    base = live_server.url
    with clock.frozen_at(start):
        order = drive(world, place(world, market), states.DISPATCHED)
        assert order.total_paise == 90_000_00
        url = f"/orders/{order.number}/"

        # ORD-5: the consignee issues the PRC, then the CRAC (all accepted).
        with browser_as(chromium, base, world.consignee.username) as consignee:
            consignee.goto("/orders/")
            awaiting = consignee.locator("#awaiting")
            expect(awaiting).to_contain_text("To receive")
            awaiting.get_by_role("link", name=order.number).click()
            consignee.get_by_role("button", name="Issue the PRC").click()
            expect(consignee.locator(".messages")).to_contain_text("The PRC is issued")
            expect(consignee.locator("#deadline-crac")).to_contain_text("10 days left")
            expect(consignee.locator("#form-certify input[name^=accepted_]")).to_have_value("10")
            consignee.get_by_role("button", name="Issue the CRAC").click()
            expect(consignee.locator(".messages")).to_contain_text("The CRAC is issued")
            expect(consignee.locator("#timeline")).to_contain_text("CRAC")
            expect(consignee.locator("#money-payable")).to_have_text("₹90,000.00")
    billed = Order.objects.get(pk=order.pk)
    assert billed.status == states.BILLED and billed.certification == "ISSUED"

    # ORD-7: 54 days after the CRAC day is 45 days past the bill's last day.
    with clock.frozen_at(start + dt.timedelta(days=54)):
        with browser_as(chromium, base, world.paying_authority.username) as paying:
            paying.goto("/orders/")
            expect(paying.locator("#awaiting")).to_contain_text("To pay")
            paying.goto(url)
            expect(paying.locator("#deadline-payment")).to_contain_text("overdue by 45 days")
            expect(paying.locator("#money-interest-due")).to_contain_text("₹1,350.00")
            paying.get_by_role("button", name="Pay", exact=True).click()
            expect(paying.locator(".messages")).to_contain_text("The bill is paid")
        with browser_as(chromium, base, world.seller_admin.username) as seller:
            seller.goto(url)
            expect(seller.locator("#money-paid")).to_contain_text("₹91,350.00")
            expect(seller.locator("#money-interest-paid")).to_contain_text("₹1,350.00")
            expect(seller.locator("#money-interest-paid")).to_contain_text("45 days late")
            expect(seller.locator("#money-outstanding")).to_have_text("₹0.00")
            expect(seller.locator("#money-charge")).to_have_text("₹0.00")
            expect(seller.locator("#timeline")).to_contain_text("Paid")
    [payment] = Payment.objects.filter(order=order)
    assert (payment.principal_paise, payment.interest_paise, payment.days_late) == (
        90_000_00,
        1_350_00,
        45,
    )
    assert Order.objects.get(pk=order.pk).status == states.PAID
    assert ledger_check().ok
