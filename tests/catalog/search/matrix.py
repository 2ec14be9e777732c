"""Helpers for the search rows of the authorization matrix
(`tests/api/test_authorization_matrix.py`)."""

from __future__ import annotations

from kraya.catalog.models import Brand, Category, Offer, Product
from kraya.catalog.search import index
from tests.factories import World


def two_offer_ids(world: World) -> str:
    """Two listed offers of one category, indexed: "id1,id2"."""
    category = Category.objects.create(code="matrix-chairs", name="Chairs", kind="PRODUCT")
    brand = Brand.objects.create(name="Matrix", name_key="matrix", is_registered=True)
    ids = []
    for number, firm in enumerate((world.seller_firm, world.other_seller_firm), start=1):
        product = Product.objects.create(
            category=category,
            brand=brand,
            model=f"M-{number}",
            title=f"Chair {number}",
            status="PUBLISHED",
        )
        offer = Offer.objects.create(
            seller_firm=firm,
            product=product,
            category=category,
            price_paise=1_000_00 * number,
            mrp_paise=2_000_00 * number,
            status="PUBLISHED",
        )
        ids.append(offer.pk)
    index.offers_changed(ids)
    return ",".join(str(i) for i in ids)
