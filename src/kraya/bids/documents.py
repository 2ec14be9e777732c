"""The bid document (BID-1, BID-3): one PDF with a complete Hindi copy and a
complete English copy of what the bid asks for and on what terms, rendered
on request from the bid as it stands, so it reflects every corrigendum (its
version is the number of corrigenda published).

It reuses the contract document's machinery (`kraya.orders.documents`: the
bilingual order, the stylesheet and fonts; `kraya.core.pdf`: WeasyPrint,
reproducible bytes). The PDF's dates are the bid's last change, so the same
version of a bid renders to the same bytes and SHA-256 on one system.

Nothing of a submission is read here (BID-5): only the bid, its items and
its corrigenda."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext

from kraya.bids.models import Bid
from kraya.core.money import LAKH_PAISE
from kraya.core.pdf import PdfMetadata, RenderedPdf, render_pdf
from kraya.orders.documents import BILINGUAL_ORDER, STYLESHEET, BilingualText

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "bids/bid_document.html"


def _title(bid: Bid) -> str:
    titles = []
    for language in BILINGUAL_ORDER:
        with translation.override(language):
            titles.append(gettext("Bid document %(number)s") % {"number": bid.reference})
    return " / ".join(dict.fromkeys(titles))


def _copy(bid: Bid, language: str) -> dict[str, Any]:
    office = bid.office
    organisation = office.organisation or office
    with translation.override(language):
        return {
            "language": language,
            "status": str(bid.get_status_display()),
            "evaluation_basis": str(bid.get_evaluation_basis_display()),
            "mii_reservation": str(bid.get_mii_reservation_display()),
            "ra_qualification": str(bid.get_ra_qualification_display()),
            "organisation": organisation.display_name,
            "office": office.display_name,
            "items": [
                {
                    "title": item.title,
                    "category": (
                        BilingualText(item.category.name, item.category.name_hi).in_language(
                            language
                        )
                        if item.category
                        else ""
                    ),
                    "golden_specs": sorted(item.golden_specs.items()),
                    "specification": item.specification,
                    "unit": item.unit,
                    "quantity": item.quantity,
                    "unit_price_paise": item.estimated_unit_price_paise,
                    "total_paise": item.quantity * item.estimated_unit_price_paise,
                }
                for item in bid.items.all()
            ],
            "terms": [
                {
                    "clause": term["clause"],
                    "text": BilingualText(
                        term["text"].get("en", ""), term["text"].get("hi", "")
                    ).in_language(language),
                }
                for term in bid.additional_terms
            ],
        }


def bid_html(bid: Bid) -> str:
    """The document as HTML: the Hindi copy, then the English copy."""
    context = {
        "bid": bid,
        "title": _title(bid),
        "document_language": BILINGUAL_ORDER[0],
        "version": len(bid.corrigenda.all()),
        "corrigenda": list(bid.corrigenda.all()),
        "in_lakh": bid.estimated_value_paise >= LAKH_PAISE,
        "copies": [_copy(bid, language) for language in BILINGUAL_ORDER],
    }
    with translation.override(BILINGUAL_ORDER[0]):
        return _engine().get_template(TEMPLATE).render(Context(context))


def render_bid_document(bid: Bid) -> RenderedPdf:
    """The bilingual bid document as it stands now (with its corrigenda)."""
    metadata = PdfMetadata(
        title=_title(bid),
        created=bid.updated_at,
        language=BILINGUAL_ORDER[0],
        subject=bid.title,
    )
    return render_pdf(bid_html(bid), metadata=metadata, stylesheets=[_stylesheet()])


def pdf_response(bid: Bid) -> HttpResponse:
    """The document as a download, its SHA-256 in `X-Content-SHA256`."""
    pdf = render_bid_document(bid)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    name = bid.reference.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Content-Length"] = str(len(pdf.content))
    response["X-Content-SHA256"] = pdf.sha256
    return response


@functools.cache
def _engine() -> Engine:
    # Its own engine, as the contract's: no context processors or request
    # state in a document of record.
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
