"""CAT-5: what buyers see about a seller firm follows the sellers app's
decisions: a registration rejected (firm deactivated) takes its offers out of
search, a corrected and resubmitted one brings them back, and a verification
makes its social categories filterable."""

from __future__ import annotations

import pytest

from kraya.catalog.models import Category
from kraya.catalog.search.selectors import SearchQuery, search_offers
from kraya.sellers import services as seller_services
from tests.factories import make_listed_offer
from tests.sellers.kyc_examples import submitted

pytestmark = pytest.mark.django_db(transaction=True)


def _found(**query) -> set[int]:
    hits = search_offers(actor=None, query=SearchQuery(limit=100, **query)).hits
    return {hit.offer_id for hit in hits}


def test_cat5_a_rejected_sellers_offers_leave_search_and_come_back(world):
    registration = submitted(world.consignee, segments=("WOMAN",))
    category = Category.objects.create(code="lamps", name="Lamps", kind="PRODUCT")
    offer = make_listed_offer(seller=world.consignee, firm=registration.firm, category=category)
    assert offer.pk in _found(text="lamp")
    assert offer.pk not in _found(text="lamp", segments=frozenset({"WOMAN"}))  # not verified yet

    registration = seller_services.registration_reject(
        acting_user=world.operator, registration=registration, reason="Bank proof unreadable."
    )
    assert offer.pk not in _found(text="lamp")

    registration = seller_services.registration_submit(
        acting_user=world.consignee, registration=registration
    )
    assert offer.pk in _found(text="lamp")

    seller_services.registration_verify(acting_user=world.operator, registration=registration)
    assert offer.pk in _found(text="lamp", segments=frozenset({"WOMAN"}))
