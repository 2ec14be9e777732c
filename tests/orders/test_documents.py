"""The ORD-1 contract document and its PDF, in Hindi and English.

The PDFs are real (WeasyPrint, Pango, Noto fonts) and read back with pypdf.

What is reliably extractable from the Hindi copy, and why we compare loosely:
a PDF maps each *glyph* to text once per font (the ToUnicode map), and
WeasyPrint gives a glyph the text of the first cluster it was drawn in. Devanagari
reorders: the vowel sign ि is drawn before its consonant, so in कि the ि glyph
gets "" and the क glyph gets "कि" — for the whole document, so a later क in
मापक extracts as "मापकि"; a reph (र् over the next consonant, as in वर्ष) is
drawn after it and can take a neighbour's text. The page *shows* the right
conjuncts (we looked at the rendered pages); only extraction is lossy. So the
Hindi assertions compare with whitespace and ि removed from both sides, on
data without a reph; consonants, conjuncts (क्त, स्व, न्त्र), other vowel signs,
Latin text and amounts are compared exactly. Hindi *labels* are not asserted:
the translator pass comes later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from kraya.core import clock
from kraya.core.money import LAKH_PAISE, format_rupees, format_rupees_words
from kraya.orders import documents
from kraya.orders.documents import (
    BilingualText,
    Clause,
    ComparisonLine,
    ContractDocument,
    ContractItem,
    DecisionSummary,
    Official,
    SellerParty,
    contract_html,
    render_contract_pdf,
    render_contract_pdf_bilingual,
)

PLACED_AT = dt.datetime(2026, 11, 20, 9, 5, tzinfo=dt.UTC)  # 14:35 IST
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)

BUYER_ORGANISATION = BilingualText(
    en="Directorate General of Medical Health, Uttar Pradesh",
    hi="चिकित्सा स्वास्थ्य महानिदेशालय, उत्तर प्रदेश",
)
ITEM_TITLE = BilingualText(
    en="Digital blood pressure monitor",
    hi="डिजिटल रक्तचाप मापक यंत्र",
)


def example_contract(**changes: object) -> ContractDocument:
    """An L1 purchase of two items: ₹7,40,000.00 in all."""
    fields: dict[str, object] = {
        "contract_number": "GEMC-511687712345678",
        "placed_at": PLACED_AT,
        "buyer_organisation": BUYER_ORGANISATION,
        "buyer_office": BilingualText(
            en="Chief Medical Officer, Lucknow", hi="मुख्य चिकित्सा अधिकारी, लखनऊ"
        ),
        "consignee": Official(
            name="Anita Verma",
            designation=BilingualText(en="Store Officer", hi="भंडार अधिकारी"),
            address=BilingualText(
                en="District Hospital Store, Kaiserbagh, Lucknow 226001",
                hi="जिला चिकित्सालय भंडार, कैसरबाग, लखनऊ 226001",
            ),
        ),
        "paying_authority": Official(
            name="Rakesh Srivastava",
            designation=BilingualText(en="Accounts Officer", hi="लेखाधिकारी"),
            address=BilingualText(
                en="Office of the Chief Medical Officer, Lucknow",
                hi="मुख्य चिकित्सा अधिकारी कार्यालय, लखनऊ",
            ),
        ),
        "seller": SellerParty(
            name="Ganga Medical Suppliers",
            gstin="09AAPFU0939F1ZV",
            address="14 Civil Lines, Prayagraj 211001",
        ),
        "items": (
            ContractItem(
                title=ITEM_TITLE,
                brand="Omron",
                model="HEM-7120",
                quantity=200,
                unit_price_paise=2_450_00,
                total_paise=4_90_000_00,
            ),
            ContractItem(
                title=BilingualText(en="Pulse oximeter", hi="पल्स ऑक्सीमीटर"),
                brand="Dr Trust",
                model="209",
                quantity=125,
                unit_price_paise=2_000_00,
                total_paise=2_50_000_00,
            ),
        ),
        "delivery_period_days": 30,
        "terms": (
            Clause(
                title=BilingualText(en="Warranty", hi="वारंटी"),
                text=BilingualText(
                    en="Two years from acceptance, on site.",
                    hi="स्वीकृति से दो साल तक, स्थल पर।",
                ),
            ),
            Clause(
                title=BilingualText(en="Liquidated damages"),
                text=BilingualText(
                    en="0.5% of the delayed value per week or part of a week, at most 10%."
                ),
            ),
        ),
        "decision": DecisionSummary(
            mode="L1",
            rule_ids=("MODE-1", "MODE-3", "ORD-1", "ORD-2"),
            policy_version="2024-08-09",
            comparison=(
                ComparisonLine(1, "Ganga Medical Suppliers", "Omron", "HEM-7120", 2_450_00, True),
                ComparisonLine(2, "Awadh Traders", "Dr Morepen", "BP-02", 2_499_00),
                ComparisonLine(3, "Kashi Surgicals", "Beurer", "BM 27", 2_610_00),
            ),
        ),
    }
    fields.update(changes)
    return ContractDocument(**fields)  # type: ignore[arg-type]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Text compared as the module docstring explains: no whitespace, no ि."""
    return re.sub(r"[\s\u093f]+", "", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """Each rendering once for the module: a PDF takes about a second."""
    doc = example_contract()
    return {
        "en": render_contract_pdf(doc, "en", created_at=NOW).content,
        "hi": render_contract_pdf(doc, "hi", created_at=NOW).content,
        "both": render_contract_pdf_bilingual(doc, created_at=NOW).content,
    }


# --- ORD-1: the contract's content ---------------------------------------------------


def test_ord1_english_pdf_names_the_parties_number_and_total(rendered: dict[str, bytes]) -> None:
    text = pdf_text(rendered["en"])
    for expected in (
        "GEMC-511687712345678",
        "Directorate General of Medical Health, Uttar Pradesh",
        "Chief Medical Officer, Lucknow",
        "Ganga Medical Suppliers",
        "09AAPFU0939F1ZV",
        "Anita Verma",
        "Rakesh Srivastava",
        "Digital blood pressure monitor",
        "₹7,40,000.00",  # the total, with Indian grouping
        "₹4,90,000.00",
        "₹7.4 lakh",  # the total in lakh (kraya.core.money)
        "20 Nov 2026, 14:35 IST",  # the contract date, in IST
        "Within 30 days",
        "Warranty",
        "L1 purchase",
        "MODE-1, MODE-3, ORD-1, ORD-2",
        "2024-08-09",
        "Awadh Traders",
    ):
        assert expected in text, expected


def test_ord1_hindi_pdf_names_the_parties_number_and_total(rendered: dict[str, bytes]) -> None:
    text = squeezed(pdf_text(rendered["hi"]))
    for expected in (
        "GEMC-511687712345678",
        "चिकित्सा स्वास्थ्य महानिदेशालय, उत्तर प्रदेश",  # conjuncts: क्त, स्व, न्त
        "मुख्य चिकित्सा अधिकारी, लखनऊ",
        "डिजिटल रक्तचाप मापक यंत्र",  # pre-base ि, conjuncts क्त and न्त्र
        "भंडार अधिकारी",
        "लेखाधिकारी",
        "स्वीकृति से दो साल तक, स्थल पर।",
        "Ganga Medical Suppliers",  # Latin names stay Latin
        "09AAPFU0939F1ZV",
        "₹7,40,000.00",
        "₹7.4 लाख",  # the total in lakh, in Hindi
    ):
        assert squeezed(expected) in text, expected
    # A clause with no Hindi text falls back to the English.
    assert squeezed("0.5% of the delayed value") in text


def test_ord1_bilingual_pdf_has_the_hindi_copy_then_the_english_copy(
    rendered: dict[str, bytes],
) -> None:
    reader = PdfReader(io.BytesIO(rendered["both"]))
    pages = [squeezed(page.extract_text()) for page in reader.pages]
    hindi_start = next(i for i, page in enumerate(pages) if squeezed("रक्तचाप मापक") in page)
    english_start = next(i for i, page in enumerate(pages) if "Digitalbloodpressure" in page)
    assert hindi_start == 0
    assert english_start > hindi_start
    # Each copy starts on a new page and has the number and the total.
    assert "GEMC-511687712345678" in pages[english_start]
    assert sum(page.count("₹7,40,000.00") for page in pages) >= 2
    hindi_pages = len(PdfReader(io.BytesIO(rendered["hi"])).pages)
    assert english_start == hindi_pages
    assert len(pages) == hindi_pages + len(PdfReader(io.BytesIO(rendered["en"])).pages)


def test_ord1_labels_follow_each_copys_language() -> None:
    # Labels go through gettext in the copy's language; "Buyer" already has a
    # Hindi translation in locale/hi, so the Hindi copy must not show the English.
    with translation.override("hi"):
        buyer_hi = gettext("Buyer")
    assert buyer_hi != "Buyer"
    html = contract_html(example_contract(), ["hi", "en"])
    hindi, english = html.split('<section class="copy" lang="en">')
    assert '<section class="copy" lang="hi">' in hindi
    assert f"<h3>{buyer_hi}</h3>" in hindi
    assert "<h3>Buyer</h3>" not in hindi
    assert "<h3>Buyer</h3>" in english
    assert '<html lang="hi">' in html


def test_ord1_long_contract_numbers_every_page() -> None:
    items = tuple(
        ContractItem(BilingualText(f"Item {n}", f"सामग्री {n}"), "b", "m", 1, 100_00, 100_00)
        for n in range(1, 81)
    )
    content = render_contract_pdf(example_contract(items=items), "en", created_at=NOW).content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        # The running footer: the contract number and "page / pages".
        assert "GEMC-511687712345678" in page
        assert f"{number} / {len(pages)}" in page
    assert "Item 80" in "".join(pages)
    # The contract total is printed once, not repeated on every page.
    assert "".join(pages).count("Total value of the contract") == 1
    assert "₹8,000.00" in pages[-1] or "₹8,000.00" in pages[-2]


def test_ord1_terms_keep_the_given_order() -> None:
    html = contract_html(example_contract(), ["en"])
    assert html.index("Warranty") < html.index("Liquidated damages")


def test_ord1_mode_label_in_each_language_and_unknown_codes_as_given() -> None:
    assert "Direct purchase" in contract_html(
        example_contract(decision=DecisionSummary("direct", ("MODE-2",), "2024-07-10")),
        ["en"],
    )
    html = contract_html(
        example_contract(decision=DecisionSummary("FUTURE_MODE", ("MODE-9",), "2030-01-01")),
        ["en"],
    )
    assert "FUTURE_MODE" in html
    assert "L1 comparison" not in html  # no comparison outside MODE-3


def test_ord1_data_is_escaped_in_the_html() -> None:
    doc = example_contract(
        seller=SellerParty(name="<b>Evil</b> & Co", gstin="09AAPFU0939F1ZV", address="x")
    )
    html = contract_html(doc, ["en"])
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "<b>Evil</b>" not in html


# --- the PDF as a record: digest, metadata, reproducibility ----------------------------


def test_ord1_digest_is_the_sha256_of_the_bytes() -> None:
    result = render_contract_pdf(example_contract(), "en", created_at=NOW)
    assert result.content.startswith(b"%PDF-")
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", result.sha256)


def test_ord1_same_input_same_bytes_and_another_date_other_bytes() -> None:
    doc = example_contract()
    first = render_contract_pdf(doc, "hi", created_at=NOW)
    again = render_contract_pdf(doc, "hi", created_at=NOW)
    later = render_contract_pdf(doc, "hi", created_at=NOW + dt.timedelta(seconds=1))
    assert first.content == again.content
    assert first.sha256 == again.sha256
    assert later.sha256 != first.sha256


def test_ord1_creation_date_comes_from_the_injected_clock() -> None:
    with clock.frozen_at(NOW):
        first = render_contract_pdf(example_contract(), "en")
        second = render_contract_pdf(example_contract(), "en")
    assert first.sha256 == second.sha256
    info = PdfReader(io.BytesIO(first.content)).metadata
    assert info is not None
    assert info.creation_date == NOW
    assert info.modification_date == NOW


def test_ord1_pdf_metadata_title_author_language(rendered: dict[str, bytes]) -> None:
    info = PdfReader(io.BytesIO(rendered["en"])).metadata
    assert info is not None
    assert info.title == "Contract GEMC-511687712345678"
    assert info.author == "Kraya"
    assert info.subject == "Ganga Medical Suppliers"
    both = PdfReader(io.BytesIO(rendered["both"]))
    assert both.metadata is not None
    assert both.metadata.title is not None
    assert both.metadata.title.endswith("Contract GEMC-511687712345678")
    assert both.trailer["/Root"]["/Lang"] == "hi"


def test_ord1_pdf_embeds_subset_noto_fonts_and_stays_small(rendered: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(rendered["both"]))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # A subset font's name starts with six capital letters and "+".
    assert all(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in fonts), fonts
    assert any("Devanagari" in name for name in fonts), fonts
    assert any(name.endswith("+Noto-Sans") for name in fonts), fonts
    # Whole Noto Sans Devanagari alone is ~200 KB; subset, both copies fit in far less.
    assert len(rendered["both"]) < 120_000


# --- the document's own checks -----------------------------------------------------------


def test_total_is_the_sum_of_the_items() -> None:
    assert example_contract().total_paise == 7_40_000_00


@pytest.mark.parametrize(
    ("quantity", "unit", "total"),
    [(0, 100, 0), (2, 100, 201), (-1, 100, -100), (2, -5, -10)],
)
def test_an_item_total_must_be_quantity_times_unit_price(
    quantity: int, unit: int, total: int
) -> None:
    with pytest.raises(ValueError, match=r"quantity|unit_price|item total"):
        ContractItem(ITEM_TITLE, "b", "m", quantity, unit, total)


@pytest.mark.parametrize(
    "changes",
    [
        {"contract_number": " "},
        {"placed_at": dt.datetime(2026, 11, 20, 9, 5)},
        {"items": ()},
        {"delivery_period_days": 0},
    ],
)
def test_an_incomplete_contract_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        example_contract(**changes)


def test_only_hindi_and_english() -> None:
    with pytest.raises(ValueError, match="hi or en"):
        render_contract_pdf(example_contract(), "fr")
    with pytest.raises(ValueError, match="at least one"):
        contract_html(example_contract(), [])


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (BilingualText("Store", "भंडार"), "hi", "भंडार"),
        (BilingualText("Store", "भंडार"), "hi-in", "भंडार"),
        (BilingualText("Store", "भंडार"), "en", "Store"),
        (BilingualText("Store", ""), "hi", "Store"),
        (BilingualText("Store", "  "), "hi", "Store"),
    ],
)
def test_bilingual_text_falls_back_to_english(
    text: BilingualText, language: str, expected: str
) -> None:
    assert text.in_language(language) == expected


amounts = st.integers(min_value=1, max_value=10_000)
prices = st.integers(min_value=0, max_value=50_00_000_00) | st.integers(0, 99_999_99)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(amounts, prices), min_size=1, max_size=6))
def test_ord1_html_total_is_the_sum_in_both_languages(lines: list[tuple[int, int]]) -> None:
    items = tuple(
        ContractItem(ITEM_TITLE, "b", "m", quantity, unit, quantity * unit)
        for quantity, unit in lines
    )
    doc = example_contract(items=items)
    total = sum(quantity * unit for quantity, unit in lines)
    assert doc.total_paise == total
    for language in documents.LANGUAGES:
        html = contract_html(doc, [language])
        assert format_rupees(total, language=language) in html
        # The lakh/crore summary is shown from one lakh up.
        assert ('class="in-words"' in html) == (total >= LAKH_PAISE)
        if total >= LAKH_PAISE:
            assert format_rupees_words(total, language=language) in html
