"""Pure rules for seller registration (DOMAIN §3, KYC-1..6).

No Django here. Identifiers are checked with python-stdnum where it is right
(PAN format, Aadhaar's Verhoeff digit) and by our own precise checks where it
has gaps: stdnum's GSTIN check rejects the real state codes 38 (Ladakh), 97
(other territory) and 99 (centre jurisdiction), so the GSTIN check character
is computed here for every state code. A failed check raises `KycError` with
a stable code and the field it concerns; services turn it into a translated
field error. Money is integer paise; policy numbers come from the `Kyc`
policy section passed in, never from literals here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import aadhaar as stdnum_aadhaar
from stdnum.in_ import pan as stdnum_pan

# --- codes shared with models.py ----------------------------------------------------

# KYC-1: constitution, from the PAN's fourth character.
PROPRIETORSHIP = "PROPRIETORSHIP"
FIRM_LLP = "FIRM_LLP"
COMPANY = "COMPANY"
TRUST = "TRUST"
ASSOCIATION = "ASSOCIATION"
BODY_OF_INDIVIDUALS = "BODY_OF_INDIVIDUALS"
GOVERNMENT = "GOVERNMENT"
HUF = "HUF"
LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
ARTIFICIAL_JURIDICAL_PERSON = "ARTIFICIAL_JURIDICAL_PERSON"

PAN_HOLDER_CONSTITUTION: dict[str, str] = {
    "P": PROPRIETORSHIP,
    "F": FIRM_LLP,
    "C": COMPANY,
    "T": TRUST,
    # "Krish" trusts: an old trust type the Income Tax department no longer lists.
    "K": TRUST,
    "A": ASSOCIATION,
    "B": BODY_OF_INDIVIDUALS,
    "G": GOVERNMENT,
    "H": HUF,
    "L": LOCAL_AUTHORITY,
    "J": ARTIFICIAL_JURIDICAL_PERSON,
}

MANUFACTURER = "MANUFACTURER"
TRADER = "TRADER"
SERVICE_PROVIDER = "SERVICE_PROVIDER"
BUSINESS_TYPES = (MANUFACTURER, TRADER, SERVICE_PROVIDER)

# KYC-3: social and size categories.
MSE = "MSE"
STARTUP = "STARTUP"
WOMAN = "WOMAN"
SC_ST = "SC_ST"
ARTISAN = "ARTISAN"
WEAVER = "WEAVER"
SHG = "SHG"
TRIBAL = "TRIBAL"
GI = "GI"
SEGMENTS = (MSE, STARTUP, WOMAN, SC_ST, ARTISAN, WEAVER, SHG, TRIBAL, GI)

MICRO = "MICRO"
SMALL = "SMALL"
MEDIUM = "MEDIUM"
MSE_CLASSES = (MICRO, SMALL, MEDIUM)

# The registration wizard's steps, in order.
STEP_FIRM = "firm"
STEP_OFFICES = "offices"
STEP_BANK = "bank"
STEP_KEY_PERSON = "key_person"
STEP_CATEGORIES = "categories"
STEP_DECLARATION = "declaration"
STEPS = (STEP_FIRM, STEP_OFFICES, STEP_BANK, STEP_KEY_PERSON, STEP_CATEGORIES, STEP_DECLARATION)

# GST state codes (the GSTIN's first two digits) → state or territory.
GST_STATE_CODES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    # 25 (Daman and Diu) merged into 26 in 2020; old GSTINs keep their code.
    "25": "Dadra and Nagar Haveli and Daman and Diu",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    # 28 is Andhra Pradesh before the 2014 division; new registrations use 37.
    "28": "Andhra Pradesh",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
    "99": "Centre Jurisdiction",
}
# Codes with no place of their own: their GSTINs fit an office in any state.
_PLACELESS_STATE_CODES = frozenset({"97", "99"})

# The states and union territories an office or firm may be in.
STATES: tuple[str, ...] = tuple(
    sorted({name for code, name in GST_STATE_CODES.items() if code not in _PLACELESS_STATE_CODES})
)

# Udyam numbers carry the state's vehicle-registration letters (UDYAM-UP-…);
# some states have two in use (CG/CT, OD/OR, TS/TG, UK/UT).
# fmt: off
UDYAM_STATE_CODES = frozenset({
    "AN", "AP", "AR", "AS", "BR", "CH", "CG", "CT", "DD", "DH", "DL", "DN", "GA", "GJ",
    "HP", "HR", "JH", "JK", "KA", "KL", "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL",
    "OD", "OR", "PB", "PY", "RJ", "SK", "TG", "TN", "TR", "TS", "UK", "UP", "UT", "WB",
})
# fmt: on

# The first four letters of an IFSC name the bank; the common ones.
BANKS_BY_IFSC_PREFIX: dict[str, str] = {
    "SBIN": "State Bank of India",
    "PUNB": "Punjab National Bank",
    "BARB": "Bank of Baroda",
    "CNRB": "Canara Bank",
    "UBIN": "Union Bank of India",
    "BKID": "Bank of India",
    "IOBA": "Indian Overseas Bank",
    "UCBA": "UCO Bank",
    "CBIN": "Central Bank of India",
    "IDIB": "Indian Bank",
    "MAHB": "Bank of Maharashtra",
    "PSIB": "Punjab & Sind Bank",
    "HDFC": "HDFC Bank",
    "ICIC": "ICICI Bank",
    "UTIB": "Axis Bank",
    "KKBK": "Kotak Mahindra Bank",
    "YESB": "Yes Bank",
    "IDFB": "IDFC First Bank",
    "INDB": "IndusInd Bank",
    "FDRL": "Federal Bank",
    "SIBL": "South Indian Bank",
    "KARB": "Karnataka Bank",
    "BDBL": "Bandhan Bank",
    "IPOS": "India Post Payments Bank",
}

_PAN_RE = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")
_GSTIN_RE = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]")
_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IFSC_RE = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
_UDYAM_RE = re.compile(r"UDYAM-([A-Z]{2})-\d{2}-\d{7}")
_SEPARATORS = re.compile(r"[\s\-]")


class KycError(ValueError):
    """A refused identifier or declaration: `code` is stable, `field` names
    the input it concerns, `message` is plain English (services translate)."""

    def __init__(self, code: str, field: str, message: str) -> None:
        self.code = code
        self.field = field
        self.message = message
        super().__init__(f"{code} ({field}): {message}")


@dataclass(frozen=True)
class KycDecision:
    """A yes/no rule outcome with the rule that decided and, when refused,
    a stable error code."""

    allowed: bool
    rule: str
    code: str = ""


@dataclass(frozen=True)
class CautionMoney:
    """KYC-6: the amount, the rule that decided it, and the exemption (if any)."""

    amount_paise: int
    rule: str
    exemption: str = ""


class _Slab(Protocol):
    @property
    def min_turnover_paise(self) -> int: ...
    @property
    def amount_paise(self) -> int: ...


class KycPolicy(Protocol):
    """The values of the `kyc` policy section these rules read."""

    @property
    def gstin_required_above_paise(self) -> int: ...
    @property
    def land_border_registration_months(self) -> int: ...
    @property
    def caution_money_slabs(self) -> tuple[_Slab, ...]: ...
    @property
    def caution_money_exempt(self) -> tuple[str, ...]: ...


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


# --- KYC-1: identity ----------------------------------------------------------------


def pan_validate(pan: str, *, field: str = "pan") -> str:
    """KYC-1: the normalised PAN. A PAN has no check digit: format, holder
    type (4th character) and a non-zero serial only."""
    value = _compact(pan)
    if not value:
        raise KycError("kyc.pan_required", field, "Enter the PAN.")
    if not _PAN_RE.fullmatch(value) or value[3] not in PAN_HOLDER_CONSTITUTION:
        raise KycError("kyc.pan_invalid", field, "Enter a valid PAN, like ABCPE1234F.")
    try:
        stdnum_pan.validate(value)
    except StdnumError:
        raise KycError("kyc.pan_invalid", field, "Enter a valid PAN, like ABCPE1234F.") from None
    return value


def constitution_from_pan(pan: str) -> str:
    """KYC-1: the fourth character of the PAN gives the constitution."""
    return PAN_HOLDER_CONSTITUTION[pan_validate(pan)[3]]


def gstin_check_character(first_fourteen: str) -> str:
    """The GSTIN's 15th character: the mod-36 Luhn variant used by GSTN
    (alternate factors 1 and 2 from the left, products folded in base 36)."""
    total = 0
    for index, char in enumerate(first_fourteen):
        product = _GSTIN_ALPHABET.index(char) * (2 if index % 2 else 1)
        total += product // 36 + product % 36
    return _GSTIN_ALPHABET[(36 - total % 36) % 36]


def gstin_validate(gstin: str, *, field: str = "gstin") -> str:
    """KYC-1: the normalised GSTIN: known state code, embedded PAN, entity
    number, the fixed `Z` and the check character, for all state codes
    including 38, 97 and 99."""
    value = _compact(gstin)
    if not value:
        raise KycError("kyc.gstin_required", field, "Enter the GSTIN.")
    if len(value) != 15 or not _GSTIN_RE.fullmatch(value):
        raise KycError(
            "kyc.gstin_invalid", field, "Enter a valid 15-character GSTIN, like 09ABCPE1234F1Z5."
        )
    if value[:2] not in GST_STATE_CODES:
        raise KycError("kyc.gstin_state_unknown", field, "The GSTIN's state code is not known.")
    pan_validate(value[2:12], field=field)
    if gstin_check_character(value[:14]) != value[14]:
        raise KycError("kyc.gstin_checksum", field, "The GSTIN's check character is wrong.")
    return value


def gstin_matches_pan(*, gstin: str, pan: str, field: str = "gstin") -> None:
    """KYC-1: a GSTIN embeds the PAN of the firm it belongs to."""
    if gstin_validate(gstin, field=field)[2:12] != pan_validate(pan):
        raise KycError(
            "kyc.gstin_pan_mismatch", field, "This GSTIN belongs to another PAN than the firm's."
        )


def gstin_state(gstin: str) -> str:
    """KYC-1: the state or territory named by the GSTIN's state code."""
    return GST_STATE_CODES[gstin_validate(gstin)[:2]]


def gstin_fits_state(*, gstin: str, state: str, field: str = "gstin") -> None:
    """KYC-1: an office's GSTIN carries the office's state code. Codes 97
    (other territory) and 99 (centre jurisdiction) have no place and fit any."""
    value = gstin_validate(gstin, field=field)
    if value[:2] in _PLACELESS_STATE_CODES:
        return
    if GST_STATE_CODES[value[:2]] != state:
        raise KycError(
            "kyc.gstin_state_mismatch", field, "The GSTIN's state code does not match the state."
        )


def ifsc_validate(ifsc: str, *, field: str = "ifsc") -> str:
    """KYC-1: four letters (the bank), a zero, six letters or digits (the branch)."""
    value = _compact(ifsc)
    if not value:
        raise KycError("kyc.ifsc_required", field, "Enter the IFSC.")
    if not _IFSC_RE.fullmatch(value):
        raise KycError(
            "kyc.ifsc_invalid", field, "Enter a valid 11-character IFSC, like SBIN0001234."
        )
    return value


def bank_from_ifsc(ifsc: str) -> str:
    """KYC-1: the bank named by the IFSC's first four letters; blank if unknown."""
    return BANKS_BY_IFSC_PREFIX.get(ifsc_validate(ifsc)[:4], "")


def udyam_validate(udyam: str, *, field: str = "reference") -> str:
    """KYC-3: an Udyam registration number `UDYAM-XX-00-0000000` with a real
    state code."""
    value = re.sub(r"\s", "", udyam or "").upper()
    if not value:
        raise KycError("kyc.udyam_required", field, "Enter the Udyam registration number.")
    match = _UDYAM_RE.fullmatch(value)
    if not match:
        raise KycError(
            "kyc.udyam_invalid", field, "Enter a valid Udyam number, like UDYAM-UP-09-0012345."
        )
    if match.group(1) not in UDYAM_STATE_CODES:
        raise KycError(
            "kyc.udyam_state_unknown", field, "The Udyam number's state code is not known."
        )
    return value


def aadhaar_mask(aadhaar: str, *, field: str = "aadhaar") -> str:
    """KYC-1: validate an Aadhaar number (Verhoeff check digit) and return
    only its masked form `XXXX XXXX 1234`; the number itself is never kept."""
    value = _compact(aadhaar)
    try:
        valid = stdnum_aadhaar.validate(value)
    except StdnumError:
        raise KycError(
            "kyc.aadhaar_invalid", field, "Enter a valid 12-digit Aadhaar number."
        ) from None
    return f"XXXX XXXX {valid[-4:]}"


# --- KYC-2: orders without GSTIN -------------------------------------------------------


def order_allowed_without_gstin(
    *, has_gstin: bool, order_value_paise: int, kyc_policy: KycPolicy
) -> KycDecision:
    """KYC-2: without a GSTIN a seller cannot accept an order above the limit
    (₹2.5 lakh); an order of exactly the limit is allowed."""
    if has_gstin or order_value_paise <= kyc_policy.gstin_required_above_paise:
        return KycDecision(True, "KYC-2")
    return KycDecision(False, "KYC-2", "kyc.gstin_required_for_order")


# --- KYC-3: categories ---------------------------------------------------------------


def mse_benefits_apply(*, business_type: str, segments: Collection[str]) -> bool:
    """KYC-3: only manufacturers and service providers get MSE benefits, not traders."""
    return MSE in segments and business_type in (MANUFACTURER, SERVICE_PROVIDER)


# --- KYC-4: land border -----------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def land_border_declaration_check(
    *,
    land_border_country: bool,
    registration_number: str,
    valid_until: dt.date | None,
    today: dt.date,
    kyc_policy: KycPolicy,
) -> None:
    """KYC-4: a seller from a land-border country declares its registration,
    valid today and for at most the policy's months (12) ahead."""
    if not land_border_country:
        return
    if not registration_number.strip():
        raise KycError(
            "kyc.land_border_registration_missing",
            "land_border_registration_number",
            "Enter the registration number with the competent authority.",
        )
    if valid_until is None:
        raise KycError(
            "kyc.land_border_registration_missing",
            "land_border_registration_valid_until",
            "Enter the date the registration is valid until.",
        )
    if valid_until < today:
        raise KycError(
            "kyc.land_border_registration_expired",
            "land_border_registration_valid_until",
            "The registration has expired.",
        )
    if valid_until > _add_months(today, kyc_policy.land_border_registration_months):
        raise KycError(
            "kyc.land_border_validity_too_long",
            "land_border_registration_valid_until",
            "A registration is valid for at most 12 months.",
        )


def may_bid_land_border(
    *, land_border_country: bool, valid_until: dt.date | None, today: dt.date
) -> KycDecision:
    """KYC-4: a seller from a country sharing a land border with India bids
    only while its registration is valid (valid on its last day)."""
    if not land_border_country:
        return KycDecision(True, "KYC-4")
    if valid_until is None:
        return KycDecision(False, "KYC-4", "kyc.land_border_registration_missing")
    if valid_until < today:
        return KycDecision(False, "KYC-4", "kyc.land_border_registration_expired")
    return KycDecision(True, "KYC-4")


# --- KYC-6: caution money ----------------------------------------------------------------

# The policy's exemption names, in the order they are tried.
EXEMPT_SHG = "shg"
EXEMPT_ARTISAN = "artisan"
EXEMPT_WEAVER = "weaver"
EXEMPT_WOMAN_MSE = "woman_owned_mse"
EXEMPT_SC_ST_MSE = "sc_st_owned_mse"


def caution_exemptions(*, segments: Collection[str], business_type: str) -> list[str]:
    """KYC-6: the exemptions a seller qualifies for. The women- and SC/ST-owned
    exemptions are for MSEs only, and KYC-3 gives traders no MSE benefits."""
    found = []
    if SHG in segments:
        found.append(EXEMPT_SHG)
    if ARTISAN in segments:
        found.append(EXEMPT_ARTISAN)
    if WEAVER in segments:
        found.append(EXEMPT_WEAVER)
    is_mse = mse_benefits_apply(business_type=business_type, segments=segments)
    if is_mse and WOMAN in segments:
        found.append(EXEMPT_WOMAN_MSE)
    if is_mse and SC_ST in segments:
        found.append(EXEMPT_SC_ST_MSE)
    return found


def caution_money(
    *,
    turnover_paise: int | None,
    segments: Collection[str],
    business_type: str,
    kyc_policy: KycPolicy,
) -> CautionMoney:
    """KYC-6: exempt sellers pay nothing; the others pay their turnover slab's
    amount (no turnover → the lowest slab). The rule string is the decision
    receipt stored with the registration."""
    if turnover_paise is not None and turnover_paise < 0:
        raise KycError(
            "kyc.turnover_negative", "annual_turnover_paise", "Turnover cannot be negative."
        )
    for exemption in caution_exemptions(segments=segments, business_type=business_type):
        if exemption in kyc_policy.caution_money_exempt:
            return CautionMoney(0, f"KYC-6 exempt: {exemption}", exemption)
    turnover = turnover_paise or 0
    slabs = kyc_policy.caution_money_slabs
    index = max(i for i, slab in enumerate(slabs) if turnover >= slab.min_turnover_paise)
    slab = slabs[index]
    return CautionMoney(
        slab.amount_paise, f"KYC-6 slab {index + 1}: turnover from {slab.min_turnover_paise} paise"
    )
