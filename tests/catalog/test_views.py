"""The public catalogue pages, in English and Hindi, without signing in."""

import pytest
from django.test import Client

from kraya.catalog import selectors, services
from kraya.catalog.models import Category, Offer


@pytest.fixture
def catalogue(world):
    furniture = services.category_create(
        acting_user=None, code="furniture", name="Furniture", name_hi="फ़र्नीचर", kind="PRODUCT"
    )
    cleaning = services.category_create(
        acting_user=None, code="cleaning", name="Cleaning", name_hi="सफ़ाई", kind="SERVICE"
    )
    closed = services.category_create(
        acting_user=None, code="typewriters", name="Typewriters", kind="PRODUCT"
    )
    Category.objects.filter(pk=closed.pk).update(is_active=False)
    almirah = services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=furniture,
        title="Steel almirah",
        title_hi="स्टील अलमारी",
        brand="Godrej",
        model="Storwel M2",
        price_paise=12_34_567_00,
        mrp_paise=13_00_000_00,
        lead_time_days=1,
    )
    chair = services.offer_create(
        acting_user=world.other_seller_admin,
        firm=world.other_seller_firm,
        category=furniture,
        title="Office chair",
        title_hi="दफ़्तर की कुर्सी",
        price_paise=4_500_00,
        mrp_paise=5_000_00,
        lead_time_days=7,
    )
    withdrawn = services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=furniture,
        title="Withdrawn bench",
        price_paise=100_00,
        mrp_paise=100_00,
    )
    Offer.objects.filter(pk=withdrawn.pk).update(is_active=False)
    return {"furniture": furniture, "cleaning": cleaning, "almirah": almirah, "chair": chair}


def page(client, url, language="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response, response.content.decode()


class TestIndex:
    def test_lists_active_categories_with_listed_offer_counts(self, client: Client, catalogue):
        response, html = page(client, "/catalogue/")
        assert response.status_code == 200
        categories = response.context["categories"]
        assert [(c.code, c.offer_count) for c in categories] == [
            ("furniture", 2),
            ("cleaning", 0),
        ]
        assert 'href="/catalogue/furniture/"' in html
        assert "Furniture" in html and "Typewriters" not in html
        assert "Withdrawn" not in html

    def test_names_in_hindi(self, client: Client, catalogue):
        response, html = page(client, "/catalogue/", language="hi")
        assert response.status_code == 200
        assert 'lang="hi"' in html
        assert "<h1>कैटलॉग</h1>" in html
        assert "फ़र्नीचर" in html and "सफ़ाई" in html
        assert ">Furniture<" not in html

    def test_an_empty_catalogue_says_so(self, client: Client, db):
        response, html = page(client, "/catalogue/")
        assert response.status_code == 200
        assert "There are no categories yet." in html

    def test_counts_are_one_query(self, client: Client, catalogue, django_assert_max_num_queries):
        with django_assert_max_num_queries(1):
            assert len(selectors.categories_with_offer_counts()) == 2


class TestCategoryPage:
    def test_lists_active_offers_cheapest_first_with_rupee_prices(self, client: Client, catalogue):
        response, html = page(client, "/catalogue/furniture/")
        assert response.status_code == 200
        offers = list(response.context["page"].object_list)
        assert offers == [catalogue["chair"], catalogue["almirah"]]
        assert "₹4,500.00" in html and "₹5,000.00" in html
        assert "₹12,34,567.00" in html and "₹13,00,000.00" in html
        assert "Steel almirah" in html and "Godrej Storwel M2" in html
        assert "Ganga Textiles" in html and "Awadh Steel" in html
        assert "within 1 day" in html and "within 7 days" in html
        assert "Withdrawn bench" not in html

    def test_titles_and_category_in_hindi(self, client: Client, catalogue):
        response, html = page(client, "/catalogue/furniture/", language="hi")
        assert response.status_code == 200
        assert "स्टील अलमारी" in html and "दफ़्तर की कुर्सी" in html
        assert "<h1>फ़र्नीचर</h1>" in html
        assert "सभी श्रेणियाँ" in html and "All categories" not in html
        assert "₹12,34,567.00" in html
        assert "Steel almirah" not in html

    def test_offers_of_an_inactive_firm_are_not_listed(self, client: Client, catalogue, world):
        world.other_seller_firm.is_active = False
        world.other_seller_firm.save(update_fields=["is_active"])
        response, html = page(client, "/catalogue/furniture/")
        assert list(response.context["page"].object_list) == [catalogue["almirah"]]
        assert "Office chair" not in html

    def test_a_category_without_offers_says_so(self, client: Client, catalogue):
        response, html = page(client, "/catalogue/cleaning/")
        assert response.status_code == 200
        assert "There are no offers in this category yet." in html

    @pytest.mark.parametrize("code", ["no-such-thing", "typewriters"])
    def test_unknown_or_closed_category_is_404(self, client: Client, catalogue, code):
        response = client.get(f"/catalogue/{code}/")
        assert response.status_code == 404
