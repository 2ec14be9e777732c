"""Writes for the catalogue: categories (operators, the system) and offers
(a seller firm's admin or catalogue users).

Keyword-only, one transaction each, one audit event each; refusals raise
`kraya.core.errors` exceptions with stable codes and change nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor, as_actor
from kraya.catalog import rules
from kraya.catalog.models import Category, Offer
from kraya.core import audit
from kraya.core.errors import PermissionDenied, ValidationFailed

Acting = User | Actor

_MESSAGES: dict[str, Any] = {
    "catalog.title_required": _("Enter a title."),
    "catalog.price_not_positive": _("Enter a price above zero."),
    "catalog.mrp_not_positive": _("Enter an MRP above zero."),
    "catalog.price_above_mrp": _("The price cannot be above the MRP."),
    "catalog.stock_out_of_range": _("Enter a stock between 0 and 1,00,00,000."),
    "catalog.lead_time_out_of_range": _("Enter a lead time between 1 and 365 days."),
    "catalog.bad_category_code": _(
        "Use up to 40 lower-case letters, digits and single hyphens, e.g. office-chairs."
    ),
    "catalog.name_required": _("Enter a name."),
    "catalog.bad_kind": _("Choose product or service."),
    "catalog.parent_kind_differs": _("A sub-category must be of the same kind as its parent."),
    "catalog.code_taken": _("A category with this code already exists."),
    "catalog.category_inactive": _("This category is closed to new offers."),
    "catalog.parent_inactive": _("This parent category is closed."),
    "catalog.firm_inactive": _("This seller firm is not active."),
}


def _refuse(problems: list[rules.Problem]) -> ValidationFailed:
    fields: dict[str, list[Any]] = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(_MESSAGES[problem.code])
    return ValidationFailed(code=problems[0].code, fields=fields)


def _field_error(field: str, code: str) -> ValidationFailed:
    return ValidationFailed(_MESSAGES[code], code=code, fields={field: [_MESSAGES[code]]})


@transaction.atomic
def category_create(
    *,
    acting_user: Acting | None,
    code: str,
    name: str,
    kind: str,
    name_hi: str = "",
    parent: Category | None = None,
) -> Category:
    """Add a category (CAT-1). Only the system (`None`, e.g. the demo loader)
    or a platform operator may."""
    actor = as_actor(acting_user) if acting_user is not None else None
    if actor is not None and not actor.is_operator:
        raise PermissionDenied()
    code = code.strip()
    problems = rules.category_problems(
        code=code,
        name=name,
        kind=kind,
        parent_kind=parent.kind if parent is not None else None,
    )
    if problems:
        raise _refuse(problems)
    if parent is not None and not parent.is_active:
        raise _field_error("parent", "catalog.parent_inactive")
    if Category.objects.filter(code=code).exists():
        raise _field_error("code", "catalog.code_taken")
    category = Category.objects.create(
        code=code, name=name.strip(), name_hi=name_hi.strip(), kind=kind, parent=parent
    )
    audit.record(
        actor=actor.user if actor is not None else None,
        action="catalog.category.create",
        target=category,
        payload={"code": code, "kind": kind, "parent": parent.code if parent else None},
    )
    return category


@transaction.atomic
def offer_create(
    *,
    acting_user: Acting,
    firm: SellerFirm,
    category: Category,
    title: str,
    price_paise: int,
    mrp_paise: int,
    title_hi: str = "",
    brand: str = "",
    model: str = "",
    stock: int = 0,
    lead_time_days: int = 7,
) -> Offer:
    """A seller firm offers a product or service at a price (CAT-2)."""
    actor = as_actor(acting_user)
    # ROLE-3: only the firm's admin or catalogue users list offers for it.
    if not rules.may_manage_offers(actor.roles_in_firm(firm)).allowed:
        raise PermissionDenied()
    problems = rules.offer_problems(
        title=title,
        price_paise=price_paise,
        mrp_paise=mrp_paise,
        stock=stock,
        lead_time_days=lead_time_days,
    )
    if problems:
        raise _refuse(problems)
    if not firm.is_active:
        raise _field_error("firm", "catalog.firm_inactive")
    if not category.is_active:
        raise _field_error("category", "catalog.category_inactive")
    offer = Offer.objects.create(
        seller_firm=firm,
        category=category,
        title=title.strip(),
        title_hi=title_hi.strip(),
        brand=brand.strip(),
        model=model.strip(),
        price_paise=price_paise,
        mrp_paise=mrp_paise,
        stock=stock,
        lead_time_days=lead_time_days,
    )
    audit.record(
        actor=actor.user,
        action="catalog.offer.create",
        target=offer,
        payload={
            "firm": firm.pk,
            "category": category.code,
            "title": offer.title,
            "price_paise": price_paise,
            "mrp_paise": mrp_paise,
        },
    )
    return offer
