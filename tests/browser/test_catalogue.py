"""The catalogue in a real browser at 360 px (CAT-5, CAT-2, CAT-4): a buyer
searches, filters and compares three offers side by side, once in English
and once in Hindi; a seller adds an offer and updates its price. Each page
is photographed in both languages (var/screenshots) and must fit the phone."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kraya.catalog.models import Offer, OfferPriceChange, Product
from kraya.core.display import state_name
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.catalog.views_catalogue import Catalogue, make_catalogue
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def t(text: str, language: str) -> str:
    """`text` as the page shows it in `language`."""
    with translation.override(language):
        return translation.gettext(text)


def _fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _photograph(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
    assert _fits_the_phone(page), f"{name} is wider than the phone"


def _hits(page: Page):
    return page.locator("li.hit")


def _facet(page: Page, name: str):
    """A facet link, its section opened first (it is folded on a phone)."""
    narrow = page.locator("details#narrow")
    if narrow.get_attribute("open") is None:
        narrow.locator("summary").click()
    return narrow.get_by_role("link", name=name, exact=True)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_buyer_searches_filters_and_compares_three_offers(
    world: World, page: Page, language: str
) -> None:
    catalogue: Catalogue = make_catalogue(world)
    sign_in(page, world.buyer.username, PASSWORD)
    if language == "hi":
        page.locator("header").get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")

    page.goto("/catalogue/")
    page.get_by_role("search").get_by_role("searchbox").fill("laptop")
    page.get_by_role("search").get_by_role("button", name=t("Search", language)).click()
    expect(page).to_have_url(re.compile(r"/catalogue/search/\?q=laptop"))
    expect(_hits(page)).to_have_count(3)
    thinkpad = "लेनोवो थिंकपैड E14 लैपटॉप" if language == "hi" else "Lenovo ThinkPad E14 laptop"
    expect(page.get_by_role("link", name=thinkpad).first).to_be_visible()
    # Buyers do not see who sells; they do see the CAT-4 warning.
    expect(page.locator("main")).not_to_contain_text(world.seller_firm.name)
    expect(page.locator(".flag")).to_have_count(1)
    _photograph(page, f"catalogue-search-{language}")

    # Filter through a facet link: Make in India Class-I (the two ThinkPads).
    class_1 = t("Class-I local supplier", language)
    _facet(page, class_1).click()
    expect(_hits(page)).to_have_count(2)
    expect(_facet(page, f"✓ {class_1}")).to_be_visible()
    # Remove it again, then narrow to the category: its golden filters appear.
    _facet(page, f"✓ {class_1}").click()
    expect(_hits(page)).to_have_count(3)
    laptops = "लैपटॉप" if language == "hi" else "Laptops"
    _facet(page, laptops).click()
    expect(page.locator('select[name="p_os"]')).to_be_attached()
    expect(_hits(page)).to_have_count(3)

    for checkbox in page.get_by_role("checkbox", name=re.compile(t("Compare", language))).all():
        checkbox.check()
    page.get_by_role("button", name=t("Compare the chosen offers", language)).click()
    expect(page).to_have_url(re.compile(r"/catalogue/compare/\?offers="))
    table = page.locator("table.compare")
    expect(table.locator("thead th")).to_have_count(3)
    ram = "रैम" if language == "hi" else "RAM"
    expect(table.get_by_role("row", name=re.compile(ram))).to_contain_text("16 GB")
    expect(table.locator("td.lowest")).to_have_count(1)
    expect(table.locator("td.lowest")).to_contain_text("₹51,000.00")
    _photograph(page, f"catalogue-compare-{language}")

    # The flagged offer's page shows the evidence.
    page.goto(f"/catalogue/offers/{catalogue.thinkpad_ganga.pk}/")
    expect(page.locator(".flag")).to_contain_text("₹50,000.00")
    _photograph(page, f"catalogue-offer-{language}")


def test_search_works_without_javascript(world: World, page_without_js: Page) -> None:
    page = page_without_js
    make_catalogue(world)
    page.goto("/catalogue/search/?q=thinkpad")
    expect(_hits(page)).to_have_count(2)
    page.get_by_text("Filters and sorting").click()
    page.get_by_label("Sort by").select_option("price_asc")
    page.get_by_role("button", name="Apply filters").click()
    expect(_hits(page).first).to_contain_text("₹51,000.00")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_seller_adds_an_offer_and_updates_its_price(
    world: World, page: Page, language: str
) -> None:
    catalogue = make_catalogue(world)
    sign_in(page, world.other_seller_admin.username, PASSWORD)
    if language == "hi":
        page.locator("header").get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")
    page.locator("header").get_by_role("link", name=t("My catalogue", language)).click()
    _photograph(page, f"catalogue-seller-home-{language}")
    page.locator("main").get_by_role("link", name=t("Add an offer", language)).click()

    laptops = "लैपटॉप" if language == "hi" else "Laptops"
    page.get_by_label(t("Category", language)).select_option(label=laptops)
    page.get_by_role("button", name=t("Show this category's products", language)).click()
    latitude = "डेल लैटीट्यूड 3440 लैपटॉप" if language == "hi" else "Dell Latitude 3440 laptop"
    page.get_by_label(t("Product", language)).select_option(
        label=f"{latitude} — Dell Latitude 3440"
    )
    page.get_by_label(t("Price, all-inclusive (₹)", language)).fill("160000")
    page.get_by_label(t("MRP (₹)", language)).fill("150000")
    page.get_by_label(t("Stock", language)).fill("4")
    page.get_by_label(t("Delivery within (days)", language)).fill("6")
    states = page.get_by_role("group", name=t("Delivers to", language))
    # State names read in the page's language (stored in English).
    own = state_name("Uttar Pradesh", language=language)
    expect(states.get_by_label(own, exact=True)).to_be_checked()  # the firm's own
    states.get_by_label(state_name("Bihar", language=language), exact=True).check()
    _photograph(page, f"catalogue-offer-form-{language}")
    page.get_by_role("button", name=t("Save the offer", language)).click()

    # CAT-4: above the MRP is refused; the form says so and keeps the rest.
    expect(page.locator(".field.invalid")).to_have_count(1)
    expect(page.locator(".field.invalid")).to_contain_text(
        t("The price cannot be above the MRP.", language)
    )
    expect(page.get_by_label(t("MRP (₹)", language))).to_have_value("150000")
    page.get_by_label(t("Price, all-inclusive (₹)", language)).fill("130000")
    page.get_by_role("button", name=t("Save the offer", language)).click()
    expect(page.locator(".message.success")).to_contain_text(t("Your offer is saved.", language))

    offer = Offer.objects.get(seller_firm=world.other_seller_firm, product=catalogue.latitude)
    assert (offer.price_paise, offer.mrp_paise, offer.stock) == (1_30_000_00, 1_50_000_00, 4)

    page.get_by_label(t("Price, all-inclusive (₹)", language)).fill("125000.50")
    page.get_by_role("button", name=t("Save changes", language)).click()
    expect(page.locator(".message.success")).to_contain_text(t("The offer is updated.", language))
    expect(page.locator("main table").last).to_contain_text("₹1,25,000.50")
    _photograph(page, f"catalogue-seller-offer-{language}")
    offer.refresh_from_db()
    assert offer.price_paise == 1_25_000_50
    assert list(
        OfferPriceChange.objects.filter(offer=offer)
        .order_by("id")
        .values_list("price_paise", flat=True)
    ) == [1_30_000_00, 1_25_000_50]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_seller_proposes_a_product_and_an_operator_approves_it(
    world: World, page: Page, language: str
) -> None:
    """CAT-1..3: the product form follows the category's spec template; an
    unregistered brand's product waits for an operator, who approves it."""
    make_catalogue(world)
    sign_in(page, world.seller_catalogue.username, PASSWORD)
    if language == "hi":
        page.locator("header").get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")
    page.goto(f"/catalogue/firms/{world.seller_firm.pk}/products/new/")
    laptops = "लैपटॉप" if language == "hi" else "Laptops"
    page.get_by_label(t("Category", language)).select_option(label=laptops)
    page.get_by_role("button", name=t("Continue", language)).click()
    page.get_by_label(t("Brand", language)).fill("Kanpur Computers")
    page.get_by_label(t("Manufacturer (OEM)", language)).fill("Kanpur Computers")
    page.get_by_role("textbox", name=t("Model", language), exact=True).fill("KC-14")
    page.get_by_role("textbox", name=t("Title", language), exact=True).fill("Kanpur KC-14 laptop")
    page.get_by_label(t("Local content (%)", language)).fill("55")
    page.get_by_label("रैम (GB)" if language == "hi" else "RAM (GB)").fill("16")
    page.get_by_label("ऑपरेटिंग सिस्टम" if language == "hi" else "Operating system").select_option(
        "linux"
    )
    _photograph(page, f"catalogue-product-form-{language}")
    page.get_by_role("button", name=t("Save the product", language)).click()
    expect(page.locator(".message.success")).to_contain_text(
        t("The product waits for an operator's approval; you can offer it already.", language)
    )
    page.locator("header").get_by_role("button", name=t("Sign out", language)).click()
    page.locator("header").get_by_role("button", name="English").click()

    sign_in(page, world.operator.username, PASSWORD)
    if language == "hi":
        page.locator("header").get_by_role("button", name="हिन्दी").click()
    page.goto("/catalogue/review/")
    _photograph(page, f"catalogue-review-queue-{language}")
    page.get_by_role("link", name="Kanpur KC-14 laptop").click()
    expect(page.locator("main")).to_contain_text("16 GB")
    _photograph(page, f"catalogue-review-{language}")
    page.get_by_role("button", name=t("Approve and publish", language)).click()
    expect(page.locator(".message.success")).to_contain_text(
        t("The product is published.", language)
    )
    assert Product.objects.get(model="KC-14").status == Product.Status.PUBLISHED
