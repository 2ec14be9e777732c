"""BID-4/BID-5 in the open data: before the technical opening no release
says how many bids arrived, who sent them or at what price, even though
real sealed submissions (and their audit events) exist; the opening's
release is the first to name the tenderers and count them."""

from __future__ import annotations

import datetime as dt

import pytest

from kraya.bids.models import BidItem
from kraya.bids.services import opening, publication
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.opendata.models import Release
from kraya.opendata.services import releases_publish
from tests.bids.test_participation_services import submit, verify_firm
from tests.buying.market import make_market
from tests.opendata.flow import parse, published_bid

pytestmark = pytest.mark.django_db


def test_bid4_bid5_nothing_of_a_sealed_bid_is_published_before_the_opening(world):
    market = make_market(world)
    verify_firm(world.seller_firm)
    bid = published_bid(world, category=market.category)
    BidItem.objects.filter(bid=bid).update(golden_specs={"capacity": "9"}, quantity=100)
    submit(market, bid)  # the Tata 9 L at ₹9,500
    publication.corrigendum_publish(
        acting_user=world.buyer,
        bid=bid,
        reason="Clearer wording",
        changes=publication.CorrigendumChanges(description="9 W LED lamps"),
    )
    assert AuditEvent.objects.filter(action="bids.submission_submitted").exists()
    releases_publish()
    before = list(Release.objects.filter(ocid__contains="-bid-").order_by("source_seq"))
    assert [r.tags for r in before] == [["tender"], ["tenderAmendment"]]
    for release in before:
        text = release.data
        assert "numberOfTenderers" not in text and "tenderers" not in text
        assert "Tata" not in text and "9500" not in text and "950000" not in text
        assert world.seller_firm.name not in text
    bid.refresh_from_db()
    with clock.frozen_at(bid.opening_at + dt.timedelta(minutes=1)):
        opening.technical_open(bid_id=bid.pk)
        releases_publish()
    opened = parse(
        Release.objects.filter(ocid__contains="-bid-").order_by("source_seq").last().data
    )
    assert opened["tender"]["numberOfTenderers"] == 1
    assert opened["tender"]["tenderers"] == [
        {"id": f"IN-KRAYA-SF-{world.seller_firm.pk}", "name": world.seller_firm.name}
    ]
    assert "9500" not in Release.objects.order_by("source_seq").last().data  # prices stay out
