"""Brands and products (CAT-2, CAT-3, MII-1): sellers propose products,
registered brands publish at once, operators approve or reject the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from kraya.accounts.models import SellerFirm
from kraya.catalog import rules
from kraya.catalog.models import Brand, Category, Offer, Product, SpecParameter
from kraya.catalog.services._common import (
    Acting,
    catalogue_user,
    field_error,
    operator_or_system,
    refuse,
    reindex_on_commit,
    user_of,
)
from kraya.core import audit, clock
from kraya.core.errors import Conflict
from kraya.core.policy import policy_at


def parameter_specs(category: Category) -> list[rules.ParameterSpec]:
    """The category's template as plain values for the rules."""
    return [
        rules.ParameterSpec(
            code=p.code,
            kind=p.kind,
            unit=p.unit,
            choices=tuple(str(c.get("value", "")) for c in p.choices or []),
            is_required=p.is_required,
            min_value=p.min_value,
            max_value=p.max_value,
        )
        for p in SpecParameter.objects.filter(category=category).order_by("position", "id")
    ]


@transaction.atomic
def brand_register(
    *, acting_user: Acting | None, name: str, owner_firm: SellerFirm | None = None
) -> Brand:
    """CAT-3: an operator registers a brand (its products then publish at
    once). A brand already known unregistered becomes registered."""
    actor = operator_or_system(acting_user)
    if not name.strip():
        raise field_error("name", "catalog.brand_required")
    key = rules.brand_key(name)
    brand = Brand.objects.select_for_update().filter(name_key=key).first()
    if brand is not None and brand.is_registered:
        raise field_error("name", "catalog.brand_taken")
    if brand is None:
        brand = Brand.objects.create(
            name=name.strip(), name_key=key, is_registered=True, owner_firm=owner_firm
        )
    else:
        brand.is_registered = True
        brand.owner_firm = owner_firm
        brand.save(update_fields=["is_registered", "owner_firm"])
    audit.record(
        actor=user_of(actor),
        action="catalog.brand.register",
        target=brand,
        payload={"name": brand.name, "owner_firm": owner_firm.pk if owner_firm else None},
    )
    return brand


def _brand_for(name: str) -> Brand:
    """The brand with this normalised name, created unregistered if new."""
    key = rules.brand_key(name)
    try:
        with transaction.atomic():  # a savepoint: another seller may add it at the same moment
            brand, _created = Brand.objects.get_or_create(
                name_key=key, defaults={"name": name.strip()}
            )
    except IntegrityError:
        brand = Brand.objects.get(name_key=key)
    return brand


@transaction.atomic
def product_create(
    *,
    acting_user: Acting,
    firm: SellerFirm,
    category: Category,
    brand: str,
    title: str,
    model: str = "",
    oem: str = "",
    title_hi: str = "",
    description: str = "",
    specs: Mapping[str, object] | None = None,
    country_of_origin: str = "IN",
    local_content_percent: int = 0,
    gi_tag: str = "",
    service_unit: str = "",
    sla: Mapping[str, object] | None = None,
) -> Product:
    """A seller firm proposes a product or service (CAT-2). Its specification
    is checked against the category's template; its Make in India class comes
    from its local content (MII-1); a registered brand publishes at once,
    any other waits for an operator (CAT-3)."""
    actor = catalogue_user(acting_user, firm)
    sla_terms = {str(k).strip(): str(v).strip() for k, v in (sla or {}).items()}
    problems = rules.product_problems(
        category_kind=category.kind,
        brand_name=brand,
        title=title,
        model=model,
        service_unit=service_unit,
        sla=sla_terms,
    )
    problems += rules.origin_problems(
        country_of_origin=country_of_origin, local_content_percent=local_content_percent
    )
    check = rules.check_specs(parameter_specs(category), specs or {})
    problems += check.problems
    if problems:
        raise refuse(problems)
    if not firm.is_active:
        raise field_error("firm", "catalog.firm_inactive")
    if not category.is_active:
        raise field_error("category", "catalog.category_inactive")
    policy = policy_at(clock.today_ist())
    mii = rules.mii_class_for(local_content_percent=local_content_percent, policy=policy.mii)
    the_brand = _brand_for(brand)
    approval = rules.status_on_create(brand_is_registered=the_brand.is_registered)
    now = clock.now()
    product = Product.objects.create(
        category=category,
        brand=the_brand,
        oem=oem.strip(),
        model=model.strip(),
        title=title.strip(),
        title_hi=title_hi.strip(),
        description=description.strip(),
        specs=check.values,
        country_of_origin=rules.country_code(country_of_origin) or "",
        local_content_percent=local_content_percent,
        mii_class=mii.mii_class,
        gi_tag=gi_tag.strip(),
        service_unit=service_unit.strip(),
        sla=sla_terms,
        status=approval.code,
        created_by_firm=firm,
        reviewed_at=now if approval.allowed else None,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor.user,
        action="catalog.product.create",
        target=product,
        payload={
            "firm": firm.pk,
            "category": category.code,
            "brand": the_brand.name,
            "model": product.model,
            "status": product.status,
            "approval_rule": approval.rule,
            "mii_class": mii.mii_class,
            "mii_rule": mii.rule,
            "mii_policy_version": mii.policy_version,
            "local_content_percent": local_content_percent,
            "country_of_origin": product.country_of_origin,
        },
    )
    return product


def _review(product: Product, action: str) -> tuple[Product, str]:
    locked = Product.objects.select_for_update().get(pk=product.pk)
    target = rules.PRODUCT_TRANSITIONS.get((locked.status, action))
    if target is None:
        raise Conflict(code="catalog.product_not_pending")
    return locked, target


def _move_offers(product: Product, action: str) -> list[int]:
    """Carry the product's decision to its offers waiting on it (CAT-3)."""
    changed: list[int] = []
    for (source, act), target in rules.OFFER_TRANSITIONS.items():
        if act != action:
            continue
        ids = list(
            Offer.objects.filter(product=product, status=source).values_list("id", flat=True)
        )
        Offer.objects.filter(id__in=ids).update(status=target, updated_at=clock.now())
        changed += ids
    return changed


@transaction.atomic
def product_approve(*, acting_user: Acting | None, product: Product) -> Product:
    """CAT-3: an operator publishes a product awaiting approval; offers made
    of it meanwhile are published with it."""
    actor = operator_or_system(acting_user)
    locked, target = _review(product, "approve")
    locked.status = target
    locked.rejection_reason = ""
    locked.reviewed_by = user_of(actor)
    locked.reviewed_at = locked.updated_at = clock.now()
    locked.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    offer_ids = _move_offers(locked, "publish")
    audit.record(
        actor=user_of(actor),
        action="catalog.product.approve",
        target=locked,
        payload={"rule": "CAT-3", "offers_published": offer_ids},
    )
    reindex_on_commit(offer_ids)
    return locked


@transaction.atomic
def product_reject(*, acting_user: Acting | None, product: Product, reason: str) -> Product:
    """CAT-3: an operator rejects a product awaiting approval, with a reason
    the seller sees; its waiting offers are rejected with it."""
    actor = operator_or_system(acting_user)
    problems = rules.reason_problems(reason)
    if problems:
        raise refuse(problems)
    locked, target = _review(product, "reject")
    locked.status = target
    locked.rejection_reason = reason.strip()
    locked.reviewed_by = user_of(actor)
    locked.reviewed_at = locked.updated_at = clock.now()
    locked.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    offer_ids = _move_offers(locked, "reject")
    payload: dict[str, Any] = {
        "rule": "CAT-3",
        "reason": locked.rejection_reason,
        "offers_rejected": offer_ids,
    }
    audit.record(
        actor=user_of(actor), action="catalog.product.reject", target=locked, payload=payload
    )
    reindex_on_commit(offer_ids)
    return locked


def require_offerable(*, actor_firm: SellerFirm, product: Product) -> None:
    """CAT-3: may this firm make an offer of this product?"""
    decision = rules.may_offer_product(
        product_status=product.status, own_product=product.created_by_firm_id == actor_firm.pk
    )
    if not decision.allowed:
        raise field_error("product", decision.code)
