"""The buyer tree and organisation registration (DOMAIN §2, ROLE-1)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kraya.accounts import selectors, services
from kraya.accounts.models import BuyerUnit, Membership, Role
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import PermissionDenied, ValidationFailed
from tests.factories import (
    PASSWORD,
    audit_actions_since,
    audit_head,
    make_operator,
    make_unit,
    refused,
)

pytestmark = pytest.mark.django_db


def test_buyer_unit_create_builds_the_path_and_inherits_type_and_state():
    head = audit_head()
    state = services.buyer_unit_create(
        acting_user=None,
        parent=None,
        level=BuyerUnit.Level.STATE,
        name="Uttar Pradesh",
        name_hi="उत्तर प्रदेश",
        code="up",
        organisation_type="STATE",
        state="Uttar Pradesh",
    )
    department = services.buyer_unit_create(
        acting_user=None,
        parent=state,
        level=BuyerUnit.Level.DEPARTMENT,
        name="Health",
        code="UP-HEALTH",
    )
    assert (state.code, state.path, state.organisation_id) == ("UP", f"/{state.pk}/", None)
    assert department.path == f"/{state.pk}/{department.pk}/"
    assert (department.organisation_type, department.state) == ("STATE", "Uttar Pradesh")
    assert audit_actions_since(head) == ["accounts.buyer_unit.create"] * 2
    event = AuditEvent.objects.get(seq=head + 2)
    assert (event.actor_id, event.actor_label, event.object_id) == (
        None,
        "system",
        str(department.pk),
    )
    assert event.payload == {"level": "DEPARTMENT", "code": "UP-HEALTH", "parent_id": state.pk}


def test_offices_know_their_organisation(world):
    division = make_unit(parent=world.office, name="Stores division")
    assert division.organisation_id == world.organisation.pk
    assert selectors.organisation_of(division) == world.organisation
    assert selectors.organisation_of(world.organisation) == world.organisation
    assert division.ancestor_ids == [
        world.state.pk,
        world.department.pk,
        world.organisation.pk,
        world.office.pk,
        division.pk,
    ]
    assert set(selectors.subtree(world.organisation)) == {
        world.organisation,
        world.office,
        division,
    }


def test_a_unit_above_the_organisation_has_no_organisation(world):
    with pytest.raises(ValidationFailed) as info:
        selectors.organisation_of(world.department)
    assert info.value.code == "accounts.wrong_level"


def test_display_name_follows_the_active_language():
    unit = make_unit(level=BuyerUnit.Level.STATE, name="Bihar", organisation_type="STATE")
    unit.name_hi = "बिहार"
    with translation.override("hi"):
        assert unit.display_name == "बिहार"
    with translation.override("en"):
        assert unit.display_name == "Bihar"


def test_an_operator_creates_units_and_is_the_audited_actor(world):
    operator = make_operator()
    head = audit_head()
    unit = services.buyer_unit_create(
        acting_user=operator,
        parent=world.state,
        level=BuyerUnit.Level.DEPARTMENT,
        name="Transport",
        code="UP-TRANSPORT",
    )
    assert AuditEvent.objects.get(seq=head + 1).actor_id == operator.pk
    assert unit.parent == world.state


def test_only_an_operator_or_the_system_creates_units(world):
    with refused(PermissionDenied, "accounts.not_operator"):
        services.buyer_unit_create(
            acting_user=world.primary,
            parent=world.state,
            level=BuyerUnit.Level.DEPARTMENT,
            name="Transport",
            code="UP-TRANSPORT",
        )


@pytest.mark.parametrize(
    ("parent_name", "level", "code", "organisation_type", "fields", "error_code"),
    [
        ("department", BuyerUnit.Level.OFFICE, "X1", None, {"level"}, "accounts.wrong_level"),
        (None, BuyerUnit.Level.DEPARTMENT, "X2", "STATE", {"level"}, "accounts.wrong_level"),
        (None, BuyerUnit.Level.STATE, "X3", "", {"organisation_type"}, "validation"),
        ("state", BuyerUnit.Level.DEPARTMENT, "", None, {"code"}, "validation"),
    ],
)
def test_buyer_unit_create_refuses_what_does_not_fit(
    world, parent_name, level, code, organisation_type, fields, error_code
):
    parent = getattr(world, parent_name) if parent_name else None
    with refused(ValidationFailed, error_code, fields=fields):
        services.buyer_unit_create(
            acting_user=None,
            parent=parent,
            level=level,
            name="New unit",
            code=code,
            organisation_type=organisation_type,
        )


def test_unit_codes_are_unique_ignoring_case(world):
    with refused(ValidationFailed, "accounts.code_taken", fields={"code"}):
        services.buyer_unit_create(
            acting_user=None,
            parent=world.state,
            level=BuyerUnit.Level.DEPARTMENT,
            name="Health again",
            code=world.department.code.lower(),
        )


def test_role_1_organisation_register_creates_the_organisation_and_its_primary(world):
    head = audit_head()
    organisation, primary = services.organisation_register(
        acting_user=None,
        parent=world.department,
        name="Medical College Kanpur",
        name_hi="मेडिकल कॉलेज कानपुर",
        code="MCK",
        primary_username="mck-head",
        primary_full_name="Dr. Asha Verma",
        primary_email="head@mck.example.in",
        primary_password=PASSWORD,
    )
    assert (organisation.level, organisation.organisation_id) == (
        BuyerUnit.Level.ORGANISATION,
        organisation.pk,
    )
    assert primary.check_password(PASSWORD)
    assert primary.full_name == "Dr. Asha Verma"
    assert list(
        Membership.objects.filter(user=primary).values_list("role", "buyer_unit_id", "is_active")
    ) == [(Role.PRIMARY, organisation.pk, True)]
    assert selectors.primary_membership_for(organisation=organisation).user == primary
    assert audit_actions_since(head) == ["accounts.organisation.register"]
    event = AuditEvent.objects.get(seq=head + 1)
    assert event.payload["primary_user_id"] == primary.pk


def test_organisation_register_refuses_a_taken_username_and_weak_password(world):
    with refused(
        ValidationFailed,
        "accounts.username_taken",
        fields={"primary_username", "primary_password"},
    ) as info:
        services.organisation_register(
            acting_user=None,
            parent=world.department,
            name="Medical College Kanpur",
            code="MCK",
            primary_username=world.primary.username.upper(),
            primary_full_name="Dr. Asha Verma",
            primary_email="head@mck.example.in",
            primary_password="password",
        )
    assert len(info.value.fields["primary_password"]) >= 2


def test_organisation_register_refuses_a_weak_password_alone(world):
    with refused(ValidationFailed, "accounts.weak_password", fields={"primary_password"}):
        services.organisation_register(
            acting_user=None,
            parent=world.department,
            name="Medical College Kanpur",
            code="MCK",
            primary_username="mck-head",
            primary_full_name="Dr. Asha Verma",
            primary_email="head@mck.example.in",
            primary_password="1234567890123",
        )


def test_organisation_register_refuses_a_non_operator(world):
    with refused(PermissionDenied, "accounts.not_operator"):
        services.organisation_register(
            acting_user=world.other_primary,
            parent=world.department,
            name="Medical College Kanpur",
            code="MCK",
            primary_username="mck-head",
            primary_full_name="Dr. Asha Verma",
            primary_email="head@mck.example.in",
            primary_password=PASSWORD,
        )


def test_organisation_register_refuses_an_office_parent(world):
    with refused(ValidationFailed, "accounts.wrong_level", fields={"level"}):
        services.organisation_register(
            acting_user=None,
            parent=world.office,
            name="Nested",
            code="NESTED",
            primary_username="nested-head",
            primary_full_name="Nested Head",
            primary_email="nested@example.in",
            primary_password=PASSWORD,
        )
