"""Real-shaped KYC examples for the sellers tests: PANs, GSTINs with correct
check characters (computed here with stdnum's base-36 Luhn, independently of
`sellers.rules`), and complete step data for the registration wizard."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from stdnum import luhn

from kraya.accounts.models import User
from kraya.sellers import services
from kraya.sellers.models import Registration

GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
VALID_AADHAAR = "234123412346"

_serial = itertools.count(1001)


def gstin_for(pan: str, state_code: str = "09", entity: str = "1") -> str:
    """A GSTIN with a correct check character for `pan` in `state_code`."""
    body = f"{state_code}{pan}{entity}Z"
    return body + luhn.calc_check_digit(body, GSTIN_ALPHABET)


def new_pan(holder: str = "F") -> str:
    """A fresh, valid PAN of the given holder type (4th letter)."""
    serial = next(_serial)
    return f"AAB{holder}K{serial:04d}Q"


def firm_step(pan: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "legal_name": "Varanasi Handloom Udyog",
        "trade_name": "बनारसी हथकरघा",
        "pan": pan,
        "business_type": "MANUFACTURER",
        "year_established": 2015,
        "annual_turnover_paise": 50_00_000_00,
        "address": "12 Lallapura, Varanasi",
        "state": "Uttar Pradesh",
        "district": "Varanasi",
        "pincode": "221001",
        "email": "udyog@example.in",
        "mobile": "9876543210",
    }
    data.update(overrides)
    return data


def offices_step(
    pan: str, *, state_code: str = "09", state: str = "Uttar Pradesh"
) -> dict[str, Any]:
    return {
        "offices": [
            {
                "gstin": gstin_for(pan, state_code),
                "state": state,
                "district": "Varanasi",
                "pincode": "221001",
                "address": "12 Lallapura",
                "is_head_office": True,
            }
        ]
    }


BANK_STEP: dict[str, Any] = {
    "account_holder": "Varanasi Handloom Udyog",
    "account_number": "001234567890",
    "ifsc": "SBIN0001234",
}
KEY_PERSON_STEP: dict[str, Any] = {
    "key_person_name": "Sunita Devi",
    "key_person_designation": "Proprietor",
    "key_person_mobile": "9876500001",
    "key_person_email": "sunita@example.in",
    "aadhaar": VALID_AADHAAR,
}
DECLARATION_STEP: dict[str, Any] = {"land_border_country": False}


def categories_step(*kinds: str) -> dict[str, Any]:
    categories = []
    for kind in kinds:
        if kind == "MSE":
            categories.append(
                {"kind": "MSE", "reference": "UDYAM-UP-09-0012345", "mse_class": "MICRO"}
            )
        else:
            categories.append({"kind": kind, "reference": f"{kind}-CARD-77"})
    return {"categories": categories}


def complete_draft(
    applicant: User, *, pan: str | None = None, segments: tuple[str, ...] = (), **firm: Any
) -> Registration:
    """A draft with every step saved (not yet submitted)."""
    pan = pan or new_pan()
    registration = services.registration_start(applicant=applicant)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("firm", firm_step(pan, **firm)),
        ("offices", offices_step(pan)),
        ("bank", BANK_STEP),
        ("key_person", KEY_PERSON_STEP),
        ("categories", categories_step(*segments)),
        ("declaration", DECLARATION_STEP),
    ]
    for step, data in steps:
        registration = services.registration_save_step(
            acting_user=applicant, registration=registration, step=step, data=data
        )
    return registration


def submitted(applicant: User, **kwargs: Any) -> Registration:
    registration = complete_draft(applicant, **kwargs)
    return services.registration_submit(acting_user=applicant, registration=registration)


def land_border_until(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


# --- the authorization matrix's players and bodies (tests/api/test_authorization_matrix.py) --
# The applicant is the world's consignee: any signed-in user may register a firm.
APPLICANT_READ = {
    "other_organisation": "other_seller_admin",
    "wrong_role": "buyer",  # a colleague of the applicant sees nothing
    "right_role": "consignee",
}
APPLICANT_EDIT = {
    "other_organisation": "other_seller_admin",
    "wrong_role": "operator",  # sees every registration, edits none
    "right_role": "consignee",
}
OPERATOR = {
    "other_organisation": "other_seller_admin",
    "wrong_role": "consignee",  # the applicant cannot verify their own registration
    "right_role": "operator",
}
STEP_NAMES = ("firm", "offices", "bank", "key_person", "categories", "declaration")


def step_body(applicant: User, step: str) -> dict[str, Any]:
    """A valid body for saving `step` of the applicant's open registration."""
    registration = Registration.objects.filter(applicant=applicant).order_by("-id").first()
    pan = registration.pan if registration is not None and registration.pan else new_pan()
    bodies: dict[str, dict[str, Any]] = {
        "firm": firm_step(pan),
        "offices": offices_step(pan),
        "bank": BANK_STEP,
        "key_person": KEY_PERSON_STEP,
        "categories": categories_step("MSE", "WOMAN"),
        "declaration": DECLARATION_STEP,
    }
    return bodies[step]
