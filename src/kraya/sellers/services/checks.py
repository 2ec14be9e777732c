"""Field checks for each registration step (KYC-1..4), shared by the wizard
services and the bulk import (KYC-5). Each `clean_<step>` takes the raw input
(a dict of strings, numbers or lists, as from a form, the API or a CSV row)
and returns the cleaned values, or raises `ValidationFailed` with every field
problem at once, keyed by field name (`offices.0.gstin` inside lists)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules as account_rules
from kraya.core.errors import ValidationFailed
from kraya.sellers import rules
from kraya.sellers.rules import KycError, KycPolicy

# Translated messages for the stable codes of `rules.KycError`.
KYC_MESSAGES: dict[str, Any] = {
    "kyc.pan_required": _("Enter the PAN."),
    "kyc.pan_invalid": _("Enter a valid PAN, like ABCPE1234F."),
    "kyc.pan_registered": _("A seller with this PAN is already registered."),
    "kyc.gstin_required": _("Enter the GSTIN."),
    "kyc.gstin_invalid": _("Enter a valid 15-character GSTIN, like 09ABCPE1234F1Z5."),
    "kyc.gstin_state_unknown": _("The GSTIN's state code is not known."),
    "kyc.gstin_checksum": _("The GSTIN's check character is wrong; please check the number."),
    "kyc.gstin_pan_mismatch": _("This GSTIN belongs to another PAN than the firm's."),
    "kyc.gstin_state_mismatch": _("The GSTIN's state code does not match the office's state."),
    "kyc.gstin_registered": _("This GSTIN is already registered."),
    "kyc.gstin_repeated": _("This GSTIN is given twice."),
    "kyc.ifsc_required": _("Enter the IFSC."),
    "kyc.ifsc_invalid": _("Enter a valid 11-character IFSC, like SBIN0001234."),
    "kyc.udyam_required": _("Enter the Udyam registration number."),
    "kyc.udyam_invalid": _("Enter a valid Udyam number, like UDYAM-UP-09-0012345."),
    "kyc.udyam_state_unknown": _("The Udyam number's state code is not known."),
    "kyc.aadhaar_invalid": _("Enter a valid 12-digit Aadhaar number."),
    "kyc.turnover_negative": _("Turnover cannot be negative."),
    "kyc.land_border_registration_missing": _(
        "Enter the registration with the competent authority and its validity."
    ),
    "kyc.land_border_registration_expired": _("The registration has expired."),
    "kyc.land_border_validity_too_long": _("A registration is valid for at most 12 months."),
}

_PINCODE = re.compile(r"[1-9][0-9]{5}")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{9,18}")
_FIRST_YEAR = 1800


class StepErrors:
    """Collects field problems; the first problem's code becomes the error's code."""

    def __init__(self) -> None:
        self.fields: dict[str, list[Any]] = {}
        self.code = ""

    def add(self, name: str, message: Any, code: str = "validation") -> None:
        self.fields.setdefault(name, []).append(message)
        self.code = self.code or code

    def add_kyc(self, error: KycError, prefix: str = "") -> None:
        self.add(prefix + error.field, KYC_MESSAGES.get(error.code, error.message), error.code)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(code=self.code, fields=self.fields)


def kyc_failure(error: KycError, prefix: str = "") -> ValidationFailed:
    errors = StepErrors()
    errors.add_kyc(error, prefix)
    return ValidationFailed(code=errors.code, fields=errors.fields)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _required(data: Mapping[str, Any], name: str, errors: StepErrors, message: Any) -> str:
    value = _text(data, name)
    if not value:
        errors.add(name, message, "kyc.required")
    return value


def _email(value: str, name: str, errors: StepErrors) -> None:
    try:
        validate_email(value)
    except ValidationError:
        errors.add(name, _("Enter a valid email address."), "kyc.email_invalid")


def _int_or_none(data: Mapping[str, Any], name: str, errors: StepErrors) -> int | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.add(name, _("Enter a whole number."), "kyc.number_invalid")
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        errors.add(name, _("Enter a whole number."), "kyc.number_invalid")
        return None


def _state(value: str, name: str, errors: StepErrors) -> None:
    if value and value not in rules.STATES:
        errors.add(name, _("Choose a state or union territory from the list."), "kyc.state_unknown")


def _bool(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "हाँ", "हां"}
    return bool(value)


def _date_or_none(data: Mapping[str, Any], name: str, errors: StepErrors) -> dt.date | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD."), "kyc.date_invalid")
        return None


# --- the steps -----------------------------------------------------------------------


def clean_firm(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """Step `firm` (KYC-1): the firm, its PAN (→ constitution) and contacts."""
    errors = StepErrors()
    cleaned: dict[str, Any] = {
        "legal_name": _required(data, "legal_name", errors, _("Enter the firm's legal name.")),
        "trade_name": _text(data, "trade_name"),
        "address": _required(data, "address", errors, _("Enter the address.")),
        "district": _required(data, "district", errors, _("Enter the district.")),
    }
    try:
        cleaned["pan"] = rules.pan_validate(_text(data, "pan"))
        cleaned["constitution"] = rules.constitution_from_pan(cleaned["pan"])
    except KycError as error:
        errors.add_kyc(error)
    business_type = _text(data, "business_type").upper()
    if business_type not in rules.BUSINESS_TYPES:
        errors.add("business_type", _("Choose the business type."), "kyc.business_type_invalid")
    cleaned["business_type"] = business_type
    year = _int_or_none(data, "year_established", errors)
    if year is not None and not _FIRST_YEAR <= year <= today.year:
        errors.add(
            "year_established", _("Enter a year from 1800 to this year."), "kyc.year_invalid"
        )
    cleaned["year_established"] = year
    turnover = _int_or_none(data, "annual_turnover_paise", errors)
    if turnover is not None and turnover < 0:
        errors.add_kyc(
            KycError("kyc.turnover_negative", "annual_turnover_paise", "negative turnover")
        )
    cleaned["annual_turnover_paise"] = turnover
    cleaned["state"] = _required(data, "state", errors, _("Choose the state."))
    _state(cleaned["state"], "state", errors)
    cleaned["pincode"] = _text(data, "pincode")
    if not _PINCODE.fullmatch(cleaned["pincode"]):
        errors.add("pincode", _("Enter a 6-digit PIN code."), "kyc.pincode_invalid")
    cleaned["email"] = _text(data, "email").lower()
    _email(cleaned["email"], "email", errors)
    cleaned["mobile"] = _text(data, "mobile")
    if not account_rules.mobile_is_valid(cleaned["mobile"]):
        errors.add("mobile", _("Enter a 10-digit Indian mobile number."), "kyc.mobile_invalid")
    errors.raise_if_any()
    return cleaned


def clean_offices(data: Mapping[str, Any], *, pan: str) -> list[dict[str, Any]]:
    """Step `offices` (KYC-1): one or more locations. A GSTIN is optional
    (KYC-2 limits orders without one) but, when given, embeds the firm's PAN
    and the office's state code. Exactly one head office (the first if none
    is marked)."""
    errors = StepErrors()
    raw = data.get("offices")
    if not isinstance(raw, list) or not raw:
        errors.add("offices", _("Add at least one office."), "kyc.offices_required")
        errors.raise_if_any()
    assert isinstance(raw, list)
    offices: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        prefix = f"offices.{index}."
        entry: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        office: dict[str, Any] = {
            "state": _text(entry, "state"),
            "district": _text(entry, "district"),
            "pincode": _text(entry, "pincode"),
            "address": _text(entry, "address"),
            "is_head_office": _bool(entry, "is_head_office"),
            "gstin": None,
        }
        if not office["state"]:
            errors.add(prefix + "state", _("Choose the state."), "kyc.required")
        elif office["state"] not in rules.STATES:
            errors.add(
                prefix + "state",
                _("Choose a state or union territory from the list."),
                "kyc.state_unknown",
            )
        if office["pincode"] and not _PINCODE.fullmatch(office["pincode"]):
            errors.add(prefix + "pincode", _("Enter a 6-digit PIN code."), "kyc.pincode_invalid")
        gstin = _text(entry, "gstin")
        if gstin:
            try:
                office["gstin"] = rules.gstin_validate(gstin)
                rules.gstin_matches_pan(gstin=office["gstin"], pan=pan)
                if office["state"] in rules.STATES:
                    rules.gstin_fits_state(gstin=office["gstin"], state=office["state"])
            except KycError as error:
                errors.add_kyc(error, prefix)
            if office["gstin"] in seen:
                errors.add(
                    prefix + "gstin", KYC_MESSAGES["kyc.gstin_repeated"], "kyc.gstin_repeated"
                )
            if office["gstin"]:
                seen.add(office["gstin"])
        offices.append(office)
    heads = [office for office in offices if office["is_head_office"]]
    if len(heads) > 1:
        errors.add("offices", _("Mark only one head office."), "kyc.head_office_repeated")
    elif not heads:
        offices[0]["is_head_office"] = True
    errors.raise_if_any()
    return offices


def clean_bank(data: Mapping[str, Any]) -> dict[str, Any]:
    """Step `bank` (KYC-1): account and IFSC; the bank's name from the IFSC."""
    errors = StepErrors()
    cleaned: dict[str, Any] = {
        "account_holder": _required(
            data, "account_holder", errors, _("Enter the account holder's name.")
        ),
        "account_number": re.sub(r"\s", "", _text(data, "account_number")),
    }
    if not _ACCOUNT_NUMBER.fullmatch(cleaned["account_number"]):
        errors.add(
            "account_number", _("Enter the account number: 9 to 18 digits."), "kyc.account_invalid"
        )
    try:
        cleaned["ifsc"] = rules.ifsc_validate(_text(data, "ifsc"))
        cleaned["bank_name"] = rules.bank_from_ifsc(cleaned["ifsc"])
    except KycError as error:
        errors.add_kyc(error)
    errors.raise_if_any()
    return cleaned


def clean_key_person(data: Mapping[str, Any]) -> dict[str, Any]:
    """Step `key_person` (KYC-1): Aadhaar is optional and kept masked only."""
    errors = StepErrors()
    cleaned: dict[str, Any] = {
        "key_person_name": _required(
            data, "key_person_name", errors, _("Enter the key person's name.")
        ),
        "key_person_designation": _text(data, "key_person_designation"),
        "key_person_mobile": _text(data, "key_person_mobile"),
        "key_person_email": _text(data, "key_person_email").lower(),
        "aadhaar_masked": "",
    }
    if not account_rules.mobile_is_valid(cleaned["key_person_mobile"]):
        errors.add(
            "key_person_mobile", _("Enter a 10-digit Indian mobile number."), "kyc.mobile_invalid"
        )
    if cleaned["key_person_email"]:
        _email(cleaned["key_person_email"], "key_person_email", errors)
    aadhaar = _text(data, "aadhaar")
    if aadhaar:
        try:
            cleaned["aadhaar_masked"] = rules.aadhaar_mask(aadhaar)
        except KycError as error:
            errors.add_kyc(error)
    errors.raise_if_any()
    return cleaned


def clean_categories(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Step `categories` (KYC-3): each segment once, with its evidence; an
    MSE needs a valid Udyam number and its class."""
    errors = StepErrors()
    raw = data.get("categories") or []
    if not isinstance(raw, list):
        errors.add("categories", _("Send the categories as a list."), "kyc.categories_invalid")
        errors.raise_if_any()
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        prefix = f"categories.{index}."
        entry: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        kind = _text(entry, "kind").upper()
        category: dict[str, Any] = {
            "kind": kind,
            "reference": _text(entry, "reference"),
            "mse_class": _text(entry, "mse_class").upper(),
            "evidence_note": _text(entry, "evidence_note"),
        }
        if kind not in rules.SEGMENTS:
            errors.add(
                prefix + "kind", _("Choose a category from the list."), "kyc.segment_invalid"
            )
        elif kind in seen:
            errors.add(prefix + "kind", _("This category is given twice."), "kyc.segment_repeated")
        seen.add(kind)
        if kind == rules.MSE:
            try:
                category["reference"] = rules.udyam_validate(
                    category["reference"], field="reference"
                )
            except KycError as error:
                errors.add_kyc(error, prefix)
            if category["mse_class"] not in rules.MSE_CLASSES:
                errors.add(
                    prefix + "mse_class",
                    _("Choose micro, small or medium."),
                    "kyc.mse_class_required",
                )
        else:
            category["mse_class"] = ""
            if kind in rules.SEGMENTS and not (category["reference"] or category["evidence_note"]):
                errors.add(
                    prefix + "reference",
                    _("Give the certificate or card number, or describe the evidence."),
                    "kyc.evidence_required",
                )
        cleaned.append(category)
    errors.raise_if_any()
    return cleaned


def clean_declaration(
    data: Mapping[str, Any], *, today: dt.date, kyc_policy: KycPolicy
) -> dict[str, Any]:
    """Step `declaration` (KYC-4): the land-border declaration."""
    errors = StepErrors()
    land_border = _bool(data, "land_border_country")
    number = _text(data, "land_border_registration_number")
    valid_until = _date_or_none(data, "land_border_registration_valid_until", errors)
    errors.raise_if_any()
    try:
        rules.land_border_declaration_check(
            land_border_country=land_border,
            registration_number=number,
            valid_until=valid_until,
            today=today,
            kyc_policy=kyc_policy,
        )
    except KycError as error:
        raise kyc_failure(error) from None
    return {
        "land_border_country": land_border,
        "land_border_registration_number": number if land_border else "",
        "land_border_registration_valid_until": valid_until if land_border else None,
    }
