"""A small fixed dataset for the statistics tests: orders written as the
orders app writes them (placed, then moved through states with `updated_at`
set, as `kraya.orders.services.transitions` does)."""

from __future__ import annotations

import datetime as dt
import itertools

from kraya.catalog.models import Category
from kraya.core import clock
from kraya.insights.rules import IST
from kraya.orders.models import Order
from kraya.sellers.models import Registration, SocialCategory

_numbers = itertools.count(1)


def ist(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=IST)


def category(name: str = "Office chairs", kind: str = "PRODUCT") -> Category:
    return Category.objects.create(
        code=f"test-{next(_numbers)}", name=name, name_hi=f"{name} (हिन्दी)", kind=kind
    )


def give_segments(firm, *kinds: str, verified: bool = True) -> None:
    registration = Registration.objects.create(
        firm=firm, status=Registration.Status.VERIFIED, legal_name=firm.name
    )
    for kind in kinds:
        SocialCategory.objects.create(registration=registration, kind=kind, verified=verified)


def place(
    world, *, at: dt.datetime, rupees: int, firm=None, office=None, cat=None, mode: str = "DIRECT"
) -> Order:
    office = office or world.office
    return Order.objects.create(
        number=f"T-{next(_numbers)}",
        placed_at=at,
        updated_at=clock.now(),
        buyer_office=office,
        buyer=world.buyer,
        consignee=world.consignee,
        paying_authority=world.paying_authority,
        seller_firm=firm or world.seller_firm,
        category=cat,
        mode=mode,
        total_paise=rupees * 100,
        delivery_period_days=10,
        delivery_due_on=(at + dt.timedelta(days=10)).date(),
        delivery_state="Uttar Pradesh",
        delivery_pincode="226001",
        delivery_address="Stores",
        receipts_digest="x" * 64,
        policy_version="test",
    )


def move(order: Order, status: str) -> None:
    """Change an order's status the way the orders' transitions do (with
    `updated_at`), without their side effects (not what is tested here)."""
    Order.objects.filter(pk=order.pk).update(status=status, updated_at=clock.now())
