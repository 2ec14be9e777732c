"""The contract document (ORD-1) and its PDF, in Hindi and in English.

`ContractDocument` is a frozen value holding everything the contract says:
number, date, the parties (buyer organisation and office, consignee, paying
authority, seller firm), items and prices, delivery period, the terms already
in precedence order (ATC over category terms over general terms, ORD-1) and a
summary of the decision receipt (mode, rule ids, policy version, L1
comparison). The service builds it from the order; this module only renders.

One bilingual contract, not two. `render_contract_pdf_bilingual(doc)` gives
one PDF with the Hindi text first and the English text after it, and that is
the contract of record: GeM issues its contracts bilingually; the Official
Languages Act 1963, s. 3(3), requires contracts executed by the Union to be in
both Hindi and English; and one file has one SHA-256 digest in the audit log,
so no one has to ask which of two files is "the" contract, or reconcile two
digests. Each language has a complete copy (not labels side by side): a
reader reads one script from top to bottom, and each copy stays readable when
printed alone. `render_contract_pdf(doc, language)` gives a single-language
copy for reading and e-mail; it is not what the audit log records.

Labels go through gettext (`{% translate %}` in the template), so the Hindi
copy shows Hindi labels as far as `locale/hi` translates them; names and
clauses come from the data (`BilingualText`: English, and Hindi where given).
Amounts use Indian grouping (`₹12,34,567.00`) and a lakh/crore summary from
`kraya.core.money`; times are shown in IST.

The PDF's creation date is the injected clock's now (`clock.now()`) unless
`created_at` is given: with the clock frozen, or with `created_at` set (e.g.
to the order's placement time), the same document renders to the same bytes
and digest on the same system (see `kraya.core.pdf`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.core.display import language_base
from kraya.core.money import LAKH_PAISE
from kraya.core.pdf import PdfMetadata, RenderedPdf, render_pdf

LANGUAGES = ("hi", "en")
# Hindi first: the order of the bilingual contract.
BILINGUAL_ORDER = ("hi", "en")

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "orders/contract_pdf.html"
STYLESHEET = TEMPLATE_DIR / "orders" / "contract_pdf.css"

# The buying modes of DOMAIN §5 as the contract names them; other codes are shown as given.
MODE_LABELS = {
    "DIRECT": _("Direct purchase"),
    "L1": _("L1 purchase"),
    "BID": _("Bid"),
    "REVERSE_AUCTION": _("Bid with reverse auction"),
}


@dataclass(frozen=True, slots=True)
class BilingualText:
    """A name or text in English and, where one is given, in Hindi."""

    en: str
    hi: str = ""

    def in_language(self, language: str) -> str:
        """The Hindi text in Hindi when there is one, else the English text."""
        if language_base(language) == "hi" and self.hi.strip():
            return self.hi
        return self.en


@dataclass(frozen=True, slots=True)
class Official:
    """A consignee or a paying authority: a person, their designation and
    office address (for the consignee, the delivery address)."""

    name: str
    designation: BilingualText
    address: BilingualText


@dataclass(frozen=True, slots=True)
class SellerParty:
    name: str
    gstin: str
    address: str


@dataclass(frozen=True, slots=True)
class ContractItem:
    title: BilingualText
    brand: str
    model: str
    quantity: int
    unit_price_paise: int
    total_paise: int

    def __post_init__(self) -> None:
        if type(self.quantity) is not int or self.quantity < 1:
            raise ValueError(f"quantity must be a positive integer, not {self.quantity!r}")
        if type(self.unit_price_paise) is not int or self.unit_price_paise < 0:
            raise ValueError("unit_price_paise must be a non-negative integer")
        if self.total_paise != self.quantity * self.unit_price_paise:
            raise ValueError(
                f"item total {self.total_paise} paise is not quantity × unit price "
                f"({self.quantity} × {self.unit_price_paise})"
            )


@dataclass(frozen=True, slots=True)
class Clause:
    """One term of the contract: a title and its text."""

    title: BilingualText
    text: BilingualText


@dataclass(frozen=True, slots=True)
class ComparisonLine:
    """One offer of the L1 comparison (MODE-3), ranked by price; `chosen` marks
    the offer bought (L1, after any recorded tie-break)."""

    rank: int
    seller: str
    manufacturer: str
    model: str
    price_paise: int
    chosen: bool = False


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """What the decision receipt says, for the contract: mode, the rule ids
    applied, the policy version, and the L1 comparison (empty outside MODE-3)."""

    mode: str
    rule_ids: tuple[str, ...]
    policy_version: str
    comparison: tuple[ComparisonLine, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule_ids", tuple(self.rule_ids))
        object.__setattr__(self, "comparison", tuple(self.comparison))


@dataclass(frozen=True, slots=True)
class ContractDocument:
    """Everything an ORD-1 contract says, ready to render."""

    contract_number: str
    placed_at: dt.datetime
    buyer_organisation: BilingualText
    buyer_office: BilingualText
    consignee: Official
    paying_authority: Official
    seller: SellerParty
    items: tuple[ContractItem, ...]
    delivery_period_days: int
    terms: tuple[Clause, ...]
    decision: DecisionSummary

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "terms", tuple(self.terms))
        if not self.contract_number.strip():
            raise ValueError("a contract needs a number")
        if self.placed_at.tzinfo is None:
            raise ValueError("placed_at must be an aware datetime")
        if not self.items:
            raise ValueError("a contract needs at least one item")
        if type(self.delivery_period_days) is not int or self.delivery_period_days < 1:
            raise ValueError("delivery_period_days must be a positive integer")

    @property
    def total_paise(self) -> int:
        return sum(item.total_paise for item in self.items)


def render_contract_pdf(
    doc: ContractDocument, language: str, *, created_at: dt.datetime | None = None
) -> RenderedPdf:
    """One copy of the contract in `language` (`hi` or `en`)."""
    return _render(doc, (_checked_language(language),), created_at=created_at)


def render_contract_pdf_bilingual(
    doc: ContractDocument, *, created_at: dt.datetime | None = None
) -> RenderedPdf:
    """The contract of record: the Hindi copy, then the English copy, in one PDF."""
    return _render(doc, BILINGUAL_ORDER, created_at=created_at)


def contract_html(doc: ContractDocument, languages: Sequence[str]) -> str:
    """The contract as HTML with one copy per language, in the given order."""
    languages = tuple(_checked_language(language) for language in languages)
    if not languages:
        raise ValueError("at least one language is needed")
    context = {
        "doc": doc,
        "document_language": languages[0],
        "title": _title(doc, languages),
        # The lakh/crore summary (kraya.core.money) adds nothing below one lakh.
        "total_in_lakh": doc.total_paise >= LAKH_PAISE,
        "copies": [_copy(doc, language) for language in languages],
    }
    with translation.override(languages[0]):
        return _engine().get_template(TEMPLATE).render(Context(context))


def _render(
    doc: ContractDocument, languages: tuple[str, ...], *, created_at: dt.datetime | None
) -> RenderedPdf:
    html = contract_html(doc, languages)
    metadata = PdfMetadata(
        title=_title(doc, languages),
        created=created_at if created_at is not None else clock.now(),
        language=languages[0],
        subject=doc.seller.name,
    )
    return render_pdf(html, metadata=metadata, stylesheets=[_stylesheet()])


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"contracts are rendered in {' or '.join(LANGUAGES)}, not {language!r}")
    return language


def _title(doc: ContractDocument, languages: Sequence[str]) -> str:
    titles = []
    for language in languages:
        with translation.override(language):
            titles.append(gettext("Contract %(number)s") % {"number": doc.contract_number})
    return " / ".join(dict.fromkeys(titles))


def _copy(doc: ContractDocument, language: str) -> dict[str, Any]:
    """The document with every bilingual field resolved to `language`."""
    with translation.override(language):
        mode = MODE_LABELS.get(doc.decision.mode.upper())
        mode_label = str(mode) if mode is not None else doc.decision.mode
    return {
        "language": language,
        "buyer_organisation": doc.buyer_organisation.in_language(language),
        "buyer_office": doc.buyer_office.in_language(language),
        "consignee": _official(doc.consignee, language),
        "paying_authority": _official(doc.paying_authority, language),
        "items": [
            {
                "title": item.title.in_language(language),
                "brand": item.brand,
                "model": item.model,
                "quantity": item.quantity,
                "unit_price_paise": item.unit_price_paise,
                "total_paise": item.total_paise,
            }
            for item in doc.items
        ],
        "terms": [
            {"title": clause.title.in_language(language), "text": clause.text.in_language(language)}
            for clause in doc.terms
        ],
        "mode": mode_label,
    }


def _official(official: Official, language: str) -> dict[str, str]:
    return {
        "name": official.name,
        "designation": official.designation.in_language(language),
        "address": official.address.in_language(language),
    }


@functools.cache
def _engine() -> Engine:
    # A small engine of its own, not settings.TEMPLATES: the contract renders
    # the same in a web request, a Celery worker and a command, with no
    # context processors or request-dependent state leaking into the PDF.
    return Engine(
        dirs=[str(TEMPLATE_DIR)],
        libraries={
            "i18n": "django.templatetags.i18n",
            "kraya": "kraya.core.templatetags.kraya",
        },
    )


@functools.cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")
