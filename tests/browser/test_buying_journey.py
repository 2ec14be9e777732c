"""The buying journey in a real browser at 360 px, in Hindi and without
JavaScript (MODE-1, MODE-3, ORD-2, ORD-1): a Buyer whose language is Hindi
opens an offer of the catalogue, presses Buy, makes a demand for 10 of it,
sees that its value needs an L1 purchase and the comparison that makes
another offer L1, blocks funds quoting a sanction and naming the Paying
Authority, places the order, opens it and downloads the contract PDF.

The live server commits for real, so the contract PDF is rendered when the
order commits (background tasks run inline in the tests)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kraya.buying.models import Demand, FundBlock
from kraya.core.audit_models import AuditEvent
from kraya.orders.models import ContractPdf, Order
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, make_market
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HINDI = "hi"


def hi(text: str) -> str:
    """`text` as the Hindi page shows it."""
    with translation.override(HINDI):
        return translation.gettext(text)


def _fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _photograph(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
    assert _fits_the_phone(page), f"{name} is wider than the phone"


def _pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode("utf-8")


def test_a_hindi_buyer_buys_l1_and_downloads_the_contract(
    world: World, page_without_js: Page, tmp_path: Path
) -> None:
    page = page_without_js
    market = make_market(world)
    world.buyer.preferred_language = HINDI
    world.buyer.save(update_fields=["preferred_language"])

    sign_in(page, world.buyer.username, PASSWORD)
    page.goto(f"/catalogue/offers/{market.usha_9.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", HINDI)
    page.locator("main").get_by_role("link", name=hi("Buy"), exact=True).click()

    # The demand form: the offer shown, the only office and consignee preselected.
    expect(page).to_have_url(re.compile(rf"/buying/demands/new/\?offer={market.usha_9.pk}$"))
    expect(page.locator("main")).to_contain_text("₹12,000.00")
    page.get_by_label(hi("Quantity")).fill("10")
    page.get_by_label(hi("Consignee")).select_option(str(world.consignee.pk))
    page.get_by_label(hi("Deliver to state")).select_option(UP)
    page.get_by_label(hi("PIN code")).fill(LUCKNOW_PIN)
    page.get_by_label(hi("Delivery address")).fill(ADDRESS)
    _photograph(page, "buying-demand-form-hi")
    page.locator("main").get_by_role("button", name=hi("Make the demand")).click()

    # MODE-1: ₹1,20,000 needs an L1 purchase; MODE-3: tata_9 is L1 among four makers.
    demand = Demand.objects.get()
    expect(page).to_have_url(re.compile(rf"/buying/demands/{demand.pk}/$"))
    expect(page.locator("#mode h2")).to_contain_text(hi("L1 purchase"))
    comparison = page.locator("table.comparison tbody tr")
    expect(comparison).to_have_count(4)
    l1_row = page.locator("table.comparison tr.l1")
    expect(l1_row).to_have_count(1)
    expect(l1_row).to_contain_text(str(market.tata_9.pk))
    expect(l1_row).to_contain_text("Tata")
    expect(l1_row).to_contain_text("₹90,000.00")
    expect(page.locator("main")).not_to_contain_text(world.seller_firm.name)
    _photograph(page, "buying-demand-l1-hi")

    # ORD-2: the Buyer blocks funds quoting the sanction and naming the Paying Authority.
    page.get_by_label(hi("Sanction reference")).fill("स्वीकृति/2026/17")
    page.get_by_label(hi("Paying Authority")).select_option(str(world.paying_authority.pk))
    page.locator("main").get_by_role("button", name=hi("Block funds")).click()
    expect(page.locator("#funds")).to_contain_text("स्वीकृति/2026/17")
    block = FundBlock.objects.get()
    assert (block.amount_paise, block.paying_authority) == (90_000_00, world.paying_authority)

    # ORD-1: the order is placed and its page opens.
    page.locator("main").get_by_role("button", name=hi("Place the order")).click()
    order = Order.objects.get()
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    expect(page.locator("#contract-number")).to_have_text(order.number)
    expect(page.locator("#order-total")).to_contain_text("₹90,000.00")
    expect(page.locator("#seller")).to_have_text(world.seller_firm.name)
    _photograph(page, "order-hi")

    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name=hi("Download the contract (PDF)")).click()
    download = download_info.value
    assert download.suggested_filename == f"{order.number}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")

    # The bytes are the contract of record: the SHA-256 the audit log holds.
    digest = hashlib.sha256(content).hexdigest()
    assert digest == ContractPdf.objects.get(order=order).sha256
    rendered = AuditEvent.objects.get(action="orders.contract_pdf_rendered")
    assert rendered.payload["sha256"] == digest
    if shutil.which("pdftotext"):
        text = _pdf_text(saved)
        assert order.number in text
        # Hindi and English copies each state the total.
        assert text.count("90,000.00") >= 2
        assert "Contract" in text
        assert re.search(r"[\u0900-\u097F]", text), "the Hindi copy is missing"
