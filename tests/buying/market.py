"""A small market for the buying tests: one product category with a golden
parameter, and listed offers of it from four manufacturers, sold by three
firms, all delivering to Uttar Pradesh.

    offer            manufacturer  capacity  unit price  firm
    tata_9           Tata          9 L       ₹9,000      seller_firm
    godrej_9         Godrej        9 L       ₹9,500      other_seller_firm
    bajaj_9          Bajaj         9 L       ₹10,000     third_firm
    usha_9           Usha          9 L       ₹12,000     seller_firm
    tata_6           Tata          6 L       ₹5,000      seller_firm  (another capacity)

So a demand for 9 L finds four manufacturers (L1 = tata_9), and one for 6 L
finds only one (too few for L1, MODE-3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kraya.accounts.models import Role, SellerFirm, User
from kraya.catalog import services as catalog_services
from kraya.catalog.search import index
from tests.factories import (
    World,
    make_listed_offer,
    make_secondary_user,
    make_seller_firm,
    make_seller_user,
    unique,
)

UP = "Uttar Pradesh"
LUCKNOW_PIN = "226001"
ADDRESS = "District Hospital, Civil Lines, Lucknow"


@dataclass
class Market:
    world: World
    category: Any
    third_firm: SellerFirm
    third_admin: User
    tata_9: Any
    godrej_9: Any
    bajaj_9: Any
    usha_9: Any
    tata_6: Any
    second_buyer: User  # another Buyer of the same office

    @property
    def offers_9(self) -> list[Any]:
        return [self.tata_9, self.godrej_9, self.bajaj_9, self.usha_9]


def make_market(world: World, *, stock: int = 100) -> Market:
    category = catalog_services.category_create(
        acting_user=None,
        code=unique("water-purifiers-"),
        name="Water purifiers",
        name_hi="जल शोधक",
        kind="PRODUCT",
    )
    catalog_services.spec_parameter_add(
        acting_user=None,
        category=category,
        code="capacity",
        name="Capacity",
        kind="NUMBER",
        unit="L",
        is_golden=True,
        is_required=True,
    )
    seller = make_seller_user(
        admin=world.seller_admin, firm=world.seller_firm, roles=[Role.SELLER_CATALOGUE]
    )
    other = make_seller_user(
        admin=world.other_seller_admin,
        firm=world.other_seller_firm,
        roles=[Role.SELLER_CATALOGUE],
    )
    third_firm, third_admin = make_seller_firm(name="Kashi Appliances")

    def offer(user: User, firm: SellerFirm, maker: str, capacity: str, rupees: int) -> Any:
        return make_listed_offer(
            seller=user,
            firm=firm,
            category=category,
            title=f"{maker} purifier {capacity} L",
            brand=maker,
            model=unique(f"{maker[:2].upper()}-"),
            oem=maker,
            specs={"capacity": capacity},
            price_paise=rupees * 100,
            mrp_paise=rupees * 120,
            stock=stock,
        )

    market = Market(
        world=world,
        category=category,
        third_firm=third_firm,
        third_admin=third_admin,
        tata_9=offer(seller, world.seller_firm, "Tata", "9", 9_000),
        godrej_9=offer(other, world.other_seller_firm, "Godrej", "9", 9_500),
        bajaj_9=offer(third_admin, third_firm, "Bajaj", "9", 10_000),
        usha_9=offer(seller, world.seller_firm, "Usha", "9", 12_000),
        tata_6=offer(seller, world.seller_firm, "Tata", "6", 5_000),
        second_buyer=make_secondary_user(
            primary=world.primary, unit=world.office, roles=[Role.BUYER]
        ),
    )
    index.rebuild()
    return market
