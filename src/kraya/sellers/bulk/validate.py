"""KYC-5: one CSV row checked against the pure KYC rules (`sellers.rules`),
without touching the database. The result is either a clean row ready to
insert or the row's field-level reasons; checks against the database (PAN
already registered, GSTIN taken, repeated in the file) are the service's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from kraya.accounts.rules import mobile_is_valid
from kraya.sellers import rules
from kraya.sellers.bulk.reader import MAX_CELL_CHARS, RawRow

# Row-level messages by code (the KYC rules give codes; these are the words).
MESSAGES: dict[str, Any] = {
    "bulk.required": _("This is required."),
    "bulk.too_long": _("This is too long."),
    "bulk.formula": _("A cell cannot start with =, +, - or @."),
    "bulk.extra_cells": _("This row has more cells than the file has columns."),
    "bulk.state_unknown": _("Enter a state or union territory of India, like Uttar Pradesh."),
    "bulk.pincode_invalid": _("Enter a 6-digit PIN code."),
    "bulk.mobile_invalid": _("Enter a 10-digit Indian mobile number."),
    "bulk.email_invalid": _("Enter a valid email address."),
    "bulk.business_type_invalid": _("Enter MANUFACTURER, TRADER or SERVICE_PROVIDER."),
    "bulk.turnover_invalid": _("Enter the turnover in rupees, like 4500000."),
    "bulk.segment_unknown": _(
        "Unknown segment. Use MSE, STARTUP, WOMAN, SC_ST, ARTISAN, "
        "WEAVER, SHG, TRIBAL or GI, separated by ;."
    ),
    "bulk.mse_class_invalid": _("Enter MICRO, SMALL or MEDIUM."),
    "bulk.udyam_without_mse": _("An Udyam number is given but MSE is not in the segments."),
    "bulk.account_invalid": _("Enter the account number: 9 to 18 digits."),
    "bulk.pan_repeated": _("This PAN appears earlier in the file (row %(row)s); the first wins."),
    "bulk.gstin_repeated": _("This GSTIN appears earlier in the file (row %(row)s)."),
    "bulk.gstin_taken": _("This GSTIN is already registered to another seller."),
    "kyc.pan_required": _("Enter the PAN."),
    "kyc.pan_invalid": _("Enter a valid PAN, like ABCPE1234F."),
    "kyc.gstin_invalid": _("Enter a valid 15-character GSTIN, like 09ABCPE1234F1Z5."),
    "kyc.gstin_state_unknown": _("The GSTIN's state code is not known."),
    "kyc.gstin_checksum": _("The GSTIN's check character is wrong."),
    "kyc.gstin_pan_mismatch": _("This GSTIN belongs to another PAN than the firm's."),
    "kyc.gstin_state_mismatch": _("The GSTIN's state code does not match the state."),
    "kyc.ifsc_required": _("Enter the IFSC."),
    "kyc.ifsc_invalid": _("Enter a valid 11-character IFSC, like SBIN0001234."),
    "kyc.udyam_required": _("Enter the Udyam registration number."),
    "kyc.udyam_invalid": _("Enter a valid Udyam number, like UDYAM-UP-09-0012345."),
    "kyc.udyam_state_unknown": _("The Udyam number's state code is not known."),
    "kyc.turnover_negative": _("Turnover cannot be negative."),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PINCODE = re.compile(r"[1-9][0-9]{5}")
_ACCOUNT = re.compile(r"[0-9]{9,18}")
_TURNOVER = re.compile(r"(?:₹|rs\.?|inr)?\s*([0-9][0-9,]*)(?:\.([0-9]{1,2}))?", re.IGNORECASE)
_STATES = {state.casefold(): state for state in rules.STATES}
_BUSINESS_TYPES = {
    "manufacturer": rules.MANUFACTURER,
    "निर्माता": rules.MANUFACTURER,
    "trader": rules.TRADER,
    "व्यापारी": rules.TRADER,
    "service_provider": rules.SERVICE_PROVIDER,
    "service provider": rules.SERVICE_PROVIDER,
    "सेवा प्रदाता": rules.SERVICE_PROVIDER,
}
_SEGMENT_ALIASES = {"SC/ST": rules.SC_ST, "SCST": rules.SC_ST, "SC-ST": rules.SC_ST}


@dataclass
class RowError:
    field: str
    code: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)


@dataclass
class CleanRow:
    number: int
    legal_name: str
    pan: str
    constitution: str
    gstin: str | None
    state: str
    district: str
    pincode: str
    address: str
    mobile: str
    email: str
    key_person_name: str
    business_type: str
    turnover_paise: int | None
    segments: list[str]
    udyam_number: str
    mse_class: str
    bank_account: str
    ifsc: str
    bank_name: str
    caution_money_paise: int
    caution_money_rule: str


@dataclass
class Checked:
    """One row after the pure checks: `clean` or `errors` (never both)."""

    number: int
    pan: str
    legal_name: str
    clean: CleanRow | None
    errors: list[RowError]


def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would run as a formula, made plain text."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _mobile(value: str) -> str | None:
    digits = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+91", "0091", "91", "0"):
        if len(digits) == 10 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if mobile_is_valid(digits) else None


def _turnover_paise(value: str) -> int | None:
    match = _TURNOVER.fullmatch(value.strip())
    if not match:
        raise ValueError(value)
    rupees = int(match.group(1).replace(",", ""))
    paise = int((match.group(2) or "0").ljust(2, "0"))
    return rupees * 100 + paise


def _segments(value: str) -> list[str] | None:
    found: list[str] = []
    for part in re.split(r"[;,|]", value):
        name = part.strip().upper().replace(" ", "_")
        if not name:
            continue
        name = _SEGMENT_ALIASES.get(name, name)
        if name not in rules.SEGMENTS:
            return None
        if name not in found:
            found.append(name)
    return found


class _Row:
    """Collects a row's problems so the report shows them all at once."""

    def __init__(self, raw: RawRow) -> None:
        self.cells = raw.cells
        self.errors: list[RowError] = []

    def fail(self, name: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(name, code, params))

    def text(self, name: str, *, required: bool, max_length: int) -> str:
        value = self.cells.get(name, "")
        if not value:
            if required:
                self.fail(name, "bulk.required")
        elif value.startswith(_FORMULA_START):
            self.fail(name, "bulk.formula")
        elif len(value) > max_length:
            self.fail(name, "bulk.too_long")
        return value

    def kyc(self, name: str, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except rules.KycError as error:
            self.fail(name, error.code)
            return None


def check_row(raw: RawRow, *, kyc_policy: rules.KycPolicy) -> Checked:
    """KYC-1, KYC-3, KYC-6 for one row."""
    row = _Row(raw)
    cells = raw.cells
    if raw.extra_cells:
        row.fail("row", "bulk.extra_cells")
    legal_name = row.text("legal_name", required=True, max_length=200)
    pan = row.kyc("pan", rules.pan_validate, cells.get("pan", ""))  # KYC-1
    state_name = _STATES.get(cells.get("state", "").casefold())
    if state_name is None:
        row.fail("state", "bulk.required" if not cells.get("state") else "bulk.state_unknown")
    gstin = None
    if cells.get("gstin"):  # KYC-2: optional; KYC-1: it must carry the PAN and state
        gstin = row.kyc("gstin", rules.gstin_validate, cells["gstin"])
        # The rules re-validate what they are given; ask them only when the
        # cheap comparison says there is something to refuse (100k-row files).
        if gstin and pan and gstin[2:12] != pan:
            row.kyc("gstin", rules.gstin_matches_pan, gstin=gstin, pan=pan)
        if gstin and state_name and rules.GST_STATE_CODES[gstin[:2]] != state_name:
            row.kyc("gstin", rules.gstin_fits_state, gstin=gstin, state=state_name)
    district = row.text("district", required=True, max_length=100)
    pincode = cells.get("pincode", "").replace(" ", "")
    if not _PINCODE.fullmatch(pincode):
        row.fail("pincode", "bulk.required" if not pincode else "bulk.pincode_invalid")
    address = row.text("address", required=True, max_length=MAX_CELL_CHARS)
    mobile = _mobile(cells.get("mobile", ""))
    if mobile is None:
        row.fail("mobile", "bulk.required" if not cells.get("mobile") else "bulk.mobile_invalid")
    email = cells.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        row.fail("email", "bulk.required" if not email else "bulk.email_invalid")
    key_person = row.text("key_person_name", required=True, max_length=200)
    business_type = _BUSINESS_TYPES.get(cells.get("business_type", "").strip().casefold())
    if business_type is None:
        row.fail("business_type", "bulk.business_type_invalid")
    turnover_paise: int | None = None
    if cells.get("annual_turnover"):
        try:
            turnover_paise = _turnover_paise(cells["annual_turnover"])
        except ValueError:
            row.fail("annual_turnover", "bulk.turnover_invalid")
    segments = _segments(cells.get("segments", ""))
    if segments is None:
        row.fail("segments", "bulk.segment_unknown")
        segments = []
    udyam = ""
    mse_class = cells.get("mse_class", "").strip().upper()
    if rules.MSE in segments:  # KYC-3: an MSE gives its Udyam number and class
        udyam = row.kyc("udyam_number", rules.udyam_validate, cells.get("udyam_number", "")) or ""
        if mse_class not in rules.MSE_CLASSES:
            row.fail("mse_class", "bulk.mse_class_invalid")
    elif cells.get("udyam_number"):
        row.fail("udyam_number", "bulk.udyam_without_mse")
    elif mse_class:
        row.fail("mse_class", "bulk.udyam_without_mse")
    account = re.sub(r"[\s\-]", "", cells.get("bank_account", ""))
    if not _ACCOUNT.fullmatch(account):
        row.fail("bank_account", "bulk.required" if not account else "bulk.account_invalid")
    ifsc = row.kyc("ifsc", rules.ifsc_validate, cells.get("ifsc", ""))
    if row.errors or pan is None or state_name is None or business_type is None or mobile is None:
        return Checked(
            raw.number, pan or cells.get("pan", "")[:10].upper(), legal_name[:200], None, row.errors
        )
    # KYC-6 (with KYC-3: a trader's MSE category brings no exemption).
    caution = rules.caution_money(
        turnover_paise=turnover_paise,
        segments=segments,
        business_type=business_type,
        kyc_policy=kyc_policy,
    )
    clean = CleanRow(
        number=raw.number,
        legal_name=legal_name,
        pan=pan,
        constitution=rules.PAN_HOLDER_CONSTITUTION[pan[3]],  # KYC-1, as constitution_from_pan
        gstin=gstin,
        state=state_name,
        district=district,
        pincode=pincode,
        address=address,
        mobile=mobile,
        email=email,
        key_person_name=key_person,
        business_type=business_type,
        turnover_paise=turnover_paise,
        segments=segments,
        udyam_number=udyam,
        mse_class=mse_class if rules.MSE in segments else "",
        bank_account=account,
        ifsc=ifsc,
        bank_name=rules.BANKS_BY_IFSC_PREFIX.get(ifsc[:4], ""),  # KYC-1, as bank_from_ifsc
        caution_money_paise=caution.amount_paise,
        caution_money_rule=caution.rule,
    )
    return Checked(raw.number, pan, legal_name, clean, [])
