"""The publication part of the bids API (see `kraya.bids.api`): drafts,
publication (BID-1), corrigenda (BID-3), cancellation (BID-8) and the bid
document. A bid's output never holds anything of its submissions, nor their
number, nor the BID-4 end receipt before the technical opening."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from kraya.accounts.models import BuyerUnit, User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.bids import documents
from kraya.bids.api.schemas import (
    BidFromDemandIn,
    BidIn,
    BidItemIn,
    BidOut,
    BidPage,
    BidPatchIn,
    CancelIn,
    CorrigendumIn,
    PageQuery,
    PublishIn,
    TermIn,
)
from kraya.bids.models import Bid
from kraya.bids.selectors import bid_get
from kraya.bids.selectors import publication as selectors
from kraya.bids.services import publication as services
from kraya.buying.selectors import may_see_office
from kraya.catalog.models import Category
from kraya.core.errors import NotFound, ValidationFailed

router = Router(tags=["bids"])


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _office(actor: Actor, office_id: int) -> BuyerUnit:
    office = BuyerUnit.objects.filter(pk=office_id).first()
    if office is None or not may_see_office(actor, office):
        raise NotFound(code="bids.office_not_found")
    return office


def _items(items: list[BidItemIn]) -> list[services.ItemInput]:
    codes = {item.category_code.strip() for item in items if item.category_code}
    categories = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
    made = []
    for position, item in enumerate(items, start=1):
        category_id = None
        if item.category_code:
            category_id = categories.get(item.category_code.strip())
            if category_id is None:
                text = services.message("bids.category_unknown", position=position)
                raise ValidationFailed(text, code="bids.category_unknown", fields={"items": [text]})
        made.append(
            services.ItemInput(
                title=item.title,
                quantity=item.quantity,
                estimated_unit_price_paise=item.estimated_unit_price_paise,
                category_id=category_id,
                golden_specs=item.golden_specs,
                specification=item.specification,
                unit=item.unit,
                group=item.group,
            )
        )
    return made


def _terms(terms: list[TermIn]) -> list[services.TermInput]:
    return [services.TermInput(t.clause, t.text, t.text_hi) for t in terms]


SETTINGS = (
    "description",
    "delivery_period_days",
    "evaluation_basis",
    "divisible",
    "min_average_turnover_paise",
    "min_experience_years",
    "min_past_performance_percent",
    "relax_for_mse_and_startups",
    "emd_percent",
    "epbg_percent",
    "epbg_months",
    "mse_preference",
    "mse_share_percent",
    "mii_preference",
    "mii_reservation",
    "reverse_auction",
    "ra_qualification",
    "two_packet",
    "min_bids",
    "end_at",
    "opening_at",
    "offer_validity_days",
)


def _settings(payload: Any) -> dict[str, Any]:
    values = {name: getattr(payload, name) for name in SETTINGS}
    values["additional_terms"] = _terms(payload.additional_terms)
    return values


def bid_out(bid: Bid) -> dict[str, Any]:
    items = list(bid.items.all())
    lots = {lot.pk: lot for lot in bid.lots.all()}
    return {
        **{name: getattr(bid, name) for name in SETTINGS if hasattr(bid, name)},
        "id": bid.pk,
        "number": bid.number,
        "reference": bid.reference,
        "status": bid.status,
        "status_label": str(bid.get_status_display()),
        "office_id": bid.office_id,
        "office": bid.office.display_name,
        "demand_id": bid.demand_id,
        "title": bid.title,
        "estimated_value_paise": bid.estimated_value_paise,
        "items": [
            {
                "position": item.position,
                "lot": lots[item.lot_id].number,
                "title": item.title,
                "category_code": item.category.code if item.category else None,
                "golden_specs": item.golden_specs,
                "specification": item.specification,
                "unit": item.unit,
                "quantity": item.quantity,
                "estimated_unit_price_paise": item.estimated_unit_price_paise,
            }
            for item in items
        ],
        "lots": [
            {"number": lot.number, "title": lot.title, "divisible": lot.divisible}
            for lot in sorted(lots.values(), key=lambda lot: lot.number)
        ],
        "consignee_id": bid.consignee_id,
        "paying_authority_id": bid.paying_authority_id,
        "delivery_state": bid.delivery_state,
        "delivery_pincode": bid.delivery_pincode,
        "delivery_address": bid.delivery_address,
        "published_at": bid.published_at,
        "original_end_at": bid.original_end_at,
        "extended_due_to_less_competition": selectors.extended_for_less_competition(bid),
        "additional_terms": bid.additional_terms,
        "policy_version": bid.policy_version,
        "corrigenda": [
            {
                "version": c.version,
                "reason": c.reason,
                "changes": c.changes,
                "end_extended": bool((c.receipt or {}).get("outcome", {}).get("extended")),
                "published_at": c.published_at,
            }
            for c in bid.corrigenda.all()
        ],
        "cancelled_at": bid.cancelled_at,
        "cancel_reason": bid.cancel_reason,
        "receipts": selectors.shown_receipts(bid),
        "created_at": bid.created_at,
        "updated_at": bid.updated_at,
    }


def _fresh(actor: Actor, bid: Bid) -> dict[str, Any]:
    return bid_out(selectors.bid_detail(actor=actor, bid_id=bid.pk))


def _bid(request: HttpRequest, bid_id: int) -> tuple[Actor, Bid]:
    actor = _actor(request)
    return actor, bid_get(actor=actor, bid_id=bid_id)


@router.get(
    "",
    response={200: BidPage, **error_responses(401, 422)},
    summary="Published bids, and the drafts of the caller's offices",
)
def bids_list(request: HttpRequest, page: Query[PageQuery], status: str | None = None) -> Any:
    rows = selectors.bids_for(actor=_actor(request), status=(status or "")[:24])
    found = paginate_queryset(
        rows, cursor=page.cursor, limit=page.limit, ordering=("-created_at", "-id")
    )
    return {
        "items": [
            {
                "id": bid.pk,
                "number": bid.number,
                "reference": bid.reference,
                "status": bid.status,
                "title": bid.title,
                "office_id": bid.office_id,
                "estimated_value_paise": bid.estimated_value_paise,
                "end_at": bid.end_at,
                "published_at": bid.published_at,
                "corrigenda": bid.corrigenda_count,
                "updated": bid.corrigenda_count > 0,
            }
            for bid in found.items
        ],
        "next_cursor": found.next_cursor,
    }


@router.post(
    "",
    response={201: BidOut, **error_responses(401, 403, 404, 422)},
    summary="Draft a bid (BID-1) for an office",
)
def bid_create(request: HttpRequest, payload: BidIn) -> Any:
    actor = _actor(request)
    office = _office(actor, payload.office_id)
    data = services.BidInput(
        title=payload.title,
        items=_items(payload.items),
        consignee_id=payload.consignee_id,
        paying_authority_id=payload.paying_authority_id,
        delivery_state=payload.delivery_state,
        delivery_pincode=payload.delivery_pincode,
        delivery_address=payload.delivery_address,
        **_settings(payload),
    )
    bid = services.bid_create(acting_user=actor, office=office, data=data)
    return Status(201, _fresh(actor, bid))


@router.post(
    "/from-demand/{int:demand_id}",
    response={201: BidOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Draft a bid from a demand that needs one (MODE-1)",
)
def bid_create_from_demand(request: HttpRequest, demand_id: int, payload: BidFromDemandIn) -> Any:
    actor = _actor(request)
    demand = selectors.demand_for_bid(actor=actor, demand_id=demand_id)
    bid = services.bid_create_from_demand(
        acting_user=actor,
        demand=demand,
        paying_authority_id=payload.paying_authority_id,
        title=payload.title,
        **_settings(payload),
    )
    return Status(201, _fresh(actor, bid))


@router.get(
    "/{int:bid_id}",
    response={200: BidOut, **error_responses(401, 404)},
    summary="A bid with its items, corrigenda and published cancellation reason",
)
def bid_detail(request: HttpRequest, bid_id: int) -> Any:
    return bid_out(selectors.bid_detail(actor=_actor(request), bid_id=bid_id))


@router.patch(
    "/{int:bid_id}",
    response={200: BidOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Edit a draft bid: the fields given change",
)
def bid_update(request: HttpRequest, bid_id: int, payload: BidPatchIn) -> Any:
    actor, bid = _bid(request, bid_id)
    given = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        k: v for k, v in given.items() if k not in ("items", "additional_terms")
    }
    if payload.items is not None:
        changes["items"] = _items(payload.items)
    if payload.additional_terms is not None:
        changes["additional_terms"] = _terms(payload.additional_terms)
    data = services.replace(services.bid_input_of(bid), **changes)
    services.bid_update(acting_user=actor, bid=bid, data=data)
    return _fresh(actor, bid)


@router.post(
    "/{int:bid_id}/publish",
    response={200: BidOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Publish a draft (BID-1): number, sealing keys, lots",
)
def bid_publish(request: HttpRequest, bid_id: int, payload: PublishIn) -> Any:
    actor, bid = _bid(request, bid_id)
    services.bid_publish(
        acting_user=actor,
        bid=bid,
        end_at=payload.end_at,
        opening_at=payload.opening_at,
        offer_validity_days=payload.offer_validity_days,
    )
    return _fresh(actor, bid)


@router.post(
    "/{int:bid_id}/corrigenda",
    response={201: BidOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Publish a corrigendum (BID-3)",
)
def corrigendum_publish(request: HttpRequest, bid_id: int, payload: CorrigendumIn) -> Any:
    actor, bid = _bid(request, bid_id)
    given = payload.model_dump(exclude_unset=True)
    given.pop("reason", None)
    if payload.additional_terms is not None:
        given["additional_terms"] = _terms(payload.additional_terms)
    services.corrigendum_publish(
        acting_user=actor,
        bid=bid,
        reason=payload.reason,
        changes=services.CorrigendumChanges(**given),
    )
    return Status(201, _fresh(actor, bid))


@router.post(
    "/{int:bid_id}/cancel",
    response={200: BidOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Cancel a bid with a published reason (BID-8)",
)
def bid_cancel(request: HttpRequest, bid_id: int, payload: CancelIn) -> Any:
    actor, bid = _bid(request, bid_id)
    services.bid_cancel(acting_user=actor, bid=bid, reason=payload.reason)
    return _fresh(actor, bid)


@router.get(
    "/{int:bid_id}/document.pdf",
    response=error_responses(401, 404),
    summary="The bilingual bid document (PDF), with its corrigenda applied",
    openapi_extra={
        "responses": {200: {"description": "The PDF", "content": {"application/pdf": {}}}}
    },
)
def bid_document(request: HttpRequest, bid_id: int) -> Any:
    bid = selectors.bid_detail(actor=_actor(request), bid_id=bid_id)
    return documents.pdf_response(bid)
