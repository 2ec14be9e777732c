"""Seller firms and their users (ROLE-3)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import pan as pan_number

from kraya.accounts import rules, selectors
from kraya.accounts.models import (
    Membership,
    Role,
    SellerFirm,
    User,
)
from kraya.accounts.selectors import as_actor
from kraya.accounts.services._common import (
    Acting,
    FieldErrors,
    audit_actor,
    check_new_login,
    check_person,
    create_login,
    deactivate_if_idle,
    lock_firm,
    lock_user,
    refuse_duplicate,
    require_operator,
    rule_message,
)
from kraya.core import audit, clock
from kraya.core.errors import Conflict, NotFound

# --- seller firms (ROLE-3) ------------------------------------------------------------


def _clean_pan(pan: str | None, errors: FieldErrors) -> str | None:
    if not pan:
        return None
    try:
        value: str = pan_number.validate(pan)
    except StdnumError:
        errors.add("pan", _("Enter a valid PAN, like ABCDE1234F."), "accounts.invalid_pan")
        return None
    if SellerFirm.objects.filter(pan=value).exists():
        errors.add("pan", _("A firm with this PAN is already registered."), "accounts.pan_taken")
    return value


@transaction.atomic
def seller_firm_create(
    *,
    acting_user: Acting | None,
    name: str,
    pan: str | None = None,
    state: str = "",
    district: str = "",
    admin_username: str,
    admin_full_name: str,
    admin_email: str,
    admin_password: str,
) -> tuple[SellerFirm, User]:
    """ROLE-3: a seller firm and its one admin user (operator or system)."""
    actor = require_operator(acting_user)
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("Enter the name."))
    clean_pan = _clean_pan(pan, errors)
    check_person(errors, full_name=admin_full_name, email=admin_email, field_prefix="admin_")
    check_new_login(
        errors,
        username=admin_username,
        password=admin_password,
        full_name=admin_full_name,
        email=admin_email,
        field_prefix="admin_",
    )
    errors.raise_if_any()
    with refuse_duplicate(
        "pan", "accounts.pan_taken", _("A firm with this PAN is already registered.")
    ):
        firm = SellerFirm.objects.create(
            name=name.strip(), pan=clean_pan, state=state, district=district
        )
    admin = create_login(
        username=admin_username,
        password=admin_password,
        full_name=admin_full_name,
        email=admin_email,
        field_prefix="admin_",
    )
    Membership.objects.create(
        user=admin, role=Role.SELLER_ADMIN, seller_firm=firm, created_by=audit_actor(actor)
    )
    audit.record(
        actor=audit_actor(actor),
        action="accounts.seller_firm.create",
        target=firm,
        payload={"admin_user_id": admin.pk, "admin_username": admin.username, "pan": clean_pan},
    )
    return firm, admin


@transaction.atomic
def seller_firm_create_for_applicant(
    *, name: str, pan: str, state: str = "", district: str = "", admin: User
) -> SellerFirm:
    """ROLE-3: a seller firm whose admin is an existing user (the applicant of
    a seller registration, which has checked the PAN and the firm's details)."""
    with refuse_duplicate(
        "pan", "accounts.pan_taken", _("A firm with this PAN is already registered.")
    ):
        firm = SellerFirm.objects.create(name=name, pan=pan, state=state, district=district)
    Membership.objects.create(
        user=admin, role=Role.SELLER_ADMIN, seller_firm=firm, created_by=admin
    )
    audit.record(
        actor=admin,
        action="accounts.seller_firm.create",
        target=firm,
        payload={"admin_user_id": admin.pk, "admin_username": admin.username, "pan": pan},
    )
    return firm


@transaction.atomic
def seller_user_create(
    *,
    acting_user: Acting,
    firm: SellerFirm,
    username: str,
    full_name: str,
    email: str,
    roles: list[Role],
    password: str,
    mobile: str = "",
) -> User:
    """ROLE-3: the firm's admin creates a seller user with catalogue, bidding
    or fulfilment roles."""
    actor = as_actor(acting_user)
    selectors.require_seller_admin(actor=actor, firm=firm)
    firm = lock_firm(firm)
    errors = FieldErrors()
    check_new_login(errors, username=username, password=password, full_name=full_name, email=email)
    check_person(errors, full_name=full_name, email=email, mobile=mobile)
    decision = rules.seller_roles_decision(roles)
    if not decision.allowed:
        errors.add("roles", rule_message(decision), decision.code)
    errors.raise_if_any()
    user = create_login(
        username=username, password=password, full_name=full_name, email=email, mobile=mobile
    )
    granted = sorted(set(roles))
    Membership.objects.bulk_create(
        Membership(user=user, role=role, seller_firm=firm, created_by=actor.user)
        for role in granted
    )
    audit.record(
        actor=actor.user,
        action="accounts.seller_user.create",
        target=user,
        payload={"seller_firm_id": firm.pk, "roles": granted},
    )
    return user


@transaction.atomic
def seller_user_deactivate(*, acting_user: Acting, user: User, firm: SellerFirm) -> User:
    """ROLE-3: the firm's admin ends a seller user's roles in the firm."""
    actor = as_actor(acting_user)
    selectors.require_seller_admin(actor=actor, firm=firm)
    firm = lock_firm(firm)
    if not Membership.objects.filter(user=user, seller_firm=firm).exists():
        raise NotFound()
    user = lock_user(user)
    active = Membership.objects.filter(user=user, seller_firm=firm, is_active=True)
    if active.filter(role=Role.SELLER_ADMIN).exists():
        raise Conflict(
            _("The firm's admin cannot be deactivated."),
            code="accounts.seller_admin_cannot_be_deactivated",
        )
    ended = sorted(active.values_list("id", flat=True))
    if not ended:
        raise Conflict(_("This user has no active role here."), code="accounts.already_inactive")
    Membership.objects.filter(pk__in=ended).update(is_active=False, deactivated_at=clock.now())
    account_closed = deactivate_if_idle(user)
    audit.record(
        actor=actor.user,
        action="accounts.seller_user.deactivate",
        target=user,
        payload={"seller_firm_id": firm.pk, "memberships": ended, "account_closed": account_closed},
    )
    return user
