"""Catalogue reads outside search: who sees an offer or product, the seller's
name, the CAT-4 evidence and price history, and the approval queue (CAT-3)."""

from __future__ import annotations

import pytest

from kraya.accounts.selectors import actor_for
from kraya.catalog import selectors, services
from kraya.core.errors import NotFound, PermissionDenied
from tests.catalog import matrix


@pytest.fixture
def offer(world):
    return matrix.listed_offer(world)


def test_cat4_offer_detail_shows_buyers_the_flag_evidence_but_not_the_seller(world, offer):
    reference = services.price_reference_add(
        acting_user=None,
        product=offer.product,
        kind="MARKET",
        price_paise=8_000_00,
        source="Survey",
    )
    detail = selectors.offer_detail(actor=actor_for(user=world.buyer), offer_id=offer.pk)
    assert (detail.is_listed, detail.is_own, detail.seller_name) == (True, False, None)
    assert detail.offer.price_flag == "ABOVE_REFERENCE"
    assert detail.references == [reference]
    assert [(h.price_paise, h.source) for h in detail.history] == [(10_000_00, "WEB")]
    assert detail.delivery_states == ["Uttar Pradesh"]
    assert detail.specs == [("Shelves", "4")]


def test_the_firm_and_operators_see_the_sellers_name(world, offer):
    own = selectors.offer_detail(actor=actor_for(user=world.seller_catalogue), offer_id=offer.pk)
    operator = selectors.offer_detail(actor=actor_for(user=world.operator), offer_id=offer.pk)
    assert (own.is_own, own.seller_name, operator.seller_name) == (
        True,
        "Ganga Textiles",
        "Ganga Textiles",
    )


def test_an_unlisted_offer_is_not_found_for_others(world, offer):
    services.offer_withdraw(acting_user=world.seller_admin, offer=offer)
    with pytest.raises(NotFound):
        selectors.offer_get(actor=None, offer_id=offer.pk)
    with pytest.raises(NotFound):
        selectors.offer_get(actor=actor_for(user=world.other_seller_admin), offer_id=offer.pk)
    seen = selectors.offer_get(actor=actor_for(user=world.seller_admin), offer_id=offer.pk)
    assert seen.status == "WITHDRAWN"


def test_cat3_products_to_offer_are_published_ones_and_the_firms_own_pending(world):
    published = matrix.published_product(world)
    pending = matrix.pending_product(world)
    assert list(selectors.products_to_offer(firm=world.seller_firm)) == [published, pending]
    assert list(selectors.products_to_offer(firm=world.other_seller_firm)) == [published]


def test_cat3_the_approval_queue_is_for_operators(world):
    pending = matrix.pending_product(world)
    queue = selectors.products_awaiting_review(actor=actor_for(user=world.operator))
    assert list(queue) == [pending]
    with pytest.raises(PermissionDenied):
        selectors.products_awaiting_review(actor=actor_for(user=world.seller_admin))


def test_role3_offer_for_seller(world, offer):
    assert (
        selectors.offer_for_seller(actor=actor_for(user=world.seller_catalogue), offer_id=offer.pk)
        == offer
    )
    with pytest.raises(NotFound):
        selectors.offer_for_seller(
            actor=actor_for(user=world.other_seller_admin), offer_id=offer.pk
        )


def test_listed_counts_per_category(world, offer):
    counts = {c.code: c.offer_count for c in selectors.categories_with_offer_counts()}
    assert counts == {matrix.CATEGORY: 1}
    services.offer_withdraw(acting_user=world.seller_admin, offer=offer)
    counts = {c.code: c.offer_count for c in selectors.categories_with_offer_counts()}
    assert counts == {matrix.CATEGORY: 0}
