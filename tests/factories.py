"""A small world built through the real services, for everyone's tests.

    world = make_world()        # or the `world` fixture (tests/conftest.py)
    world.buyer, world.office, world.other_primary, world.seller_admin, ...

State (Uttar Pradesh) → Department → Organisation (Primary) → Office with a
Buyer, a Consignee and a Paying Authority; a second organisation in another
department (the "other organisation") with its own Primary, office and Buyer;
two seller firms, each with its admin (and a catalogue user in the first).
Every user's password is `PASSWORD`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from kraya.accounts import services
from kraya.accounts.models import ApiToken, BuyerUnit, Membership, Role, SellerFirm, User
from kraya.catalog import rules as catalog_rules
from kraya.catalog import services as catalog_services
from kraya.catalog.models import Brand
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import DomainError

PASSWORD = "Kraya-test-2024"  # passes every configured password validator

_sequence = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other factory call in this process has used."""
    return f"{prefix}{next(_sequence)}"


def make_unit(
    *,
    parent: BuyerUnit | None = None,
    level: str = BuyerUnit.Level.OFFICE,
    name: str = "",
    organisation_type: str | None = None,
    state: str = "Uttar Pradesh",
    district: str = "",
) -> BuyerUnit:
    code = unique("U")
    return services.buyer_unit_create(
        acting_user=None,
        parent=parent,
        level=level,
        name=name or f"{BuyerUnit.Level(level).label} {code}",
        code=code,
        organisation_type=organisation_type if parent is None else None,
        state=state,
        district=district,
    )


def make_organisation(*, parent: BuyerUnit, name: str = "") -> tuple[BuyerUnit, User]:
    """An organisation under `parent` and its Primary User."""
    code = unique("ORG")
    username = code.lower() + "-primary"
    return services.organisation_register(
        acting_user=None,
        parent=parent,
        name=name or f"Organisation {code}",
        code=code,
        primary_username=username,
        primary_full_name=f"Primary {code}",
        primary_email=f"{username}@example.in",
        primary_password=PASSWORD,
    )


def make_secondary_user(
    *, primary: User, unit: BuyerUnit, roles: list[Role], username: str = ""
) -> User:
    username = username or unique("user")
    return services.secondary_user_create(
        acting_user=primary,
        unit=unit,
        username=username,
        full_name=f"Person {username}",
        email=f"{username}@example.in",
        roles=roles,
        password=PASSWORD,
    )


def make_seller_firm(*, name: str = "", state: str = "Uttar Pradesh") -> tuple[SellerFirm, User]:
    """A seller firm and its admin."""
    code = unique("firm")
    return services.seller_firm_create(
        acting_user=None,
        name=name or f"Firm {code}",
        state=state,
        admin_username=f"{code}-admin",
        admin_full_name=f"Admin {code}",
        admin_email=f"{code}-admin@example.in",
        admin_password=PASSWORD,
    )


def make_seller_user(*, admin: User, firm: SellerFirm, roles: list[Role]) -> User:
    username = unique("seller")
    return services.seller_user_create(
        acting_user=admin,
        firm=firm,
        username=username,
        full_name=f"Seller {username}",
        email=f"{username}@example.in",
        roles=roles,
        password=PASSWORD,
    )


def make_operator() -> User:
    username = unique("operator")
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=f"Operator {username}",
        email=f"{username}@example.in",
        is_staff=True,
    )


@dataclass
class World:
    state: BuyerUnit
    department: BuyerUnit
    organisation: BuyerUnit
    primary: User
    office: BuyerUnit
    buyer: User
    consignee: User
    paying_authority: User
    other_department: BuyerUnit
    other_organisation: BuyerUnit
    other_primary: User
    other_office: BuyerUnit
    other_buyer: User
    seller_firm: SellerFirm
    seller_admin: User
    seller_catalogue: User
    other_seller_firm: SellerFirm
    other_seller_admin: User
    operator: User  # a platform operator (is_staff)


def make_world() -> World:
    state = make_unit(
        level=BuyerUnit.Level.STATE,
        name="Uttar Pradesh",
        organisation_type="STATE",
    )
    department = make_unit(parent=state, level=BuyerUnit.Level.DEPARTMENT, name="Health")
    organisation, primary = make_organisation(parent=department, name="Directorate of Health")
    office = make_unit(parent=organisation, name="District Hospital Lucknow", district="Lucknow")
    buyer = make_secondary_user(primary=primary, unit=office, roles=[Role.BUYER])
    consignee = make_secondary_user(primary=primary, unit=office, roles=[Role.CONSIGNEE])
    paying_authority = make_secondary_user(
        primary=primary, unit=office, roles=[Role.PAYING_AUTHORITY]
    )
    other_department = make_unit(parent=state, level=BuyerUnit.Level.DEPARTMENT, name="Education")
    other_organisation, other_primary = make_organisation(
        parent=other_department, name="Directorate of Education"
    )
    other_office = make_unit(parent=other_organisation, name="Board Office Prayagraj")
    other_buyer = make_secondary_user(primary=other_primary, unit=other_office, roles=[Role.BUYER])
    seller_firm, seller_admin = make_seller_firm(name="Ganga Textiles")
    seller_catalogue = make_seller_user(
        admin=seller_admin, firm=seller_firm, roles=[Role.SELLER_CATALOGUE]
    )
    other_seller_firm, other_seller_admin = make_seller_firm(name="Awadh Steel")
    return World(
        state=state,
        department=department,
        organisation=organisation,
        primary=primary,
        office=office,
        buyer=buyer,
        consignee=consignee,
        paying_authority=paying_authority,
        other_department=other_department,
        other_organisation=other_organisation,
        other_primary=other_primary,
        other_office=other_office,
        other_buyer=other_buyer,
        seller_firm=seller_firm,
        seller_admin=seller_admin,
        seller_catalogue=seller_catalogue,
        other_seller_firm=other_seller_firm,
        other_seller_admin=other_seller_admin,
        operator=make_operator(),
    )


def row_counts() -> dict[str, Any]:
    """Rows per accounts table and the audit log: compare before and after a
    refused call to prove it changed nothing."""
    return {
        "users": User.objects.count(),
        "active_users": User.objects.filter(is_active=True).count(),
        "units": BuyerUnit.objects.count(),
        "firms": SellerFirm.objects.count(),
        "memberships": Membership.objects.count(),
        "active_memberships": Membership.objects.filter(is_active=True).count(),
        "tokens": ApiToken.objects.count(),
        "revoked_tokens": ApiToken.objects.filter(revoked_at__isnull=False).count(),
        "audit_events": AuditEvent.objects.count(),
    }


def audit_actions_since(seq: int) -> list[str]:
    """The actions recorded after audit event `seq`, in order."""
    events = AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    return list(events.values_list("action", flat=True))


def audit_head() -> int:
    """The seq of the latest audit event (0 when the log is empty)."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


@contextmanager
def refused(
    error: type[DomainError], code: str | None = None, *, fields: set[str] | None = None
) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """Expect the block to raise `error` (with `code`, and exactly these field
    names when given) and to leave every accounts table and the audit log as
    they were."""
    before = row_counts()
    with pytest.raises(error) as info:
        yield info
    if code is not None:
        assert info.value.code == code
    if fields is not None:
        assert set(info.value.fields) == fields
    assert row_counts() == before


def can_sign_in(username: str, password: str = PASSWORD, *, ip: str = "203.0.113.7") -> bool:
    """Whether Django's authentication (with the login throttle) accepts these
    credentials, as the login page would."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    return authenticate(request=request, username=username, password=password) is not None


def make_listed_offer(
    *,
    seller: User,
    firm: SellerFirm,
    category: Any,
    title: str = "Brass lamp",
    price_paise: int = 500_00,
    mrp_paise: int = 600_00,
    brand: str = "Kraya Test Brand",
    model: str = "T-1",
    specs: dict[str, str] | None = None,
    delivery_states: tuple[str, ...] = ("Uttar Pradesh",),
    stock: int = 0,
    **product_fields: Any,
) -> Any:
    """A published product of a registered brand (CAT-3) and `firm`'s listed
    offer of it, through the catalogue services."""
    key = catalog_rules.brand_key(brand)
    if not Brand.objects.filter(name_key=key, is_registered=True).exists():
        catalog_services.brand_register(acting_user=None, name=brand)
    product = catalog_services.product_create(
        acting_user=seller,
        firm=firm,
        category=category,
        brand=brand,
        model=model,
        title=title,
        specs=specs or {},
        service_unit="per month" if category.kind == catalog_rules.SERVICE else "",
        **product_fields,
    )
    return catalog_services.offer_create(
        acting_user=seller,
        firm=firm,
        product=product,
        price_paise=price_paise,
        mrp_paise=mrp_paise,
        delivery_states=delivery_states,
        stock=stock,
    )
