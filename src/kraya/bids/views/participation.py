"""The participation pages of bids (see `kraya.bids.urls`): a seller's sealed
submission (BID-5) — the form to submit or revise, the sealed receipt
(revision, time in IST, digest), the withdraw button — and the firm's list of
its submissions. Only a seller firm's admin or bidding users use them (403
for anyone else who sees the bid); nothing of anyone else's submission, nor
how many there are, is ever on these pages (BID-4, BID-5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import SellerFirm
from kraya.accounts.selectors import Actor
from kraya.bids import states
from kraya.bids.forms_participation import SubmissionForm
from kraya.bids.models import Bid, BidItem, Submission
from kraya.bids.selectors import bid_get
from kraya.bids.selectors import participation as selectors
from kraya.bids.services import participation as services
from kraya.bids.services._common import denied
from kraya.core import clock
from kraya.core.errors import Conflict, DomainError
from kraya.core.pages import bound, domain_errors_as_pages, member_page, refused

SUBMISSIONS_PER_PAGE = 30


def _seller(actor: Actor) -> SellerFirm:
    firm = selectors.bidding_firm(actor)
    if firm is None:
        raise denied("bids.not_seller")
    return firm


def _open_for_submission(bid: Bid, view: selectors.SubmissionView | None) -> bool:
    withdrawn = view is not None and view.status == Submission.Status.WITHDRAWN
    return bid.status == states.PUBLISHED and clock.now() < bid.end_at and not withdrawn


def _form(request: HttpRequest, bid: Bid, firm: SellerFirm) -> SubmissionForm:
    items = list(BidItem.objects.filter(bid=bid).select_related("lot", "category"))
    offers = {item.position: selectors.matching_offers(firm=firm, item=item) for item in items}
    return SubmissionForm(
        bound(request),
        request.FILES if request.method == "POST" else None,
        items=items,
        offers=offers,
    )


def _priced_lines(view: selectors.SubmissionView | None) -> list[dict[str, Any]]:
    """The seller's own opened lines: its technical items, with its prices
    once the financial packet is opened."""
    if view is None or view.technical is None:
        return []
    prices = view.prices
    return [
        {**line, **prices.get(int(line["position"]), {})}
        for line in view.technical.get("items", [])
    ]


@member_page
def submission(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-5: the firm's sealed submission to a bid: submit, revise, withdraw."""
    actor = signed_in_actor(request)
    bid = bid_get(actor=actor, bid_id=bid_id)
    firm = _seller(actor)
    view = selectors.own_submission_view(actor=actor, bid=bid)
    form = _form(request, bid, firm) if _open_for_submission(bid, view) else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.submission_submit(
                acting_user=actor,
                bid=bid,
                items=form.item_inputs(),
                documents=form.document_inputs(),
                declarations={"emd_reference": form.cleaned_data["emd_reference"]},
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("Your submission is sealed."))
            return redirect("bids:submission", bid_id=bid.pk)
    return render(
        request,
        "bids/submission.html",
        {
            "bid": bid,
            "firm": firm,
            "view": view,
            "form": form,
            "lines": _priced_lines(view),
            "may_withdraw": view is not None
            and view.status == Submission.Status.SUBMITTED
            and bid.status == states.PUBLISHED
            and clock.now() < bid.end_at,
        },
    )


@login_required
@require_POST
@domain_errors_as_pages
def submission_withdraw(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-5: withdraw before the end; after it the refusal says it forfeits."""
    actor = signed_in_actor(request)
    bid = bid_get(actor=actor, bid_id=bid_id)
    _seller(actor)
    try:
        services.submission_withdraw(acting_user=actor, bid=bid)
    except Conflict as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your submission is withdrawn. It will never be opened."))
    return redirect("bids:submission", bid_id=bid.pk)


@member_page
def my_submissions(request: HttpRequest) -> HttpResponse:
    """The firm's submissions: their sealed receipts and the bids' states."""
    actor = signed_in_actor(request)
    firm = _seller(actor)
    page = Paginator(selectors.own_submissions(firm=firm), SUBMISSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "bids/my_submissions.html",
        {"firm": firm, "page": page, "views": selectors.submission_views(list(page.object_list))},
    )


urlpatterns: list[URLPattern] = [
    path("submissions/", my_submissions, name="my_submissions"),
    path("<int:bid_id>/submission/", submission, name="submission"),
    path("<int:bid_id>/submission/withdraw/", submission_withdraw, name="submission_withdraw"),
]
