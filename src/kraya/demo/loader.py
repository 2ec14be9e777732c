"""Load the demo world of `data.py` through the real services.

Every step is get-or-create, keyed by a unique code or username, so a second
run creates nothing and a half-loaded database is completed. It runs in one
transaction: a failure leaves the database as it was."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kraya.accounts import selectors as account_selectors
from kraya.accounts import services as account_services
from kraya.accounts.models import BuyerUnit, Membership, OrganisationType, Role, SellerFirm, User
from kraya.bids.models import Bid
from kraya.bids.services import publication
from kraya.buying import services as buying
from kraya.catalog import rules as catalog_rules
from kraya.catalog import services as catalog_services
from kraya.catalog.models import Brand, Category, Offer
from kraya.core import clock
from kraya.demo import data
from kraya.orders.models import Order
from kraya.orders.services import fulfilment


@dataclass
class LoadReport:
    """What a load created, by kind; empty when the demo was already there."""

    created: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _unit(
    report: LoadReport,
    spec: data.Office,
    *,
    level: str,
    parent: BuyerUnit | None,
) -> BuyerUnit:
    existing = BuyerUnit.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    report.created["buyer units"] += 1
    return account_services.buyer_unit_create(
        acting_user=None,
        parent=parent,
        level=level,
        name=spec.name,
        name_hi=spec.name_hi,
        code=spec.code,
        organisation_type=OrganisationType.STATE if parent is None else None,
        state=data.STATE_NAME,
        district=spec.district,
    )


def _organisation(
    report: LoadReport, spec: data.Organisation, *, department: BuyerUnit
) -> tuple[BuyerUnit, User]:
    existing = BuyerUnit.objects.filter(code=spec.code).first()
    if existing is not None:
        membership = account_selectors.primary_membership_for(organisation=existing)
        if membership is not None:
            return existing, membership.user
    report.created["buyer units"] += 1
    report.created["users"] += 1
    return account_services.organisation_register(
        acting_user=None,
        parent=department,
        name=spec.name,
        name_hi=spec.name_hi,
        code=spec.code,
        primary_username=spec.primary.username,
        primary_full_name=spec.primary.full_name,
        primary_email=spec.primary.email,
        primary_password=data.DEMO_PASSWORD,
    )


def _secondary_user(
    report: LoadReport, person: data.Person, *, primary: User, office: BuyerUnit
) -> None:
    if User.objects.filter(username=person.username).exists():
        return
    report.created["users"] += 1
    account_services.secondary_user_create(
        acting_user=primary,
        unit=office,
        username=person.username,
        full_name=person.full_name,
        email=person.email,
        roles=[Role(role) for role in person.roles],
        password=data.DEMO_PASSWORD,
    )


def _firm(report: LoadReport, spec: data.Firm) -> tuple[SellerFirm, User]:
    admin_membership = (
        Membership.objects.filter(
            user__username=spec.admin.username, role=Role.SELLER_ADMIN, is_active=True
        )
        .select_related("seller_firm", "user")
        .first()
    )
    if admin_membership is not None and admin_membership.seller_firm is not None:
        return admin_membership.seller_firm, admin_membership.user
    report.created["seller firms"] += 1
    report.created["users"] += 1
    return account_services.seller_firm_create(
        acting_user=None,
        name=spec.name,
        state=data.STATE_NAME,
        district=spec.district,
        admin_username=spec.admin.username,
        admin_full_name=spec.admin.full_name,
        admin_email=spec.admin.email,
        admin_password=data.DEMO_PASSWORD,
    )


def _seller_user(report: LoadReport, person: data.Person, *, admin: User, firm: SellerFirm) -> None:
    if User.objects.filter(username=person.username).exists():
        return
    report.created["users"] += 1
    account_services.seller_user_create(
        acting_user=admin,
        firm=firm,
        username=person.username,
        full_name=person.full_name,
        email=person.email,
        roles=[Role(role) for role in person.roles],
        password=data.DEMO_PASSWORD,
    )


def _category(report: LoadReport, spec: data.Category) -> Category:
    category = Category.objects.filter(code=spec.code).first()
    if category is None:
        report.created["categories"] += 1
        category = catalog_services.category_create(
            acting_user=None, code=spec.code, name=spec.name, name_hi=spec.name_hi, kind=spec.kind
        )
    present = set(category.parameters.values_list("code", flat=True))
    for parameter in spec.parameters:
        if parameter.code in present:
            continue
        catalog_services.spec_parameter_add(
            acting_user=None,
            category=category,
            code=parameter.code,
            name=parameter.name,
            name_hi=parameter.name_hi,
            kind=parameter.kind,
            unit=parameter.unit,
            choices=[{"value": v, "en": en, "hi": hi} for v, en, hi in parameter.choices],
            is_golden=parameter.golden,
            is_required=parameter.required,
            min_value=Decimal(parameter.min_value) if parameter.min_value is not None else None,
            max_value=Decimal(parameter.max_value) if parameter.max_value is not None else None,
        )
    return category


def _brands() -> None:
    for name in data.REGISTERED_BRANDS:
        if not Brand.objects.filter(name_key=catalog_rules.brand_key(name)).exists():
            catalog_services.brand_register(acting_user=None, name=name)


def _offer(
    report: LoadReport,
    spec: data.Offer,
    *,
    firms: dict[str, SellerFirm],
    categories: dict[str, Category],
) -> None:
    """The product (approved by the system unless it is left for the
    approval queue), the offer, and the market price that flags it."""
    firm = firms[spec.firm_admin]
    if Offer.objects.filter(seller_firm=firm, product__title=spec.title).exists():
        return
    report.created["offers"] += 1
    seller = User.objects.get(username=spec.listed_by)
    product = catalog_services.product_create(
        acting_user=seller,
        firm=firm,
        category=categories[spec.category],
        brand=spec.brand,
        model=spec.model,
        title=spec.title,
        title_hi=spec.title_hi,
        specs=dict(spec.specs),
        country_of_origin=spec.country_of_origin,
        local_content_percent=spec.local_content_percent,
        gi_tag=spec.gi_tag,
        service_unit=spec.service_unit,
        sla=dict(spec.sla),
    )
    offer = catalog_services.offer_create(
        acting_user=seller,
        firm=firm,
        product=product,
        price_paise=spec.price_paise,
        mrp_paise=spec.mrp_paise,
        stock=spec.stock,
        lead_time_days=spec.lead_time_days,
        delivery_states=spec.delivery_states,
        source="SEED",
    )
    if product.status == catalog_rules.PENDING and spec.title not in data.AWAITING_APPROVAL:
        catalog_services.product_approve(acting_user=None, product=product)
    if spec.market_price_paise is not None:
        catalog_services.price_reference_add(
            acting_user=None,
            product=product,
            kind=catalog_rules.MARKET,
            price_paise=spec.market_price_paise,
            observed_at=offer.created_at,
            source="Demo market survey",
        )


@transaction.atomic
def load_demo() -> LoadReport:
    """Create whatever part of the demo world is missing."""
    report = LoadReport()
    state = _unit(report, data.STATE, level=BuyerUnit.Level.STATE, parent=None)
    for department_spec in data.DEPARTMENTS:
        department = _unit(
            report,
            data.Office(department_spec.code, department_spec.name, department_spec.name_hi, ""),
            level=BuyerUnit.Level.DEPARTMENT,
            parent=state,
        )
        organisation_spec = department_spec.organisation
        organisation, primary = _organisation(report, organisation_spec, department=department)
        offices = [
            _unit(report, office, level=BuyerUnit.Level.OFFICE, parent=organisation)
            for office in organisation_spec.offices
        ]
        for person in organisation_spec.staff:
            _secondary_user(report, person, primary=primary, office=offices[0])

    firms: dict[str, SellerFirm] = {}
    for firm_spec in data.FIRMS:
        firm, admin = _firm(report, firm_spec)
        firms[firm_spec.admin.username] = firm
        for person in firm_spec.staff:
            _seller_user(report, person, admin=admin, firm=firm)

    categories = {spec.code: _category(report, spec) for spec in data.CATEGORIES}
    _brands()
    for offer_spec in data.OFFERS:
        _offer(report, offer_spec, firms=firms, categories=categories)
    _bid(report, categories["office-furniture"])
    for order_spec in data.DEMO_ORDERS:
        _order(report, order_spec)
    return report


def _order(report: LoadReport, spec: data.DemoOrder) -> None:
    """A direct purchase placed through the buying services and moved along
    by its seller and consignee through the orders' services (ORD-3..ORD-5)."""
    department = next(d for d in data.DEPARTMENTS if d.code == spec.department)
    office = BuyerUnit.objects.get(code=department.organisation.offices[0].code)
    if Order.objects.filter(buyer_office=office).exists():
        return
    staff = {person.roles[0]: person.username for person in department.organisation.staff}
    buyer, consignee, paying = (
        User.objects.get(username=staff[role])
        for role in (Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY)
    )
    offer = Offer.objects.select_related("seller_firm").get(product__title=spec.offer_title)
    demand = buying.demand_create(
        acting_user=buyer,
        office=office,
        consignee_id=consignee.pk,
        lines=[buying.LineInput(offer.pk, spec.quantity)],
        delivery_state=data.STATE.name,
        delivery_pincode="226001",
        delivery_address=f"{office.name}, {office.district}",
    )
    buying.funds_block(acting_user=paying, demand=demand)
    [order] = buying.order_place(acting_user=buyer, demand=demand)
    report.created["orders"] += 1
    seller = Membership.objects.get(seller_firm=offer.seller_firm, role=Role.SELLER_ADMIN).user
    steps = [
        lambda: fulfilment.order_accept(order_id=order.pk, acting_user=seller),
        lambda: fulfilment.order_dispatch(
            order_id=order.pk,
            acting_user=seller,
            invoice_number=f"INV/{order.pk:04d}",
            invoice_date=clock.today_ist(),
            evidence="Delivered by the firm's own vehicle UP32 AB 1234",
        ),
        lambda: fulfilment.order_deliver(
            order_id=order.pk, acting_user=seller, proof="Challan signed at the store"
        ),
        lambda: fulfilment.order_receive(order_id=order.pk, acting_user=consignee),
        lambda: fulfilment.order_certify(
            order_id=order.pk,
            acting_user=consignee,
            lines=[
                fulfilment.CracLine(item.pk, item.quantity)
                for item in Order.objects.get(pk=order.pk).items.all()
            ],
        ),
    ]
    for step in steps:
        if Order.objects.get(pk=order.pk).status == spec.stop:
            return
        step()


def _bid(report: LoadReport, category: Category) -> None:
    """BID-1: a published bid for 200 steel almirahs (above ₹10 lakh, MODE-1)
    with a reverse auction, open for ten days from the load, so the demo
    sellers can submit sealed offers."""
    if Bid.objects.filter(title=data.DEMO_BID_TITLE).exists():
        return
    office = BuyerUnit.objects.get(code=data.DEPARTMENTS[0].organisation.offices[0].code)
    staff = {person.roles[0]: person.username for person in data.DEPARTMENTS[0].organisation.staff}
    buyer = User.objects.get(username=staff[Role.BUYER])
    bid = publication.bid_create(
        acting_user=buyer,
        office=office,
        data=publication.BidInput(
            title=data.DEMO_BID_TITLE,
            items=[
                publication.ItemInput(
                    title="Steel almirah with 4 shelves",
                    quantity=200,
                    estimated_unit_price_paise=13_000_00,
                    category_id=category.pk,
                    golden_specs={"material": "steel", "shelves": "4"},
                )
            ],
            consignee_id=User.objects.get(username=staff[Role.CONSIGNEE]).pk,
            paying_authority_id=User.objects.get(username=staff[Role.PAYING_AUTHORITY]).pk,
            delivery_state=data.STATE.name,
            delivery_pincode="226001",
            delivery_address="District Hospital, Civil Lines, Lucknow",
            reverse_auction=True,
        ),
    )
    publication.bid_publish(
        acting_user=buyer,
        bid=bid,
        end_at=clock.now() + dt.timedelta(days=10, hours=1),
        offer_validity_days=90,
    )
    report.created["bids"] += 1
