"""Who hears what about an order, through the notifications outbox (in-app
inbox and email, in each person's language; `kraya.notifications`).

`announce(order=..., kind=..., to=(...))` names the sides; this module finds
the people: the seller firm's admin and order-fulfilment users, the order's
Buyer, consignee and Paying Authority, and the buyer organisation's Primary
User (escalations). The message texts are in `kraya.orders.messages`. The
notification key is the kind and the order (plus `key` for repeats such as
reminders), so a retried task tells nobody twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kraya.accounts.models import Membership, Role, User
from kraya.core import outbox
from kraya.notifications.services import notify
from kraya.orders.models import Order
from kraya.orders.services._common import SELLER_ROLES


def recipients(order: Order, sides: Iterable[str]) -> list[User]:
    """The active users behind each side named (`seller`, `buyer`,
    `consignee`, `paying_authority`, `primary`), without duplicates."""
    wanted = set(sides)
    ids: set[int] = set()
    if "buyer" in wanted:
        ids.add(order.buyer_id)
    if "consignee" in wanted:
        ids.add(order.consignee_id)
    if "paying_authority" in wanted:
        ids.add(order.paying_authority_id)
    memberships = Membership.objects.none()
    if "seller" in wanted:
        memberships |= Membership.objects.filter(
            seller_firm_id=order.seller_firm_id, role__in=sorted(SELLER_ROLES), is_active=True
        )
    if "primary" in wanted:
        organisation_id = order.buyer_office.organisation_id or order.buyer_office_id
        memberships |= Membership.objects.filter(
            buyer_unit_id=organisation_id, role=Role.PRIMARY, is_active=True
        )
    ids.update(memberships.values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def announce(*, order: Order, kind: str, to: Sequence[str], key: str = "") -> None:
    """Tell the sides `to` of `kind` for `order` (inside the caller's
    transaction: the outbox sends it after the commit, or never)."""
    notify(
        users=recipients(order, to),
        kind=kind,
        payload={"order_id": order.pk},
        key=f"{kind}:{order.pk}{':' + key if key else ''}",
    )


def auto_cancelled(*, order: Order) -> None:
    """ORD-3: an auto-cancelled order counts against the seller; the incidents
    app (INC-1, system incidents) listens for this."""
    outbox.emit(
        "orders.auto_cancelled",
        {"order_id": order.pk, "seller_firm_id": order.seller_firm_id},
        key=f"orders.auto_cancelled:{order.pk}",
    )
