"""The publication pages of bids (see `kraya.bids.urls`): the list, a new
draft (from categories and BOQ lines, or from a demand), the bid page, edit,
publish (BID-1), corrigendum (BID-3), cancel (BID-8) and the bid document.
Each POST calls one service; a refusal re-renders the form with its message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import BuyerUnit, Role
from kraya.accounts.selectors import Actor
from kraya.bids import documents, states
from kraya.bids.forms import (
    BidForm,
    BidItemFormSet,
    CancelForm,
    CorrigendumForm,
    FromDemandForm,
    PublishForm,
    bid_form_initial,
    item_initial,
)
from kraya.bids.models import Bid
from kraya.bids.selectors import may_manage_bid
from kraya.bids.selectors import publication as selectors
from kraya.bids.services import publication as services
from kraya.bids.services._common import MESSAGES
from kraya.buying.selectors import buyer_offices
from kraya.catalog.models import Category
from kraya.core.errors import DomainError, PermissionDenied
from kraya.core.pages import bound, member_page, refused

BIDS_PER_PAGE = 30


def _not_buyer() -> PermissionDenied:
    return PermissionDenied(MESSAGES["bids.not_buyer"], code="bids.not_buyer")


def _managed(actor: Actor, bid_id: int) -> Bid:
    """A bid the actor may see (404) and run as a Buyer of its office (403)."""
    bid = selectors.bid_detail(actor=actor, bid_id=bid_id)
    if not may_manage_bid(actor, bid):
        raise _not_buyer()
    return bid


def _people(office: BuyerUnit) -> dict[str, Any]:
    return {
        "consignees": selectors.office_people(office=office, role=Role.CONSIGNEE),
        "paying_authorities": selectors.office_people(office=office, role=Role.PAYING_AUTHORITY),
    }


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "bids/bid_form.html", context)


@member_page
def bid_list(request: HttpRequest) -> HttpResponse:
    """Published bids for everyone signed in; the drafts of the actor's offices."""
    actor = signed_in_actor(request)
    status = request.GET.get("status", "")
    status = status if status in Bid.Status.values else ""
    page = Paginator(selectors.bids_for(actor=actor, status=status), BIDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "bids/bids.html",
        {
            "page": page,
            "status": status,
            "statuses": Bid.Status.choices,
            "is_buyer": bool(buyer_offices(actor=actor)),
        },
    )


@member_page
def bid_new(request: HttpRequest) -> HttpResponse:
    """BID-1: a Buyer drafts a bid for one of their offices."""
    actor = signed_in_actor(request)
    offices = buyer_offices(actor=actor)
    if not offices:
        raise _not_buyer()
    office_id = request.POST.get("office") or offices[0].pk
    office = next((o for o in offices if str(o.pk) == str(office_id)), offices[0])
    form = BidForm(
        bound(request),
        offices=offices,
        initial={"office": office.pk, "delivery_state": getattr(office, "state", "")},
        **_people(office),
    )
    formset = BidItemFormSet(bound(request), prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            bid = services.bid_create(
                acting_user=actor, office=office, data=form.bid_input(_items_of_all(formset))
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The draft bid is saved."))
            return redirect("bids:bid", bid_id=bid.pk)
    return _form_page(
        request,
        {"form": form, "formset": formset, "heading": _("New bid"), "submit": _("Save the draft")},
    )


@member_page
def bid_new_from_demand(request: HttpRequest, demand_id: int) -> HttpResponse:
    """MODE-1: a demand that needs a bid becomes a draft bid."""
    actor = signed_in_actor(request)
    demand = selectors.demand_for_bid(actor=actor, demand_id=demand_id)
    if Role.BUYER not in actor.roles_in_unit(demand.office):
        raise _not_buyer()
    paying = selectors.office_people(office=demand.office, role=Role.PAYING_AUTHORITY)
    initial = {
        "title": f"{demand.category.name} ({demand.reference})",
        "paying_authority": paying[0].pk if len(paying) == 1 else None,
    }
    form = FromDemandForm(bound(request), paying_authorities=paying, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bid = services.bid_create_from_demand(
                acting_user=actor,
                demand=demand,
                paying_authority_id=form.cleaned_data["paying_authority"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The draft bid is made from the demand."))
            return redirect("bids:bid", bid_id=bid.pk)
    return _form_page(
        request,
        {
            "form": form,
            "demand": demand,
            "heading": _("Bid from demand %(reference)s") % {"reference": demand.reference},
            "submit": _("Make the draft bid"),
        },
    )


@member_page
def bid_detail(request: HttpRequest, bid_id: int) -> HttpResponse:
    """The bid with every BID-1 field, its corrigenda and what the actor may do."""
    actor = signed_in_actor(request)
    bid = selectors.bid_detail(actor=actor, bid_id=bid_id)
    left = selectors.time_left(bid)
    return render(
        request,
        "bids/bid.html",
        {
            "bid": bid,
            "items": list(bid.items.all()),
            "lots": list(bid.lots.all()),
            "corrigenda": list(bid.corrigenda.all()),
            "links": selectors.bid_links(actor=actor, bid=bid),
            "time_left": {"days": left.days, "hours": left.seconds // 3600} if left else None,
            "extended": selectors.extended_for_less_competition(bid),
        },
    )


@member_page
def bid_edit(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-1: edit a draft (its items and terms)."""
    actor = signed_in_actor(request)
    bid = _managed(actor, bid_id)
    if bid.status != states.DRAFT:
        messages.error(request, _("Only a draft can be edited; publish a corrigendum instead."))
        return redirect("bids:bid", bid_id=bid.pk)
    current = services.bid_input_of(bid)
    codes = dict(
        Category.objects.filter(
            pk__in=[i.category_id for i in current.items if i.category_id]
        ).values_list("pk", "code")
    )
    form = BidForm(
        bound(request), offices=None, initial=bid_form_initial(current), **_people(bid.office)
    )
    formset = BidItemFormSet(
        bound(request), prefix="items", initial=[item_initial(i, codes) for i in current.items]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.bid_update(
                acting_user=actor, bid=bid, data=form.bid_input(_items_of_all(formset), current)
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The draft bid is saved."))
            return redirect("bids:bid", bid_id=bid.pk)
    return _form_page(
        request,
        {
            "form": form,
            "formset": formset,
            "bid": bid,
            "heading": _("Edit bid %(reference)s") % {"reference": bid.reference},
            "submit": _("Save the draft"),
        },
    )


def _items_of_all(formset: Any) -> list[services.ItemInput]:
    """The filled item rows (initial rows count even when unchanged)."""
    return [
        form.item()
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("quantity") is not None
    ]


@member_page
def bid_publish(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-1: publish a draft with its end, opening and offer validity."""
    actor = signed_in_actor(request)
    bid = _managed(actor, bid_id)
    initial = {"offer_validity_days": bid.offer_validity_days}
    form = PublishForm(bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bid_publish(
                acting_user=actor,
                bid=bid,
                end_at=data["end_at"],
                opening_at=data.get("opening_at"),
                offer_validity_days=data["offer_validity_days"],
            )
        except DomainError as error:
            if error.status == 409:
                messages.error(request, str(error.message))
                return redirect("bids:bid", bid_id=bid.pk)
            refused(form, error)
        else:
            messages.success(request, _("The bid is published."))
            return redirect("bids:bid", bid_id=bid.pk)
    return _form_page(
        request,
        {
            "form": form,
            "bid": bid,
            "heading": _("Publish bid %(reference)s") % {"reference": bid.reference},
            "submit": _("Publish"),
        },
    )


@member_page
def corrigendum_new(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-3: a corrigendum to a bid open for bids."""
    actor = signed_in_actor(request)
    bid = _managed(actor, bid_id)
    form = CorrigendumForm(bound(request), bid=bid)
    if request.method == "POST" and form.is_valid():
        try:
            services.corrigendum_publish(
                acting_user=actor,
                bid=bid,
                reason=form.cleaned_data["reason"],
                changes=form.changes(),
            )
        except DomainError as error:
            if error.status == 409:
                messages.error(request, str(error.message))
                return redirect("bids:bid", bid_id=bid.pk)
            refused(form, error)
        else:
            messages.success(request, _("The corrigendum is published."))
            return redirect("bids:bid", bid_id=bid.pk)
    return render(request, "bids/corrigendum_form.html", {"form": form, "bid": bid})


@member_page
def bid_cancel(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-8: cancel with a reason, published on the bid."""
    actor = signed_in_actor(request)
    bid = _managed(actor, bid_id)
    form = CancelForm(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_cancel(acting_user=actor, bid=bid, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.status == 409:
                messages.error(request, str(error.message))
                return redirect("bids:bid", bid_id=bid.pk)
            refused(form, error)
        else:
            messages.success(request, _("The bid is cancelled."))
            return redirect("bids:bid", bid_id=bid.pk)
    return render(request, "bids/cancel_form.html", {"form": form, "bid": bid})


@member_page
def bid_document(request: HttpRequest, bid_id: int) -> HttpResponse:
    """The bilingual bid document (PDF) as the bid stands."""
    actor = signed_in_actor(request)
    return documents.pdf_response(selectors.bid_detail(actor=actor, bid_id=bid_id))


urlpatterns: list[URLPattern] = [
    path("", bid_list, name="list"),
    path("new/", bid_new, name="new"),
    path("from-demand/<int:demand_id>/", bid_new_from_demand, name="new_from_demand"),
    path("<int:bid_id>/", bid_detail, name="bid"),
    path("<int:bid_id>/edit/", bid_edit, name="edit"),
    path("<int:bid_id>/publish/", bid_publish, name="publish"),
    path("<int:bid_id>/corrigendum/", corrigendum_new, name="corrigendum"),
    path("<int:bid_id>/cancel/", bid_cancel, name="cancel"),
    path("<int:bid_id>/document.pdf", bid_document, name="document"),
]
