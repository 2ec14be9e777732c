"""Reads for the catalogue's public pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kraya.catalog.models import Category, Offer


def _listed() -> Q:
    """An offer buyers can see: it and its seller firm are active."""
    return Q(is_active=True, seller_firm__is_active=True)


def categories_with_offer_counts() -> list[Category]:
    """Active categories, each with `offer_count` (its listed offers), in one query."""
    listed = Q(offers__is_active=True, offers__seller_firm__is_active=True)
    return list(
        Category.objects.filter(is_active=True)
        .annotate(offer_count=Count("offers", filter=listed))
        .order_by("kind", "name", "id")
    )


def category_by_code(*, code: str) -> Category | None:
    """The active category with this address code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def offers_in_category(*, category: Category) -> QuerySet[Offer]:
    """The category's listed offers, cheapest first, with their firms loaded."""
    return (
        Offer.objects.filter(_listed(), category=category)
        .select_related("seller_firm")
        .order_by("price_paise", "id")
    )


def seller_firms_listed(*, firm_ids: set[int]) -> set[int]:
    """Of `firm_ids`, the firms with at least one listed offer (the outreach
    funnel's "catalogue listed" stage, OUT-1), in one query."""
    return set(
        Offer.objects.filter(_listed(), seller_firm_id__in=firm_ids)
        .values_list("seller_firm_id", flat=True)
        .distinct()
    )


def seller_firms_with_offers(*, firm_ids: set[int]) -> set[int]:
    """Of `firm_ids`, the firms that have ever made an offer, listed or not
    (the funnel's "bid or offer made" stage), in one query."""
    return set(
        Offer.objects.filter(seller_firm_id__in=firm_ids)
        .values_list("seller_firm_id", flat=True)
        .distinct()
    )
