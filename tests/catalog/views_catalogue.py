"""A small fixed catalogue for the page tests (Django client and browser),
built through the real services on top of `tests.factories.World`.

Laptops (golden: RAM in GB, operating system) with three published offers of
two products by two firms, one flagged above its market price (CAT-4); a
pending product of an unregistered brand (CAT-3); a chair in another category."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kraya.catalog import services
from kraya.catalog.models import Category, Offer, Product
from kraya.catalog.search import index
from kraya.core import clock
from tests.factories import World

UP = "Uttar Pradesh"


@dataclass
class Catalogue:
    laptops: Category
    chairs: Category
    thinkpad: Product
    latitude: Product
    pending: Product
    chair: Product
    thinkpad_ganga: Offer  # flagged: well above the market price
    thinkpad_awadh: Offer
    latitude_ganga: Offer
    chair_awadh: Offer


def make_catalogue(world: World) -> Catalogue:
    laptops = services.category_create(
        acting_user=None, code="laptops", name="Laptops", name_hi="लैपटॉप", kind="PRODUCT"
    )
    services.spec_parameter_add(
        acting_user=None,
        category=laptops,
        code="ram",
        name="RAM",
        name_hi="रैम",
        kind="NUMBER",
        unit="GB",
        is_golden=True,
        is_required=True,
    )
    services.spec_parameter_add(
        acting_user=None,
        category=laptops,
        code="os",
        name="Operating system",
        name_hi="ऑपरेटिंग सिस्टम",
        kind="CHOICE",
        choices=[
            {"value": "windows", "en": "Windows", "hi": "विंडोज़"},
            {"value": "linux", "en": "Linux", "hi": "लिनक्स"},
        ],
        is_golden=True,
    )
    services.spec_parameter_add(
        acting_user=None,
        category=laptops,
        code="backlit",
        name="Backlit keyboard",
        name_hi="बैकलिट कीबोर्ड",
        kind="BOOLEAN",
    )
    chairs = services.category_create(
        acting_user=None,
        code="chairs",
        name="Office chairs",
        name_hi="दफ़्तर की कुर्सियाँ",
        kind="PRODUCT",
    )
    for brand in ("Lenovo", "Dell", "Featherlite"):
        services.brand_register(acting_user=None, name=brand)
    thinkpad = services.product_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=laptops,
        brand="Lenovo",
        oem="Lenovo India",
        model="ThinkPad E14",
        title="Lenovo ThinkPad E14 laptop",
        title_hi="लेनोवो थिंकपैड E14 लैपटॉप",
        specs={"ram": "16", "os": "windows", "backlit": "true"},
        country_of_origin="IN",
        local_content_percent=60,
    )
    latitude = services.product_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=laptops,
        brand="Dell",
        oem="Dell",
        model="Latitude 3440",
        title="Dell Latitude 3440 laptop",
        title_hi="डेल लैटीट्यूड 3440 लैपटॉप",
        specs={"ram": "8", "os": "linux"},
        country_of_origin="CN",
        local_content_percent=10,
    )
    pending = services.product_create(
        acting_user=world.seller_catalogue,
        firm=world.seller_firm,
        category=laptops,
        brand="Desi Computers",
        model="DC-1",
        title="Desi DC-1 laptop",
        specs={"ram": "4"},
        local_content_percent=80,
    )
    chair = services.product_create(
        acting_user=world.other_seller_admin,
        firm=world.other_seller_firm,
        category=chairs,
        brand="Featherlite",
        model="Astra",
        title="Featherlite Astra office chair",
        local_content_percent=90,
    )
    services.price_reference_add(
        acting_user=None,
        product=thinkpad,
        kind="MARKET",
        price_paise=50_000_00,
        observed_at=clock.now() - dt.timedelta(days=3),
        source="Market survey, Lucknow",
    )
    thinkpad_ganga = services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        product=thinkpad,
        price_paise=62_500_00,
        mrp_paise=70_000_00,
        delivery_states=[UP],
        stock=12,
        lead_time_days=5,
    )
    thinkpad_awadh = services.offer_create(
        acting_user=world.other_seller_admin,
        firm=world.other_seller_firm,
        product=thinkpad,
        price_paise=51_000_00,
        mrp_paise=70_000_00,
        delivery_states=[UP, "Bihar"],
        stock=3,
        lead_time_days=10,
    )
    latitude_ganga = services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        product=latitude,
        price_paise=1_23_456_00,
        mrp_paise=1_50_000_00,
        delivery_states=[UP],
        stock=1,
        lead_time_days=2,
    )
    chair_awadh = services.offer_create(
        acting_user=world.other_seller_admin,
        firm=world.other_seller_firm,
        product=chair,
        price_paise=4_500_00,
        mrp_paise=5_000_00,
        delivery_states=[UP],
        stock=40,
    )
    index.rebuild()
    return Catalogue(
        laptops=laptops,
        chairs=chairs,
        thinkpad=thinkpad,
        latitude=latitude,
        pending=pending,
        chair=chair,
        thinkpad_ganga=thinkpad_ganga,
        thinkpad_awadh=thinkpad_awadh,
        latitude_ganga=latitude_ganga,
        chair_awadh=chair_awadh,
    )
