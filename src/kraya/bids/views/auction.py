"""The auction pages of bids (see `kraya.bids.urls`), RA-1..4.

- `bids:auction` `/bids/<bid_id>/auction/`: the bid's reverse auctions. A
  qualified bidder sees its own rank, own last bid, the minimum next bid,
  the time left (end in IST) and a bid form; the office's Buyer starts the
  auction here after the financial opening and follows the status and the
  number of bids (never prices) while it runs; after the close everyone who
  sees the bid gets the full log and the final ranking with its explanation.
- `bids:auction_panel` `/bids/<bid_id>/auction/<auction_id>/panel/`: the
  fragment the page polls with HTMX (`hx-get` every 3 s) for the rank and the
  time left; without JavaScript the page's "Refresh" link reloads it.
- `bids:auction_bid` (POST): one bid (`auction_bid`); the form carries a
  `client_ref` made when the form is shown, so a double submit bids once.
- `bids:auction_start` (POST): the Buyer starts the auctions (RA-1)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.selectors import Actor
from kraya.bids import states
from kraya.bids.models import Auction, Bid
from kraya.bids.selectors import auction as selectors
from kraya.bids.selectors import may_manage_bid
from kraya.bids.services import auction as services
from kraya.bids.services._common import message
from kraya.core.errors import DomainError
from kraya.core.money import format_rupees
from kraya.core.pages import member_page, refused

MAX_RUPEES = Decimal("100000000000")


class AuctionBidForm(forms.Form):
    price = forms.DecimalField(
        label=gettext_lazy("Your new price for the lot (₹)"),
        min_value=Decimal("0.01"),
        max_value=MAX_RUPEES,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    client_ref = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def field_for(self, name: str) -> str:
        return {"price_paise": "price"}.get(name, name)

    def price_paise(self) -> int:
        return int(self.cleaned_data["price"] * 100)


class AuctionStartForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Start at (IST; leave empty to start now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


def _bid_form(auction: Auction, data: Any = None) -> AuctionBidForm:
    return AuctionBidForm(data, prefix=f"a{auction.pk}", initial={"client_ref": uuid.uuid4().hex})


def _page(
    request: HttpRequest,
    actor: Actor,
    bid: Bid,
    auctions: list[Auction],
    *,
    forms_by_auction: dict[int, AuctionBidForm] | None = None,
    start_form: AuctionStartForm | None = None,
) -> HttpResponse:
    given = forms_by_auction or {}
    views = []
    for auction in auctions:
        view = selectors.auction_view(actor=actor, auction=auction)
        form = given.get(auction.pk) or (_bid_form(auction) if view.may_bid else None)
        views.append({"view": view, "form": form})
    can_start = (
        may_manage_bid(actor, bid)
        and bid.reverse_auction
        and bid.status == states.FINANCIAL_EVALUATION
        and not auctions
    )
    context = {
        "bid": bid,
        "auctions": views,
        "start_form": start_form or (AuctionStartForm() if can_start else None),
        "poll_seconds": 3,
    }
    return render(request, "bids/auction.html", context)


def _visible(actor: Actor, bid_id: int) -> tuple[Bid, list[Auction]]:
    bid, auctions = selectors.bid_auctions(actor=actor, bid_id=bid_id)
    if not bid.reverse_auction:
        raise Http404(message("bids.ra_not_enabled"))
    return bid, auctions


@member_page
@require_GET
def auction(request: HttpRequest, bid_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    bid, auctions = _visible(actor, bid_id)
    return _page(request, actor, bid, auctions)


@member_page
@require_GET
def auction_panel(request: HttpRequest, bid_id: int, auction_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    found = selectors.auction_get(actor=actor, auction_id=auction_id)
    if found.lot.bid_id != bid_id:
        raise Http404(message("bids.ra_not_found"))
    view = selectors.auction_view(actor=actor, auction=found)
    return render(
        request,
        "bids/_auction_panel.html",
        {"view": view, "bid": found.lot.bid, "poll_seconds": 3},
    )


@member_page
@require_POST
def auction_bid(request: HttpRequest, bid_id: int, auction_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    bid, auctions = _visible(actor, bid_id)
    found = next((a for a in auctions if a.pk == auction_id), None)
    if found is None:
        raise Http404(message("bids.ra_not_found"))
    form = _bid_form(found, request.POST)
    if form.is_valid():
        try:
            outcome = services.auction_bid(
                acting_user=actor,
                auction_id=found.pk,
                price_paise=form.price_paise(),
                client_ref=form.cleaned_data["client_ref"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            if outcome.accepted:
                messages.success(
                    request,
                    _("Your bid of %(price)s is accepted: you are now L%(rank)s.")
                    % {"price": format_rupees(outcome.price_paise), "rank": outcome.own_rank},
                )
                return redirect("bids:auction", bid_id=bid.pk)
            text = outcome.message
            if outcome.code == "bids.ra_decrement_too_small":
                text = f"{text} " + message(
                    "bids.ra_bid_at_most", price=format_rupees(outcome.min_next_bid_paise)
                )
            form.add_error("price", text)
            # The refused bid is in the log: the next try gets a new reference.
            data = request.POST.copy()
            data[form.add_prefix("client_ref")] = uuid.uuid4().hex
            form.data = data
    fresh = list(selectors.bid_auctions(actor=actor, bid_id=bid.pk)[1])
    return _page(request, actor, bid, fresh, forms_by_auction={found.pk: form})


@member_page
@require_POST
def auction_start(request: HttpRequest, bid_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    bid, auctions = _visible(actor, bid_id)
    form = AuctionStartForm(request.POST)
    if form.is_valid():
        starts_at: dt.datetime | None = form.cleaned_data["starts_at"]
        try:
            started = services.auction_start(acting_user=actor, bid=bid, starts_at=starts_at)
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(
                request,
                _("The reverse auction has begun on %(count)s lot(s).") % {"count": len(started)},
            )
            return redirect("bids:auction", bid_id=bid.pk)
    bid, auctions = _visible(actor, bid_id)
    return _page(request, actor, bid, auctions, start_form=form)


urlpatterns: list[URLPattern] = [
    path("<int:bid_id>/auction/", auction, name="auction"),
    path("<int:bid_id>/auction/start/", auction_start, name="auction_start"),
    path("<int:bid_id>/auction/<int:auction_id>/panel/", auction_panel, name="auction_panel"),
    path("<int:bid_id>/auction/<int:auction_id>/bid/", auction_bid, name="auction_bid"),
]
