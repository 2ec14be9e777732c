"""One small page per action on an order (ORD-3..ORD-7), whose forms also sit
on the order page for the right person: the seller accepts or declines,
dispatches with the invoice, records delivery; the consignee issues the PRC
and the CRAC (accepted and rejected per line, and a replacement asked for);
a Buyer extends the delivery date or cancels; the Paying Authority pays.

Each page finds the order as the reader may see it (404 otherwise), checks
the reader is the person for the action with the service's own check (403),
and on a valid POST calls one service, then goes back to the order page. A
refusal (a field, the state, the clock) re-renders the form with it, in the
reader's language. Without JavaScript everything works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.selectors import Actor
from kraya.core import clock
from kraya.core.errors import DomainError
from kraya.core.pages import bound, member_page, refused
from kraya.orders import selectors
from kraya.orders.models import Order
from kraya.orders.services import fulfilment, payment
from kraya.orders.views import forms

Run = Callable[[Actor, Order, Any], None]


def _accept(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_accept(order_id=order.pk, acting_user=actor)


def _decline(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_decline(
        order_id=order.pk, acting_user=actor, reason=form.cleaned_data["reason"]
    )


def _dispatch(actor: Actor, order: Order, form: Any) -> None:
    data = form.cleaned_data
    fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=actor,
        invoice_number=data["invoice_number"],
        invoice_date=data["invoice_date"],
        evidence=data["evidence"],
        invoice_file=form.invoice(),
    )


def _deliver(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_deliver(order_id=order.pk, acting_user=actor, proof=form.cleaned_data["proof"])


def _receive(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_receive(order_id=order.pk, acting_user=actor)


def _certify(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_certify(
        order_id=order.pk,
        acting_user=actor,
        lines=form.crac_lines(),
        replace_rejected=form.cleaned_data["replace_rejected"],
    )


def _extend(actor: Actor, order: Order, form: Any) -> None:
    data = form.cleaned_data
    fulfilment.order_extend(
        order_id=order.pk,
        acting_user=actor,
        new_due_on=data["new_due_on"],
        with_ld=data["with_ld"] == forms.ExtendForm.WITH_LD,
        reason=data["reason"],
    )


def _cancel(actor: Actor, order: Order, form: Any) -> None:
    fulfilment.order_cancel(
        order_id=order.pk, acting_user=actor, reason=form.cleaned_data["reason"]
    )


def _pay(actor: Actor, order: Order, form: Any) -> None:
    payment.bill_pay(
        order_id=order.pk,
        acting_user=actor,
        idempotency_key=form.cleaned_data["idempotency_key"],
    )


@dataclass(frozen=True)
class Action:
    name: str  # `kraya.orders.selectors.ACTIONS`
    form: type[forms.ActionForm]
    title: Any
    button: Any
    done: Any  # the message after success
    run: Run
    note: Any = ""


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            selectors.ACCEPT,
            forms.ConfirmForm,
            _("Accept the order"),
            _("Accept"),
            _("You accepted the order."),
            _accept,
            _("Accept within the window, or the order may be cancelled (ORD-3)."),
        ),
        Action(
            selectors.DECLINE,
            forms.ReasonForm,
            _("Decline the order"),
            _("Decline"),
            _("You declined the order."),
            _decline,
        ),
        Action(
            selectors.DISPATCH,
            forms.DispatchForm,
            _("Dispatch"),
            _("Record the dispatch"),
            _("The dispatch is recorded; the consignee is told."),
            _dispatch,
        ),
        Action(
            selectors.DELIVER,
            forms.DeliverForm,
            _("Delivered"),
            _("Record the delivery"),
            _("The delivery is recorded."),
            _deliver,
        ),
        Action(
            selectors.RECEIVE,
            forms.ConfirmForm,
            _("Provisional Receipt Certificate (PRC)"),
            _("Issue the PRC"),
            _("The PRC is issued. Issue the CRAC within 10 days."),
            _receive,
            _("Issue it when the goods arrive; the 10 days for the CRAC start then (ORD-5)."),
        ),
        Action(
            selectors.CERTIFY,
            forms.CertifyForm,
            _("Consignee Receipt and Acceptance Certificate (CRAC)"),
            _("Issue the CRAC"),
            _("The CRAC is issued."),
            _certify,
            _(
                "Accepted and rejected quantities make the quantity received; give the reason "
                "for each rejection (ORD-5)."
            ),
        ),
        Action(
            selectors.EXTEND,
            forms.ExtendForm,
            _("Extend the delivery date"),
            _("Extend"),
            _("The delivery date is extended."),
            _extend,
        ),
        Action(
            selectors.CANCEL,
            forms.ReasonForm,
            _("Cancel the order"),
            _("Cancel the order"),
            _("The order is cancelled."),
            _cancel,
            _("Only before anything is received; the reason is told to the seller."),
        ),
        Action(
            selectors.PAY,
            forms.PayForm,
            _("Pay the bill"),
            _("Pay"),
            _("The bill is paid."),
            _pay,
            _("Interest for each day late is paid with the bill (ORD-7)."),
        ),
    )
}


def make_form(action: Action, order: Order, request: HttpRequest | None = None) -> Any:
    """The action's form, bound to the POST when `request` is one."""
    data = bound(request) if request is not None else None
    files = request.FILES if request is not None and request.method == "POST" else None
    if action.form is forms.CertifyForm:
        shipment = order.shipments.order_by("-round").first()
        return forms.CertifyForm(data, files, order=order, shipment=shipment)
    return action.form(data, files, order=order)


def action_forms(order: Order, allowed: list[str]) -> list[tuple[Action, Any]]:
    """The unbound forms of what the reader may do next, for the order page."""
    return [(ACTIONS[name], make_form(ACTIONS[name], order)) for name in allowed]


def _page(request: HttpRequest, number: str, name: str) -> HttpResponse:
    action = ACTIONS[name]
    actor = signed_in_actor(request)
    order = selectors.order_get(actor=actor, number=number)
    selectors.action_check(actor=actor, order=order, action=name)
    form = make_form(action, order, request)
    if request.method == "POST" and form.is_valid():
        try:
            action.run(actor, order, form)
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, str(action.done))
            return redirect("orders:order", number=order.number)
    return render(
        request,
        "orders/action.html",
        {
            "order": order,
            "action": action,
            "form": form,
            "open": selectors.action_open(order, name, clock.now()),
        },
    )


def _view(name: str) -> Callable[..., HttpResponseBase]:
    def view(request: HttpRequest, number: str) -> HttpResponse:
        return _page(request, number, name)

    view.__name__ = view.__qualname__ = f"order_{name}"
    view.__doc__ = f"The `{name}` action on an order (see the module docs)."
    return member_page(view)


urlpatterns: list[URLPattern] = [
    path(f"<str:number>/{name}/", _view(name), name=name) for name in selectors.ACTIONS
]
