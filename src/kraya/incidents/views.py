"""The incident pages under `/incidents/`: my incidents, raising one on a
bid, order or offer, an incident with its timeline and deadlines (days left,
IST) and the step forms its viewer may use, and a seller firm's public
incident history (INC-2). Thin: a form parses, one service acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import SellerFirm
from kraya.bids.models import Bid
from kraya.catalog.models import Offer
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import DomainError, NotFound
from kraya.core.pages import bound, member_page, refused
from kraya.incidents import forms, selectors, services, states
from kraya.incidents.models import Incident
from kraya.incidents.services import _common as sides
from kraya.orders.models import Order

PAGE_SIZE = 25
_TARGETS: dict[str, Any] = {"bid": Bid, "order": Order, "offer": Offer}


@member_page
def incident_list(request: HttpRequest) -> HttpResponse:
    actor = signed_in_actor(request)
    page = Paginator(selectors.incidents_for(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/list.html", {"page": page})


@member_page
def incident_raise(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """INC-1: raise an incident on a bid, an order or an offer."""
    actor = signed_in_actor(request)
    model = _TARGETS.get(kind)
    if model is None:
        raise NotFound()
    target = model.objects.filter(pk=target_id).first()
    if target is None:
        raise NotFound()
    side = services.raise_check(acting_user=actor, **{kind: target})
    form = forms.RaiseForm(bound(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        firm_id = form.cleaned_data.get("respondent_firm")
        firm = SellerFirm.objects.filter(pk=firm_id).first() if firm_id else None
        try:
            incident = services.incident_raise(
                acting_user=actor,
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                respondent_firm=firm,
                document=form.document_input(),
                **{kind: target},
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(
                request, _("Incident %(number)s is raised.") % {"number": incident.number}
            )
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(
        request,
        "incidents/raise.html",
        {"form": form, "kind": kind, "target": target, "side": side},
    )


TIMELINE_LABELS: dict[str, Any] = {
    "incidents.raise": gettext_lazy("Raised"),
    "incidents.respond": gettext_lazy("Responded"),
    "incidents.resolve": gettext_lazy("Resolved"),
    "incidents.escalate": gettext_lazy("Escalated"),
    "incidents.withdraw": gettext_lazy("Withdrawn"),
    "incidents.show_cause": gettext_lazy("Show-cause notice issued"),
    "incidents.reply": gettext_lazy("Show-cause reply"),
    "incidents.lapse": gettext_lazy("Show-cause reply window lapsed"),
    "incidents.decide": gettext_lazy("Decided"),
    "incidents.action_applied": gettext_lazy("Action applied"),
    "incidents.appeal": gettext_lazy("Appealed"),
    "incidents.action_lifted": gettext_lazy("Action lifted"),
    "incidents.decide_appeal": gettext_lazy("Appeal decided"),
}


def _timeline(incident: Incident) -> list[tuple[Any, Any]]:
    """(when, what) for every audited step of the incident, oldest first."""
    events = AuditEvent.objects.filter(
        object_type="incidents.incident", object_id=str(incident.pk)
    ).order_by("seq")
    return [(e.at, TIMELINE_LABELS.get(e.action, e.action)) for e in events]


def _steps(actor: Any, incident: Incident) -> dict[str, bool]:
    """Which step forms to show (the services check again on submit)."""
    respondent = sides.is_respondent(actor, incident)
    raiser = sides.is_raiser(actor, incident)
    status = incident.status
    return {
        "respond": respondent and status == states.OPEN,
        "resolve": (raiser or actor.is_operator) and status == states.RESPONDED,
        "escalate": (raiser or actor.is_operator) and status == states.RESPONDED,
        "withdraw": raiser and status in states.OPEN_STATES,
        "show_cause": actor.is_operator and status == states.ESCALATED,
        "reply": respondent and status == states.SHOW_CAUSE,
        "decide": actor.is_operator and status in (states.REPLIED, states.REPLY_LAPSED),
        "appeal": respondent and status == states.DECIDED,
        "decide_appeal": actor.is_operator and status == states.APPEALED,
    }


def _detail(request: HttpRequest, incident: Incident, **forms_: Any) -> HttpResponse:
    actor = signed_in_actor(request)
    context = {
        "incident": incident,
        "deadlines": selectors.deadlines(incident),
        "messages_": incident.messages.select_related("author"),
        "timeline": _timeline(incident),
        "steps": _steps(actor, incident),
        "text_form": forms_.get("text_form") or forms.TextForm(),
        "show_cause_form": forms_.get("show_cause_form") or forms.ShowCauseForm(),
        "decide_form": forms_.get("decide_form") or forms.DecideForm(),
        "appeal_decide_form": forms_.get("appeal_decide_form") or forms.AppealDecideForm(),
        "failed": forms_.get("failed", ""),
    }
    return render(request, "incidents/detail.html", context, status=forms_.get("status", 200))


@member_page
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    return _detail(request, selectors.incident_get(actor=actor, incident_id=incident_id))


def _act(
    request: HttpRequest,
    incident_id: int,
    step: str,
    form_name: str | None,
    form_class: Any,
    call: Callable[..., Any],
) -> HttpResponse:
    actor = signed_in_actor(request)
    incident = selectors.incident_get(actor=actor, incident_id=incident_id)
    if request.method != "POST":
        return redirect("incidents:detail", incident_id=incident.pk)
    form = form_class(request.POST, request.FILES or None) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, incident, **{form_name or "": form, "failed": step, "status": 422})
    try:
        call(actor, incident, form)
    except DomainError as error:
        if error.status == 409 or form is None:
            if isinstance(error, sides.NotFound | sides.PermissionDenied):
                raise
            messages.error(request, str(error.message))
            return redirect("incidents:detail", incident_id=incident.pk)
        refused(form, error)
        return _detail(request, incident, **{form_name or "": form, "failed": step, "status": 422})
    messages.success(request, _("Done."))
    return redirect("incidents:detail", incident_id=incident.pk)


def _text_step(service: Callable[..., Any]) -> Callable[..., Any]:
    return lambda actor, incident, form: service(
        acting_user=actor,
        incident=incident,
        text=form.cleaned_data["text"],
        document=form.document_input(),
    )


_STEPS: dict[str, tuple[str | None, Any, Callable[..., Any]]] = {
    "respond": ("text_form", forms.TextForm, _text_step(services.incident_respond)),
    "reply": ("text_form", forms.TextForm, _text_step(services.show_cause_reply)),
    "appeal": ("text_form", forms.TextForm, _text_step(services.incident_appeal)),
    "resolve": (
        None,
        None,
        lambda a, i, f: services.incident_resolve(acting_user=a, incident=i),
    ),
    "escalate": (
        None,
        None,
        lambda a, i, f: services.incident_escalate(acting_user=a, incident=i),
    ),
    "withdraw": (
        None,
        None,
        lambda a, i, f: services.incident_withdraw(acting_user=a, incident=i),
    ),
    "show-cause": (
        "show_cause_form",
        forms.ShowCauseForm,
        lambda a, i, f: services.show_cause_issue(
            acting_user=a, incident=i, text=f.cleaned_data["text"]
        ),
    ),
    "decide": (
        "decide_form",
        forms.DecideForm,
        lambda a, i, f: services.incident_decide(acting_user=a, incident=i, **f.values()),
    ),
    "decide-appeal": (
        "appeal_decide_form",
        forms.AppealDecideForm,
        lambda a, i, f: services.appeal_decide(
            acting_user=a,
            incident=i,
            outcome=f.cleaned_data["outcome"],
            reasons=f.cleaned_data["reasons"],
        ),
    ),
}


@member_page
def incident_step(request: HttpRequest, incident_id: int, step: str) -> HttpResponse:
    entry = _STEPS.get(step)
    if entry is None:
        raise NotFound()
    form_name, form_class, call = entry
    return _act(request, incident_id, step, form_name, form_class, call)


@member_page
def seller_history(request: HttpRequest, firm_id: int) -> HttpResponse:
    """INC-2: a seller's decided incidents, for buyers (any signed-in user)."""
    firm = get_object_or_404(SellerFirm, pk=firm_id)
    return render(
        request,
        "incidents/seller_history.html",
        {"firm": firm, "history": selectors.seller_history(firm_id=firm.pk)},
    )


app_name = "incidents"
urlpatterns = [
    path("", incident_list, name="list"),
    path("raise/<slug:kind>/<int:target_id>/", incident_raise, name="raise"),
    path("sellers/<int:firm_id>/", seller_history, name="seller_history"),
    path("<int:incident_id>/", incident_detail, name="detail"),
    path("<int:incident_id>/<slug:step>/", incident_step, name="step"),
]
