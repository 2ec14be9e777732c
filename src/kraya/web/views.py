"""The site's own pages: home, about, the dashboard landing per role, and the
language switch that also remembers a signed-in user's choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.http import require_POST

from kraya.accounts import selectors, services
from kraya.accounts.middleware import request_actor
from kraya.accounts.models import BuyerUnit, Membership, Role, SellerFirm, User
from kraya.core.errors import DomainError

# What each role does (shown on the dashboard), in the words of DOMAIN §2.
ROLE_DUTIES: dict[str, Any] = {
    Role.PRIMARY: _("Create, edit and deactivate your organisation's users. You cannot buy."),
    Role.BUYER: _("Find goods and services in the catalogue and place orders for your office."),
    Role.CONSIGNEE: _("Receive goods and certify that they arrived in good order."),
    Role.PAYING_AUTHORITY: _("Check bills and pay sellers on time."),
    Role.SELLER_ADMIN: _("Manage your firm and create accounts for its staff."),
    Role.SELLER_CATALOGUE: _("Add products and services and keep prices up to date."),
    Role.SELLER_BIDDING: _("Take part in bids and reverse auctions."),
    Role.SELLER_FULFILMENT: _("Deliver orders and send invoices."),
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (cookie + redirect to `next`), and for a
    signed-in user the choice is saved so it follows them to other browsers."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and user.is_authenticated and language in dict(settings.LANGUAGES):
        try:
            services.user_set_language(user=user, language=language)
        except DomainError as error:
            messages.error(request, str(error.message))
    return response


@dataclass
class OfficeStatus:
    office: BuyerUnit
    missing: list[Role]


@dataclass
class OrganisationPanel:
    """What a Primary User sees: their organisation and its offices' readiness."""

    organisation: BuyerUnit
    offices: list[OfficeStatus]


def _duties(roles: list[Role]) -> list[tuple[Any, Any]]:
    return [(role.label, ROLE_DUTIES[role]) for role in roles]


@dataclass
class UnitPanel:
    """A Buyer/Consignee/Paying Authority: their office and their roles there."""

    unit: BuyerUnit
    roles: list[Role] = field(default_factory=list)
    missing: list[Role] = field(default_factory=list)

    @property
    def duties(self) -> list[tuple[Any, Any]]:
        return _duties(self.roles)


@dataclass
class FirmPanel:
    firm: SellerFirm
    roles: list[Role] = field(default_factory=list)
    is_admin: bool = False
    users: list[tuple[User, list[Membership]]] = field(default_factory=list)

    @property
    def duties(self) -> list[tuple[Any, Any]]:
        return _duties(self.roles)


def _dashboard_panels(memberships: tuple[Membership, ...]) -> dict[str, Any]:
    organisations: list[OrganisationPanel] = []
    units: dict[int, UnitPanel] = {}
    firms: dict[int, FirmPanel] = {}
    for membership in memberships:
        role = Role(membership.role)
        unit, firm = membership.buyer_unit, membership.seller_firm
        if role == Role.PRIMARY and unit is not None:
            offices = selectors.organisation_offices(organisation=unit)
            organisations.append(
                OrganisationPanel(
                    organisation=unit,
                    offices=[
                        OfficeStatus(office, selectors.office_readiness(office=office))
                        for office in offices
                    ],
                )
            )
        elif unit is not None:
            units.setdefault(unit.pk, UnitPanel(unit=unit)).roles.append(role)
        elif firm is not None:
            panel = firms.setdefault(firm.pk, FirmPanel(firm=firm))
            panel.roles.append(role)
            panel.is_admin = panel.is_admin or role == Role.SELLER_ADMIN
    for unit_panel in units.values():
        unit_panel.missing = selectors.office_readiness(office=unit_panel.unit)
    for firm_panel in firms.values():
        if firm_panel.is_admin:
            firm_panel.users = selectors.seller_firm_users(firm=firm_panel.firm)
    return {
        "organisations": organisations,
        "units": list(units.values()),
        "firms": list(firms.values()),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The landing page per role (ROLE-1..3): what the user is, where, and what next."""
    actor = request_actor(request)
    assert actor is not None
    context = _dashboard_panels(actor.memberships)
    context["primary_duty"] = ROLE_DUTIES[Role.PRIMARY]
    context["is_operator"] = actor.is_operator
    context["has_memberships"] = bool(actor.memberships)
    return render(request, "web/dashboard.html", context)
