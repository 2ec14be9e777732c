"""The registration workflow (KYC-1..6) against the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kraya.accounts.models import Membership, Role, SellerFirm, User
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from kraya.core.policy import policy_at
from kraya.sellers import services
from kraya.sellers.models import BankAccount, Registration, SellerOffice, SocialCategory
from tests.factories import audit_actions_since, audit_head, row_counts
from tests.sellers.kyc_examples import (
    BANK_STEP,
    KEY_PERSON_STEP,
    VALID_AADHAAR,
    categories_step,
    complete_draft,
    firm_step,
    gstin_for,
    new_pan,
    offices_step,
    submitted,
)

pytestmark = pytest.mark.django_db
CRORE = 1_00_00_000_00


def _applicant(name: str = "applicant") -> User:
    return User.objects.create_user(
        username=name, password="x", email=f"{name}@example.in", full_name=name.title()
    )


def _state() -> dict[str, Any]:
    rows = row_counts()
    rows["registrations"] = list(Registration.objects.order_by("pk").values())
    rows["offices"] = list(SellerOffice.objects.order_by("pk").values())
    rows["banks"] = list(BankAccount.objects.order_by("pk").values())
    rows["categories"] = list(SocialCategory.objects.order_by("pk").values())
    rows["firms_state"] = list(SellerFirm.objects.order_by("pk").values())
    return rows


@contextmanager
def refused(
    error: type[DomainError], code: str, *, fields: set[str] | None = None
) -> Iterator[None]:
    """The block raises `error` with `code` (and exactly these fields) and
    changes no row of the sellers and accounts tables nor the audit log."""
    before = _state()
    with pytest.raises(error) as info:
        yield
    assert info.value.code == code
    if fields is not None:
        assert set(info.value.fields) == fields
    assert _state() == before


def _save(
    applicant: User, registration: Registration, step: str, data: dict[str, Any]
) -> Registration:
    return services.registration_save_step(
        acting_user=applicant, registration=registration, step=step, data=data
    )


# --- start and resume --------------------------------------------------------------------


def test_start_creates_one_draft_and_resumes_it() -> None:
    applicant = _applicant()
    head = audit_head()
    draft = services.registration_start(applicant=applicant)
    assert (draft.status, draft.channel, draft.applicant, draft.source) == (
        Registration.Status.DRAFT,
        Registration.Channel.SELF,
        applicant,
        "self",
    )
    assert draft.email == "applicant@example.in"
    assert services.registration_start(applicant=applicant) == draft
    assert audit_actions_since(head) == ["sellers.registration.start"]


def test_start_refused_for_inactive_user() -> None:
    applicant = _applicant()
    applicant.is_active = False
    applicant.save()
    with refused(PermissionDenied, "auth.forbidden"):
        services.registration_start(applicant=applicant)


# --- steps -------------------------------------------------------------------------------


def test_kyc1_firm_step_saves_constitution_and_leaves_later_steps_empty() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    head = audit_head()
    draft = _save(applicant, draft, "firm", firm_step("aabpk1234q"))
    draft.refresh_from_db()
    assert (draft.pan, draft.constitution, draft.current_step) == (
        "AABPK1234Q",
        "PROPRIETORSHIP",
        "firm",
    )
    assert draft.annual_turnover_paise == 50_00_000_00
    assert not draft.offices.exists() and draft.status == Registration.Status.DRAFT
    event = AuditEvent.objects.get(seq=head + 1)
    assert event.action == "sellers.registration.save_step"
    assert event.payload == {"step": "firm", "pan": "AABPK1234Q", "constitution": "PROPRIETORSHIP"}


def test_current_step_is_the_furthest_saved() -> None:
    applicant = _applicant()
    pan = new_pan()
    draft = _save(
        applicant, services.registration_start(applicant=applicant), "firm", firm_step(pan)
    )
    draft = _save(applicant, draft, "bank", BANK_STEP)
    draft = _save(applicant, draft, "offices", offices_step(pan))
    assert draft.current_step == "bank"
    assert draft.bank_account.bank_name == "State Bank of India"


@pytest.mark.parametrize(
    ("step", "data", "code", "fields"),
    [
        ("firm", {}, "kyc.required", None),
        ("firm", firm_step("AAPXU0939F"), "kyc.pan_invalid", {"pan"}),
        ("firm", firm_step("AABPK1234Q", state="Atlantis"), "kyc.state_unknown", {"state"}),
        ("firm", firm_step("AABPK1234Q", pincode="0123"), "kyc.pincode_invalid", {"pincode"}),
        ("firm", firm_step("AABPK1234Q", mobile="12345"), "kyc.mobile_invalid", {"mobile"}),
        (
            "firm",
            firm_step("AABPK1234Q", business_type="SHOP"),
            "kyc.business_type_invalid",
            {"business_type"},
        ),
        (
            "firm",
            firm_step("AABPK1234Q", year_established=1700),
            "kyc.year_invalid",
            {"year_established"},
        ),
        (
            "firm",
            firm_step("AABPK1234Q", annual_turnover_paise="lots"),
            "kyc.number_invalid",
            {"annual_turnover_paise"},
        ),
        (
            "firm",
            firm_step("AABPK1234Q", annual_turnover_paise=-5),
            "kyc.turnover_negative",
            {"annual_turnover_paise"},
        ),
        ("bank", {**BANK_STEP, "ifsc": "SBIN1001234"}, "kyc.ifsc_invalid", {"ifsc"}),
        (
            "bank",
            {**BANK_STEP, "account_number": "12AB"},
            "kyc.account_invalid",
            {"account_number"},
        ),
        (
            "key_person",
            {**KEY_PERSON_STEP, "aadhaar": "234123412347"},
            "kyc.aadhaar_invalid",
            {"aadhaar"},
        ),
        (
            "categories",
            {"categories": [{"kind": "MSE", "reference": "UDYAM-UP-9-1", "mse_class": "MICRO"}]},
            "kyc.udyam_invalid",
            {"categories.0.reference"},
        ),
        (
            "categories",
            {"categories": [{"kind": "MSE", "reference": "UDYAM-UP-09-0012345"}]},
            "kyc.mse_class_required",
            {"categories.0.mse_class"},
        ),
        (
            "categories",
            {"categories": [{"kind": "SHG"}]},
            "kyc.evidence_required",
            {"categories.0.reference"},
        ),
        (
            "categories",
            {"categories": [{"kind": "GI", "reference": "1"}, {"kind": "GI", "reference": "2"}]},
            "kyc.segment_repeated",
            {"categories.1.kind"},
        ),
        (
            "categories",
            {"categories": [{"kind": "ROYAL", "reference": "1"}]},
            "kyc.segment_invalid",
            {"categories.0.kind"},
        ),
        ("categories", {"categories": "MSE"}, "kyc.categories_invalid", {"categories"}),
        (
            "declaration",
            {"land_border_country": True},
            "kyc.land_border_registration_missing",
            {"land_border_registration_number"},
        ),
        (
            "declaration",
            {
                "land_border_country": True,
                "land_border_registration_number": "LB-1",
                "land_border_registration_valid_until": "2020-01-01",
            },
            "kyc.land_border_registration_expired",
            {"land_border_registration_valid_until"},
        ),
        (
            "declaration",
            {
                "land_border_country": True,
                "land_border_registration_number": "LB-1",
                "land_border_registration_valid_until": "soon",
            },
            "kyc.date_invalid",
            {"land_border_registration_valid_until"},
        ),
    ],
)
def test_invalid_step_changes_nothing(
    step: str, data: dict[str, Any], code: str, fields: set[str] | None
) -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    with refused(ValidationFailed, code, fields=fields):
        _save(applicant, draft, step, data)


def test_kyc1_offices_need_the_firm_step_first() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    with refused(ValidationFailed, "kyc.firm_step_first", fields={"pan"}):
        _save(applicant, draft, "offices", offices_step(new_pan()))


def _with_firm(applicant: User, pan: str) -> Registration:
    return _save(
        applicant, services.registration_start(applicant=applicant), "firm", firm_step(pan)
    )


def test_kyc1_gstin_pan_mismatch() -> None:
    applicant = _applicant()
    draft = _with_firm(applicant, new_pan())
    with refused(ValidationFailed, "kyc.gstin_pan_mismatch", fields={"offices.0.gstin"}):
        _save(applicant, draft, "offices", offices_step(new_pan()))


def test_kyc1_gstin_state_must_match_office() -> None:
    applicant = _applicant()
    pan = new_pan()
    draft = _with_firm(applicant, pan)
    with refused(ValidationFailed, "kyc.gstin_state_mismatch", fields={"offices.0.gstin"}):
        _save(applicant, draft, "offices", offices_step(pan, state_code="10"))
    draft = _save(applicant, draft, "offices", offices_step(pan, state_code="38", state="Ladakh"))
    assert draft.offices.get().gstin == gstin_for(pan, "38")


def test_kyc1_offices_repeated_gstin_two_heads_and_none() -> None:
    applicant = _applicant()
    pan = new_pan()
    draft = _with_firm(applicant, pan)
    office = offices_step(pan)["offices"][0]
    with refused(ValidationFailed, "kyc.gstin_repeated", fields={"offices.1.gstin", "offices"}):
        _save(applicant, draft, "offices", {"offices": [office, office]})
    with refused(ValidationFailed, "kyc.offices_required", fields={"offices"}):
        _save(applicant, draft, "offices", {"offices": []})


def test_kyc2_office_without_gstin_and_head_office_defaults_to_first() -> None:
    applicant = _applicant()
    pan = new_pan()
    draft = _with_firm(applicant, pan)
    offices = [
        {"gstin": "", "state": "Bihar", "district": "Patna"},
        {"gstin": gstin_for(pan, "09"), "state": "Uttar Pradesh"},
    ]
    draft = _save(applicant, draft, "offices", {"offices": offices})
    rows = list(draft.offices.order_by("id").values_list("gstin", "is_head_office"))
    assert rows == [(None, True), (gstin_for(pan, "09"), False)]
    # Saving the step again replaces the offices.
    draft = _save(applicant, draft, "offices", offices_step(pan))
    assert draft.offices.count() == 1


def test_kyc1_gstin_registered_by_another_seller() -> None:
    first, second = _applicant("first"), _applicant("second")
    pan = new_pan()
    draft = _with_firm(first, pan)
    _save(first, draft, "offices", offices_step(pan))
    other = _with_firm(second, pan)  # the same PAN is not registered yet: a draft only
    with refused(ValidationFailed, "kyc.gstin_registered", fields={"offices.0.gstin"}):
        _save(second, other, "offices", offices_step(pan))


def test_kyc1_aadhaar_is_stored_masked_only() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    head = audit_head()
    draft = _save(applicant, draft, "key_person", KEY_PERSON_STEP)
    assert draft.aadhaar_masked == "XXXX XXXX 2346"
    stored = str(list(Registration.objects.values())) + str(
        list(AuditEvent.objects.filter(seq__gt=head).values())
    )
    assert VALID_AADHAAR not in stored


def test_kyc3_categories_saved_with_mse_class() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    draft = _save(applicant, draft, "categories", categories_step("MSE", "WOMAN"))
    rows = set(draft.categories.values_list("kind", "reference", "mse_class", "verified"))
    assert rows == {
        ("MSE", "UDYAM-UP-09-0012345", "MICRO", False),
        ("WOMAN", "WOMAN-CARD-77", "", False),
    }


def test_kyc4_declaration_valid_for_twelve_months() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    today = clock.today_ist()
    draft = _save(
        applicant,
        draft,
        "declaration",
        {
            "land_border_country": "yes",
            "land_border_registration_number": "DPIIT/LB/2026/7",
            "land_border_registration_valid_until": (today + dt.timedelta(days=300)).isoformat(),
        },
    )
    assert draft.land_border_country is True
    assert draft.land_border_registration_valid_until == today + dt.timedelta(days=300)


def test_kyc1_pan_already_registered_at_firm_step() -> None:
    applicant = _applicant()
    pan = new_pan()
    SellerFirm.objects.create(name="Existing", pan=pan)
    draft = services.registration_start(applicant=applicant)
    with refused(ValidationFailed, "kyc.pan_registered", fields={"pan"}):
        _save(applicant, draft, "firm", firm_step(pan))


def test_unknown_step_is_not_found() -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    with refused(NotFound, "sellers.unknown_step"):
        _save(applicant, draft, "payment", {})


# --- authorization -------------------------------------------------------------------------


def test_only_the_applicant_edits_the_draft(world) -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    for other in (world.seller_admin, world.buyer, _applicant("stranger")):
        with refused(NotFound, "not_found"):
            _save(other, draft, "bank", BANK_STEP)
        with refused(NotFound, "not_found"):
            services.registration_submit(acting_user=other, registration=draft)
    with refused(PermissionDenied, "sellers.not_applicant"):
        _save(world.operator, draft, "bank", BANK_STEP)


def test_only_operators_verify_and_reject(world) -> None:
    applicant = _applicant()
    registration = submitted(applicant)
    for user in (applicant, world.seller_admin, world.primary):
        with refused(PermissionDenied, "accounts.not_operator"):
            services.registration_verify(acting_user=user, registration=registration)
        with refused(PermissionDenied, "accounts.not_operator"):
            services.registration_reject(acting_user=user, registration=registration, reason="No")


# --- submit --------------------------------------------------------------------------------


def test_submit_incomplete_draft_names_the_missing_steps() -> None:
    applicant = _applicant()
    draft = _with_firm(applicant, new_pan())
    with refused(
        ValidationFailed,
        "sellers.incomplete",
        fields={"offices", "bank", "key_person", "declaration"},
    ):
        services.registration_submit(acting_user=applicant, registration=draft)


def test_kyc6_submit_creates_firm_admin_and_caution_money() -> None:
    applicant = _applicant()
    draft = complete_draft(applicant, annual_turnover_paise=10 * CRORE)
    head = audit_head()
    registration = services.registration_submit(acting_user=applicant, registration=draft)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.submitted_at is not None
    assert registration.caution_money_paise == 10_000_00  # ₹10 crore exactly
    assert registration.caution_money_rule.startswith("KYC-6 slab 2")
    assert registration.policy_version == policy_at(clock.today_ist()).version
    firm = registration.firm
    assert firm is not None
    assert (firm.name, firm.pan, firm.state, firm.district) == (
        "Varanasi Handloom Udyog",
        registration.pan,
        "Uttar Pradesh",
        "Varanasi",
    )
    admin = Membership.objects.get(seller_firm=firm)
    assert (admin.user, admin.role, admin.is_active) == (applicant, Role.SELLER_ADMIN, True)
    assert audit_actions_since(head) == [
        "accounts.seller_firm.create",
        "sellers.registration.submit",
    ]
    receipt = AuditEvent.objects.get(action="sellers.registration.submit").payload
    assert receipt["caution_money_paise"] == 10_000_00
    assert receipt["section"] == "kyc" and receipt["policy_version"] == registration.policy_version


def test_kyc6_exempt_seller_pays_nothing() -> None:
    registration = submitted(_applicant(), segments=("MSE", "WOMAN"), annual_turnover_paise=None)
    assert (registration.caution_money_paise, registration.caution_money_rule) == (
        0,
        "KYC-6 exempt: woman_owned_mse",
    )


def test_kyc3_kyc6_woman_owned_trader_pays() -> None:
    registration = submitted(_applicant(), segments=("MSE", "WOMAN"), business_type="TRADER")
    assert registration.caution_money_paise == 5_000_00


def test_submit_refused_when_pan_registered_meanwhile() -> None:
    applicant = _applicant()
    draft = complete_draft(applicant)
    SellerFirm.objects.create(name="Quicker", pan=draft.pan)
    with refused(ValidationFailed, "kyc.pan_registered", fields={"pan"}):
        services.registration_submit(acting_user=applicant, registration=draft)


def test_submit_refused_when_land_border_registration_expired_meanwhile() -> None:
    applicant = _applicant()
    draft = complete_draft(applicant)
    Registration.objects.filter(pk=draft.pk).update(
        land_border_country=True,
        land_border_registration_number="LB-1",
        land_border_registration_valid_until=clock.today_ist() - dt.timedelta(days=1),
    )
    with refused(ValidationFailed, "kyc.land_border_registration_expired"):
        services.registration_submit(acting_user=applicant, registration=draft)


def test_submitted_registration_cannot_be_edited_or_resubmitted() -> None:
    applicant = _applicant()
    registration = submitted(applicant)
    with refused(Conflict, "sellers.wrong_status"):
        _save(applicant, registration, "bank", BANK_STEP)
    with refused(Conflict, "sellers.wrong_status"):
        services.registration_submit(acting_user=applicant, registration=registration)


# --- verify and reject ----------------------------------------------------------------------


def test_verify(world) -> None:
    registration = submitted(_applicant(), segments=("MSE",))
    head = audit_head()
    registration = services.registration_verify(
        acting_user=world.operator, registration=registration
    )
    assert registration.status == Registration.Status.VERIFIED
    assert registration.verified_by == world.operator and registration.verified_at is not None
    assert list(registration.categories.values_list("verified", flat=True)) == [True]
    assert audit_actions_since(head) == ["sellers.registration.verify"]
    with refused(Conflict, "sellers.wrong_status"):
        services.registration_verify(acting_user=world.operator, registration=registration)


def test_reject_needs_a_reason_then_applicant_corrects_and_resubmits(world) -> None:
    applicant = _applicant()
    registration = submitted(applicant)
    with refused(ValidationFailed, "sellers.reason_required", fields={"reason"}):
        services.registration_reject(
            acting_user=world.operator, registration=registration, reason=" "
        )
    head = audit_head()
    registration = services.registration_reject(
        acting_user=world.operator, registration=registration, reason="Bank letter unreadable"
    )
    assert registration.status == Registration.Status.REJECTED
    assert registration.rejection_reason == "Bank letter unreadable"
    assert SellerFirm.objects.get(pk=registration.firm_id).is_active is False
    assert audit_actions_since(head) == ["sellers.registration.reject"]
    # The applicant resumes the rejected registration, corrects it and submits again.
    assert services.registration_start(applicant=applicant) == registration
    registration = _save(applicant, registration, "bank", {**BANK_STEP, "ifsc": "HDFC0000240"})
    registration = services.registration_submit(acting_user=applicant, registration=registration)
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.rejection_reason == ""
    assert SellerFirm.objects.get(pk=registration.firm_id).is_active is True
    assert SellerFirm.objects.filter(pan=registration.pan).count() == 1


def test_reject_only_submitted(world) -> None:
    applicant = _applicant()
    draft = services.registration_start(applicant=applicant)
    with refused(Conflict, "sellers.wrong_status"):
        services.registration_reject(acting_user=world.operator, registration=draft, reason="No")
