"""What each order notification says (`kraya.notifications`), rendered in the
recipient's language: a subject, a body with the deadline or the amount that
matters, and the link to the order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kraya.core.display import format_ist
from kraya.core.money import format_rupees
from kraya.notifications.messages import Rendered, message
from kraya.orders.models import Order


def _order(payload: dict[str, Any]) -> Order:
    return Order.objects.select_related("buyer_office", "seller_firm").get(pk=payload["order_id"])


def _text(kind: str, subject: Callable[[], str], body: Callable[[Order], str]) -> None:
    @message(kind)
    def render(payload: dict[str, Any]) -> Rendered:
        order = _order(payload)
        return (
            subject() % {"number": order.number},
            body(order),
            reverse("orders:order", args=[order.number]),
        )


def _due(moment: Any) -> str:
    return format_ist(moment) if moment else ""


def _day(day: Any) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


_text(
    "orders.placed",
    lambda: _("New order %(number)s on Kraya"),
    lambda o: (
        _("%(office)s has placed order %(number)s for %(total)s. Accept or decline it by %(due)s.")
        % {
            "office": o.buyer_office.display_name,
            "number": o.number,
            "total": format_rupees(o.total_paise),
            "due": _due(o.acceptance_due_at),
        }
    ),
)
_text(
    "orders.accepted",
    lambda: _("Order %(number)s accepted"),
    lambda o: (
        _("%(firm)s has accepted the order; delivery is due by %(day)s.")
        % {"firm": o.seller_firm.name, "day": _day(o.delivery_due_on)}
    ),
)
_text(
    "orders.declined",
    lambda: _("Order %(number)s declined"),
    lambda o: (
        _("%(firm)s has declined the order: %(reason)s")
        % {"firm": o.seller_firm.name, "reason": o.close_reason}
    ),
)
_text(
    "orders.auto_cancelled",
    lambda: _("Order %(number)s cancelled: not accepted in time"),
    lambda o: (
        _(
            "The seller did not accept the order by %(due)s, so it was cancelled. "
            "It counts against the seller."
        )
        % {"due": _due(o.acceptance_due_at)}
    ),
)
_text(
    "orders.cancelled",
    lambda: _("Order %(number)s cancelled by the buyer"),
    lambda o: _("The buyer cancelled the order: %(reason)s") % {"reason": o.close_reason},
)
_text(
    "orders.dispatched",
    lambda: _("Order %(number)s dispatched"),
    lambda o: (
        _("%(firm)s has dispatched the goods. Issue the receipt (PRC) when they arrive.")
        % {"firm": o.seller_firm.name}
    ),
)
_text(
    "orders.delivered",
    lambda: _("Order %(number)s delivered"),
    lambda o: (
        _("%(firm)s says the goods were delivered. Issue the receipt (PRC) once you have them.")
        % {"firm": o.seller_firm.name}
    ),
)
_text(
    "orders.received",
    lambda: _("Order %(number)s received by the consignee"),
    lambda o: (
        _("The consignee issued the receipt (PRC). The CRAC is due by %(due)s.")
        % {"due": _due(o.crac_due_at)}
    ),
)
_text(
    "orders.replacement_requested",
    lambda: _("Order %(number)s: replace rejected goods"),
    lambda o: (
        _("The consignee rejected some goods. Replace them by %(due)s.")
        % {"due": _due(o.replacement_due_at)}
    ),
)
_text(
    "orders.certified",
    lambda: _("Order %(number)s accepted (CRAC); bill raised"),
    lambda o: (
        _("The goods are accepted. The bill is to be paid by %(day)s.")
        % {"day": _day(o.payment_last_day)}
    ),
)
_text(
    "orders.extended",
    lambda: _("Order %(number)s: delivery date extended"),
    lambda o: (
        _("The buyer extended the delivery date to %(day)s.") % {"day": _day(o.delivery_due_on)}
    ),
)
_text(
    "orders.paid",
    lambda: _("Order %(number)s paid"),
    lambda o: (
        _("The Paying Authority has paid the bill of order %(number)s.") % {"number": o.number}
    ),
)
_text(
    "orders.accept_reminder",
    lambda: _("Reminder: accept or decline order %(number)s"),
    lambda o: (
        _("Accept or decline the order by %(due)s, or it will be cancelled.")
        % {"due": _due(o.acceptance_due_at)}
    ),
)
_text(
    "orders.acceptance_overdue",
    lambda: _("Order %(number)s is not yet accepted"),
    lambda o: (
        _("The seller's time to accept the order ended on %(due)s.")
        % {"due": _due(o.acceptance_due_at)}
    ),
)
_text(
    "orders.crac_reminder",
    lambda: _("Reminder: issue the CRAC for order %(number)s"),
    lambda o: (
        _("Issue the CRAC by %(due)s; after that the goods are deemed accepted.")
        % {"due": _due(o.crac_due_at)}
    ),
)
_text(
    "orders.replacement_reminder",
    lambda: _("Reminder: replace the rejected goods of order %(number)s"),
    lambda o: _("Replace the rejected goods by %(due)s.") % {"due": _due(o.replacement_due_at)},
)
_text(
    "orders.payment_reminder",
    lambda: _("Payment of order %(number)s is due"),
    lambda o: (
        _("Pay the bill by %(day)s; later payment bears interest.")
        % {"day": _day(o.payment_last_day)}
    ),
)
_text(
    "orders.payment_overdue",
    lambda: _("Payment of order %(number)s is overdue"),
    lambda o: (
        _("The bill was due by %(day)s and is unpaid; interest is accruing for each day.")
        % {"day": _day(o.payment_last_day)}
    ),
)
