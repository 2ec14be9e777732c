"""The catalogue API under `/api/v1/catalog/` (DOMAIN §4, CAT-1..4).

Public reads: categories with their templates, brands, published products
and listed offers (anyone; a signed-in caller also sees their firm's own).
Operators: categories, parameters, brands, the approval queue, approve and
reject (CAT-3), price references (CAT-4). A seller firm's admin and
catalogue users (ROLE-3): products, offers, clone, terms, withdraw, bulk CSV.

Authorization follows the project rule (see `kraya/accounts/api.py`): 401
without credentials; 404 for what the caller may not see; 403 when they see
it but lack the role. Offers carry an `ETag`; `PATCH` honours `If-Match`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.auth import api_token_auth, session_auth
from kraya.api.idempotency import idempotent
from kraya.api.pagination import cursor_paginate
from kraya.api.schemas import error_responses
from kraya.catalog import rules, selectors, services
from kraya.catalog.api.schemas import (
    BrandIn,
    BrandOut,
    BulkReportOut,
    CategoryIn,
    CategoryOut,
    CloneIn,
    FirmOfferOut,
    OfferDetailOut,
    OfferIn,
    OfferTermsIn,
    ParameterIn,
    ParameterOut,
    PriceReferenceIn,
    PriceReferenceOut,
    ProductIn,
    ProductOut,
    RejectIn,
)
from kraya.catalog.models import Category, Offer, Product
from kraya.catalog.rules import bulk as bulk_rules
from kraya.core.errors import NotFound, PermissionDenied, ValidationFailed

router = Router(tags=["catalogue"])

_ANONYMOUS = object()


def _anyone(request: HttpRequest) -> Any:
    """The last of the public operations' authenticators: nobody signed in."""
    return _ANONYMOUS


PUBLIC_AUTH = [api_token_auth, session_auth, _anyone]


# --- helpers ------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _viewer(request: HttpRequest) -> Actor | None:
    if request.auth is _ANONYMOUS:  # type: ignore[attr-defined]
        return None
    return _actor(request)


def _offer_out(offer: Offer, actor: Actor | None, *, history: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": offer.pk,
        "product": offer.product_id,
        "title": offer.product.title,
        "title_hi": offer.product.title_hi,
        "category": offer.category.code,
        "seller_name": selectors.seller_name_for(actor=actor, offer=offer),
        "price_paise": offer.price_paise,
        "mrp_paise": offer.mrp_paise,
        "stock": offer.stock,
        "lead_time_days": offer.lead_time_days,
        "delivery_states": rules.states_in_mask(offer.delivery_state_mask),
        "delivery_pincodes": [p for p in offer.delivery_pincodes.split(",") if p],
        "status": offer.status,
        "price_flag": offer.price_flag,
        "reference_price_paise": offer.reference_price_paise,
        "price_evidence": offer.price_evidence or {},
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
    }
    if history:
        data["price_history"] = selectors.price_history(offer=offer)
    return data


def _category_by_code(code: str, field: str) -> Category:
    category = Category.objects.filter(code=code.strip()).first()
    if category is None:
        raise ValidationFailed(
            code="catalog.no_category",
            fields={field: [_("There is no category with this code.")]},
        )
    return category


def _product_for_offer(actor: Actor, product_id: int, field: str) -> Product:
    try:
        return selectors.product_get(actor=actor, product_id=product_id)
    except NotFound:
        raise ValidationFailed(
            code="catalog.no_product", fields={field: [_("There is no product with this number.")]}
        ) from None


def _offer_for_write(actor: Actor, offer_id: int) -> Offer:
    """An offer the caller sees (404 otherwise) and may manage (403 otherwise)."""
    offer = selectors.offer_get(actor=actor, offer_id=offer_id)
    if not rules.may_manage_offers(actor.roles_in_firm(offer.seller_firm)).allowed:
        raise PermissionDenied()
    return offer


# --- categories and templates (CAT-1) -----------------------------------------------------


@router.get(
    "/categories",
    auth=PUBLIC_AUTH,
    response={200: list[CategoryOut], **error_responses(422)},
    summary="Categories with their specification templates",
)
@cursor_paginate(ordering=("code", "id"))
def categories_list(request: HttpRequest, kind: Category.Kind | None = None) -> Any:
    categories = selectors.categories_with_parameters().select_related("parent")
    return categories.filter(kind=kind) if kind else categories


@router.post(
    "/categories",
    response={201: CategoryOut, **error_responses(401, 403, 422)},
    summary="Create a category (operator)",
)
@idempotent
def category_create(request: HttpRequest, payload: CategoryIn) -> Any:
    actor = selectors.require_operator(actor=_actor(request))
    parent = _category_by_code(payload.parent, "parent") if payload.parent else None
    category = services.category_create(
        acting_user=actor,
        code=payload.code,
        name=payload.name,
        name_hi=payload.name_hi,
        kind=payload.kind,
        parent=parent,
        description=payload.description,
        description_hi=payload.description_hi,
    )
    return Status(201, selectors.category_get(code=category.code))


@router.get(
    "/categories/{code}",
    auth=PUBLIC_AUTH,
    response={200: CategoryOut, **error_responses(404)},
    summary="A category and its specification template",
)
def category_get(request: HttpRequest, code: str) -> Any:
    return selectors.category_get(code=code[: rules.CATEGORY_CODE_MAX])


@router.post(
    "/categories/{code}/parameters",
    response={201: ParameterOut, **error_responses(401, 403, 404, 422)},
    summary="Add a parameter to a category's template (operator)",
)
def parameter_add(request: HttpRequest, code: str, payload: ParameterIn) -> Any:
    actor = selectors.require_operator(actor=_actor(request))
    category = selectors.category_get(code=code[: rules.CATEGORY_CODE_MAX])
    parameter = services.spec_parameter_add(
        acting_user=actor,
        category=category,
        code=payload.code,
        name=payload.name,
        name_hi=payload.name_hi,
        kind=payload.kind,
        unit=payload.unit,
        choices=[c.dict() for c in payload.choices],
        is_golden=payload.is_golden,
        is_required=payload.is_required,
        min_value=payload.min_value,
        max_value=payload.max_value,
    )
    return Status(201, parameter)


# --- brands (CAT-3) -----------------------------------------------------------------------


@router.get(
    "/brands",
    auth=PUBLIC_AUTH,
    response={200: list[BrandOut], **error_responses(422)},
    summary="Brands, registered or not",
)
@cursor_paginate(ordering=("name_key", "id"))
def brands_list(request: HttpRequest, registered: bool | None = None) -> Any:
    brands = selectors.brands()
    return brands if registered is None else brands.filter(is_registered=registered)


@router.post(
    "/brands",
    response={201: BrandOut, **error_responses(401, 403, 422)},
    summary="Register a brand: its products publish at once (operator)",
)
def brand_register(request: HttpRequest, payload: BrandIn) -> Any:
    actor = selectors.require_operator(actor=_actor(request))
    owner = None
    if payload.owner_firm is not None:
        owner = SellerFirm.objects.filter(pk=payload.owner_firm).first()
        if owner is None:
            raise ValidationFailed(
                code="catalog.no_firm",
                fields={"owner_firm": [_("There is no seller firm with this number.")]},
            )
    return Status(
        201, services.brand_register(acting_user=actor, name=payload.name, owner_firm=owner)
    )


# --- products (CAT-2, CAT-3, MII-1) ---------------------------------------------------------


@router.post(
    "/firms/{firm_id}/products",
    response={201: ProductOut, **error_responses(401, 403, 404, 422)},
    summary="Propose a product or service (the firm's admin or catalogue users)",
)
@idempotent
def product_create(request: HttpRequest, firm_id: int, payload: ProductIn) -> Any:
    """A registered brand's product is published at once; any other waits
    for an operator (CAT-3). `mii_class` follows from the local content (MII-1)."""
    actor = _actor(request)
    firm = selectors.firm_for_catalogue(actor=actor, firm_id=firm_id)
    product = services.product_create(
        acting_user=actor,
        firm=firm,
        category=_category_by_code(payload.category, "category"),
        brand=payload.brand,
        title=payload.title,
        title_hi=payload.title_hi,
        model=payload.model,
        oem=payload.oem,
        description=payload.description,
        specs=payload.specs,
        country_of_origin=payload.country_of_origin,
        local_content_percent=payload.local_content_percent,
        gi_tag=payload.gi_tag,
        service_unit=payload.service_unit,
        sla=payload.sla,
    )
    return Status(201, selectors.product_get(actor=actor, product_id=product.pk))


@router.get(
    "/firms/{firm_id}/products",
    response={200: list[ProductOut], **error_responses(401, 403, 404, 422)},
    summary="The firm's own products, any status",
)
@cursor_paginate(ordering=("-created_at", "-id"))
def firm_products(request: HttpRequest, firm_id: int) -> Any:
    firm = selectors.firm_for_catalogue(actor=_actor(request), firm_id=firm_id)
    return selectors.firm_products(firm=firm)


@router.get(
    "/products/approvals",
    response={200: list[ProductOut], **error_responses(401, 403, 422)},
    summary="Products awaiting approval, oldest first (operator)",
)
@cursor_paginate(ordering=("created_at", "id"))
def approval_queue(request: HttpRequest) -> Any:
    selectors.require_operator(actor=_actor(request))
    return selectors.approval_queue()


@router.get(
    "/products/{product_id}",
    auth=PUBLIC_AUTH,
    response={200: ProductOut, **error_responses(404)},
    summary="A product (published, or the caller's firm's own)",
)
def product_get(request: HttpRequest, product_id: int) -> Any:
    return selectors.product_get(actor=_viewer(request), product_id=product_id)


def _product_for_review(request: HttpRequest, product_id: int) -> tuple[Actor, Product]:
    actor = selectors.require_operator(actor=_actor(request))
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    return actor, product


@router.post(
    "/products/{product_id}/approve",
    response={200: ProductOut, **error_responses(401, 403, 404, 409)},
    summary="Approve a product awaiting approval (operator)",
)
def product_approve(request: HttpRequest, product_id: int) -> Any:
    actor, product = _product_for_review(request, product_id)
    services.product_approve(acting_user=actor, product=product)
    return selectors.product_get(actor=actor, product_id=product_id)


@router.post(
    "/products/{product_id}/reject",
    response={200: ProductOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Reject a product awaiting approval, with a reason (operator)",
)
def product_reject(request: HttpRequest, product_id: int, payload: RejectIn) -> Any:
    actor, product = _product_for_review(request, product_id)
    services.product_reject(acting_user=actor, product=product, reason=payload.reason)
    return selectors.product_get(actor=actor, product_id=product_id)


@router.post(
    "/products/{product_id}/price-references",
    response={201: PriceReferenceOut, **error_responses(401, 403, 404, 422)},
    summary="Record a market or transaction price for a product (operator)",
)
def price_reference_add(request: HttpRequest, product_id: int, payload: PriceReferenceIn) -> Any:
    """CAT-4: open offers of the product are judged again against it."""
    actor, product = _product_for_review(request, product_id)
    reference = services.price_reference_add(
        acting_user=actor,
        product=product,
        kind=payload.kind,
        price_paise=payload.price_paise,
        observed_at=payload.observed_at,
        source=payload.source,
    )
    return Status(201, reference)


# --- offers (CAT-2, CAT-4) -------------------------------------------------------------------


@router.post(
    "/firms/{firm_id}/offers",
    response={201: OfferDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Offer a product at a price (the firm's admin or catalogue users)",
)
@idempotent
def offer_create(request: HttpRequest, firm_id: int, payload: OfferIn) -> Any:
    actor = _actor(request)
    firm = selectors.firm_for_catalogue(actor=actor, firm_id=firm_id)
    offer = services.offer_create(
        acting_user=actor,
        firm=firm,
        product=_product_for_offer(actor, payload.product, "product"),
        price_paise=payload.price_paise,
        mrp_paise=payload.mrp_paise,
        stock=payload.stock,
        lead_time_days=payload.lead_time_days,
        delivery_states=payload.delivery_states,
        delivery_pincodes=payload.delivery_pincodes,
        source="API",
    )
    offer = selectors.offer_get(actor=actor, offer_id=offer.pk)
    return Status(201, _offer_out(offer, actor, history=True))


@router.get(
    "/firms/{firm_id}/offers",
    response={200: list[FirmOfferOut], **error_responses(401, 403, 404, 422)},
    summary="The firm's own offers, any status",
)
@cursor_paginate(ordering=("-created_at", "-id"))
def firm_offers(request: HttpRequest, firm_id: int, status: Offer.Status | None = None) -> Any:
    actor = _actor(request)
    firm = selectors.firm_for_catalogue(actor=actor, firm_id=firm_id)
    return selectors.firm_offers(firm=firm, status=status or "")


@router.post(
    "/firms/{firm_id}/offers/bulk",
    response={200: BulkReportOut, **error_responses(401, 403, 404, 422)},
    summary="Update prices and stock from a CSV (offer_id, price, mrp, stock)",
)
def offers_bulk(request: HttpRequest, firm_id: int, file: File[UploadedFile]) -> Any:
    """Good rows are applied together; bad rows change nothing and are
    reported with their line and problems."""
    actor = _actor(request)
    firm = selectors.firm_for_catalogue(actor=actor, firm_id=firm_id)
    content = file.read(bulk_rules.MAX_BYTES + 1)
    report = services.offers_bulk_update_csv(acting_user=actor, firm=firm, content=content)
    return {
        "updated": report.updated,
        "refused": report.refused,
        "rows": [_row(row) for row in report.rows],
    }


def _row(row: services.RowReport) -> dict[str, Any]:
    return {"line": row.line, "offer_id": row.offer_id, "ok": row.ok, "errors": row.errors}


@router.get(
    "/offers/{offer_id}",
    auth=PUBLIC_AUTH,
    response={200: OfferDetailOut, **error_responses(404)},
    summary="An offer with its price history and price-flag evidence",
)
def offer_get(request: HttpRequest, offer_id: int, response: HttpResponse) -> Any:
    actor = _viewer(request)
    offer = selectors.offer_get(actor=actor, offer_id=offer_id)
    response["ETag"] = selectors.offer_etag(offer)
    return _offer_out(offer, actor, history=True)


@router.patch(
    "/offers/{offer_id}",
    response={200: OfferDetailOut, **error_responses(401, 403, 404, 409, 412, 422)},
    summary="Change an offer's price, MRP, stock, lead time or delivery area",
)
def offer_update(
    request: HttpRequest, offer_id: int, payload: OfferTermsIn, response: HttpResponse
) -> Any:
    """Send the `ETag` you read as `If-Match`; a changed offer answers 412."""
    actor = _actor(request)
    offer = _offer_for_write(actor, offer_id)
    fields = payload.dict(exclude_unset=True)
    services.offer_update_terms(
        acting_user=actor,
        offer=offer,
        source="API",
        if_match=request.headers.get("If-Match"),
        **fields,
    )
    offer = selectors.offer_get(actor=actor, offer_id=offer_id)
    response["ETag"] = selectors.offer_etag(offer)
    return _offer_out(offer, actor, history=True)


@router.post(
    "/offers/{offer_id}/clone",
    response={201: OfferDetailOut, **error_responses(401, 403, 404, 422)},
    summary="A new offer on the terms of this one",
)
@idempotent
def offer_clone(request: HttpRequest, offer_id: int, payload: CloneIn) -> Any:
    actor = _actor(request)
    offer = _offer_for_write(actor, offer_id)
    product = (
        _product_for_offer(actor, payload.product, "product")
        if payload.product is not None
        else None
    )
    clone = services.offer_clone(acting_user=actor, offer=offer, product=product)
    clone = selectors.offer_get(actor=actor, offer_id=clone.pk)
    return Status(201, _offer_out(clone, actor, history=True))


@router.post(
    "/offers/{offer_id}/withdraw",
    response={200: OfferDetailOut, **error_responses(401, 403, 404, 409)},
    summary="Withdraw an offer from the catalogue",
)
def offer_withdraw(request: HttpRequest, offer_id: int) -> Any:
    actor = _actor(request)
    offer = _offer_for_write(actor, offer_id)
    services.offer_withdraw(acting_user=actor, offer=offer)
    return _offer_out(selectors.offer_get(actor=actor, offer_id=offer_id), actor, history=True)
