"""INC-2 effects are real: a suspended or debarred seller cannot submit a
bid and its offers are neither listed nor found by search; catalogue removal
withdraws the offer named by the incident; lifting restores the bar."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids.models import Submission
from kraya.catalog import rules as catalog_rules
from kraya.catalog.models import Offer
from kraya.catalog.search.models import OfferDocument
from kraya.catalog.selectors import listed_q
from kraya.core import clock
from kraya.core.errors import Conflict
from kraya.incidents import services
from kraya.incidents.models import Incident
from tests.bids.test_participation_services import purifier_bid, submit, verify_firm
from tests.buying.market import make_market
from tests.incidents.factory import replied

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(world):
    return make_market(world)


def _suspend(world) -> Incident:
    incident = replied(world)
    return services.incident_decide(
        acting_user=world.operator, incident=incident, severity="serious", reasons="Repeated."
    )


def _listed(offer: Offer) -> bool:
    return Offer.objects.filter(listed_q(), pk=offer.pk).exists()


def _indexed(offer: Offer) -> bool:
    return OfferDocument.objects.filter(offer_id=offer.pk).exists()


def test_inc2_suspension_blocks_bid_submission_until_it_ends(market):
    world = market.world
    verify_firm(world.seller_firm)
    bid = purifier_bid(market, days=60)
    decided = _suspend(world)
    with pytest.raises(Conflict) as info:
        submit(market, bid)
    assert info.value.code == "bids.seller_barred"
    assert not Submission.objects.filter(bid=bid).exists()
    assert decided.action_until is not None
    with clock.frozen_at(decided.action_until + dt.timedelta(minutes=1)):
        assert submit(market, bid).seller_firm == world.seller_firm


def test_inc2_suspension_hides_offers_from_buyers_and_search_and_the_end_restores_them(market):
    world = market.world
    offer = market.tata_9
    assert offer.seller_firm_id == world.seller_firm.pk
    assert _listed(offer) and _indexed(offer)
    decided = _suspend(world)
    assert not _listed(offer)
    assert not Offer.objects.get(pk=offer.pk).is_listed
    assert not _indexed(offer)
    # Other firms' offers stay.
    other = Offer.objects.exclude(seller_firm=world.seller_firm).filter(listed_q()).first()
    assert other is not None and _indexed(other)
    assert decided.action_until is not None
    end = decided.action_until
    with clock.frozen_at(end):
        assert _listed(offer)
    services.incidents_tick(now=end)
    assert _indexed(offer)


def test_inc2_debarment_lifted_on_appeal_lists_the_offers_again(market):
    world = market.world
    incident = replied(world)
    decided = services.incident_decide(
        acting_user=world.operator,
        incident=incident,
        severity="grave",
        reasons="Forged documents.",
        debarred_until=clock.now() + dt.timedelta(days=730),
    )
    assert not _listed(market.tata_9) and not _indexed(market.tata_9)
    services.incident_appeal(acting_user=world.seller_admin, incident=decided, text="Genuine.")
    services.appeal_decide(
        acting_user=world.operator, incident=decided, outcome="OVERTURNED", reasons="Verified."
    )
    assert _listed(market.tata_9) and _indexed(market.tata_9)


def test_inc2_catalogue_removal_withdraws_the_offer_named_by_the_incident(market):
    world = market.world
    offer = market.tata_9
    incident = services.incident_raise(
        acting_user=market.second_buyer,
        offer=offer,
        category=Incident.Category.CATALOGUE,
        description="The listed purifier is a 6 L model.",
    )
    assert incident.respondent_firm_id == offer.seller_firm_id
    services.incidents_tick(now=incident.response_due_at)
    services.show_cause_issue(acting_user=world.operator, incident=incident, text="Explain.")
    services.incidents_tick(now=incident.response_due_at + dt.timedelta(days=6))
    decided = services.incident_decide(
        acting_user=world.operator, incident=incident, severity="severe", reasons="Misleading."
    )
    assert decided.action == "catalogue_removal"
    assert decided.action_effects["removed_offer_ids"] == [offer.pk]
    assert Offer.objects.get(pk=offer.pk).status == catalog_rules.WITHDRAWN
    assert not _indexed(offer)
    # Other offers of the firm stay listed.
    others = Offer.objects.filter(seller_firm=offer.seller_firm).exclude(pk=offer.pk)
    assert all(o.status == catalog_rules.PUBLISHED for o in others)
