"""The buying API under `/api/v1/buying/` (DOMAIN §5, ORD-2): demands and
their decisions (MODE-1..5), sanctions, placing orders (ORD-1/ORD-2),
off-portal availability reports (MODE-6) and the public compliance figures.

Authorization follows the project rule (see `kraya/accounts/api.py`): 401
without credentials; 404 for an office or demand the caller may not see
(`kraya.buying.selectors.may_see_office`: its members, the organisation's
Primary User, operators); 403 when they see it but lack the role (a
Consignee or the Primary User making a demand, ROLE-1/ROLE-2); 422 with
field messages for bad input; 409 when the demand's state refuses the step.

Sellers' names are not shown in a demand: buyers choose on the offer
(`kraya.catalog.selectors.may_see_seller`); the contract names its parties."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from kraya.accounts.models import BuyerUnit, User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.idempotency import idempotent
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.buying import selectors, services
from kraya.buying.api.schemas import (
    AvailabilityReportIn,
    AvailabilityReportOut,
    AvailabilityReportPage,
    ComplianceOut,
    DemandIn,
    DemandOut,
    DemandPage,
    FundsOut,
    PageQuery,
    SanctionIn,
)
from kraya.buying.models import AvailabilityReport, Demand, DemandLine
from kraya.buying.wording import explain
from kraya.catalog.models import Category
from kraya.core.errors import NotFound, ValidationFailed
from kraya.orders import selectors as order_selectors
from kraya.orders.schemas import OrderOut, orders_out

router = Router(tags=["buying"])


class OrdersPlacedOut(Schema):
    orders: list[OrderOut]


# --- helpers -------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _office(actor: Actor, office_id: int) -> BuyerUnit:
    """An office the caller may see (404 otherwise, so ids do not leak)."""
    office = BuyerUnit.objects.filter(pk=office_id).first()
    if office is None or not selectors.may_see_office(actor, office):
        raise NotFound()
    return office


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code.strip()).first()
    if category is None:
        raise ValidationFailed(
            code="catalog.no_category",
            fields={"category_code": [_("There is no category with this code.")]},
        )
    return category


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _decision_out(receipt: dict[str, Any] | None) -> dict[str, Any] | None:
    """A line's MODE-2/MODE-3 receipt as the API shows it: the outcome, the
    sentence, and for L1 the candidates (manufacturers, never sellers) and the
    recorded tie-break seed."""
    if not receipt:
        return None
    outcome, inputs = receipt.get("outcome", {}), receipt.get("inputs", {})
    return {
        "allowed": bool(outcome.get("allowed")),
        "code": receipt.get("message", ""),
        "reason": explain(receipt),
        "l1_offer_id": _int_or_none(outcome.get("l1_offer_id")),
        "l1_price_paise": outcome.get("l1_price_paise"),
        "candidates": [
            {
                "offer_id": int(c["offer_id"]),
                "manufacturer": c["manufacturer"],
                "price_paise": c["price_paise"],
            }
            for c in inputs.get("candidates", [])
        ],
        "seed": inputs.get("seed"),
    }


def _line_out(line: DemandLine) -> dict[str, Any]:
    return {
        "position": line.position,
        "offer_id": line.offer_id,
        "quantity": line.quantity,
        "unit_price_paise": line.unit_price_paise,
        "golden_specs": line.golden_specs,
        "decision": _decision_out(line.decision),
        "selected_offer_id": line.selected_offer_id,
        "selected_unit_price_paise": line.selected_unit_price_paise,
    }


def _fund_block_out(demand: Demand) -> dict[str, Any] | None:
    block = selectors.fund_block_of(demand)
    if block is None:
        return None
    return {
        "amount_paise": block.amount_paise,
        "sanction_reference": block.sanction_reference,
        "budget_head": block.budget_head,
        "paying_authority_id": block.paying_authority_id,
        "status": block.status,
        "blocked_at": block.blocked_at,
    }


def demand_out(demand: Demand) -> dict[str, Any]:
    """A demand with its decisions (receipts and their sentences in the
    reader's language), its sanction and the contracts made from it."""
    lines = list(demand.lines.all())
    numbers = sorted({line.order.number for line in lines if line.order is not None})
    return {
        "id": demand.pk,
        "reference": demand.reference,
        "office_id": demand.office_id,
        "category_code": demand.category.code,
        "status": demand.status,
        "total_paise": demand.total_paise,
        "required_mode": demand.required_mode,
        "mode": demand.mode,
        "mode_reason": explain(demand.mode_receipt),
        "policy_version": demand.policy_version,
        "split_reason": explain(demand.split_receipt),
        "lines": [_line_out(line) for line in lines],
        "selected_total_paise": services.selected_total(demand),
        "fund_block": _fund_block_out(demand),
        "orders": numbers,
        "receipts": {
            "mode": demand.mode_receipt,
            "choice": demand.choice_receipt,
            "split": demand.split_receipt,
        },
        "created_at": demand.created_at,
    }


def _demand(request: HttpRequest, demand_id: int) -> tuple[Actor, Demand]:
    """The demand a step acts on: visibility checked in one narrow query (the
    service locks and re-reads what it needs; the answer is read once after)."""
    actor = _actor(request)
    return actor, selectors.demand_to_act_on(actor=actor, demand_id=demand_id)


def _fresh(actor: Actor, demand: Demand) -> dict[str, Any]:
    return demand_out(selectors.demand_get(actor=actor, demand_id=demand.pk))


def _report_out(report: AvailabilityReport) -> dict[str, Any]:
    return {
        "report_id": report.report_id,
        "office_id": report.office_id,
        "item": report.item,
        "estimated_value_paise": report.estimated_value_paise,
        "reason": report.reason,
        "reason_label": str(report.get_reason_display()),
        "explanation": report.explanation,
        "on": report.on,
        "receipt": report.receipt,
    }


# --- demands (MODE-1..5) ---------------------------------------------------------------------


@router.post(
    "/demands",
    response={201: DemandOut, **error_responses(401, 403, 404, 422)},
    summary="Make a demand: its value picks the mode and each line is decided",
)
@idempotent
def demand_create(request: HttpRequest, payload: DemandIn) -> Any:
    """MODE-1: the mode follows the value on today's policy (a stricter one
    may be chosen, MODE-4); MODE-5: a split is refused (422 `buying.split`);
    MODE-2/3: each line is decided at once. Status OPEN, or BID_REQUIRED."""
    actor = _actor(request)
    office = _office(actor, payload.office_id)
    demand = services.demand_create(
        acting_user=actor,
        office=office,
        consignee_id=payload.consignee_id,
        lines=[services.LineInput(line.offer_id, line.quantity) for line in payload.lines],
        delivery_state=payload.delivery_state,
        delivery_pincode=payload.delivery_pincode,
        delivery_address=payload.delivery_address,
        mode=payload.mode,
        additional_terms=[
            services.TermInput(term.clause, term.text, term.text_hi)
            for term in payload.additional_terms
        ],
    )
    return Status(201, _fresh(actor, demand))


@router.get(
    "/demands",
    response={200: DemandPage, **error_responses(401, 422)},
    summary="The demands of the offices where the caller buys, pays or receives",
)
def demands_list(
    request: HttpRequest, page: Query[PageQuery], status: Demand.Status | None = None
) -> Any:
    demands = selectors.demands_for(actor=_actor(request), status=status or "")
    found = paginate_queryset(
        demands.prefetch_related("lines", "lines__order").select_related("fund_block"),
        cursor=page.cursor,
        limit=page.limit,
        ordering=("-created_at", "-id"),
    )
    return {"items": [demand_out(d) for d in found.items], "next_cursor": found.next_cursor}


@router.get(
    "/demands/{demand_id}",
    response={200: DemandOut, **error_responses(401, 404)},
    summary="A demand with its decisions, sanction and orders",
)
def demand_get(request: HttpRequest, demand_id: int) -> Any:
    return demand_out(selectors.demand_get(actor=_actor(request), demand_id=demand_id))


@router.post(
    "/demands/{demand_id}/compare",
    response={200: DemandOut, **error_responses(401, 403, 404, 409)},
    summary="Compare the offers again (MODE-2/3), with a fresh draw",
)
def demand_compare(request: HttpRequest, demand_id: int) -> Any:
    actor, demand = _demand(request, demand_id)
    services.demand_compare(acting_user=actor, demand=demand)
    return _fresh(actor, demand)


@router.post(
    "/demands/{demand_id}/sanction",
    response={201: DemandOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Block funds for a demand (ORD-2)",
)
@idempotent
def demand_sanction(request: HttpRequest, demand_id: int, payload: SanctionIn) -> Any:
    """By the office's Paying Authority, or by its Buyer quoting the sanction
    reference and naming the Paying Authority (ROLE-2: never the demand's
    Buyer or Consignee)."""
    actor, demand = _demand(request, demand_id)
    services.funds_block(
        acting_user=actor,
        demand=demand,
        amount_paise=payload.amount_paise,
        sanction_reference=payload.sanction_reference,
        budget_head=payload.budget_head,
        paying_authority_id=payload.paying_authority_id,
    )
    return Status(201, _fresh(actor, demand))


@router.post(
    "/demands/{demand_id}/orders",
    response={201: OrdersPlacedOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Place the orders of a sanctioned demand, one per seller firm (ORD-1)",
)
@idempotent
def demand_order(request: HttpRequest, demand_id: int) -> Any:
    """Send an `Idempotency-Key`: a retry with the same key answers the same
    orders and places nothing twice. Refusals are 409: `buying.sanction_missing`,
    `buying.sanction_insufficient`, `buying.out_of_stock`,
    `buying.comparison_stale`, `buying.bid_required`, `buying.demand_not_open`."""
    actor, demand = _demand(request, demand_id)
    placed = services.order_place(acting_user=actor, demand=demand)
    orders = order_selectors.orders_placed(orders=placed)
    return Status(201, {"orders": orders_out(orders)})


@router.post(
    "/demands/{demand_id}/cancel",
    response={200: DemandOut, **error_responses(401, 403, 404, 409)},
    summary="Cancel a demand not yet ordered; blocked funds are released",
)
def demand_cancel(request: HttpRequest, demand_id: int) -> Any:
    actor, demand = _demand(request, demand_id)
    services.demand_cancel(acting_user=actor, demand=demand)
    return _fresh(actor, demand)


# --- funds (ORD-2) ---------------------------------------------------------------------------


@router.get(
    "/offices/{office_id}/funds",
    response={200: FundsOut, **error_responses(401, 404)},
    summary="What an office has blocked and not released",
)
def office_funds(request: HttpRequest, office_id: int) -> Any:
    actor = _actor(request)
    funds = selectors.office_funds(actor=actor, office=_office(actor, office_id))
    return {"office_id": office_id, "blocked_paise": funds.blocked_paise, "blocks": funds.blocks}


# --- availability reports (MODE-6) and compliance ----------------------------------------------


@router.post(
    "/availability-reports",
    response={201: AvailabilityReportOut, **error_responses(401, 403, 404, 422)},
    summary="Record a purchase made outside the portal, with the reason (MODE-6)",
)
@idempotent
def availability_report_create(request: HttpRequest, payload: AvailabilityReportIn) -> Any:
    actor = _actor(request)
    office = _office(actor, payload.office_id)
    report = services.availability_report_create(
        acting_user=actor,
        office=office,
        item=payload.item,
        estimated_value_paise=payload.estimated_value_paise,
        reason=payload.reason,
        explanation=payload.explanation,
        category=_category(payload.category_code),
    )
    return Status(201, _report_out(report))


@router.get(
    "/availability-reports",
    response={200: AvailabilityReportPage, **error_responses(401, 404, 422)},
    summary="An office's availability reports, newest first",
)
def availability_reports(request: HttpRequest, office_id: int, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    reports = selectors.availability_reports(actor=actor, office=_office(actor, office_id))
    found = paginate_queryset(
        reports, cursor=page.cursor, limit=page.limit, ordering=("-on", "-sequence", "-id")
    )
    return {"items": [_report_out(r) for r in found.items], "next_cursor": found.next_cursor}


@router.get(
    "/compliance",
    auth=None,
    response={200: list[ComplianceOut], **error_responses(422)},
    summary="Off-portal purchases and refused splits per department (MODE-5, MODE-6)",
)
def compliance(
    request: HttpRequest, since: dt.date | None = None, until: dt.date | None = None
) -> Any:
    """Public figures: counts and values, no names of people."""
    return selectors.compliance_by_department(since=since, until=until)
