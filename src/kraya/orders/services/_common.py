"""What every order service shares: the messages behind stable error codes,
the refusal helpers, who may act on an order, and the policy it runs under.

Each service module adds its own codes with `MESSAGES.update({...})` at
import; a code is `orders.<what>` and its message is translated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor, as_actor
from kraya.core.clock import to_ist
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kraya.core.policy import Policy, policy_at
from kraya.orders.models import Order

MESSAGES: dict[str, Any] = {
    "orders.not_found": _("There is no such order."),
    "orders.wrong_state": _("This order cannot do that now: it is %(status)s."),
    "orders.not_seller": _("Only the seller firm's admin or order-fulfilment user can do this."),
    "orders.not_consignee": _("Only the consignee named in this order can do this."),
    "orders.not_paying_authority": _("Only the Paying Authority named in this order can do this."),
    "orders.not_buyer": _("Only a Buyer of this order's office can do this."),
    "orders.reason_required": _("Give the reason."),
}

SELLER_ROLES = frozenset({Role.SELLER_ADMIN, Role.SELLER_FULFILMENT})


def message(code: str, **params: Any) -> str:
    text = MESSAGES[code]
    return str(text % params) if params else str(text)


def invalid(field: str, code: str, **params: Any) -> ValidationFailed:
    text = message(code, **params)
    return ValidationFailed(text, code=code, fields={field: [text]})


def conflict(code: str, **params: Any) -> Conflict:
    return Conflict(message(code, **params), code=code)


def denied(code: str) -> PermissionDenied:
    return PermissionDenied(message(code), code=code)


def not_found() -> NotFound:
    return NotFound(message("orders.not_found"), code="orders.not_found")


def require_reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise invalid(field, "orders.reason_required")
    return text


def require_seller(acting_user: Any, order: Order) -> Actor:
    """The order's seller firm's admin or order-fulfilment user."""
    actor = as_actor(acting_user)
    if not any(
        m.seller_firm_id == order.seller_firm_id and m.role in SELLER_ROLES
        for m in actor.memberships
    ):
        raise denied("orders.not_seller")
    return actor


def require_consignee(acting_user: Any, order: Order) -> Actor:
    """ROLE-2: the consignee the order names (it receives the goods)."""
    actor = as_actor(acting_user)
    if actor.user.pk != order.consignee_id or Role.CONSIGNEE not in actor.roles_in_unit(
        order.buyer_office
    ):
        raise denied("orders.not_consignee")
    return actor


def require_paying_authority(acting_user: Any, order: Order) -> Actor:
    """ROLE-2: the Paying Authority the order names."""
    actor = as_actor(acting_user)
    if actor.user.pk != order.paying_authority_id or (
        Role.PAYING_AUTHORITY not in actor.roles_in_unit(order.buyer_office)
    ):
        raise denied("orders.not_paying_authority")
    return actor


def require_buyer(acting_user: Any, order: Order) -> Actor:
    """A Buyer of the order's office (extension, cancellation)."""
    actor = as_actor(acting_user)
    if Role.BUYER not in actor.roles_in_unit(order.buyer_office):
        raise denied("orders.not_buyer")
    return actor


def order_policy(order: Order) -> Policy:
    """The policy an order runs under: the one in force on its placement day
    (IST). ORD-7: orders placed before 1 Oct 2020 accrue no interest."""
    return policy_at(to_ist(order.placed_at).date())
