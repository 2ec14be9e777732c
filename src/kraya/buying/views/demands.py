"""The buyer's demand pages (MODE-1..5, ORD-2): the demand form from an
offer of the catalogue, the demand with its decisions, the fund block and
placing the order, and the list of the offices' demands with their blocked
funds. Every button is a POST form; each calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.buying import selectors, services
from kraya.buying.forms import DemandForm, FundBlockForm
from kraya.buying.models import Demand
from kraya.buying.services._common import MESSAGES
from kraya.buying.views.display import decision_sentences, line_views, orders_of
from kraya.catalog import web_selectors as catalogue
from kraya.core.errors import DomainError, NotFound, PermissionDenied
from kraya.core.pages import bound, member_page, refused

DEMANDS_PER_PAGE = 30


def refuse(form: Any, error: DomainError) -> None:
    """A refusal on the form: on the visible fields it names, else once on top
    (a split, MODE-5, or a refused offer is about the whole demand)."""
    visible = {field.name for field in form.visible_fields()}
    if isinstance(error, NotFound | PermissionDenied) or any(
        form.field_for(name) in visible for name in error.fields
    ):
        refused(form, error)
        return
    texts = [str(text) for messages_ in error.fields.values() for text in messages_]
    form.add_error(None, texts[0] if texts else str(error.message))


def _offer(actor: Actor, request: HttpRequest) -> Any:
    raw = request.POST.get("offer") or request.GET.get("offer") or ""
    if not raw.isdigit():
        return None
    detail = catalogue.offer_detail(actor=actor, offer_id=int(raw))
    golden = {p.display_name for p in catalogue.golden_parameters(category=detail.product.category)}
    return {
        "detail": detail,
        "golden": [(label, value) for label, value in detail.specs if label in golden],
    }


def _demand_form(request: HttpRequest, actor: Actor, offer: Any) -> DemandForm:
    offices = selectors.buyer_offices(actor=actor)
    if not offices:
        # ROLE-2: only a Buyer makes demands (a consignee or a Primary User cannot).
        raise PermissionDenied(MESSAGES["buying.not_buyer"], code="buying.not_buyer")
    consignees = [
        (user, office)
        for office in offices
        for user in selectors.office_members(office=office, role=Role.CONSIGNEE)
    ]
    initial: dict[str, Any] = {"offer": offer["detail"].offer.pk if offer else None}
    if len(offices) == 1:
        initial["office"] = offices[0].pk
        initial["delivery_state"] = getattr(offices[0], "state", "")
    if len(consignees) == 1:
        initial["consignee"] = consignees[0][0].pk
    return DemandForm(bound(request), offices=offices, consignees=consignees, initial=initial)


@member_page
def demand_new(request: HttpRequest) -> HttpResponse:
    """MODE-1..5: a Buyer's demand for one offer of the catalogue."""
    actor = signed_in_actor(request)
    offer = _offer(actor, request)
    form = _demand_form(request, actor, offer)
    if request.method == "POST" and offer is not None and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in selectors.buyer_offices(actor=actor) if o.pk == data["office"])
        terms = (
            [services.TermInput(clause=data["term_clause"], text=data["term_text"])]
            if data["term_clause"]
            else []
        )
        try:
            demand = services.demand_create(
                acting_user=actor,
                office=office,
                consignee_id=data["consignee"],
                lines=[services.LineInput(offer_id=data["offer"], quantity=data["quantity"])],
                delivery_state=data["delivery_state"],
                delivery_pincode=data["delivery_pincode"],
                delivery_address=data["delivery_address"],
                mode=data["mode"] or None,
                additional_terms=terms,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(
                request, _("Demand %(reference)s is made.") % {"reference": demand.reference}
            )
            return redirect("buying:demand", demand_id=demand.pk)
    return render(request, "buying/demand_form.html", {"form": form, "offer": offer})


def _block_form(actor: Actor, demand: Demand, data: Any = None) -> FundBlockForm | None:
    """ORD-2: the fund block form for the office's Paying Authority or Buyer,
    while the demand is open and decided; else None."""
    roles = actor.roles_in_unit(demand.office)
    as_paying_authority = Role.PAYING_AUTHORITY in roles
    if demand.status != Demand.Status.OPEN or not (as_paying_authority or Role.BUYER in roles):
        return None
    total = services.selected_total(demand)
    if total is None:
        return None
    return FundBlockForm(
        data,
        as_paying_authority=as_paying_authority,
        paying_authorities=selectors.office_members(
            office=demand.office, role=Role.PAYING_AUTHORITY
        ),
        initial={"amount": f"{total // 100}.{total % 100:02d}"},
    )


def _demand_page(
    request: HttpRequest, actor: Actor, demand: Demand, block_form: FundBlockForm | None = None
) -> HttpResponse:
    roles = actor.roles_in_unit(demand.office)
    context = {
        "demand": demand,
        "sentences": decision_sentences(demand),
        "lines": line_views(demand),
        "selected_total": services.selected_total(demand),
        "fund_block": selectors.fund_block_of(demand),
        "block_form": block_form or _block_form(actor, demand),
        "is_buyer": Role.BUYER in roles,
        "may_cancel": demand.status not in (Demand.Status.ORDERED, Demand.Status.CANCELLED),
        "orders": orders_of(demand),
    }
    return render(request, "buying/demand.html", context)


@member_page
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    demand = selectors.demand_get(actor=actor, demand_id=demand_id)
    return _demand_page(request, actor, demand)


def _act(request: HttpRequest, demand_id: int, action: Any, done: str) -> HttpResponse:
    """Run one service on the demand (a POST); a refusal is shown on the
    demand page. A GET of the button's address shows the demand page."""
    actor = signed_in_actor(request)
    demand = selectors.demand_get(actor=actor, demand_id=demand_id)
    if request.method != "POST":
        return _demand_page(request, actor, demand)
    try:
        action(acting_user=actor, demand=demand)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("buying:demand", demand_id=demand.pk)


@member_page
def demand_compare(request: HttpRequest, demand_id: int) -> HttpResponse:
    """MODE-2/3 again, with a fresh draw."""
    return _act(request, demand_id, services.demand_compare, _("Compared again."))


@member_page
def demand_cancel(request: HttpRequest, demand_id: int) -> HttpResponse:
    return _act(request, demand_id, services.demand_cancel, _("The demand is cancelled."))


@member_page
def funds_block(request: HttpRequest, demand_id: int) -> HttpResponse:
    """ORD-2: block funds; a refusal re-renders the demand page with the form."""
    actor = signed_in_actor(request)
    demand = selectors.demand_get(actor=actor, demand_id=demand_id)
    if request.method != "POST":
        return _demand_page(request, actor, demand)
    form = _block_form(actor, demand, request.POST)
    if form is None:
        if not actor.roles_in_unit(demand.office) & {Role.BUYER, Role.PAYING_AUTHORITY}:
            raise PermissionDenied(MESSAGES["buying.not_paying_authority"])
        messages.error(request, _("Funds cannot be blocked for this demand now."))
        return redirect("buying:demand", demand_id=demand.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.funds_block(
                acting_user=actor,
                demand=demand,
                amount_paise=form.amount_paise(),
                sanction_reference=data["sanction_reference"],
                budget_head=data["budget_head"],
                paying_authority_id=data.get("paying_authority"),
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Funds are blocked."))
            return redirect("buying:demand", demand_id=demand.pk)
    return _demand_page(request, actor, demand, form)


@member_page
def order_place(request: HttpRequest, demand_id: int) -> HttpResponse:
    """ORD-1/ORD-2: the sanctioned demand becomes its orders."""
    actor = signed_in_actor(request)
    demand = selectors.demand_get(actor=actor, demand_id=demand_id)
    if request.method != "POST":
        return _demand_page(request, actor, demand)
    try:
        orders = services.order_place(acting_user=actor, demand=demand)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("buying:demand", demand_id=demand.pk)
    messages.success(
        request,
        _("Ordered: %(numbers)s.") % {"numbers": ", ".join(order.number for order in orders)},
    )
    if len(orders) == 1:
        return redirect("orders:order", number=orders[0].number)
    return redirect("buying:demand", demand_id=demand.pk)


@member_page
def demand_list(request: HttpRequest) -> HttpResponse:
    """The demands of the actor's offices, and each office's blocked funds (ORD-2)."""
    actor = signed_in_actor(request)
    offices = {
        m.buyer_unit.pk: m.buyer_unit
        for m in actor.memberships
        if m.buyer_unit is not None and m.role in selectors.BUYING_ROLES
    }
    if not offices:
        raise PermissionDenied(MESSAGES["buying.not_buyer"], code="buying.not_buyer")
    funds = [selectors.office_funds(actor=actor, office=office) for office in offices.values()]
    page = Paginator(selectors.demands_for(actor=actor), DEMANDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "buying/demands.html",
        {"page": page, "funds": funds, "is_buyer": bool(selectors.buyer_offices(actor=actor))},
    )
