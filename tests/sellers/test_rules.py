"""The pure KYC rules (DOMAIN §3): tests are named after the rule ids."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.core.policy import policy_at
from kraya.sellers import rules
from kraya.sellers.rules import KycError
from tests.sellers.kyc_examples import GSTIN_ALPHABET, VALID_AADHAAR, gstin_for

KYC = policy_at(dt.date(2026, 11, 1)).kyc
CRORE = 1_00_00_000_00  # paise
LAKH = 1_00_000_00

pans = st.builds(
    lambda letters, holder, fifth, digits, last: f"{letters}{holder}{fifth}{digits}{last}",
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    st.sampled_from(sorted(rules.PAN_HOLDER_CONSTITUTION)),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.integers(1, 9999).map(lambda n: f"{n:04d}"),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)
state_codes = st.sampled_from(sorted(rules.GST_STATE_CODES))


def _code(error: pytest.ExceptionInfo[KycError]) -> str:
    return error.value.code


# --- KYC-1: PAN and constitution -------------------------------------------------------


@pytest.mark.parametrize(
    ("pan", "constitution"),
    [
        ("AAAPL1234C", rules.PROPRIETORSHIP),
        ("AAPFU0939F", rules.FIRM_LLP),
        ("AAACR5055K", rules.COMPANY),
        ("AAATV1234B", rules.TRUST),
        ("AAAAB1234C", rules.ASSOCIATION),
        ("AAABC1234D", rules.BODY_OF_INDIVIDUALS),
        ("AAAGD1234E", rules.GOVERNMENT),
        ("AAAHF1234G", rules.HUF),
        ("AAALM1234H", rules.LOCAL_AUTHORITY),
        ("AAAJN1234K", rules.ARTIFICIAL_JURIDICAL_PERSON),
        (" aapfu 0939f ", rules.FIRM_LLP),
    ],
)
def test_kyc1_constitution_from_pan(pan: str, constitution: str) -> None:
    assert rules.constitution_from_pan(pan) == constitution


@pytest.mark.parametrize(
    ("pan", "code"),
    [
        ("", "kyc.pan_required"),
        ("AAPFU0939", "kyc.pan_invalid"),  # too short
        ("AAPFU0939FF", "kyc.pan_invalid"),  # too long
        ("AAPXU0939F", "kyc.pan_invalid"),  # X is no holder type
        ("AAPF10939F", "kyc.pan_invalid"),  # digit where a letter belongs
        ("AAPFU0000F", "kyc.pan_invalid"),  # serial 0000
        ("AAPFU09391", "kyc.pan_invalid"),  # last is a letter
    ],
)
def test_kyc1_pan_invalid(pan: str, code: str) -> None:
    with pytest.raises(KycError) as error:
        rules.pan_validate(pan)
    assert _code(error) == code
    assert error.value.field == "pan"


@given(pans)
def test_kyc1_any_valid_pan_yields_a_constitution(pan: str) -> None:
    assert rules.pan_validate(pan.lower()) == pan
    assert rules.constitution_from_pan(pan) in {
        rules.PROPRIETORSHIP,
        rules.FIRM_LLP,
        rules.COMPANY,
        rules.TRUST,
        rules.ASSOCIATION,
        rules.BODY_OF_INDIVIDUALS,
        rules.GOVERNMENT,
        rules.HUF,
        rules.LOCAL_AUTHORITY,
        rules.ARTIFICIAL_JURIDICAL_PERSON,
    }


# --- KYC-1: GSTIN ----------------------------------------------------------------------


def test_kyc1_gstin_real_example() -> None:
    assert rules.gstin_validate("27aapfu0939f1zv") == "27AAPFU0939F1ZV"
    assert rules.gstin_state("27AAPFU0939F1ZV") == "Maharashtra"


@pytest.mark.parametrize(
    ("code", "state"), [("38", "Ladakh"), ("97", "Other Territory"), ("99", "Centre Jurisdiction")]
)
def test_kyc1_gstin_state_codes_stdnum_rejects(code: str, state: str) -> None:
    gstin = gstin_for("AAPFU0939F", code)
    assert rules.gstin_validate(gstin) == gstin
    assert rules.gstin_state(gstin) == state


@pytest.mark.parametrize(
    ("gstin", "code"),
    [
        ("", "kyc.gstin_required"),
        ("27AAPFU0939F1Z", "kyc.gstin_invalid"),  # 14 characters
        ("27AAPFU0939F1ZVX", "kyc.gstin_invalid"),  # 16 characters
        ("27AAPFU0939F0ZV", "kyc.gstin_invalid"),  # entity number 0
        ("27AAPFU0939F1YV", "kyc.gstin_invalid"),  # 14th is not Z
        ("27AAPFU0939F1ZW", "kyc.gstin_checksum"),
        ("40AAPFU0939F1ZV", "kyc.gstin_state_unknown"),
        ("00AAPFU0939F1ZV", "kyc.gstin_state_unknown"),
        ("27AAPXU0939F1ZV", "kyc.pan_invalid"),  # embedded PAN has no holder type X
    ],
)
def test_kyc1_gstin_invalid(gstin: str, code: str) -> None:
    with pytest.raises(KycError) as error:
        rules.gstin_validate(gstin)
    assert _code(error) == code
    assert error.value.field == "gstin"


@given(pans, state_codes, st.sampled_from("123456789ABCDEFGHJ"))
def test_kyc1_any_generated_gstin_passes(pan: str, code: str, entity: str) -> None:
    gstin = gstin_for(pan, code, entity)
    assert rules.gstin_validate(gstin) == gstin
    assert rules.gstin_check_character(gstin[:14]) == gstin[14]


@given(pans, state_codes, st.integers(0, 14), st.sampled_from(GSTIN_ALPHABET))
def test_kyc1_any_single_character_change_fails(
    pan: str, code: str, position: int, replacement: str
) -> None:
    gstin = gstin_for(pan, code)
    changed = gstin[:position] + replacement + gstin[position + 1 :]
    if changed == gstin:
        return
    with pytest.raises(KycError):
        rules.gstin_validate(changed)


def test_kyc1_gstin_pan_mismatch() -> None:
    gstin = gstin_for("AAPFU0939F")
    rules.gstin_matches_pan(gstin=gstin, pan="aapfu0939f")
    with pytest.raises(KycError) as error:
        rules.gstin_matches_pan(gstin=gstin, pan="AAPFU0940F")
    assert _code(error) == "kyc.gstin_pan_mismatch"


def test_kyc1_gstin_state_must_match_office_state() -> None:
    rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "09"), state="Uttar Pradesh")
    rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "28"), state="Andhra Pradesh")
    rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "37"), state="Andhra Pradesh")
    rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "38"), state="Ladakh")
    # 97 and 99 have no place of their own: they fit any office.
    rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "99"), state="Delhi")
    with pytest.raises(KycError) as error:
        rules.gstin_fits_state(gstin=gstin_for("AAPFU0939F", "09"), state="Bihar")
    assert _code(error) == "kyc.gstin_state_mismatch"


def test_kyc1_states_list_has_no_placeless_codes() -> None:
    assert "Uttar Pradesh" in rules.STATES and "Ladakh" in rules.STATES
    assert "Centre Jurisdiction" not in rules.STATES
    assert len(rules.STATES) == len(set(rules.STATES)) == 36


# --- KYC-1: IFSC, Aadhaar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ifsc", "bank"),
    [
        ("SBIN0001234", "State Bank of India"),
        ("hdfc0000240", "HDFC Bank"),
        ("PUNB0ABC123", "Punjab National Bank"),
        ("ZZZZ0123456", ""),  # well-formed, bank not in our table
    ],
)
def test_kyc1_ifsc_valid_and_bank(ifsc: str, bank: str) -> None:
    assert rules.ifsc_validate(ifsc) == ifsc.upper()
    assert rules.bank_from_ifsc(ifsc) == bank


@pytest.mark.parametrize(
    ("ifsc", "code"),
    [
        ("", "kyc.ifsc_required"),
        ("SBIN1001234", "kyc.ifsc_invalid"),  # fifth is not 0
        ("SBI00001234", "kyc.ifsc_invalid"),  # digit among the bank letters
        ("SBIN000123", "kyc.ifsc_invalid"),  # 10 characters
        ("SBIN00012345", "kyc.ifsc_invalid"),  # 12 characters
        ("SBIN0_01234", "kyc.ifsc_invalid"),
    ],
)
def test_kyc1_ifsc_invalid(ifsc: str, code: str) -> None:
    with pytest.raises(KycError) as error:
        rules.ifsc_validate(ifsc)
    assert _code(error) == code


def test_kyc1_aadhaar_is_masked() -> None:
    assert rules.aadhaar_mask(VALID_AADHAAR) == "XXXX XXXX 2346"
    assert rules.aadhaar_mask("2341 2341 2346") == "XXXX XXXX 2346"


@pytest.mark.parametrize("aadhaar", ["234123412347", "123412341234", "23412341234", "abcd"])
def test_kyc1_aadhaar_invalid(aadhaar: str) -> None:
    with pytest.raises(KycError) as error:
        rules.aadhaar_mask(aadhaar)
    assert _code(error) == "kyc.aadhaar_invalid"


# --- KYC-3: Udyam, MSE benefits -------------------------------------------------------------


@pytest.mark.parametrize(
    "udyam", ["UDYAM-UP-09-0012345", "udyam-mh-27-1234567", "UDYAM-LA-01-0000001"]
)
def test_kyc3_udyam_valid(udyam: str) -> None:
    assert rules.udyam_validate(udyam) == udyam.upper()


@pytest.mark.parametrize(
    ("udyam", "code"),
    [
        ("", "kyc.udyam_required"),
        ("UDYAM-UP-9-0012345", "kyc.udyam_invalid"),
        ("UDYAM-UP-09-012345", "kyc.udyam_invalid"),
        ("UDYOG-UP-09-0012345", "kyc.udyam_invalid"),
        ("UDYAM-U1-09-0012345", "kyc.udyam_invalid"),
        ("UDYAM-XX-09-0012345", "kyc.udyam_state_unknown"),
    ],
)
def test_kyc3_udyam_invalid(udyam: str, code: str) -> None:
    with pytest.raises(KycError) as error:
        rules.udyam_validate(udyam)
    assert _code(error) == code


@pytest.mark.parametrize(
    ("business_type", "applies"),
    [(rules.MANUFACTURER, True), (rules.SERVICE_PROVIDER, True), (rules.TRADER, False)],
)
def test_kyc3_traders_get_no_mse_benefits(business_type: str, applies: bool) -> None:
    assert rules.mse_benefits_apply(business_type=business_type, segments={rules.MSE}) is applies
    assert rules.mse_benefits_apply(business_type=business_type, segments={rules.WOMAN}) is False


# --- KYC-2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_gstin", "value_paise", "allowed"),
    [
        (False, 2_50_000_00, True),  # exactly ₹2.5 lakh
        (False, 2_50_000_01, False),
        (False, 0, True),
        (True, 2_50_000_01, True),
        (True, 100 * CRORE, True),
    ],
)
def test_kyc2_order_without_gstin(has_gstin: bool, value_paise: int, allowed: bool) -> None:
    decision = rules.order_allowed_without_gstin(
        has_gstin=has_gstin, order_value_paise=value_paise, kyc_policy=KYC
    )
    assert decision.allowed is allowed
    assert decision.rule == "KYC-2"
    assert decision.code == ("" if allowed else "kyc.gstin_required_for_order")


# --- KYC-4 ----------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("land_border", "valid_until", "allowed", "code"),
    [
        (False, None, True, ""),
        (True, TODAY, True, ""),  # valid through its last day
        (True, TODAY + dt.timedelta(days=200), True, ""),
        (True, TODAY - dt.timedelta(days=1), False, "kyc.land_border_registration_expired"),
        (True, None, False, "kyc.land_border_registration_missing"),
    ],
)
def test_kyc4_may_bid_land_border(
    land_border: bool, valid_until: dt.date | None, allowed: bool, code: str
) -> None:
    decision = rules.may_bid_land_border(
        land_border_country=land_border, valid_until=valid_until, today=TODAY
    )
    assert (decision.allowed, decision.code, decision.rule) == (allowed, code, "KYC-4")


@pytest.mark.parametrize(
    ("number", "valid_until", "code"),
    [
        ("", TODAY, "kyc.land_border_registration_missing"),
        ("DPIIT/LB/1", None, "kyc.land_border_registration_missing"),
        ("DPIIT/LB/1", TODAY - dt.timedelta(days=1), "kyc.land_border_registration_expired"),
        ("DPIIT/LB/1", dt.date(2027, 11, 23), "kyc.land_border_validity_too_long"),
    ],
)
def test_kyc4_declaration_refused(number: str, valid_until: dt.date | None, code: str) -> None:
    with pytest.raises(KycError) as error:
        rules.land_border_declaration_check(
            land_border_country=True,
            registration_number=number,
            valid_until=valid_until,
            today=TODAY,
            kyc_policy=KYC,
        )
    assert _code(error) == code


def test_kyc4_declaration_accepted() -> None:
    for valid_until in (TODAY, dt.date(2027, 11, 22)):  # today up to 12 months ahead
        rules.land_border_declaration_check(
            land_border_country=True,
            registration_number="DPIIT/LB/1",
            valid_until=valid_until,
            today=TODAY,
            kyc_policy=KYC,
        )
    rules.land_border_declaration_check(
        land_border_country=False,
        registration_number="",
        valid_until=None,
        today=TODAY,
        kyc_policy=KYC,
    )
    # 31 Jan + 1 month ends on the last day of February.
    assert rules._add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


# --- KYC-6 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turnover", "amount"),
    [
        (None, 5_000_00),  # no turnover
        (0, 5_000_00),
        (CRORE - 1, 5_000_00),
        (CRORE, 10_000_00),  # ₹1 crore exactly
        (10 * CRORE, 10_000_00),  # ₹10 crore exactly
        (10 * CRORE + 1, 25_000_00),  # above ₹10 crore
        (500 * CRORE, 25_000_00),
    ],
)
def test_kyc6_caution_money_slabs(turnover: int | None, amount: int) -> None:
    decision = rules.caution_money(
        turnover_paise=turnover, segments=set(), business_type=rules.TRADER, kyc_policy=KYC
    )
    assert decision.amount_paise == amount
    assert decision.exemption == ""
    assert decision.rule.startswith("KYC-6 slab")


@pytest.mark.parametrize(
    ("segments", "business_type", "exemption"),
    [
        ({rules.SHG}, rules.TRADER, "shg"),
        ({rules.ARTISAN}, rules.MANUFACTURER, "artisan"),
        ({rules.WEAVER}, rules.SERVICE_PROVIDER, "weaver"),
        ({rules.WOMAN, rules.MSE}, rules.MANUFACTURER, "woman_owned_mse"),
        ({rules.SC_ST, rules.MSE}, rules.SERVICE_PROVIDER, "sc_st_owned_mse"),
    ],
)
def test_kyc6_exemptions(segments: set[str], business_type: str, exemption: str) -> None:
    decision = rules.caution_money(
        turnover_paise=50 * CRORE, segments=segments, business_type=business_type, kyc_policy=KYC
    )
    assert decision == rules.CautionMoney(0, f"KYC-6 exempt: {exemption}", exemption)


@pytest.mark.parametrize(
    ("segments", "business_type"),
    [
        ({rules.WOMAN}, rules.MANUFACTURER),  # woman-owned but not an MSE
        ({rules.SC_ST}, rules.MANUFACTURER),
        ({rules.WOMAN, rules.MSE}, rules.TRADER),  # KYC-3: a trader gets no MSE benefits
        ({rules.SC_ST, rules.MSE}, rules.TRADER),
        ({rules.MSE, rules.STARTUP, rules.TRIBAL, rules.GI}, rules.MANUFACTURER),
    ],
)
def test_kyc6_no_exemption(segments: set[str], business_type: str) -> None:
    decision = rules.caution_money(
        turnover_paise=2 * CRORE, segments=segments, business_type=business_type, kyc_policy=KYC
    )
    assert (decision.amount_paise, decision.exemption) == (10_000_00, "")


def test_kyc6_negative_turnover_refused() -> None:
    with pytest.raises(KycError) as error:
        rules.caution_money(
            turnover_paise=-1, segments=set(), business_type=rules.TRADER, kyc_policy=KYC
        )
    assert _code(error) == "kyc.turnover_negative"


@given(
    st.one_of(st.none(), st.integers(0, 10**15)),
    st.sets(st.sampled_from(rules.SEGMENTS)),
    st.sampled_from(rules.BUSINESS_TYPES),
)
def test_kyc6_amount_is_a_policy_amount_and_zero_exactly_when_exempt(
    turnover: int | None, segments: set[str], business_type: str
) -> None:
    decision = rules.caution_money(
        turnover_paise=turnover, segments=segments, business_type=business_type, kyc_policy=KYC
    )
    exempt = bool(rules.caution_exemptions(segments=segments, business_type=business_type))
    assert decision.amount_paise in {0} | {s.amount_paise for s in KYC.caution_money_slabs}
    assert (decision.amount_paise == 0) is exempt is bool(decision.exemption)
