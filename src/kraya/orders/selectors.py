"""Reads of orders, each deciding per object what the actor may see: the
buyer office's members and the organisation's Primary User, the seller
firm's users, and operators; everyone else gets a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.core.errors import NotFound
from kraya.orders.models import ContractPdf, Order


def may_see_order(actor: Actor, order: Order) -> bool:
    if actor.is_operator or actor.roles_in_unit(order.buyer_office):
        return True
    if any(m.seller_firm_id == order.seller_firm_id for m in actor.memberships):
        return True
    organisation_id = order.buyer_office.organisation_id
    return organisation_id is not None and any(
        m.role == Role.PRIMARY and m.buyer_unit_id == organisation_id for m in actor.memberships
    )


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related(
        "buyer_office",
        "buyer_office__organisation",
        "buyer",
        "consignee",
        "paying_authority",
        "seller_firm",
        "category",
    )


def order_get(*, actor: Actor, order_id: int | None = None, number: str = "") -> Order:
    rows = _orders().prefetch_related("items")
    order = rows.filter(pk=order_id).first() if order_id else rows.filter(number=number).first()
    if order is None or not may_see_order(actor, order):
        raise NotFound()
    return order


def orders_placed(*, orders: list[Order]) -> list[Order]:
    """Orders just placed by the caller, read back with their parties and
    items in two queries, in the order given (no visibility check: the
    caller placed them)."""
    found = {
        o.pk: o for o in _orders().prefetch_related("items").filter(pk__in=[o.pk for o in orders])
    }
    return [found[order.pk] for order in orders]


def orders_for(*, actor: Actor) -> QuerySet[Order]:
    """The orders of the actor's buyer offices and seller firms."""
    offices = [m.buyer_unit_id for m in actor.memberships if m.buyer_unit_id]
    firms = [m.seller_firm_id for m in actor.memberships if m.seller_firm_id]
    return _orders().filter(buyer_office_id__in=offices) | _orders().filter(
        seller_firm_id__in=firms
    )


def contract_pdf_of(order: Order) -> ContractPdf | None:
    """The rendered contract, or None while it is being rendered."""
    return ContractPdf.objects.filter(order=order).first()
