"""KYC-5: synthetic bulk-registration rows with valid identifiers (PAN,
GSTIN with its check character, Udyam, IFSC), in Hindi and English, for
tests, the benchmark and demonstrations. Deterministic for a given seed."""

from __future__ import annotations

import csv
import io
import random
import string
from collections.abc import Iterable, Iterator

from kraya.sellers import rules
from kraya.sellers.bulk.columns import COLUMNS

_FIRST = ("Sunita", "Ramesh", "Anita", "Mohammad", "Kavita", "Rajesh", "सुनीता", "रमेश", "गीता")
_TRADES = (
    ("Tala Udyog", "ताला उद्योग", "MANUFACTURER"),
    ("Handloom Weavers", "हथकरघा बुनकर", "MANUFACTURER"),
    ("Brass Works", "पीतल कारीगरी", "MANUFACTURER"),
    ("Medical Suppliers", "चिकित्सा आपूर्ति", "TRADER"),
    ("Facility Services", "सुविधा सेवाएँ", "SERVICE_PROVIDER"),
    ("Stationery Mart", "स्टेशनरी भंडार", "TRADER"),
)
_PLACES = (
    ("Uttar Pradesh", "09", "UP", ("Aligarh", "Varanasi", "Gorakhpur", "Lucknow")),
    ("Bihar", "10", "BR", ("Patna", "Gaya")),
    ("Rajasthan", "08", "RJ", ("Jaipur", "Jodhpur")),
    ("Ladakh", "38", "LA", ("Leh",)),
)
_SEGMENTS = ("", "", "MSE", "MSE;WOMAN", "SHG", "ARTISAN", "WEAVER;SC_ST", "MSE;SC_ST")
_BANKS = ("SBIN", "PUNB", "BARB", "HDFC", "UBIN")
BAD_KINDS = (
    "pan",
    "gstin_checksum",
    "gstin_other_pan",
    "ifsc",
    "udyam",
    "mobile",
    "email",
    "missing_name",
    "formula",
    "duplicate",
)


def pan_for(number: int, *, holder: str = "P", salt: int = 0) -> str:
    """A well-formed PAN, distinct for each (number, salt)."""
    letters = string.ascii_uppercase
    block, serial = divmod(number, 9999)
    block += salt * 64  # up to 64 × 9999 rows per salt
    prefix = "".join(letters[(block // 26**i) % 26] for i in (3, 2, 1))
    fifth = letters[(block // 26**0) % 26]
    check = letters[(block // 26**4) % 26]
    return f"{prefix}{holder}{fifth}{serial + 1:04d}{check}"


def gstin_for(pan: str, *, state_code: str = "09", entity: str = "1") -> str:
    first_fourteen = f"{state_code}{pan}{entity}Z"
    return first_fourteen + rules.gstin_check_character(first_fourteen)


def sample_row(number: int, *, salt: int = 0, seed: int = 7) -> dict[str, str]:
    """One valid row; about half with a GSTIN, names in Hindi or English."""
    pick = random.Random(seed * 1_000_003 + number)  # noqa: S311 - test data, not secrets
    state, code, udyam_state, districts = _PLACES[number % len(_PLACES)]
    trade_en, trade_hi, business_type = pick.choice(_TRADES)
    person = pick.choice(_FIRST)
    hindi = number % 3 == 0
    pan = pan_for(number, holder=pick.choice("PPPFC"), salt=salt)
    segments = pick.choice(_SEGMENTS)
    mse = "MSE" in segments
    return {
        "legal_name": f"{person} {trade_hi if hindi else trade_en}",
        "pan": pan,
        "gstin": gstin_for(pan, state_code=code) if number % 2 else "",
        "state": state,
        "district": pick.choice(districts),
        "pincode": f"{pick.randint(110001, 855117)}",
        "address": f"{pick.randint(1, 400)} {'बाज़ार मार्ग' if hindi else 'Bazaar Road'}",
        "mobile": f"9{pick.randint(100000000, 999999999)}",
        "email": f"seller{number}.{salt}@example.in",
        "key_person_name": person,
        "business_type": business_type,
        "annual_turnover": str(pick.choice((0, 450_000, 12_00_00_000, 2_50_00_00_000))),
        "segments": segments,
        "udyam_number": f"UDYAM-{udyam_state}-{pick.randint(1, 75):02d}-{number % 10**7:07d}"
        if mse
        else "",
        "mse_class": pick.choice(("MICRO", "SMALL")) if mse else "",
        "bank_account": f"{pick.randint(10**10, 10**12)}",
        "ifsc": f"{pick.choice(_BANKS)}0{pick.randint(0, 999999):06d}",
    }


def spoil(row: dict[str, str], kind: str, *, duplicate_of: dict[str, str]) -> dict[str, str]:
    """`row` made bad in one way (one of `BAD_KINDS`)."""
    bad = dict(row)
    if kind == "pan":
        bad["pan"] = bad["pan"][:5] + "12X4" + bad["pan"][9]
    elif kind == "gstin_checksum":
        good = gstin_for(bad["pan"])
        bad["gstin"] = good[:14] + ("A" if good[14] != "A" else "B")
        bad["state"] = "Uttar Pradesh"
    elif kind == "gstin_other_pan":
        bad["gstin"] = gstin_for(pan_for(9_999_999))
        bad["state"] = "Uttar Pradesh"
    elif kind == "ifsc":
        bad["ifsc"] = "SBIN1234567"
    elif kind == "udyam":
        bad["segments"], bad["udyam_number"], bad["mse_class"] = "MSE", "UDYAM-ZZ-1-12", "MICRO"
    elif kind == "mobile":
        bad["mobile"] = "12345"
    elif kind == "email":
        bad["email"] = "not-an-email"
    elif kind == "missing_name":
        bad["legal_name"] = ""
    elif kind == "formula":
        bad["legal_name"] = '=HYPERLINK("http://example.com","x")'
    elif kind == "duplicate":
        bad = dict(duplicate_of)
    return bad


def sample_rows(
    count: int, *, bad_every: int = 0, salt: int = 0, seed: int = 7
) -> Iterator[tuple[dict[str, str], str]]:
    """`count` rows as (cells, bad kind or ""); every `bad_every`-th is bad."""
    first: dict[str, str] | None = None
    for number in range(1, count + 1):
        row = sample_row(number, salt=salt, seed=seed)
        first = first or row
        if bad_every and number % bad_every == 0:
            kind = BAD_KINDS[(number // bad_every) % len(BAD_KINDS)]
            yield spoil(row, kind, duplicate_of=first), kind
        else:
            yield row, ""


def write_csv(
    out: io.TextIOBase | io.StringIO, rows: Iterable[dict[str, str]], *, lang: str = "en"
) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.hi if lang == "hi" else column.en for column in COLUMNS])
    for row in rows:
        writer.writerow([row.get(column.key, "") for column in COLUMNS])


def csv_bytes(rows: Iterable[dict[str, str]], *, lang: str = "en", bom: bool = True) -> bytes:
    out = io.StringIO()
    write_csv(out, rows, lang=lang)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")
