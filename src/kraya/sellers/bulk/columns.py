"""KYC-5: the columns of the bulk registration CSV, with English and Hindi
headers, and the downloadable template.

Headers are data, not interface text: a file in either language is read,
whatever the user's language, so they are plain literals here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    hi: str
    required: bool
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("legal_name", "Legal name", "वैधानिक नाम", True, "अलीगढ़ ताला उद्योग"),
    Column("pan", "PAN", "पैन", True, "AAAPL1234C"),
    Column("gstin", "GSTIN", "जीएसटीआईएन", False, "09AAAPL1234C1ZC"),
    Column("state", "State", "राज्य", True, "Uttar Pradesh"),
    Column("district", "District", "ज़िला", True, "Aligarh"),
    Column("pincode", "Pincode", "पिनकोड", True, "202001"),
    Column("address", "Address", "पता", True, "12 Railway Road, Aligarh"),
    Column("mobile", "Mobile", "मोबाइल", True, "9876543210"),
    Column("email", "Email", "ईमेल", True, "tala@example.in"),
    Column("key_person_name", "Key person", "मुख्य व्यक्ति", True, "Sunita Devi"),
    Column("business_type", "Business type", "व्यवसाय का प्रकार", True, "MANUFACTURER"),
    Column("annual_turnover", "Annual turnover (₹)", "वार्षिक कारोबार (₹)", False, "4500000"),
    Column("segments", "Segments", "श्रेणियाँ", False, "MSE;WOMAN"),
    Column("udyam_number", "Udyam number", "उद्यम नंबर", False, "UDYAM-UP-01-0012345"),
    Column("mse_class", "MSE class", "एमएसई वर्ग", False, "MICRO"),
    Column("bank_account", "Bank account number", "बैंक खाता संख्या", True, "123456789012"),
    Column("ifsc", "IFSC", "आईएफएससी", True, "SBIN0001234"),
)

REQUIRED_KEYS = frozenset(column.key for column in COLUMNS if column.required)
LANGUAGES = ("en", "hi")


def normalise_header(text: str) -> str:
    """Headers match whatever the case, spacing or a stray BOM."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


# Every accepted spelling of a header → its column key.
HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _spelling in (_column.key, _column.en, _column.hi):
        HEADER_KEYS[normalise_header(_spelling)] = _column.key


def headers(lang: str) -> list[str]:
    return [column.hi if lang == "hi" else column.en for column in COLUMNS]


def template_csv(lang: str) -> bytes:
    """The template: headers in `lang` and one example row, UTF-8 with a BOM
    so that Excel shows Devanagari correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(lang))
    writer.writerow([column.example for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")
