"""The sellers API under `/api/v1/sellers/`: self-service registration
(KYC-1..6) step by step, the operators' directory and decisions, and a public
KYC check of identifiers.

Authorization (checked in the services and selectors, never here):
- no valid token or session: **401** `auth.required` (the KYC check is public);
- a registration is seen by its applicant, the admin of its firm and
  operators; to anyone else it is **404** `not_found`;
- only the applicant changes and submits it (**403** `sellers.not_applicant`
  for an operator); only operators verify, reject and list the directory
  (**403** `accounts.not_operator`).

Field errors are keyed by field name (`pan`, `offices.0.gstin`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kraya.accounts import selectors as account_selectors
from kraya.accounts.models import User
from kraya.accounts.selectors import Actor
from kraya.api.pagination import paginate_queryset
from kraya.api.schemas import error_responses
from kraya.core.errors import NotFound, ValidationFailed
from kraya.sellers import rules, selectors, services
from kraya.sellers.models import BusinessType, MseClass, Registration, Segment
from kraya.sellers.services.checks import KYC_MESSAGES

router = Router(tags=["sellers"])

_SHORT = 200
_LONG = 1000

# --- schemas: steps ------------------------------------------------------------------


class FirmStepIn(Schema):
    legal_name: str = Field(max_length=_SHORT)
    trade_name: str = Field("", max_length=_SHORT)
    pan: str = Field(
        max_length=20, description="The firm's PAN; its 4th letter gives the constitution."
    )
    business_type: BusinessType
    year_established: int | None = Field(None, ge=0, le=9999)
    annual_turnover_paise: int | None = Field(
        None, ge=0, le=10**17, description="Last year's turnover in paise; null for none."
    )
    address: str = Field(max_length=_LONG)
    state: str = Field(max_length=100)
    district: str = Field(max_length=100)
    pincode: str = Field(max_length=10)
    email: str = Field(max_length=254)
    mobile: str = Field(max_length=20)


class OfficeIn(Schema):
    gstin: str = Field("", max_length=20, description="Blank for an office without GSTIN (KYC-2).")
    state: str = Field(max_length=100)
    district: str = Field("", max_length=100)
    pincode: str = Field("", max_length=10)
    address: str = Field("", max_length=_LONG)
    is_head_office: bool = False


class OfficesStepIn(Schema):
    offices: list[OfficeIn] = Field(max_length=50)


class BankStepIn(Schema):
    account_holder: str = Field(max_length=_SHORT)
    account_number: str = Field(max_length=30)
    ifsc: str = Field(max_length=20)


class KeyPersonStepIn(Schema):
    key_person_name: str = Field(max_length=_SHORT)
    key_person_designation: str = Field("", max_length=100)
    key_person_mobile: str = Field(max_length=20)
    key_person_email: str = Field("", max_length=254)
    aadhaar: str = Field(
        "", max_length=20, description="Optional; checked, then only the masked form is kept."
    )


class CategoryIn(Schema):
    kind: Segment
    reference: str = Field("", max_length=64, description="Udyam number for an MSE.")
    mse_class: MseClass | None = None
    evidence_note: str = Field("", max_length=300)


class CategoriesStepIn(Schema):
    categories: list[CategoryIn] = Field(max_length=len(rules.SEGMENTS))


class DeclarationStepIn(Schema):
    land_border_country: bool
    land_border_registration_number: str = Field("", max_length=64)
    land_border_registration_valid_until: dt.date | None = None


class RejectIn(Schema):
    reason: str = Field(max_length=2000)


# --- schemas: answers ---------------------------------------------------------------------


class OfficeOut(Schema):
    gstin: str | None
    state: str
    district: str
    pincode: str
    address: str
    is_head_office: bool


class BankOut(Schema):
    account_holder: str
    account_number_last4: str
    ifsc: str
    bank_name: str


class CategoryOut(Schema):
    kind: str
    reference: str
    mse_class: str
    evidence_note: str
    verified: bool


class RegistrationOut(Schema):
    id: int
    status: str
    channel: str
    firm_id: int | None
    legal_name: str
    trade_name: str
    pan: str
    constitution: str
    business_type: str
    year_established: int | None
    annual_turnover_paise: int | None
    address: str
    state: str
    district: str
    pincode: str
    email: str
    mobile: str
    key_person_name: str
    key_person_designation: str
    key_person_mobile: str
    key_person_email: str
    aadhaar_masked: str
    land_border_country: bool
    land_border_registration_number: str
    land_border_registration_valid_until: dt.date | None
    caution_money_paise: int | None
    caution_money_rule: str
    policy_version: str
    current_step: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    rejection_reason: str
    offices: list[OfficeOut]
    bank_account: BankOut | None
    categories: list[CategoryOut]


class DirectoryItemOut(Schema):
    id: int
    firm_id: int | None
    legal_name: str
    trade_name: str
    pan: str
    state: str
    district: str
    status: str
    business_type: str
    segments: list[str]
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None


class DirectoryPageOut(Schema):
    items: list[DirectoryItemOut]
    next_cursor: str | None


class DirectoryFilters(Schema):
    state: str | None = Field(None, max_length=100)
    district: str | None = Field(None, max_length=100)
    segment: Segment | None = None
    status: Registration.Status | None = None
    business_type: BusinessType | None = None
    category: MseClass | None = Field(None, description="Size category of an MSE.")
    q: str | None = Field(None, max_length=100, description="Name (part) or PAN.")
    cursor: str | None = Field(None, max_length=2000)
    limit: int | None = Field(None, ge=1, le=200)


class CheckResultOut(Schema):
    valid: bool
    value: str = Field(description="The normalised identifier when valid.")
    code: str = Field(description="A stable error code when not valid.")
    message: str
    details: dict[str, str]


class KycCheckOut(Schema):
    fields: dict[str, CheckResultOut]


class KycCheckQuery(Schema):
    pan: str | None = Field(None, max_length=20)
    gstin: str | None = Field(None, max_length=20)
    ifsc: str | None = Field(None, max_length=20)
    udyam: str | None = Field(None, max_length=40)


# --- helpers --------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return account_selectors.actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _out(registration: Registration) -> dict[str, Any]:
    full = selectors.registration_details(registration=registration)
    bank = getattr(full, "bank_account", None)
    related = {"offices", "categories", "bank_account"}
    data = {
        name: getattr(full, name) for name in RegistrationOut.model_fields if name not in related
    }
    data["offices"] = list(full.offices.all())
    data["categories"] = list(full.categories.all())
    data["bank_account"] = (
        {
            "account_holder": bank.account_holder,
            "account_number_last4": bank.account_number[-4:],
            "ifsc": bank.ifsc,
            "bank_name": bank.bank_name,
        }
        if bank is not None
        else None
    )
    return data


def _save(request: HttpRequest, registration_id: int, step: str, data: dict[str, Any]) -> Any:
    actor = _actor(request)
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    registration = services.registration_save_step(
        acting_user=actor, registration=registration, step=step, data=data
    )
    return _out(registration)


_STEP_RESPONSES = {200: RegistrationOut, **error_responses(401, 403, 404, 409, 422)}

# --- the applicant ------------------------------------------------------------------------


@router.post(
    "/registrations",
    response={201: RegistrationOut, **error_responses(401, 403)},
    summary="Start (or resume) my seller registration",
)
def registration_start(request: HttpRequest) -> Any:
    """KYC-5 self-service: answers the caller's open registration if there is
    one (a draft, or a rejected one to correct), else a new draft."""
    registration = services.registration_start(applicant=_actor(request).user)
    return Status(201, _out(registration))


@router.get(
    "/registrations/mine",
    response={200: RegistrationOut, **error_responses(401, 404)},
    summary="My latest seller registration",
)
def registration_mine(request: HttpRequest) -> Any:
    registration = selectors.registration_for_applicant(user=_actor(request).user)
    if registration is None:
        raise NotFound()
    return _out(registration)


@router.get(
    "/registrations/{registration_id}",
    response={200: RegistrationOut, **error_responses(401, 404)},
    summary="A seller registration (applicant, firm admin or operator)",
)
def registration_get(request: HttpRequest, registration_id: int) -> Any:
    return _out(selectors.registration_get(actor=_actor(request), registration_id=registration_id))


@router.put(
    "/registrations/{registration_id}/steps/firm",
    response=_STEP_RESPONSES,
    summary="Save step: firm (KYC-1)",
)
def step_firm(request: HttpRequest, registration_id: int, payload: FirmStepIn) -> Any:
    return _save(request, registration_id, rules.STEP_FIRM, payload.model_dump())


@router.put(
    "/registrations/{registration_id}/steps/offices",
    response=_STEP_RESPONSES,
    summary="Save step: offices and GSTINs (KYC-1)",
)
def step_offices(request: HttpRequest, registration_id: int, payload: OfficesStepIn) -> Any:
    return _save(request, registration_id, rules.STEP_OFFICES, payload.model_dump())


@router.put(
    "/registrations/{registration_id}/steps/bank",
    response=_STEP_RESPONSES,
    summary="Save step: bank account (KYC-1)",
)
def step_bank(request: HttpRequest, registration_id: int, payload: BankStepIn) -> Any:
    return _save(request, registration_id, rules.STEP_BANK, payload.model_dump())


@router.put(
    "/registrations/{registration_id}/steps/key_person",
    response=_STEP_RESPONSES,
    summary="Save step: key person (KYC-1)",
)
def step_key_person(request: HttpRequest, registration_id: int, payload: KeyPersonStepIn) -> Any:
    return _save(request, registration_id, rules.STEP_KEY_PERSON, payload.model_dump())


@router.put(
    "/registrations/{registration_id}/steps/categories",
    response=_STEP_RESPONSES,
    summary="Save step: social and size categories (KYC-3)",
)
def step_categories(request: HttpRequest, registration_id: int, payload: CategoriesStepIn) -> Any:
    data = payload.model_dump()
    for category in data["categories"]:
        category["mse_class"] = category["mse_class"] or ""
    return _save(request, registration_id, rules.STEP_CATEGORIES, data)


@router.put(
    "/registrations/{registration_id}/steps/declaration",
    response=_STEP_RESPONSES,
    summary="Save step: land-border declaration (KYC-4)",
)
def step_declaration(request: HttpRequest, registration_id: int, payload: DeclarationStepIn) -> Any:
    return _save(request, registration_id, rules.STEP_DECLARATION, payload.model_dump())


@router.post(
    "/registrations/{registration_id}/submit",
    response=_STEP_RESPONSES,
    summary="Submit my registration (KYC-6 caution money)",
)
def registration_submit(request: HttpRequest, registration_id: int) -> Any:
    actor = _actor(request)
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    return _out(services.registration_submit(acting_user=actor, registration=registration))


# --- operators ---------------------------------------------------------------------------


@router.post(
    "/registrations/{registration_id}/verify",
    response=_STEP_RESPONSES,
    summary="Verify a registration (operator)",
)
def registration_verify(request: HttpRequest, registration_id: int) -> Any:
    actor = _actor(request)
    selectors.require_operator(actor=actor)
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    return _out(services.registration_verify(acting_user=actor, registration=registration))


@router.post(
    "/registrations/{registration_id}/reject",
    response=_STEP_RESPONSES,
    summary="Reject a registration with a reason (operator)",
)
def registration_reject(request: HttpRequest, registration_id: int, payload: RejectIn) -> Any:
    actor = _actor(request)
    selectors.require_operator(actor=actor)
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    return _out(
        services.registration_reject(
            acting_user=actor, registration=registration, reason=payload.reason
        )
    )


@router.get(
    "/directory",
    response={200: DirectoryPageOut, **error_responses(401, 403, 422)},
    summary="The seller directory (operator)",
)
def directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> Any:
    """Sellers by state, district, segment, status, business type, size
    category or name/PAN; newest first, cursor-paginated. Two queries a page."""
    selectors.require_operator(actor=_actor(request))
    rows = selectors.seller_directory(
        state=filters.state,
        district=filters.district,
        segment=filters.segment,
        status=filters.status,
        business_type=filters.business_type,
        category=filters.category,
        q=filters.q,
    )
    page = paginate_queryset(rows, cursor=filters.cursor, limit=filters.limit, ordering=("-id",))
    segments = selectors.registration_segments(registration_ids=[r.pk for r in page.items])
    items = [
        {
            "id": r.pk,
            "firm_id": r.firm_id,
            "legal_name": r.legal_name,
            "trade_name": r.trade_name,
            "pan": r.pan,
            "state": r.state,
            "district": r.district,
            "status": r.status,
            "business_type": r.business_type,
            "segments": sorted(segments.get(r.pk, ())),
            "submitted_at": r.submitted_at,
            "verified_at": r.verified_at,
        }
        for r in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


# --- public KYC check -------------------------------------------------------------------


def _check(
    value: str, check: Callable[[str], str], details: Callable[[str], dict[str, str]]
) -> dict[str, Any]:
    try:
        clean = check(value)
    except rules.KycError as error:
        return {
            "valid": False,
            "value": "",
            "code": error.code,
            "message": str(KYC_MESSAGES.get(error.code, error.message)),
            "details": {},
        }
    return {"valid": True, "value": clean, "code": "", "message": "", "details": details(clean)}


@router.get(
    "/kyc/check",
    auth=None,
    response={200: KycCheckOut, **error_responses(422)},
    summary="Check PAN, GSTIN, IFSC and Udyam numbers (public)",
)
def kyc_check(request: HttpRequest, query: Query[KycCheckQuery]) -> Any:
    """KYC-1, KYC-3: validates each identifier given and says what it
    encodes (constitution, state, bank). With both PAN and GSTIN it also
    checks that the GSTIN embeds that PAN. Nothing is looked up or stored."""
    results: dict[str, dict[str, Any]] = {}
    if query.pan is not None:
        results["pan"] = _check(
            query.pan,
            rules.pan_validate,
            lambda pan: {"constitution": rules.constitution_from_pan(pan)},
        )
    if query.gstin is not None:
        results["gstin"] = _check(
            query.gstin,
            rules.gstin_validate,
            lambda g: {"state": rules.gstin_state(g), "pan": g[2:12]},
        )
        if results["gstin"]["valid"] and query.pan is not None and results["pan"]["valid"]:
            pan = results["pan"]["value"]

            def matching(gstin: str) -> str:
                rules.gstin_matches_pan(gstin=gstin, pan=pan)
                return gstin

            results["gstin"] = _check(
                query.gstin, matching, lambda g: {"state": rules.gstin_state(g), "pan": g[2:12]}
            )
    if query.ifsc is not None:
        results["ifsc"] = _check(
            query.ifsc, rules.ifsc_validate, lambda ifsc: {"bank": rules.bank_from_ifsc(ifsc)}
        )
    if query.udyam is not None:
        results["udyam"] = _check(query.udyam, rules.udyam_validate, lambda udyam: {})
    if not results:
        raise ValidationFailed(
            code="sellers.nothing_to_check",
            fields={"pan": [_("Give at least one of pan, gstin, ifsc or udyam.")]},
        )
    return {"fields": results}
