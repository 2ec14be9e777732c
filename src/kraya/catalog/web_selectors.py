"""Reads for the catalogue's web pages (issue 4): spec templates, an offer's
page, a seller firm's catalogue, the operators' approval queue.

Each look-up also decides who may see the object: another firm's offer does
not exist for a seller (NotFound → 404); a user of the firm without a
catalogue role is refused (PermissionDenied → 403); the operators' pages are
for platform operators only. Buyers do not see who the seller is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language, gettext_lazy

from kraya.accounts.models import SellerFirm
from kraya.accounts.selectors import Actor
from kraya.catalog import rules
from kraya.catalog.models import (
    Category,
    Offer,
    OfferPriceChange,
    Product,
    SpecParameter,
)
from kraya.catalog.selectors import may_see_seller
from kraya.core.errors import NotFound, PermissionDenied

HISTORY_SHOWN = 20
PRODUCTS_TO_OFFER_MAX = 300


def require_operator(*, actor: Actor) -> None:
    if not actor.is_operator:
        raise PermissionDenied()


def spec_template(*, category: Category) -> list[SpecParameter]:
    """CAT-1: the category's parameters in their order."""
    return list(category.parameters.order_by("position", "id"))


def golden_parameters(*, category: Category) -> list[SpecParameter]:
    """CAT-1: the parameters buyers filter and compare on."""
    return list(category.parameters.filter(is_golden=True).order_by("position", "id"))


def categories_open() -> QuerySet[Category]:
    """Active categories a seller may add products to."""
    return Category.objects.filter(is_active=True).order_by("kind", "name", "id")


# --- an offer's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """CAT-4: why an offer is flagged, as the service recorded it."""

    kind: str
    reference_price_paise: int
    observations: int
    first_observed_at: dt.datetime | None
    last_observed_at: dt.datetime | None
    threshold_percent: str
    window_days: int


@dataclass(frozen=True)
class OfferDetail:
    offer: Offer
    product: Product
    specs: list[tuple[str, str]]
    delivery_states: list[str]
    history: list[OfferPriceChange]
    evidence: Evidence | None
    seller_name: str | None  # None: hidden from this reader
    is_listed: bool
    is_own: bool
    segments: list[str] = field(default_factory=list)


def _moment(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _evidence(offer: Offer) -> Evidence | None:
    data = offer.price_evidence or {}
    if not offer.price_flag or not data:
        return None
    return Evidence(
        kind=str(data.get("reference_kind", "")),
        reference_price_paise=int(data.get("reference_price_paise") or 0),
        observations=int(data.get("observations") or 0),
        first_observed_at=_moment(data.get("first_observed_at")),
        last_observed_at=_moment(data.get("last_observed_at")),
        threshold_percent=str(data.get("threshold_percent", "")),
        window_days=int(data.get("window_days") or 0),
    )


def spec_rows(*, product: Product, parameters: list[SpecParameter]) -> list[tuple[str, str]]:
    """The product's spec values labelled by its category's template, in order,
    a number with its unit, a choice in the reader's language."""
    hindi = _hindi()
    rows = []
    for parameter in parameters:
        raw = (product.specs or {}).get(parameter.code)
        if raw in (None, ""):
            continue
        value = str(raw)
        if parameter.kind == SpecParameter.Kind.CHOICE:
            for choice in parameter.choices or []:
                if str(choice.get("value")) == value:
                    value = str((choice.get("hi") if hindi else "") or choice.get("en") or value)
        elif parameter.kind == SpecParameter.Kind.BOOLEAN:
            value = str(_YES) if value == "true" else str(_NO)
        elif parameter.unit:
            value = f"{value} {parameter.unit}"
        rows.append((parameter.display_name, value))
    return rows


def offer_detail(*, actor: Actor | None, offer_id: int) -> OfferDetail:
    """An offer as its page shows it. Anyone sees a listed offer; an unlisted
    one only its firm and operators. The seller's name only they see."""
    offer = (
        Offer.objects.select_related("product__brand", "product__category", "seller_firm")
        .filter(pk=offer_id, product__isnull=False)
        .first()
    )
    if offer is None:
        raise NotFound()
    product = offer.product
    assert product is not None
    is_own = actor is not None and actor.sees_firm(offer.seller_firm)
    is_operator = actor is not None and actor.is_operator
    listed = offer.is_listed
    if not (listed or is_own or is_operator):
        raise NotFound()
    return OfferDetail(
        offer=offer,
        product=product,
        specs=spec_rows(product=product, parameters=spec_template(category=product.category)),
        delivery_states=rules.states_in_mask(offer.delivery_state_mask),
        history=list(offer.price_history.order_by("-changed_at", "-id")[:HISTORY_SHOWN]),
        evidence=_evidence(offer),
        seller_name=offer.seller_firm.name if may_see_seller(actor, offer.seller_firm_id) else None,
        is_listed=listed,
        is_own=is_own and _may_manage(actor, offer.seller_firm),
    )


# --- the seller firm's catalogue ------------------------------------------------------------


def _may_manage(actor: Actor | None, firm: SellerFirm) -> bool:
    return actor is not None and rules.may_manage_offers(actor.roles_in_firm(firm)).allowed


def _check_firm(actor: Actor, firm: SellerFirm) -> None:
    """ROLE-3: outside the firm it does not exist; inside it needs a catalogue role."""
    if not actor.sees_firm(firm):
        raise NotFound()
    if not _may_manage(actor, firm):
        raise PermissionDenied()


def firm_for_catalogue(*, actor: Actor, firm_id: int) -> SellerFirm:
    firm = SellerFirm.objects.filter(pk=firm_id).first()
    if firm is None:
        raise NotFound()
    _check_firm(actor, firm)
    return firm


def firm_products(*, firm: SellerFirm) -> QuerySet[Product]:
    """The products the firm proposed, newest first (for a paginator)."""
    return (
        Product.objects.filter(created_by_firm=firm)
        .select_related("brand", "category")
        .order_by("-created_at", "-id")
    )


def firm_offers(*, firm: SellerFirm) -> QuerySet[Offer]:
    """The firm's offers, newest first, with their products (for a paginator)."""
    return (
        Offer.objects.filter(seller_firm=firm, product__isnull=False)
        .select_related("product__brand")
        .order_by("-created_at", "-id")
    )


def products_to_offer(*, firm: SellerFirm, category: Category | None = None) -> QuerySet[Product]:
    """CAT-3: what the firm may offer: its own products not rejected, and the
    published products of `category` (the first few hundred, by title)."""
    own = Q(created_by_firm=firm, status__in=[rules.PENDING, rules.PUBLISHED])
    condition = own
    if category is not None:
        published = Product.objects.filter(category=category, status=rules.PUBLISHED)
        ids = list(
            published.order_by("title", "id").values_list("id", flat=True)[:PRODUCTS_TO_OFFER_MAX]
        )
        condition = own | Q(pk__in=ids)
    return Product.objects.filter(condition).select_related("brand").order_by("title", "id")


def offer_for_seller(*, actor: Actor, offer_id: int) -> Offer:
    offer = (
        Offer.objects.select_related("product__brand", "seller_firm")
        .filter(pk=offer_id, product__isnull=False)
        .first()
    )
    if offer is None:
        raise NotFound()
    _check_firm(actor, offer.seller_firm)
    return offer


def delivery_states(*, offer: Offer) -> list[str]:
    return rules.states_in_mask(offer.delivery_state_mask)


def offer_price_history(*, offer: Offer) -> list[OfferPriceChange]:
    return list(offer.price_history.order_by("-changed_at", "-id")[:HISTORY_SHOWN])


# --- the operators' approval queue -----------------------------------------------------------


def products_awaiting_review(*, actor: Actor) -> QuerySet[Product]:
    """CAT-3: products waiting for an operator, oldest first."""
    require_operator(actor=actor)
    return (
        Product.objects.filter(status=rules.PENDING)
        .select_related("brand", "category", "created_by_firm")
        .order_by("created_at", "id")
    )


def product_for_review(*, actor: Actor, product_id: int) -> Product:
    require_operator(actor=actor)
    product = (
        Product.objects.select_related("brand", "category", "created_by_firm")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise NotFound()
    return product


def _hindi() -> bool:
    return (get_language() or "").startswith("hi")


_YES = gettext_lazy("Yes")
_NO = gettext_lazy("No")
