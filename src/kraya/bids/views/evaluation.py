"""The evaluation pages of bids (see `kraya.bids.urls`):

- `bids:evaluation`: the office's Buyer evaluates the opened technical bids
  (qualify, or reject with a reason), asks for clarifications, answers
  representations (BID-6), opens the financial bids, reads the ranking with
  its explained receipts (BID-7), invites sellers to match L1 (§7), and
  awards (BID-8). The bid's Paying Authority sees only the sanction (ORD-2).
- `bids:respond`: a bidder answers clarifications, files its one
  representation, and answers an invitation to match L1.

Every button is a POST form to its own address that calls one service; a
form with errors re-renders the page with them, a state refusal comes back
as a message. Nothing is shown before the technical opening (BID-4, BID-5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.bids import forms_evaluation as f
from kraya.bids import states
from kraya.bids.models import Bid, Clarification, MatchInvitation, Representation, Submission
from kraya.bids.selectors import bid_get, bidding_firms, may_manage_bid
from kraya.bids.selectors import evaluation as read
from kraya.bids.services import award, evaluation, preferences
from kraya.bids.services._common import MESSAGES
from kraya.bids.services.award import SANCTION_STATES
from kraya.core.errors import DomainError, NotFound, PermissionDenied
from kraya.core.pages import member_page, refused

Forms = dict[tuple[str, int], forms.Form]


# --- the buyer's page -------------------------------------------------------------------------


def _is_paying_authority(actor: Actor, bid: Bid) -> bool:
    return (
        Role.PAYING_AUTHORITY in actor.roles_in_unit(bid.office)
        and actor.user.pk == bid.paying_authority_id
    )


def _evaluation_reader(actor: Actor, bid_id: int) -> Bid:
    """The bid, for its office's Buyers or its Paying Authority (else 403)."""
    bid = bid_get(actor=actor, bid_id=bid_id)
    if not (may_manage_bid(actor, bid) or _is_paying_authority(actor, bid)):
        raise PermissionDenied(MESSAGES["bids.not_buyer"], code="bids.not_buyer")
    return bid


def _auto_id(kind: str, pk: int) -> str:
    return f"id_{kind}{pk}_%s"


def _submission_rows(bid: Bid, bound: Forms) -> list[dict[str, Any]]:
    rows = read.submissions_for_buyer(bid)
    for row in rows:
        pk = row["id"]
        row["evaluate_form"] = bound.get(("evaluate", pk)) or f.TechnicalEvaluationForm(
            auto_id=_auto_id("evaluate", pk)
        )
        row["clarify_form"] = bound.get(("clarify", pk)) or f.ClarificationAskForm(
            auto_id=_auto_id("clarify", pk)
        )
        representation = row["representation"]
        if representation and representation["answered_at"] is None:
            rid = representation["id"]
            row["representation_form"] = bound.get(
                ("representation", rid)
            ) or f.RepresentationAnswerForm(auto_id=_auto_id("representation", rid))
    return rows


def _evaluation_page(
    request: HttpRequest, actor: Actor, bid: Bid, bound: Forms | None = None
) -> HttpResponse:
    bound = bound or {}
    bid.refresh_from_db()
    is_buyer = may_manage_bid(actor, bid)
    visible = read.evaluation_visible(bid)
    prices = read.prices_visible(bid)
    context = {
        "bid": bid,
        "is_buyer": is_buyer,
        "sealed": not visible,
        "submissions": _submission_rows(bid, bound) if is_buyer and visible else [],
        "lots": read.lots_for_buyer(bid) if is_buyer and prices else [],
        "can_evaluate": is_buyer and bid.status == states.TECHNICAL_EVALUATION,
        "can_invite": is_buyer
        and bid.status == states.FINANCIAL_EVALUATION
        and not bid.reverse_auction,
        "sanction_form": bound.get(("sanction", bid.pk))
        or (
            f.BidSanctionForm()
            if bid.sanctioned_at is None and bid.status in SANCTION_STATES
            else None
        ),
        "can_award": is_buyer
        and bid.status == states.AWARD_PENDING
        and bid.sanctioned_at is not None,
    }
    return render(request, "bids/evaluation.html", context)


@member_page
def evaluation_page(request: HttpRequest, bid_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    return _evaluation_page(request, actor, _evaluation_reader(actor, bid_id))


def _post(
    request: HttpRequest,
    bid_id: int,
    *,
    form_class: type[forms.Form] | None,
    key: Callable[[Bid], tuple[str, int]],
    run: Callable[[Actor, Bid, Any], Any],
    done: str,
    page: Callable[[HttpRequest, Actor, Bid, Forms | None], HttpResponse],
    back: str,
    reader: Callable[[Actor, int], Bid],
) -> HttpResponse:
    """One button: parse its form, call one service, come back to the page.
    Field errors re-render the page with the form; a refusal of the state or
    the clock is a message; 404/403 stay pages."""
    actor = signed_in_actor(request)
    bid = reader(actor, bid_id)
    if request.method != "POST":
        return page(request, actor, bid, None)
    form = form_class(request.POST, auto_id=_auto_id(*key(bid))) if form_class else None
    if form is not None and not form.is_valid():
        return page(request, actor, bid, {key(bid): form})
    try:
        run(actor, bid, form.cleaned_data if form is not None else {})
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        if form is not None and error.fields and set(error.fields) <= set(form.fields):
            refused(form, error)
            return page(request, actor, bid, {key(bid): form})
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(back, bid_id=bid.pk)


def _in_bid(model: Any, pk: int, **lookup: Any) -> Any:
    found = model.objects.filter(pk=pk, **lookup).first()
    if found is None:
        raise NotFound(MESSAGES["bids.not_found"], code="bids.not_found")
    return found


def _buyer_post(request: HttpRequest, bid_id: int, **kwargs: Any) -> HttpResponse:
    return _post(
        request,
        bid_id,
        page=_evaluation_page,
        back="bids:evaluation",
        reader=_evaluation_reader,
        **kwargs,
    )


@member_page
def evaluate(request: HttpRequest, bid_id: int, submission_id: int) -> HttpResponse:
    """BID-6: qualify or reject one submission."""

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        evaluation.technical_evaluate(
            acting_user=actor,
            submission=_in_bid(Submission, submission_id, bid=bid),
            qualified=data["decision"] == f.TechnicalEvaluationForm.QUALIFY,
            reason=data["reason"],
        )

    return _buyer_post(
        request,
        bid_id,
        form_class=f.TechnicalEvaluationForm,
        key=lambda bid: ("evaluate", submission_id),
        run=run,
        done=_("The evaluation is recorded."),
    )


@member_page
def clarify(request: HttpRequest, bid_id: int, submission_id: int) -> HttpResponse:
    """BID-6: ask the bidder a question (answer due in 3 days)."""

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        evaluation.clarification_ask(
            acting_user=actor,
            submission=_in_bid(Submission, submission_id, bid=bid),
            question=data["question"],
        )

    return _buyer_post(
        request,
        bid_id,
        form_class=f.ClarificationAskForm,
        key=lambda bid: ("clarify", submission_id),
        run=run,
        done=_("The question is sent to the bidder."),
    )


@member_page
def representation_answer(
    request: HttpRequest, bid_id: int, representation_id: int
) -> HttpResponse:
    """BID-6: answer a representation (upheld: the bid qualifies)."""

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        evaluation.representation_answer(
            acting_user=actor,
            representation=_in_bid(Representation, representation_id, submission__bid=bid),
            upheld=data["upheld"],
            answer=data["answer"],
        )

    return _buyer_post(
        request,
        bid_id,
        form_class=f.RepresentationAnswerForm,
        key=lambda bid: ("representation", representation_id),
        run=run,
        done=_("The representation is answered."),
    )


@member_page
def financial_open(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-6 check, then BID-7."""
    return _buyer_post(
        request,
        bid_id,
        form_class=None,
        key=lambda bid: ("financial", bid.pk),
        run=lambda actor, bid, _data: evaluation.financial_open_by_buyer(
            acting_user=actor, bid=bid
        ),
        done=_("The financial bids are open and ranked."),
    )


@member_page
def invite(request: HttpRequest, bid_id: int) -> HttpResponse:
    """§7: invite the sellers who may match L1."""
    return _buyer_post(
        request,
        bid_id,
        form_class=None,
        key=lambda bid: ("invite", bid.pk),
        run=lambda actor, bid, _data: preferences.preferences_invite(acting_user=actor, bid=bid),
        done=_("The purchase preferences are applied."),
    )


@member_page
def sanction(request: HttpRequest, bid_id: int) -> HttpResponse:
    """ORD-2: the Paying Authority, or a Buyer quoting the sanction."""
    return _buyer_post(
        request,
        bid_id,
        form_class=f.BidSanctionForm,
        key=lambda bid: ("sanction", bid.pk),
        run=lambda actor, bid, data: award.bid_sanction(
            acting_user=actor, bid=bid, sanction_reference=data["sanction_reference"]
        ),
        done=_("The sanction is recorded."),
    )


@member_page
def award_bid(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-8: the contracts."""
    return _buyer_post(
        request,
        bid_id,
        form_class=None,
        key=lambda bid: ("award", bid.pk),
        run=lambda actor, bid, _data: award.bid_award(acting_user=actor, bid=bid),
        done=_("The bid is awarded: the contracts are placed."),
    )


# --- the bidder's page ------------------------------------------------------------------------


def _own(actor: Actor, bid: Bid) -> Submission:
    firms = [firm.pk for firm in bidding_firms(actor)]
    found = Submission.objects.filter(bid=bid, seller_firm_id__in=firms).first()
    if found is None:
        raise PermissionDenied(MESSAGES["bids.not_seller"], code="bids.not_seller")
    return found


def _respond_reader(actor: Actor, bid_id: int) -> Bid:
    bid = bid_get(actor=actor, bid_id=bid_id)
    _own(actor, bid)
    return bid


def _respond_page(
    request: HttpRequest, actor: Actor, bid: Bid, bound: Forms | None = None
) -> HttpResponse:
    bound = bound or {}
    bid.refresh_from_db()
    own = _own(actor, bid)
    visible = read.evaluation_visible(bid)
    view = read.seller_view(bid, own) if visible else None
    if view is not None:
        for c in view["clarifications"]:
            if c["answered_at"] is None:
                c["form"] = bound.get(("clarification", c["id"])) or f.ClarificationAnswerForm(
                    auto_id=_auto_id("clarification", c["id"])
                )
        for i in view["invitations"]:
            if i["accepted"] is None:
                i["form"] = bound.get(("invitation", i["id"])) or f.InvitationAnswerForm(
                    auto_id=_auto_id("invitation", i["id"])
                )
        evaluated = view["evaluation"]
        if (
            bid.status == states.TECHNICAL_EVALUATION
            and evaluated
            and not evaluated["qualified"]
            and view["representation"] is None
        ):
            view["representation_form"] = bound.get(
                ("representation", own.pk)
            ) or f.RepresentationForm(auto_id=_auto_id("representation", own.pk))
    return render(
        request,
        "bids/respond.html",
        {"bid": bid, "sealed": not visible, "view": view, "submission": own},
    )


@member_page
def respond_page(request: HttpRequest, bid_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    return _respond_page(request, actor, _respond_reader(actor, bid_id))


def _seller_post(request: HttpRequest, bid_id: int, **kwargs: Any) -> HttpResponse:
    return _post(
        request, bid_id, page=_respond_page, back="bids:respond", reader=_respond_reader, **kwargs
    )


@member_page
def clarification_answer(request: HttpRequest, bid_id: int, clarification_id: int) -> HttpResponse:
    """BID-6: answer a clarification before its deadline."""

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        evaluation.clarification_answer(
            acting_user=actor,
            clarification=_in_bid(Clarification, clarification_id, submission__bid=bid),
            answer=data["answer"],
        )

    return _seller_post(
        request,
        bid_id,
        form_class=f.ClarificationAnswerForm,
        key=lambda bid: ("clarification", clarification_id),
        run=run,
        done=_("Your answer is sent."),
    )


@member_page
def representation_file(request: HttpRequest, bid_id: int) -> HttpResponse:
    """BID-6: the one representation within 48 hours of the rejection."""
    own_pk: dict[str, int] = {}

    def key(bid: Bid) -> tuple[str, int]:
        if "pk" not in own_pk:
            own_pk["pk"] = _own(signed_in_actor(request), bid).pk
        return ("representation", own_pk["pk"])

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        evaluation.representation_file(
            acting_user=actor, submission=_own(actor, bid), text=data["text"]
        )

    return _seller_post(
        request,
        bid_id,
        form_class=f.RepresentationForm,
        key=key,
        run=run,
        done=_("Your representation is filed."),
    )


@member_page
def invitation_answer(request: HttpRequest, bid_id: int, invitation_id: int) -> HttpResponse:
    """§7: match the L1 price, or decline."""

    def run(actor: Actor, bid: Bid, data: Any) -> None:
        preferences.invitation_answer(
            acting_user=actor,
            invitation=_in_bid(MatchInvitation, invitation_id, lot__bid=bid),
            accept=data["accept"],
        )

    return _seller_post(
        request,
        bid_id,
        form_class=f.InvitationAnswerForm,
        key=lambda bid: ("invitation", invitation_id),
        run=run,
        done=_("Your answer is recorded."),
    )


urlpatterns = [
    path("<int:bid_id>/evaluation/", evaluation_page, name="evaluation"),
    path(
        "<int:bid_id>/evaluation/<int:submission_id>/evaluate/",
        evaluate,
        name="evaluation_evaluate",
    ),
    path(
        "<int:bid_id>/evaluation/<int:submission_id>/clarify/",
        clarify,
        name="evaluation_clarify",
    ),
    path(
        "<int:bid_id>/evaluation/representations/<int:representation_id>/answer/",
        representation_answer,
        name="evaluation_representation_answer",
    ),
    path(
        "<int:bid_id>/evaluation/financial-opening/",
        financial_open,
        name="evaluation_financial_open",
    ),
    path("<int:bid_id>/evaluation/preferences/", invite, name="evaluation_invite"),
    path("<int:bid_id>/evaluation/sanction/", sanction, name="evaluation_sanction"),
    path("<int:bid_id>/evaluation/award/", award_bid, name="evaluation_award"),
    path("<int:bid_id>/respond/", respond_page, name="respond"),
    path(
        "<int:bid_id>/respond/clarifications/<int:clarification_id>/",
        clarification_answer,
        name="respond_clarification",
    ),
    path(
        "<int:bid_id>/respond/representation/",
        representation_file,
        name="respond_representation",
    ),
    path(
        "<int:bid_id>/respond/invitations/<int:invitation_id>/",
        invitation_answer,
        name="respond_invitation",
    ),
]
