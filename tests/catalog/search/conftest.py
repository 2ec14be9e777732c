"""A small fixed catalogue for the search tests (CAT-5), built directly as
rows (the catalogue's services have their own tests) and then indexed.

Listed offers (firm, product, price ₹, lead days, delivery, rating):

  o1 ganga  wood chair    4,500   5  UP+Bihar            4.50
  o2 awadh  wood chair    4,200  10  UP, PIN 226001/2    3.80
  o3 kaveri mesh chair   12,000   3  Karnataka+UP        -
  o4 ganga  steel chair     900   7  UP                  3.00
  o5 kaveri carved table 30,000  14  Karnataka+Delhi     4.90
  o6 awadh  HP laptop    45,000   7  UP+Delhi            -
  o7 ganga  Lenovo laptop 65,000  5  Delhi               4.00
  o8 kaveri laptop sleeve   800   2  Karnataka           -
  o9 awadh  cleaning     25,000   1  UP                  -

Not listed: an offer of an inactive firm, a withdrawn offer, an offer of a
product awaiting approval. Ganga is MSE and woman-owned (verified), Kaveri
is SC/ST (verified) and claims startup (unverified)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kraya.accounts.models import SellerFirm
from kraya.catalog.models import Brand, Category, Offer, Product, SpecParameter
from kraya.catalog.search import index, rules
from kraya.sellers.models import Registration, SocialCategory
from tests.factories import make_seller_firm


@dataclass
class Catalogue:
    world: Any
    categories: dict[str, Category] = field(default_factory=dict)
    firms: dict[str, SellerFirm] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)

    def ids(self, *names: str) -> list[int]:
        return [self.offers[name].pk for name in names]

    def name_of(self, offer_id: int) -> str:
        return next(name for name, offer in self.offers.items() if offer.pk == offer_id)


def _category(
    code: str, name: str, name_hi: str, parent: Category | None = None, kind: str = "PRODUCT"
) -> Category:
    return Category.objects.create(code=code, name=name, name_hi=name_hi, parent=parent, kind=kind)


def _segments(firm: SellerFirm, verified: list[str], unverified: list[str] = ()) -> None:
    registration = Registration.objects.create(firm=firm, legal_name=firm.name, status="VERIFIED")
    for kind in verified:
        SocialCategory.objects.create(registration=registration, kind=kind, verified=True)
    for kind in unverified:
        SocialCategory.objects.create(registration=registration, kind=kind, verified=False)


def _mask(*states: str) -> int:
    mask = 0
    for state in states:
        mask |= rules.STATE_BITS[state]
    return mask


@pytest.fixture
def catalogue(world) -> Catalogue:
    c = Catalogue(world=world)
    furniture = _category("furniture", "Furniture", "फर्नीचर")
    chairs = _category("office-chairs", "Office chairs", "कार्यालय कुर्सियाँ", furniture)
    tables = _category("tables", "Tables", "मेज़ें", furniture)
    computers = _category("computers", "Computers", "कंप्यूटर")
    laptops = _category("laptops", "Laptops", "लैपटॉप", computers)
    cleaning = _category("cleaning", "Cleaning services", "सफाई सेवाएँ", kind="SERVICE")
    c.categories = {
        "furniture": furniture,
        "chairs": chairs,
        "tables": tables,
        "computers": computers,
        "laptops": laptops,
        "cleaning": cleaning,
    }
    SpecParameter.objects.create(
        category=chairs,
        code="material",
        name="Material",
        name_hi="सामग्री",
        kind="CHOICE",
        choices=[
            {"value": "wood", "en": "Wood", "hi": "लकड़ी"},
            {"value": "steel", "en": "Steel", "hi": "स्टील"},
            {"value": "mesh", "en": "Mesh", "hi": "जाली"},
        ],
        is_golden=True,
        position=1,
    )
    SpecParameter.objects.create(
        category=chairs,
        code="adjustable",
        name="Adjustable height",
        kind="BOOLEAN",
        is_golden=True,
        position=2,
    )
    SpecParameter.objects.create(
        category=chairs, code="colour", name="Colour", kind="TEXT", is_golden=False, position=3
    )
    SpecParameter.objects.create(
        category=laptops,
        code="ram",
        name="RAM",
        kind="NUMBER",
        unit="GB",
        is_golden=True,
        position=1,
    )
    SpecParameter.objects.create(
        category=laptops,
        code="os",
        name="Operating system",
        kind="CHOICE",
        choices=[
            {"value": "windows", "en": "Windows", "hi": ""},
            {"value": "linux", "en": "Linux", "hi": ""},
        ],
        is_golden=True,
        position=2,
    )

    ganga, awadh = world.seller_firm, world.other_seller_firm
    kaveri, _admin = make_seller_firm(name="Kaveri Works", state="Karnataka")
    closed, _admin = make_seller_firm(name="Closed Traders")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    _segments(ganga, ["MSE", "WOMAN"])
    _segments(kaveri, ["SC_ST"], ["STARTUP"])
    c.firms = {"ganga": ganga, "awadh": awadh, "kaveri": kaveri, "closed": closed}

    brands: dict[str, Brand] = {}

    def product(
        category: Category, brand: str, model: str, title: str, title_hi: str = "", **extra: Any
    ) -> Product:
        if brand not in brands:
            brands[brand] = Brand.objects.create(
                name=brand, name_key=brand.casefold(), is_registered=True
            )
        extra.setdefault("status", "PUBLISHED")
        return Product.objects.create(
            category=category,
            brand=brands[brand],
            model=model,
            title=title,
            title_hi=title_hi,
            **extra,
        )

    wood = product(
        chairs,
        "Godrej",
        "WC-100",
        "Wooden office chair",
        "लकड़ी की कार्यालय कुर्सी",
        specs={"material": "wood", "adjustable": "false", "colour": "brown"},
        mii_class="CLASS_1",
        local_content_percent=80,
        oem="Godrej & Boyce",
    )
    mesh = product(
        chairs,
        "Featherlite",
        "Astra-2",
        "Ergonomic mesh chair",
        "जालीदार कुर्सी",
        specs={"material": "mesh", "adjustable": "true"},
        mii_class="CLASS_2",
        local_content_percent=30,
    )
    steel = product(
        chairs,
        "Nilkamal",
        "SV-9",
        "Steel visitor chair",
        "स्टील आगंतुक चेयर",
        specs={"material": "steel", "adjustable": "false"},
    )
    table = product(
        tables,
        "Saharanpur Crafts",
        "SCT-1",
        "Saharanpur carved wooden table",
        "सहारनपुर नक्काशीदार मेज़",
        gi_tag="Saharanpur Wood Craft",
        mii_class="CLASS_1",
        local_content_percent=100,
    )
    hp = product(
        laptops,
        "HP",
        "15s-fq5111TU",
        "HP 15s laptop",
        "एचपी लैपटॉप",
        specs={"ram": "8", "os": "windows"},
    )
    lenovo = product(
        laptops,
        "Lenovo",
        "E14 Gen 5",
        "Lenovo ThinkPad E14 laptop",
        "लेनोवो थिंकपैड लैपटॉप",
        specs={"ram": "16", "os": "linux"},
        mii_class="CLASS_2",
        local_content_percent=25,
    )
    sleeve = product(
        laptops,
        "Kaveri",
        "SLV-1",
        "Sleeve for 15s-fq5111TU, fits 15s fq5111tu models",
        specs={"ram": "16"},
    )
    acer = product(
        laptops, "Acer", "A515", "Acer Aspire laptop", specs={"ram": "16"}, status="PENDING"
    )
    service = product(
        cleaning,
        "Awadh",
        "CLN-1",
        "Office cleaning service",
        "कार्यालय सफाई सेवा",
        service_unit="per month",
    )

    def offer(
        firm: SellerFirm,
        of: Product,
        rupees: int,
        lead: int,
        states: tuple[str, ...],
        *,
        pincodes: str = "",
        rating: int | None = None,
        status: str = "PUBLISHED",
    ) -> Offer:
        return Offer.objects.create(
            seller_firm=firm,
            product=of,
            category=of.category,
            price_paise=rupees * 100,
            mrp_paise=rupees * 100 + 50_000,
            stock=10,
            lead_time_days=lead,
            delivery_state_mask=_mask(*states),
            delivery_pincodes=pincodes,
            rating_hundredths=rating,
            status=status,
        )

    up, bihar, karnataka, delhi = "Uttar Pradesh", "Bihar", "Karnataka", "Delhi"
    c.offers = {
        "o1": offer(ganga, wood, 4_500, 5, (up, bihar), rating=450),
        "o2": offer(awadh, wood, 4_200, 10, (up,), pincodes="226001,226002", rating=380),
        "o3": offer(kaveri, mesh, 12_000, 3, (karnataka, up)),
        "o4": offer(ganga, steel, 900, 7, (up,), rating=300),
        "o5": offer(kaveri, table, 30_000, 14, (karnataka, delhi), rating=490),
        "o6": offer(awadh, hp, 45_000, 7, (up, delhi)),
        "o7": offer(ganga, lenovo, 65_000, 5, (delhi,), rating=400),
        "o8": offer(kaveri, sleeve, 800, 2, (karnataka,)),
        "o9": offer(awadh, service, 25_000, 1, (up,)),
        "closed": offer(closed, hp, 40_000, 7, (up,)),
        "withdrawn": offer(ganga, mesh, 11_000, 3, (up,), status="WITHDRAWN"),
        "pending": offer(awadh, acer, 30_000, 7, (up,)),
    }
    assert index.rebuild() == 9
    return c


LISTED = ("o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9")
