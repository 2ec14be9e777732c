"""OPEN-1 end to end: a bid from publication to award and its contracts,
and direct and L1 purchases through payment, each change published as an
OCDS release from the audit log; every release and every record validates
against the official OCDS 1.1.5 schemas (offline), amounts are exact
rupees, parties carry their roles and MSE scale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.opendata.builders import ACTIONS
from kraya.opendata.models import Record, Release
from kraya.opendata.services import releases_publish
from kraya.orders.models import Order
from tests.buying.market import make_market
from tests.opendata.flow import (
    bid_to_award,
    direct_order,
    errors_of,
    l1_order,
    paid,
    parse,
    publish_now,
    validators,
)
from tests.orders.flow import drive

pytestmark = pytest.mark.django_db


def _all_pages(client: Client, path: str, kind: str) -> list[dict[str, Any]]:
    """Every package of a feed, following next_cursor; each validated."""
    release_validator, record_validator = validators()
    validator = release_validator if kind == "releases" else record_validator
    packages = []
    url = f"{path}?limit=7"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        package = parse(b"".join(response.streaming_content))
        if package[kind]:
            assert errors_of(validator, package) == []
        packages.append(package)
        url = package.get("links", {}).get("next")
    return packages


@pytest.fixture
def everything(world):
    """A bid awarded to three sellers (one contract paid), a direct and an
    L1 purchase paid, another L1 purchase declined; all published."""
    market = make_market(world)
    bid, bid_orders = bid_to_award(world)
    l1_contract = next(o for o in bid_orders if o.seller_firm_id == world.seller_firm.pk)
    paid(world, l1_contract)
    direct = paid(world, direct_order(world, market))
    limited = paid(world, l1_order(world, market))
    declined = l1_order(world, market)  # MODE-5: a second direct one would be a split
    from kraya.orders.services import fulfilment

    fulfilment.order_decline(
        order_id=declined.pk, acting_user=world.seller_admin, reason="Out of stock"
    )
    publish_now()
    return {"bid": bid, "bid_orders": bid_orders, "direct": direct, "l1": limited}


def _releases(ocid: str) -> list[dict[str, Any]]:
    return [parse(r.data) for r in Release.objects.filter(ocid=ocid).order_by("source_seq")]


def _compiled(ocid: str) -> dict[str, Any]:
    return parse(Record.objects.get(ocid=ocid).compiled)


def test_open1_every_release_and_record_validates_against_ocds_1_1_5(everything, client):
    with clock.frozen_at(clock.now() + dt.timedelta(seconds=10)):  # past the feed delay
        _every_package_validates(client)


def _every_package_validates(client: Client) -> None:
    releases = _all_pages(client, "/api/v1/ocds/releases", "releases")
    served = [r for package in releases for r in package["releases"]]
    assert len(served) == Release.objects.count() > 20
    relevant = AuditEvent.objects.filter(action__in=ACTIONS).count()
    assert len(served) == relevant  # every relevant event, once
    assert len({r["id"] for r in served}) == len(served)
    records = _all_pages(client, "/api/v1/ocds/records", "records")
    compiled = [r for package in records for r in package["records"]]
    assert len(compiled) == Record.objects.count() == 4  # the bid, direct, L1, declined
    for record in compiled:
        links = record["releases"]
        assert [link["date"] for link in links] == sorted(link["date"] for link in links)
        for link in links:
            assert link["url"].startswith("http://testserver/api/v1/ocds/releases/")
            assert client.get(link["url"]).status_code == 200


def test_open1_bid_process_tender_corrigendum_opening_award_and_contracts(everything, settings):
    bid = everything["bid"]
    ocid = f"{settings.KRAYA_OCID_PREFIX}-bid-{bid.number.replace('/', '-')}"
    releases = _releases(ocid)
    tags = [r["tag"] for r in releases]
    assert tags[:4] == [["tender"], ["tenderAmendment"], ["tenderUpdate"], ["tenderUpdate"]]
    assert tags.count(["award", "contract"]) == 3
    assert ["tenderUpdate"] in tags[-12:]
    published = releases[0]["tender"]
    # As first published: the corrigendum's change (description) is not in it.
    assert published["description"] != "LED lamps for the wards"
    assert published["value"] == {"amount": Decimal("120000"), "currency": "INR"}
    assert published["procurementMethod"] == "open"
    assert releases[1]["tender"]["description"] == "LED lamps for the wards"
    assert releases[1]["tender"]["amendments"][0]["rationale"] == "More lamps needed"
    opened = releases[2]["tender"]
    assert opened["numberOfTenderers"] == 3 and len(opened["tenderers"]) == 3
    compiled = _compiled(ocid)
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["description"] == "LED lamps for the wards"
    awards = {a["id"]: a for a in compiled["awards"]}
    contracts = {c["id"]: c for c in compiled["contracts"]}
    assert set(awards) == set(contracts) == {o.number for o in everything["bid_orders"]}
    values = sorted(a["value"]["amount"] for a in awards.values())
    assert values == [Decimal("12500"), Decimal("12500"), Decimal("75000")]
    paid_contract = next(c for c in contracts.values() if c["status"] == "terminated")
    assert paid_contract["implementation"]["transactions"][0]["value"]["amount"] == Decimal(75000)
    assert {m["id"]: m["status"] for m in paid_contract["implementation"]["milestones"]} == {
        "delivery": "met",
        "acceptance": "met",
        "payment": "met",
    }
    assert sorted(c["status"] for c in contracts.values()) == ["pending", "pending", "terminated"]


def test_open1_parties_have_roles_and_mse_scale(everything, world, settings):
    bid = everything["bid"]
    compiled = _compiled(f"{settings.KRAYA_OCID_PREFIX}-bid-{bid.number.replace('/', '-')}")
    parties = {p["id"]: p for p in compiled["parties"]}
    office = parties[f"IN-KRAYA-BU-{world.office.code}"]
    organisation = parties[f"IN-KRAYA-BU-{world.organisation.code}"]
    assert office["roles"] == ["procuringEntity", "payer"]
    assert organisation["roles"] == ["buyer"]
    assert compiled["buyer"]["id"] == organisation["id"]
    l1 = parties[f"IN-KRAYA-SF-{world.seller_firm.pk}"]
    assert l1["roles"] == ["tenderer", "supplier", "payee"]
    assert l1["details"] == {"scale": "large"}
    mse = parties[f"IN-KRAYA-SF-{world.other_seller_firm.pk}"]
    assert mse["roles"] == ["tenderer", "supplier"] and mse["details"] == {"scale": "sme"}


def test_open1_direct_and_l1_purchases_are_their_own_processes(everything, settings):
    prefix = settings.KRAYA_OCID_PREFIX
    for key, method in (("direct", "direct"), ("l1", "limited")):
        order = everything[key]
        ocid = f"{prefix}-order-{order.number}"
        releases = _releases(ocid)
        assert [r["tag"] for r in releases] == [
            ["tender", "award", "contract"],
            ["contractUpdate"],
            *[["implementation"]] * (len(releases) - 2),
        ]
        compiled = _compiled(ocid)
        assert compiled["tender"]["procurementMethod"] == method
        [contract] = compiled["contracts"]
        amount = Decimal(order.total_paise) / 100
        assert contract["value"]["amount"] == amount
        assert contract["status"] == "terminated"
        assert contract["dateSigned"] == releases[1]["date"]
        [transaction] = contract["implementation"]["transactions"]
        assert transaction["value"] == {"amount": amount, "currency": "INR"}
        assert transaction["payer"]["id"].startswith("IN-KRAYA-BU-")


def test_open1_a_declined_order_cancels_its_award_and_contract(everything, settings):
    declined = Order.objects.get(status="DECLINED")
    compiled = _compiled(f"{settings.KRAYA_OCID_PREFIX}-order-{declined.number}")
    assert compiled["awards"][0]["status"] == "cancelled"
    assert compiled["contracts"][0]["status"] == "cancelled"
    assert compiled["contracts"][0]["amendments"][0]["rationale"] == "Out of stock"


def test_open1_releases_describe_the_state_at_their_event(world):
    """A release published long after its event still says what was true
    then: the order's acceptance release shows the first delivery date even
    though the date was extended (ORD-4) before the publisher ran."""
    from kraya.orders.services import fulfilment

    market = make_market(world)
    order = drive(world, l1_order(world, market), "ACCEPTED")
    first_due = order.delivery_due_on
    fulfilment.order_extend(
        order_id=order.pk,
        acting_user=world.buyer,
        new_due_on=first_due + dt.timedelta(days=7),
        with_ld=False,
        reason="Flood on the highway",
    )
    releases_publish()
    accepted = [
        parse(r.data)
        for r in Release.objects.filter(ocid__endswith=order.number).order_by("source_seq")
    ][1]
    [milestone] = accepted["contracts"][0]["implementation"]["milestones"]
    assert milestone["dueDate"].startswith(first_due.isoformat())
    compiled = parse(Record.objects.get(ocid__endswith=order.number).compiled)
    [contract] = compiled["contracts"]
    later = (first_due + dt.timedelta(days=7)).isoformat()
    assert contract["period"]["endDate"].startswith(later)
    assert contract["implementation"]["milestones"][0]["dueDate"].startswith(later)
    assert contract["amendments"][0]["rationale"] == "Flood on the highway"


def test_open1_publishing_is_idempotent_and_restartable(world):
    market = make_market(world)
    paid(world, direct_order(world, market))
    first = releases_publish(batch_size=2)  # several batches, as after a restart
    assert first.releases == Release.objects.count() > 3
    again = releases_publish()
    assert again.releases == 0 and Release.objects.count() == first.releases
    assert Record.objects.get().release_count == first.releases


def test_open1_amounts_are_exact_decimals_from_paise():
    from kraya.opendata import ocds

    assert ocds.dumps(ocds.value(123456)) == '{"amount":1234.56,"currency":"INR"}'
    assert ocds.dumps(ocds.value(1_000_00)) == '{"amount":1000,"currency":"INR"}'
    assert ocds.dumps(ocds.value(1)) == '{"amount":0.01,"currency":"INR"}'
    assert ocds.dumps(ocds.value(10**15 + 7)) == '{"amount":10000000000000.07,"currency":"INR"}'
    with pytest.raises(TypeError):
        ocds.rupees(1.5)  # type: ignore[arg-type]
