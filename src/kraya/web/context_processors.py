"""Template context for every page: the navigation, by role.

The links come from the signed-in user's active memberships (one query,
shared with the view through `request_actor`); anonymous visitors cost none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kraya.accounts.middleware import request_actor
from kraya.accounts.models import Role
from kraya.notifications.selectors import unread_count

BUYING_ROLES = frozenset({Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY})


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool = False


def _items(request: HttpRequest) -> list[tuple[str, str]]:
    actor = request_actor(request)
    if actor is None:
        return [
            (reverse("web:home"), _("Home")),
            ("/catalogue/", _("Catalogue")),
            (reverse("sellers:landing"), _("Sell to the government")),
            (reverse("outreach:events"), _("Events")),
        ]
    items = [(reverse("web:dashboard"), _("Dashboard")), ("/catalogue/", _("Catalogue"))]
    # MODE-1..6, ORD-1: demands for an office's buyers, paying authorities and
    # consignees; orders for buyer offices and seller firms.
    if any(m.role in BUYING_ROLES for m in actor.memberships):
        items.append((reverse("buying:demands"), _("Demands")))
    # ORD-3..7: consignees receive and certify, Paying Authorities pay.
    if any(m.role in BUYING_ROLES or m.seller_firm_id for m in actor.memberships):
        items.append((reverse("orders:orders"), _("Orders")))
    # BID-1: published bids are public to everyone signed in (issue 6).
    items.append((reverse("bids:list"), _("Bids")))
    unread = unread_count(actor.user)
    items.append(
        (
            reverse("notifications:inbox"),
            _("Inbox (%(count)s)") % {"count": unread} if unread else _("Inbox"),
        )
    )
    primary_of = [m.buyer_unit for m in actor.memberships if m.role == Role.PRIMARY]
    admin_of = [m.seller_firm for m in actor.memberships if m.role == Role.SELLER_ADMIN]
    for organisation in primary_of:
        if organisation is None:
            continue
        label = (
            _("Users")
            if len(primary_of) == 1
            else _("Users: %(name)s") % {"name": organisation.display_name}
        )
        url = reverse("accounts:organisation_users", args=[organisation.pk])
        items.append((url, label))
    for firm in admin_of:
        if firm is None:
            continue
        label = (
            _("Firm users") if len(admin_of) == 1 else _("Users: %(name)s") % {"name": firm.name}
        )
        items.append((reverse("accounts:firm_users", args=[firm.pk]), label))
    # ROLE-3: the firm's admin and catalogue users keep its catalogue (issue 4).
    catalogue_of = {
        m.seller_firm.pk: m.seller_firm
        for m in actor.memberships
        if m.seller_firm is not None and m.role in (Role.SELLER_ADMIN, Role.SELLER_CATALOGUE)
    }
    for firm in catalogue_of.values():
        label = (
            _("My catalogue")
            if len(catalogue_of) == 1
            else _("Catalogue: %(name)s") % {"name": firm.name}
        )
        items.append((reverse("catalog:seller_home", args=[firm.pk]), label))
    if not actor.memberships and not actor.is_operator:
        # Someone with no role yet may be registering a seller firm (KYC-1).
        items.append((reverse("sellers:register"), _("Register your firm")))
    # OUT-1, OUT-2: events for everyone; feedback for buyers and sellers.
    items.append((reverse("outreach:events"), _("Events")))
    if actor.memberships:
        items.append((reverse("outreach:feedback_mine"), _("Feedback")))
    items.append((reverse("accounts:me"), _("My account")))
    if actor.is_operator:
        items.append((reverse("sellers:directory"), _("Seller directory")))
        items.append((reverse("sellers:bulk_upload"), _("Bulk registration")))
        items.append((reverse("outreach:inbox"), _("Feedback inbox")))
        items.append((reverse("catalog:review_queue"), _("Catalogue approvals")))
        items.append((reverse("admin:index"), _("Operator")))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = _items(request)
    # The current item is the longest link the path starts with ("/" only on itself).
    path = request.path
    matches = [url for url, _label in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return {
        "nav_items": [NavItem(url, label, url == current) for url, label in items],
        # The catalogue's offer page shows "Buy" to Buyers (MODE-1).
        "actor_buys": any(m.role == Role.BUYER for m in _memberships(request)),
    }


def _memberships(request: HttpRequest) -> tuple[Any, ...]:
    actor = request_actor(request)
    return actor.memberships if actor is not None else ()
