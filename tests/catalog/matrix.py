"""Helpers for the catalogue rows of the API authorization matrix
(`tests/api/test_authorization_matrix.py`). Each is get-or-create, so a row's
URL may call it and its body may read what it made without writing."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kraya.catalog import rules, services
from kraya.catalog.models import Brand, Category, Offer, Product
from tests.factories import World

# Operators only: a seller admin and a buyer are both refused with 403.
OPERATOR = {
    "other_organisation": "seller_admin",
    "wrong_role": "buyer",
    "right_role": "operator",
}
# A firm's catalogue (ROLE-3): another firm's admin and a buyer are outsiders.
SELLER = {
    "other_organisation": "other_seller_admin",
    "wrong_role": "buyer",
    "right_role": "seller_catalogue",
}
CATEGORY = "matrix-furniture"


def category(world: World) -> Category:
    existing = Category.objects.filter(code=CATEGORY).first()
    if existing is not None:
        return existing
    made = services.category_create(
        acting_user=None, code=CATEGORY, name="Matrix furniture", kind=rules.PRODUCT
    )
    services.spec_parameter_add(
        acting_user=None, category=made, code="shelves", name="Shelves", kind=rules.NUMBER
    )
    return made


def _product(world: World, *, title: str, brand: str, registered: bool) -> Product:
    existing = Product.objects.filter(title=title).first()
    if existing is not None:
        return existing
    if registered and not Brand.objects.filter(name_key=rules.brand_key(brand)).exists():
        services.brand_register(acting_user=None, name=brand)
    return services.product_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=category(world),
        brand=brand,
        model="M-1",
        title=title,
        specs={"shelves": "4"},
        country_of_origin="IN",
        local_content_percent=60,
    )


def published_product(world: World) -> Product:
    return _product(world, title="Matrix almirah", brand="Matrix Registered", registered=True)


def pending_product(world: World) -> Product:
    return _product(world, title="Matrix cupboard", brand="Matrix Unregistered", registered=False)


def listed_offer(world: World) -> Offer:
    product = published_product(world)
    existing = Offer.objects.filter(product=product, seller_firm=world.seller_firm).first()
    if existing is not None:
        return existing
    return services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        product=product,
        price_paise=10_000_00,
        mrp_paise=12_000_00,
        delivery_states=["Uttar Pradesh"],
    )


def offer_body(world: World) -> dict[str, Any]:
    return {
        "product": Product.objects.get(title="Matrix almirah").pk,
        "price_paise": 9_000_00,
        "mrp_paise": 12_000_00,
        "stock": 3,
        "delivery_states": ["Uttar Pradesh"],
    }


def product_body(world: World) -> dict[str, Any]:
    return {
        "category": CATEGORY,
        "brand": "Matrix Registered",
        "title": "Matrix desk",
        "model": "D-1",
        "specs": {"shelves": "2"},
        "country_of_origin": "IN",
        "local_content_percent": 55,
    }


def category_body(world: World) -> dict[str, Any]:
    return {"code": "matrix-new", "name": "Matrix new", "kind": "PRODUCT"}


def parameter_body(world: World) -> dict[str, Any]:
    return {"code": "colour", "name": "Colour", "kind": "TEXT"}


def bulk_upload(world: World) -> dict[str, Any]:
    offer = Offer.objects.get(product__title="Matrix almirah", seller_firm=world.seller_firm)
    content = f"offer_id,stock\n{offer.pk},9\n".encode()
    return {"file": SimpleUploadedFile("prices.csv", content, content_type="text/csv")}
