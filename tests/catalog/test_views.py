"""The catalogue's pages through the Django client, in English and Hindi:
the buyer's search and comparison (CAT-5), an offer's page with its CAT-4
flag and evidence, the seller firm's catalogue (CAT-2, CAT-3, ROLE-3) and
the operators' approval queue and spec templates (CAT-1, CAT-3).

Who may see what is checked per page in tests/web/test_page_authorization.py;
here each page's behaviour, and per object: a firm cannot touch another
firm's offers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kraya.accounts.models import Role
from kraya.catalog import services
from kraya.catalog.forms import to_paise
from kraya.catalog.models import Offer, OfferPriceChange, Product, SpecParameter
from kraya.catalog.views import public
from tests.catalog.views_catalogue import Catalogue, make_catalogue
from tests.factories import World, make_seller_user, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return make_catalogue(world)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client: Client, url: str, language: str = "en", **params) -> tuple[int, str]:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content.decode()


def rows() -> dict[str, int]:
    """Rows of the accounts tables, the audit log and the catalogue: equal
    before and after a refused request when it changed nothing."""
    return {
        **row_counts(),
        "products": Product.objects.count(),
        "offers": Offer.objects.count(),
        "price_changes": OfferPriceChange.objects.count(),
        "parameters": SpecParameter.objects.count(),
    }


def offer_ids_shown(html: str) -> list[int]:
    """The offers of a results page, in order (each hit has a compare box)."""
    return [int(n) for n in re.findall(r'name="offers" value="(\d+)"', html)]


SEARCH = reverse("catalog:search")
COMPARE = reverse("catalog:compare")


# --- the buyer's search (CAT-5) -------------------------------------------------------------


def test_search_finds_by_model_and_hides_sellers_from_buyers(world, catalogue) -> None:
    """CAT-5: text search over product, brand and model; a buyer does not see
    who sells (direct purchase hides names until the decision)."""
    status, html = get(signed_in(world.buyer), SEARCH, q="thinkpad")
    assert status == 200
    assert sorted(offer_ids_shown(html)) == sorted(
        [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk]
    )
    assert "Lenovo ThinkPad E14 laptop" in html
    assert world.seller_firm.name not in html
    assert world.other_seller_firm.name not in html
    # Prices in rupees with Indian grouping, the MRP beside them.
    assert "₹62,500.00" in html and "₹70,000.00" in html


def test_search_shows_operators_the_seller(world, catalogue) -> None:
    status, html = get(signed_in(world.operator), SEARCH, q="latitude")
    assert status == 200
    assert offer_ids_shown(html) == [catalogue.latitude_ganga.pk]
    assert world.seller_firm.name in html


def test_search_in_hindi_shows_hindi_titles_and_indian_grouping(world, catalogue) -> None:
    status, html = get(Client(), SEARCH, "hi", q="लैटीट्यूड")
    assert status == 200
    assert '<html lang="hi">' in html
    assert offer_ids_shown(html) == [catalogue.latitude_ganga.pk]
    assert "डेल लैटीट्यूड 3440 लैपटॉप" in html
    assert "₹1,23,456.00" in html


def test_search_filters_by_golden_parameter_and_sorts_by_price(world, catalogue) -> None:
    """CAT-1/CAT-5: a golden parameter of the chosen category is a filter."""
    _status, html = get(Client(), SEARCH, category="laptops", p_os="windows", sort="price_asc")
    assert offer_ids_shown(html) == [catalogue.thinkpad_awadh.pk, catalogue.thinkpad_ganga.pk]
    _status, html = get(Client(), SEARCH, category="laptops", p_os="linux")
    assert offer_ids_shown(html) == [catalogue.latitude_ganga.pk]
    # The golden parameter's own filter field is offered on the page.
    assert 'name="p_os"' in html and 'name="p_ram"' in html


def test_search_facet_links_carry_counts_and_filter(world, catalogue) -> None:
    """CAT-5: facet counts are links that add their filter (no JavaScript)."""
    _status, html = get(Client(), SEARCH, category="laptops")
    assert sorted(offer_ids_shown(html)) == sorted(
        [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk, catalogue.latitude_ganga.pk]
    )
    link = re.search(
        r'<a href="([^"]*mii_class=CLASS_1[^"]*)"[^>]*>[^<]*</a> <span class="muted">\((\d+)\)',
        html,
    )
    assert link is not None, "the Make in India facet offers Class-I"
    assert link.group(2) == "2"  # the two ThinkPad offers (60% local content)
    _status, filtered = get(Client(), SEARCH + link.group(1).replace("&amp;", "&"))
    assert sorted(offer_ids_shown(filtered)) == sorted(
        [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk]
    )


def test_search_flags_a_price_above_the_reference(world, catalogue) -> None:
    """CAT-4: the flagged offer carries a warning that links to its evidence."""
    _status, html = get(Client(), SEARCH, q="thinkpad", sort="price_desc")
    assert offer_ids_shown(html) == [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk]
    warning = "This price is well above recent prices for the same product."
    assert html.count(warning) == 1
    first_hit = html.split('class="hit"')[1]
    assert warning in first_hit


def test_search_corrects_a_typo_and_says_so(world, catalogue) -> None:
    _status, html = get(Client(), SEARCH, q="thinkpda")
    assert "Showing results for" in html
    assert sorted(offer_ids_shown(html)) == sorted(
        [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk]
    )


def test_search_pages_with_a_cursor(world, catalogue, monkeypatch) -> None:
    monkeypatch.setattr(public, "RESULTS_PER_PAGE", 2)
    _status, html = get(Client(), SEARCH, category="laptops", sort="price_asc")
    assert offer_ids_shown(html) == [catalogue.thinkpad_awadh.pk, catalogue.thinkpad_ganga.pk]
    next_link = re.search(r'href="(\?[^"]*cursor=[^"]*)" rel="next"', html)
    assert next_link is not None
    _status, second = get(Client(), SEARCH + next_link.group(1).replace("&amp;", "&"))
    assert offer_ids_shown(second) == [catalogue.latitude_ganga.pk]
    assert 'rel="next"' not in second


def test_search_with_a_bad_value_shows_the_field_message(world, catalogue) -> None:
    status, html = get(Client(), SEARCH, pincode="12", price_min="-5")
    assert status == 200
    assert "Enter a 6-digit PIN code." in html
    assert offer_ids_shown(html) == []


# --- comparison -----------------------------------------------------------------------------


def test_compare_three_offers_side_by_side(world, catalogue) -> None:
    ids = [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk, catalogue.latitude_ganga.pk]
    status, html = get(Client(), COMPARE, offers=",".join(map(str, ids)))
    assert status == 200
    table = html.split('<table class="compare">')[1].split("</table>")[0]
    # One column per offer, the golden parameters as rows, the lowest price marked.
    assert table.count('<th scope="col">') == 3
    ram_row = re.search(r"<th scope=\"row\">RAM</th>(.*?)</tr>", table, re.S)
    assert ram_row is not None
    assert re.findall(r"<td>([^<]*)</td>", ram_row.group(1)) == ["16 GB", "16 GB", "8 GB"]
    assert table.count("Lowest price") == 1
    lowest = re.search(r'<td class="lowest">([^<]*)<br>', table)
    assert lowest is not None and lowest.group(1) == "₹51,000.00"


def test_compare_accepts_the_search_pages_checkboxes(world, catalogue) -> None:
    response = Client().get(
        COMPARE, {"offers": [catalogue.thinkpad_ganga.pk, catalogue.thinkpad_awadh.pk]}
    )
    assert response.status_code == 200
    assert response.content.decode().count("Lowest price") == 1


def test_compare_refuses_different_categories_and_more_than_three(world, catalogue) -> None:
    status, html = get(
        Client(), COMPARE, offers=f"{catalogue.thinkpad_ganga.pk},{catalogue.chair_awadh.pk}"
    )
    assert status == 400
    assert "Offers of different categories cannot be compared." in html
    four = [
        catalogue.thinkpad_ganga.pk,
        catalogue.thinkpad_awadh.pk,
        catalogue.latitude_ganga.pk,
        catalogue.chair_awadh.pk,
    ]
    status, html = get(Client(), COMPARE, offers=",".join(map(str, four)))
    assert status == 400
    assert "Choose two or three different offers to compare." in html
    status, html = get(Client(), COMPARE, offers="abc")
    assert status == 400


# --- an offer's page ------------------------------------------------------------------------


def test_offer_page_shows_specs_history_and_the_price_evidence(world, catalogue) -> None:
    """CAT-4: a flagged offer shows the reference price and where it comes from."""
    status, html = get(Client(), reverse("catalog:offer", args=[catalogue.thinkpad_ganga.pk]))
    assert status == 200
    assert "This price is well above recent prices for the same product." in html
    assert "₹50,000.00, the latest market price survey." in html
    assert "Offers more than 10% above the reference are flagged." in html
    assert "<dt>RAM</dt><dd>16 GB</dd>" in html
    assert "<dt>Operating system</dt><dd>Windows</dd>" in html
    assert "<dt>Backlit keyboard</dt><dd>Yes</dd>" in html
    assert "Class-I local supplier" in html  # MII-1: 60% local content
    assert world.seller_firm.name not in html
    _status, hindi = get(
        Client(), reverse("catalog:offer", args=[catalogue.thinkpad_ganga.pk]), "hi"
    )
    assert "<dd>विंडोज़</dd>" in hindi


def test_offer_page_of_a_pending_product_is_only_for_its_firm(world, catalogue) -> None:
    """CAT-3: an offer waiting for its product's approval is not listed."""
    offer = services.offer_create(
        acting_user=world.seller_catalogue,
        firm=world.seller_firm,
        product=catalogue.pending,
        price_paise=20_000_00,
        mrp_paise=25_000_00,
        delivery_states=["Uttar Pradesh"],
    )
    url = reverse("catalog:offer", args=[offer.pk])
    assert Client().get(url).status_code == 404
    assert signed_in(world.buyer).get(url).status_code == 404
    assert signed_in(world.other_seller_admin).get(url).status_code == 404
    status, html = get(signed_in(world.seller_catalogue), url)
    assert status == 200 and "Buyers do not see this offer" in html
    status, html = get(signed_in(world.operator), url)
    assert status == 200 and world.seller_firm.name in html


def test_category_page_lists_offers_without_seller_names(world, catalogue) -> None:
    status, html = get(Client(), reverse("catalog:category", args=["laptops"]))
    assert status == 200
    assert "Lenovo ThinkPad E14 laptop" in html
    assert world.seller_firm.name not in html
    assert "?category=laptops" in html


# --- the seller firm's catalogue (CAT-2, CAT-3, ROLE-3) -------------------------------------


def test_seller_home_lists_the_firms_offers_and_products(world, catalogue) -> None:
    status, html = get(
        signed_in(world.seller_catalogue),
        reverse("catalog:seller_home", args=[world.seller_firm.pk]),
    )
    assert status == 200
    for offer in (catalogue.thinkpad_ganga, catalogue.latitude_ganga):
        assert reverse("catalog:seller_offer", args=[offer.pk]) in html
    assert reverse("catalog:seller_offer", args=[catalogue.thinkpad_awadh.pk]) not in html
    assert "Desi DC-1 laptop" in html and "Awaiting approval" in html


def test_a_bidding_user_of_the_firm_is_refused(world, catalogue) -> None:
    """ROLE-3: only the firm's admin and catalogue users manage its catalogue."""
    bidder = make_seller_user(
        admin=world.seller_admin, firm=world.seller_firm, roles=[Role.SELLER_BIDDING]
    )
    browser = signed_in(bidder)
    assert (
        browser.get(reverse("catalog:seller_home", args=[world.seller_firm.pk])).status_code == 403
    )
    url = reverse("catalog:seller_offer", args=[catalogue.thinkpad_ganga.pk])
    before = rows()
    assert browser.post(url, {"price": "1"}).status_code == 403
    assert rows() == before


def test_product_form_follows_the_spec_template(world, catalogue) -> None:
    """CAT-1: number with its unit, a choice as a select, yes/no as a box."""
    url = reverse("catalog:product_create", args=[world.seller_firm.pk])
    status, html = get(signed_in(world.seller_catalogue), url)
    assert status == 200 and 'name="category"' in html
    status, html = get(signed_in(world.seller_catalogue), url, category="laptops")
    assert status == 200
    assert "RAM (GB)" in html
    assert re.search(r'<input type="number" name="spec_ram"[^>]*required', html)
    assert (
        re.search(r'<select name="spec_os"', html)
        and '<option value="linux">Linux</option>' in html
    )
    assert re.search(r'<input type="checkbox" name="spec_backlit"', html)
    _status, hindi = get(signed_in(world.seller_catalogue), url, "hi", category="laptops")
    assert "रैम (GB)" in hindi and "लिनक्स" in hindi


def product_post(**changes) -> dict[str, str]:
    data = {
        "category": "laptops",
        "brand": "Kanpur Computers",
        "oem": "Kanpur Computers",
        "model": "KC-14",
        "title": "Kanpur KC-14 laptop",
        "title_hi": "कानपुर KC-14 लैपटॉप",
        "description": "",
        "country_of_origin": "in",
        "local_content_percent": "55",
        "gi_tag": "",
        "spec_ram": "16",
        "spec_os": "linux",
        "spec_backlit": "on",
    }
    data.update(changes)
    return data


def test_seller_adds_a_product_that_waits_for_approval(world, catalogue) -> None:
    """CAT-2, CAT-3, MII-1: an unregistered brand's product waits; its MII class
    comes from its local content."""
    url = reverse("catalog:product_create", args=[world.seller_firm.pk]) + "?category=laptops"
    response = signed_in(world.seller_catalogue).post(url, product_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:offer_create", args=[world.seller_firm.pk])
    product = Product.objects.get(model="KC-14")
    assert product.status == Product.Status.PENDING
    assert product.mii_class == Product.MiiClass.CLASS_1
    assert product.specs == {"ram": "16", "os": "linux", "backlit": "true"}
    assert product.country_of_origin == "IN"


def test_product_form_keeps_what_was_typed_and_shows_messages_in_hindi(world, catalogue) -> None:
    url = reverse("catalog:product_create", args=[world.seller_firm.pk]) + "?category=laptops"
    browser = signed_in(world.seller_catalogue)
    before = rows()
    response = browser.post(
        url, product_post(spec_ram="", local_content_percent="120"), HTTP_ACCEPT_LANGUAGE="hi"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert 'value="Kanpur KC-14 laptop"' in html and 'value="कानपुर KC-14 लैपटॉप"' in html
    assert html.count('class="field invalid"') == 2
    assert rows() == before


def offer_post(product: Product, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "product": str(product.pk),
        "price": "48000",
        "mrp": "60000",
        "stock": "5",
        "lead_time_days": "4",
        "delivery_states": ["Uttar Pradesh", "Bihar"],
        "delivery_pincodes": "",
    }
    data.update(changes)
    return data


def test_seller_adds_an_offer_of_a_published_product(world, catalogue) -> None:
    """CAT-2: any firm may offer a published product, here one proposed by
    another firm, picked through its category."""
    url = reverse("catalog:offer_create", args=[world.other_seller_firm.pk])
    browser = signed_in(world.other_seller_admin)
    _status, html = get(browser, url, category="laptops")
    assert f'<option value="{catalogue.latitude.pk}">' in html
    response = browser.post(url + "?category=laptops", offer_post(catalogue.latitude))
    assert response.status_code == 302
    offer = Offer.objects.get(seller_firm=world.other_seller_firm, product=catalogue.latitude)
    assert response["Location"] == reverse("catalog:seller_offer", args=[offer.pk])
    assert (offer.price_paise, offer.mrp_paise, offer.stock) == (48_000_00, 60_000_00, 5)
    assert offer.status == Offer.Status.PUBLISHED


def test_an_offer_above_its_mrp_is_refused_on_the_form(world, catalogue) -> None:
    """CAT-4: a price above the MRP is refused; the form keeps the input."""
    url = reverse("catalog:offer_create", args=[world.seller_firm.pk])
    browser = signed_in(world.seller_admin)
    before = rows()
    response = browser.post(url, offer_post(catalogue.thinkpad, price="65000.50"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The price cannot be above the MRP." in html
    assert 'value="65000.50"' in html
    assert rows() == before


def test_seller_updates_price_and_stock_with_history(world, catalogue) -> None:
    offer = catalogue.latitude_ganga
    url = reverse("catalog:seller_offer", args=[offer.pk])
    data = offer_post(catalogue.latitude, price="110000", mrp="150000", stock="9")
    data.pop("product")
    response = signed_in(world.seller_catalogue).post(url, data)
    assert response.status_code == 302, response.content.decode()
    offer.refresh_from_db()
    assert (offer.price_paise, offer.stock) == (1_10_000_00, 9)
    latest = OfferPriceChange.objects.filter(offer=offer).order_by("-id").first()
    assert latest is not None and (latest.price_paise, latest.stock, latest.source) == (
        1_10_000_00,
        9,
        "WEB",
    )
    _status, html = get(signed_in(world.seller_catalogue), url)
    assert "₹1,10,000.00" in html and "₹1,23,456.00" in html  # history, newest first


def test_another_firm_cannot_see_or_change_an_offer(world, catalogue) -> None:
    offer = catalogue.thinkpad_ganga
    browser = signed_in(world.other_seller_admin)
    for name in ("catalog:seller_offer", "catalog:offer_clone", "catalog:offer_withdraw"):
        url = reverse(name, args=[offer.pk])
        assert browser.get(url).status_code == 404
        before = rows()
        assert (
            browser.post(url, {"price": "1", "mrp": "2", "product": offer.product_id}).status_code
            == 404
        )
        assert rows() == before
    offer.refresh_from_db()
    assert offer.price_paise == 62_500_00 and offer.status == Offer.Status.PUBLISHED


def test_seller_clones_and_withdraws_an_offer(world, catalogue) -> None:
    browser = signed_in(world.seller_admin)
    offer = catalogue.latitude_ganga
    response = browser.post(
        reverse("catalog:offer_clone", args=[offer.pk]), {"product": catalogue.thinkpad.pk}
    )
    assert response.status_code == 302
    clone = Offer.objects.exclude(pk__in=[offer.pk, catalogue.thinkpad_ganga.pk]).get(
        seller_firm=world.seller_firm
    )
    assert response["Location"] == reverse("catalog:seller_offer", args=[clone.pk])
    assert (clone.product_id, clone.price_paise) == (catalogue.thinkpad.pk, offer.price_paise)
    assert browser.post(reverse("catalog:offer_withdraw", args=[clone.pk])).status_code == 302
    clone.refresh_from_db()
    assert clone.status == Offer.Status.WITHDRAWN


def test_bulk_csv_reports_each_row(world, catalogue) -> None:
    """CAT-2: good rows are saved, a bad row changes nothing and is reported."""
    content = (
        "offer_id,price,mrp,stock\n"
        f'{catalogue.latitude_ganga.pk},"1,20,000.00",,7\n'
        f"{catalogue.thinkpad_ganga.pk},90000,,\n"
    ).encode()
    response = signed_in(world.seller_catalogue).post(
        reverse("catalog:offers_upload", args=[world.seller_firm.pk]),
        {"file": SimpleUploadedFile("prices.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 rows saved, 1 rows with problems." in html
    assert "The price cannot be above the MRP." in html
    latitude = Offer.objects.get(pk=catalogue.latitude_ganga.pk)
    thinkpad = Offer.objects.get(pk=catalogue.thinkpad_ganga.pk)
    assert (latitude.price_paise, latitude.stock) == (1_20_000_00, 7)
    assert thinkpad.price_paise == 62_500_00


# --- operators (CAT-1, CAT-3) ---------------------------------------------------------------


def test_operator_approves_a_product_from_the_queue(world, catalogue) -> None:
    browser = signed_in(world.operator)
    _status, html = get(browser, reverse("catalog:review_queue"))
    assert "Desi DC-1 laptop" in html and "Lenovo ThinkPad" not in html
    url = reverse("catalog:product_review", args=[catalogue.pending.pk])
    _status, html = get(browser, url)
    assert "<dt>RAM</dt><dd>4 GB</dd>" in html
    response = browser.post(url, {"action": "approve"})
    assert response.status_code == 302
    catalogue.pending.refresh_from_db()
    assert catalogue.pending.status == Product.Status.PUBLISHED


def test_operator_rejects_only_with_a_reason(world, catalogue) -> None:
    """CAT-3: a rejection carries a reason the seller then sees."""
    browser = signed_in(world.operator)
    url = reverse("catalog:product_review", args=[catalogue.pending.pk])
    before = rows()
    response = browser.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 200
    assert 'class="field invalid"' in response.content.decode()
    assert rows() == before
    response = browser.post(
        url, {"action": "reject", "reason": "The model number is not on the OEM's site."}
    )
    assert response.status_code == 302
    catalogue.pending.refresh_from_db()
    assert catalogue.pending.status == Product.Status.REJECTED
    _status, html = get(
        signed_in(world.seller_catalogue),
        reverse("catalog:seller_home", args=[world.seller_firm.pk]),
    )
    assert "The model number is not on the OEM&#x27;s site." in html


def test_operator_adds_a_parameter_to_a_spec_template(world, catalogue) -> None:
    """CAT-1: a typed parameter, golden or silver, with its choices."""
    url = reverse("catalog:category_template", args=["laptops"])
    browser = signed_in(world.operator)
    _status, html = get(browser, url)
    assert "Operating system" in html
    response = browser.post(
        url,
        {
            "code": "screen",
            "name": "Screen size",
            "name_hi": "स्क्रीन का आकार",
            "kind": "CHOICE",
            "choices": "14 | 14 inch | 14 इंच\n15 | 15.6 inch | 15.6 इंच",
            "is_golden": "on",
        },
    )
    assert response.status_code == 302
    parameter = SpecParameter.objects.get(category=catalogue.laptops, code="screen")
    assert parameter.is_golden and parameter.kind == "CHOICE"
    assert parameter.choices == [
        {"value": "14", "en": "14 inch", "hi": "14 इंच"},
        {"value": "15", "en": "15.6 inch", "hi": "15.6 इंच"},
    ]


# --- navigation, the index and the page helpers ----------------------------------------------


def test_navigation_leads_sellers_and_operators_to_their_catalogue_pages(world, catalogue) -> None:
    home = reverse("catalog:seller_home", args=[world.seller_firm.pk])
    _status, html = get(signed_in(world.seller_catalogue), reverse("web:dashboard"))
    assert html.count(f'href="{home}"') == 2  # the menu and the firm's panel
    _status, html = get(signed_in(world.buyer), reverse("web:dashboard"))
    assert home not in html and reverse("catalog:search") in html
    _status, html = get(signed_in(world.operator), reverse("web:dashboard"))
    assert html.count(f'href="{reverse("catalog:review_queue")}"') == 2


def test_index_counts_listed_offers_and_offers_a_search_box(world, catalogue) -> None:
    status, html = get(Client(), reverse("catalog:index"))
    assert status == 200
    assert f'action="{SEARCH}"' in html
    laptops_row = re.search(
        r'href="/catalogue/laptops/">Laptops</a></td>.*?<td>(\d+)</td>', html, re.S
    )
    assert laptops_row is not None and laptops_row.group(1) == "3"


@given(st.integers(min_value=0, max_value=10**13))
def test_price_band_rupees_round_trip_to_the_same_paise(paise: int) -> None:
    """A price band's edge in paise, shown in the price box as rupees, reads
    back as the same paise (CAT-5 price facet)."""
    text = public._rupees_text(paise)
    assert to_paise(Decimal(text)) == paise
    assert "." not in text or len(text.split(".")[1]) == 2


def test_a_service_is_priced_per_unit_and_needs_no_model(world, catalogue) -> None:
    """CAT-2: a service category's form asks for the unit of pricing."""
    services.category_create(
        acting_user=None, code="cleaning", name="Office cleaning", kind="SERVICE"
    )
    url = reverse("catalog:product_create", args=[world.seller_firm.pk]) + "?category=cleaning"
    browser = signed_in(world.seller_admin)
    _status, html = get(browser, url)
    assert 'name="service_unit"' in html
    response = browser.post(
        url,
        product_post(
            category="cleaning",
            brand="Ganga Facility Services",
            model="",
            title="Daily office cleaning",
            service_unit="per month",
            spec_ram="",
            spec_os="",
            spec_backlit="",
        ),
    )
    assert response.status_code == 302
    product = Product.objects.get(title="Daily office cleaning")
    assert (product.service_unit, product.model, product.specs) == ("per month", "", {})


def test_operator_adds_a_sub_category(world, catalogue) -> None:
    """CAT-1: a category under a parent of the same kind; a clash is shown on the form."""
    browser = signed_in(world.operator)
    url = reverse("catalog:category_create")
    response = browser.post(
        url,
        {
            "code": "gaming-laptops",
            "name": "Gaming laptops",
            "kind": "PRODUCT",
            "parent": "laptops",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:category_template", args=["gaming-laptops"])
    before = rows()
    response = browser.post(
        url, {"code": "laptops", "name": "Laptops again", "kind": "PRODUCT", "parent": ""}
    )
    assert response.status_code == 200
    assert "A category with this code already exists." in response.content.decode()
    assert rows() == before


def test_golden_parameter_facets_count_what_their_links_show(world, catalogue) -> None:
    """CAT-1/CAT-5: each golden parameter value of the category is a facet
    link whose count is exactly the number of offers it then shows."""
    _status, html = get(Client(), SEARCH, category="laptops")
    links = re.findall(
        r'<a href="\?([^"]*p_[a-z]+=[^"]*)"[^>]*>([^<]*)</a> <span class="muted">\((\d+)\)', html
    )
    assert [(label, int(count)) for _url, label, count in links] == [
        ("Windows", 2),
        ("Linux", 1),
        ("8 GB", 1),
        ("16 GB", 2),
    ]
    for url, _label, count in links:
        _status, shown = get(Client(), SEARCH + "?" + url.replace("&amp;", "&"))
        assert len(offer_ids_shown(shown)) == int(count)
