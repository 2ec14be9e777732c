"""Reads for the catalogue outside search: categories and their templates,
a product or offer as its viewer may see it (with price history and the
CAT-4 evidence), a firm's own products and offers, the approval queue.

Visibility: a listed offer (it and its product published, its firm active)
and a published product are public; anything else is seen only by the
firm's members and operators. Unseen objects are `NotFound`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation

from kraya.accounts.models import SellerFirm
from kraya.accounts.selectors import Actor
from kraya.catalog import rules
from kraya.catalog.models import (
    Brand,
    Category,
    Offer,
    OfferPriceChange,
    PriceReference,
    Product,
    SpecParameter,
)
from kraya.core import clock
from kraya.core.errors import NotFound, PermissionDenied
from kraya.sellers.selectors import seller_segments

PRICE_HISTORY_LIMIT = 50


def listed_q(prefix: str = "") -> Q:
    """An offer buyers can see: it and its product are published and its firm
    is active and not barred now (INC-2: suspended or debarred by an incident
    decision). `prefix` reaches offers through a relation ("offers__")."""
    now = clock.now()
    firm = f"{prefix}seller_firm__"
    return (
        Q(
            **{
                f"{prefix}status": rules.PUBLISHED,
                f"{prefix}product__status": rules.PUBLISHED,
                f"{firm}is_active": True,
            }
        )
        & ~Q(**{f"{firm}suspended_until__gt": now})
        & ~Q(**{f"{firm}debarred_until__gt": now})
    )


def categories_with_offer_counts() -> list[Category]:
    """Active categories, each with `offer_count` (its listed offers), in one query."""
    return list(
        Category.objects.filter(is_active=True)
        .annotate(offer_count=Count("offers", filter=listed_q("offers__")))
        .order_by("kind", "name", "id")
    )


def category_by_code(*, code: str) -> Category | None:
    """The active category with this address code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def categories_with_parameters() -> QuerySet[Category]:
    """Active categories with their templates loaded (CAT-1)."""
    return Category.objects.filter(is_active=True).prefetch_related(
        Prefetch("parameters", queryset=SpecParameter.objects.order_by("position", "id"))
    )


def category_get(*, code: str) -> Category:
    category = categories_with_parameters().filter(code=code).first()
    if category is None:
        raise NotFound()
    return category


def offers_in_category(*, category: Category) -> QuerySet[Offer]:
    """The category's listed offers, cheapest first, with product and firm loaded."""
    return (
        Offer.objects.filter(listed_q(), category=category)
        .select_related("seller_firm", "product", "product__brand")
        .order_by("price_paise", "id")
    )


def seller_firms_listed(*, firm_ids: set[int]) -> set[int]:
    """Of `firm_ids`, the firms with at least one listed offer (the outreach
    funnel's "catalogue listed" stage, OUT-1), in one query."""
    return set(
        Offer.objects.filter(listed_q(), seller_firm_id__in=firm_ids)
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


# --- who sees what ------------------------------------------------------------------


def may_see_seller(actor: Actor | None, firm_id: int | None) -> bool:
    """Whether `actor` may know which firm is behind an offer or product:
    operators and the firm's own users may; buyers and visitors choose on the
    offer, not the firm (direct purchase hides names until the decision). The
    one place this rule lives: search hits, offer pages and the API use it."""
    if actor is None or firm_id is None:
        return False
    return actor.is_operator or any(m.seller_firm_id == firm_id for m in actor.memberships)


def require_operator(*, actor: Actor) -> Actor:
    """Operators' operations (CAT-1 templates, CAT-3 approval, CAT-4 references)."""
    if not actor.is_operator:
        raise PermissionDenied()
    return actor


def firm_for_catalogue(*, actor: Actor, firm_id: int) -> SellerFirm:
    """A firm whose catalogue the actor works on: 404 outside the firm, 403
    for a member without a catalogue role (ROLE-3)."""
    firm = SellerFirm.objects.filter(pk=firm_id).first()
    if firm is None or not actor.sees_firm(firm):
        raise NotFound()
    if not rules.may_manage_offers(actor.roles_in_firm(firm)).allowed:
        raise PermissionDenied()
    return firm


def product_get(*, actor: Actor | None, product_id: int) -> Product:
    product = (
        Product.objects.select_related("category", "brand", "created_by_firm")
        .filter(pk=product_id)
        .first()
    )
    if product is None or (
        product.status != rules.PUBLISHED and not may_see_seller(actor, product.created_by_firm_id)
    ):
        raise NotFound()
    return product


def offer_get(*, actor: Actor | None, offer_id: int) -> Offer:
    """An offer as its viewer may see it, with its price history loaded."""
    offer = (
        Offer.objects.select_related(
            "seller_firm", "product", "product__brand", "product__category", "category"
        )
        .prefetch_related(
            Prefetch(
                "price_history",
                queryset=OfferPriceChange.objects.order_by("-changed_at", "-id"),
            )
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or not (offer.is_listed or may_see_seller(actor, offer.seller_firm_id)):
        raise NotFound()
    return offer


def seller_name_for(*, actor: Actor | None, offer: Offer) -> str | None:
    """The seller's name, or None where the viewer may not know it yet:
    buyers choose on the offer, not the firm, until the decision."""
    if may_see_seller(actor, offer.seller_firm_id):
        return offer.seller_firm.name
    return None


def offer_etag(offer: Offer) -> str:
    """The offer's version for `ETag`/`If-Match`: changes whenever it is saved."""
    basis = f"{offer.pk}:{offer.updated_at.isoformat()}:{offer.status}:{offer.price_paise}"
    return '"' + hashlib.sha256(basis.encode()).hexdigest()[:20] + '"'


def price_history(*, offer: Offer) -> list[OfferPriceChange]:
    return list(offer.price_history.all()[:PRICE_HISTORY_LIMIT])


def firm_products(*, firm: SellerFirm) -> QuerySet[Product]:
    """Products the firm proposed, any status (its own view)."""
    return Product.objects.filter(created_by_firm=firm).select_related("category", "brand")


def firm_offers(*, firm: SellerFirm, status: str = "") -> QuerySet[Offer]:
    """The firm's offers, any status unless one is asked for."""
    offers = Offer.objects.filter(seller_firm=firm).select_related(
        "product", "product__brand", "category", "seller_firm"
    )
    return offers.filter(status=status) if status else offers


def approval_queue() -> QuerySet[Product]:
    """CAT-3: products awaiting an operator, oldest first."""
    return Product.objects.filter(status=rules.PENDING).select_related(
        "category", "brand", "created_by_firm"
    )


def brands() -> QuerySet[Brand]:
    return Brand.objects.all()


def price_references(*, product: Product) -> QuerySet[PriceReference]:
    return PriceReference.objects.filter(product=product)


# --- for the catalogue pages ---------------------------------------------------------


def spec_template(*, category: Category) -> list[SpecParameter]:
    """The category's specification template in order (CAT-1)."""
    return list(category.parameters.order_by("position", "id"))


def golden_parameters(*, category: Category) -> list[SpecParameter]:
    """The parameters buyers filter and compare on (CAT-1)."""
    return [p for p in spec_template(category=category) if p.is_golden]


def categories_open() -> list[Category]:
    """Active categories a seller may propose products in."""
    return list(Category.objects.filter(is_active=True).order_by("kind", "name", "id"))


def products_to_offer(*, firm: SellerFirm) -> QuerySet[Product]:
    """CAT-3: products this firm may offer: published ones and its own
    awaiting approval."""
    return (
        Product.objects.filter(
            Q(status=rules.PUBLISHED) | Q(status=rules.PENDING, created_by_firm=firm)
        )
        .select_related("brand", "category")
        .order_by("title", "id")
    )


def offer_for_seller(*, actor: Actor, offer_id: int) -> Offer:
    """One of the firm's offers, for its catalogue users (ROLE-3)."""
    offer = (
        Offer.objects.select_related("seller_firm", "product", "product__brand", "category")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or not actor.sees_firm(offer.seller_firm):
        raise NotFound()
    if not rules.may_manage_offers(actor.roles_in_firm(offer.seller_firm)).allowed:
        raise PermissionDenied()
    return offer


def delivery_states(*, offer: Offer) -> list[str]:
    return rules.states_in_mask(offer.delivery_state_mask)


def offer_price_history(*, offer: Offer) -> list[OfferPriceChange]:
    return list(offer.price_history.order_by("-changed_at", "-id")[:PRICE_HISTORY_LIMIT])


def products_awaiting_review(*, actor: Actor) -> QuerySet[Product]:
    require_operator(actor=actor)
    return approval_queue().order_by("created_at", "id")


def product_for_review(*, actor: Actor, product_id: int) -> Product:
    require_operator(actor=actor)
    product = approval_queue().filter(pk=product_id).first()
    if product is None:
        product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    return product


@dataclass(frozen=True)
class OfferDetail:
    """An offer as a viewer sees it: terms, product, specification with
    labels, delivery area, price history and the CAT-4 evidence."""

    offer: Offer
    product: Product
    is_listed: bool
    is_own: bool
    seller_name: str | None
    segments: list[str]
    delivery_states: list[str]
    specs: list[tuple[str, str]]
    history: list[OfferPriceChange]
    references: list[PriceReference] = field(default_factory=list)


def _spec_rows(product: Product) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for parameter in spec_template(category=product.category):
        value = (product.specs or {}).get(parameter.code)
        if value is None:
            continue
        if parameter.kind == rules.CHOICE:
            labels = {c.get("value"): c for c in parameter.choices or []}
            choice = labels.get(value, {})
            hindi = (translation.get_language() or "").startswith("hi")
            value = (choice.get("hi") if hindi else "") or choice.get("en") or value
        elif parameter.unit:
            value = f"{value} {parameter.unit}"
        rows.append((parameter.display_name, value))
    for key, value in (product.sla or {}).items():
        rows.append((key, str(value)))
    return rows


def offer_detail(*, actor: Actor | None, offer_id: int) -> OfferDetail:
    """CAT-4: the offer with its price history and, when flagged, the
    reference prices behind the flag."""
    offer = offer_get(actor=actor, offer_id=offer_id)
    product = offer.product
    own = actor is not None and actor.sees_firm(offer.seller_firm)
    segments = sorted(
        seller_segments(firm_ids=[offer.seller_firm_id]).get(offer.seller_firm_id, set())
    )
    evidence = offer.price_evidence or {}
    references: list[PriceReference] = []
    if evidence.get("reference_kind"):
        references = list(
            price_references(product=product)
            .filter(kind=evidence["reference_kind"])
            .order_by("-observed_at", "-id")[:PRICE_HISTORY_LIMIT]
        )
    return OfferDetail(
        offer=offer,
        product=product,
        is_listed=offer.is_listed,
        is_own=own,
        seller_name=seller_name_for(actor=actor, offer=offer),
        segments=segments,
        delivery_states=delivery_states(offer=offer),
        specs=_spec_rows(product),
        history=price_history(offer=offer),
        references=references,
    )
