"""The bid document (BID-1, BID-3): one PDF with a Hindi copy and an English
copy, rendered from the bid as it stands, read back with pypdf. Hindi text
is compared loosely, as in `tests/orders/test_documents.py` (whitespace and
the vowel sign ि removed: PDF text extraction of Devanagari is lossy), and
Hindi labels are not asserted (the translator pass comes later)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from kraya.bids import documents
from kraya.bids.selectors import publication as selectors
from kraya.bids.services import publication as services
from kraya.core import clock
from kraya.core.money import format_rupees
from tests.bids.factory import make_bid, make_submission
from tests.bids.test_publication_services import NOW, make_category, published
from tests.factories import World

pytestmark = pytest.mark.django_db


def loose(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("ि", "")


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def copies(content: bytes) -> tuple[str, str]:
    """The Hindi copy's text and the English copy's (the English copy starts
    on the page whose text begins the English masthead)."""
    pages = pages_text(content)
    # Until the Hindi labels are translated both mastheads say "Bid document":
    # the English copy starts at the last page that does.
    start = [i for i, text in enumerate(pages) if "Bid document" in text][-1]
    assert start > 0
    return "\n".join(pages[:start]), "\n".join(pages[start:])


def _rendered(bid: object) -> bytes:
    return documents.render_bid_document(bid).content  # type: ignore[arg-type]


def test_bid1_the_document_holds_number_title_items_and_value_in_both_languages(
    world: World,
) -> None:
    category = make_category()
    with clock.frozen_at(NOW):
        bid = published(world, category=category)
    detail = selectors.bid_detail(actor=_actor(world), bid_id=bid.pk)
    hindi, english = copies(_rendered(detail))
    for text in (bid.number, "Water purifiers for district hospitals", "Water purifier 9 L"):
        assert text in english
        assert loose(text) in loose(hindi)
    assert "Installation at site" in english
    assert format_rupees(10_05_000_00, language="en") in english
    assert loose(format_rupees(10_05_000_00, language="hi")) in loose(hindi)
    assert "Water purifiers" in english  # the category, in English
    assert loose("जल शोधक") in loose(hindi)  # the category, in Hindi
    assert "capacity 9" in english
    assert "As first published" in english


def test_bid3_the_document_reflects_corrigenda_and_shows_its_version(world: World) -> None:
    with clock.frozen_at(NOW):
        bid = published(world)
    first = documents.render_bid_document(selectors.bid_detail(actor=_actor(world), bid_id=bid.pk))
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        services.corrigendum_publish(
            acting_user=world.buyer,
            bid=bid,
            reason="More purifiers needed",
            changes=services.CorrigendumChanges(quantities={1: 120}),
        )
    second = documents.render_bid_document(selectors.bid_detail(actor=_actor(world), bid_id=bid.pk))
    assert first.sha256 != second.sha256
    _, english = copies(second.content)
    assert "With 1 corrigendum" in english
    assert "More purifiers needed" in english
    assert format_rupees(12_05_000_00, language="en") in english
    assert "120" in english


def test_the_same_version_renders_to_the_same_bytes_and_the_header_is_its_digest(
    world: World,
) -> None:
    with clock.frozen_at(NOW):
        bid = published(world)
    detail = selectors.bid_detail(actor=_actor(world), bid_id=bid.pk)
    one, two = documents.render_bid_document(detail), documents.render_bid_document(detail)
    assert one.content == two.content
    response = documents.pdf_response(detail)
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert response["X-Content-SHA256"] == one.sha256


def test_bid5_the_document_holds_nothing_of_a_submission(world: World) -> None:
    bid = make_bid(world, items=[("Water purifier 9 L", 100, 10_000_00)])
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_123_00})
    hindi, english = copies(_rendered(selectors.bid_detail(actor=_actor(world), bid_id=bid.pk)))
    for text in (english, hindi):
        assert world.seller_firm.name not in text
        assert "9,123" not in text and "M-1" not in text


def _actor(world: World) -> object:
    from kraya.accounts.selectors import as_actor

    return as_actor(world.buyer)
