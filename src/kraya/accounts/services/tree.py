"""The buyer organisation tree (§2) and organisation registration (ROLE-1)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules
from kraya.accounts.models import (
    BuyerUnit,
    Membership,
    OrganisationType,
    Role,
    User,
)
from kraya.accounts.services._common import (
    Acting,
    FieldErrors,
    audit_actor,
    check_new_login,
    check_person,
    create_login,
    refuse_duplicate,
    require_operator,
    rule_message,
)
from kraya.core import audit

# --- the buyer tree --------------------------------------------------------------


@transaction.atomic
def buyer_unit_create(
    *,
    acting_user: Acting | None,
    parent: BuyerUnit | None,
    level: str,
    name: str,
    name_hi: str = "",
    code: str,
    organisation_type: str | None = None,
    state: str = "",
    district: str = "",
) -> BuyerUnit:
    """Add a node to the buyer tree (operator or system). Roots are a
    Ministry or a State and carry the organisation type; other nodes inherit it."""
    actor = require_operator(acting_user)
    unit = _insert_unit(
        parent=parent,
        level=level,
        name=name,
        name_hi=name_hi,
        code=code,
        organisation_type=organisation_type,
        state=state,
        district=district,
    )
    audit.record(
        actor=audit_actor(actor),
        action="accounts.buyer_unit.create",
        target=unit,
        payload={"level": unit.level, "code": unit.code, "parent_id": unit.parent_id},
    )
    return unit


def _insert_unit(
    *,
    parent: BuyerUnit | None,
    level: str,
    name: str,
    name_hi: str,
    code: str,
    organisation_type: str | None,
    state: str,
    district: str,
) -> BuyerUnit:
    errors = FieldErrors()
    decision = rules.unit_level_decision(parent.level if parent is not None else None, level)
    if not decision.allowed:
        errors.add("level", rule_message(decision), decision.code)
    if parent is not None and not parent.is_active:
        errors.add("parent", _("This unit is inactive."), "accounts.inactive_unit")
    if not name.strip():
        errors.add("name", _("Enter the name."))
    code = code.strip().upper()
    if not code:
        errors.add("code", _("Enter a short code."))
    elif BuyerUnit.objects.filter(code=code).exists():
        errors.add("code", _("This code is already in use."), "accounts.code_taken")
    if parent is not None:
        organisation_type = parent.organisation_type
        state = state or parent.state
    elif organisation_type not in OrganisationType.values:
        errors.add("organisation_type", _("Choose the organisation type."))
    errors.raise_if_any()
    assert organisation_type is not None
    with refuse_duplicate("code", "accounts.code_taken", _("This code is already in use.")):
        unit = BuyerUnit.objects.create(
            parent=parent,
            level=level,
            name=name.strip(),
            name_hi=name_hi.strip(),
            code=code,
            organisation_type=organisation_type,
            state=state,
            district=district,
            path="",
        )
    unit.path = f"{parent.path if parent is not None else '/'}{unit.pk}/"
    if level == BuyerUnit.Level.ORGANISATION:
        unit.organisation = unit
    elif parent is not None:
        unit.organisation_id = parent.organisation_id
    unit.save(update_fields=["path", "organisation"])
    return unit


@transaction.atomic
def organisation_register(
    *,
    acting_user: Acting | None,
    parent: BuyerUnit,
    name: str,
    name_hi: str = "",
    code: str,
    primary_username: str,
    primary_full_name: str,
    primary_email: str,
    primary_password: str,
) -> tuple[BuyerUnit, User]:
    """ROLE-1: create an ORGANISATION node and its Primary User (operator or system)."""
    actor = require_operator(acting_user)
    errors = FieldErrors()
    check_person(errors, full_name=primary_full_name, email=primary_email, field_prefix="primary_")
    check_new_login(
        errors,
        username=primary_username,
        password=primary_password,
        full_name=primary_full_name,
        email=primary_email,
        field_prefix="primary_",
    )
    errors.raise_if_any()
    organisation = _insert_unit(
        parent=parent,
        level=BuyerUnit.Level.ORGANISATION,
        name=name,
        name_hi=name_hi,
        code=code,
        organisation_type=None,
        state="",
        district="",
    )
    user = create_login(
        username=primary_username,
        password=primary_password,
        full_name=primary_full_name,
        email=primary_email,
        field_prefix="primary_",
    )
    Membership.objects.create(
        user=user,
        role=Role.PRIMARY,
        buyer_unit=organisation,
        created_by=audit_actor(actor),
    )
    audit.record(
        actor=audit_actor(actor),
        action="accounts.organisation.register",
        target=organisation,
        payload={
            "code": organisation.code,
            "parent_id": parent.pk,
            "primary_user_id": user.pk,
            "primary_username": user.username,
        },
    )
    return organisation, user
