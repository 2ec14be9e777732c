"""`kraya demo`: loads the demo world through the services, is idempotent,
completes a half-loaded database, and its logins work."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client

from kraya.accounts import selectors
from kraya.accounts import services as account_services
from kraya.accounts.models import BuyerUnit, Membership, SellerFirm, User
from kraya.catalog import services as catalog_services
from kraya.catalog.models import Category, Offer
from kraya.core import audit
from kraya.core.audit_models import AuditEvent
from kraya.demo import data
from kraya.demo.management.commands.demo import format_logins
from kraya.orders.models import Order
from kraya.orders.services.ledger import ledger_check


def run_demo(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "units": BuyerUnit.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "firms": SellerFirm.objects.count(),
        "categories": Category.objects.count(),
        "offers": Offer.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


EXPECTED = {
    # Uttar Pradesh, 3 departments, 3 organisations, 6 offices.
    "units": 13,
    # 3 Primary Users, 9 office staff, 5 seller admins, 2 seller staff.
    "users": 19,
    # ganga.orders holds two roles.
    "memberships": 20,
    "firms": 5,
    "categories": 6,
    "offers": 10,
    # One audit event per service call (an organisation and its Primary are one call):
    # 29 for people and firms; the catalogue's 6 categories, 15 template parameters,
    # 3 registered brands, 10 products, 10 offers, 6 approvals and 1 market price;
    # the bid's draft and its publication (BID-1); three direct purchases
    # (demand, funds, order: 9) moved along (6 + 4 + 0 steps).
    "audit_events": 101,
}


@pytest.fixture
def loaded(db):
    output = run_demo()
    return output


def test_loads_the_demo_world_through_the_services(loaded):
    assert loaded.strip() == (
        "Demo data loaded: 13 buyer units, 19 users, 5 seller firms, 6 categories, 10 offers, "
        "1 bids, 3 orders."
    )
    assert counts() == EXPECTED
    state = BuyerUnit.objects.get(code="UP")
    assert (state.level, state.organisation_type, state.name_hi) == ("STATE", "STATE", "उत्तर प्रदेश")
    departments = BuyerUnit.objects.filter(parent=state).order_by("code")
    assert [d.code for d in departments] == ["UP-BE", "UP-MH", "UP-PWD"]
    lucknow = BuyerUnit.objects.get(code="UP-DGMH-LKO")
    assert (lucknow.level, lucknow.district, lucknow.state) == (
        "OFFICE",
        "Lucknow",
        "Uttar Pradesh",
    )
    assert lucknow.organisation == BuyerUnit.objects.get(code="UP-DGMH")
    assert sorted(SellerFirm.objects.values_list("district", flat=True)) == [
        "Aligarh",
        "Gorakhpur",
        "Kanpur Nagar",
        "Lucknow",
        "Varanasi",
    ]
    # CAT-4 holds for every demo offer; the catalogue user listed Ganga's.
    assert all(o.price_paise <= o.mrp_paise for o in Offer.objects.all())
    creators = AuditEvent.objects.filter(action="catalog.offer.create").values_list(
        "actor_label", flat=True
    )
    assert sorted(set(creators)) == [
        "aligarh.admin",
        "awadh.admin",
        "ganga.catalogue",
        "gorakh.admin",
        "kashi.admin",
    ]
    assert audit.verify().ok
    # Each role finds an order to act on (ORD-3, ORD-5, ORD-7).
    statuses = dict(Order.objects.values_list("buyer_office__code", "status"))
    assert statuses == {"UP-DGMH-LKO": "BILLED", "UP-PWD-LKO": "RECEIVED", "UP-DBE-ALG": "PLACED"}
    assert ledger_check().ok


def test_every_first_office_can_transact(loaded):
    # ROLE-2: a Primary User, a Buyer and a Paying Authority are present.
    for department in data.DEPARTMENTS:
        office = BuyerUnit.objects.get(code=department.organisation.offices[0].code)
        assert selectors.office_readiness(office=office) == []


def test_a_second_run_changes_nothing(loaded):
    before = counts()
    assert run_demo().strip() == "Demo data already loaded."
    assert counts() == before == EXPECTED


def test_a_half_loaded_database_is_completed(db):
    state = account_services.buyer_unit_create(
        acting_user=None,
        parent=None,
        level=BuyerUnit.Level.STATE,
        name=data.STATE.name,
        name_hi=data.STATE.name_hi,
        code=data.STATE.code,
        organisation_type="STATE",
        state=data.STATE_NAME,
    )
    catalog_services.category_create(
        acting_user=None, code="stationery", name="Stationery", kind="PRODUCT"
    )
    output = run_demo()
    assert output.strip() == (
        "Demo data loaded: 12 buyer units, 19 users, 5 seller firms, 5 categories, 10 offers, "
        "1 bids, 3 orders."
    )
    assert BuyerUnit.objects.get(code="UP") == state
    assert counts() == EXPECTED
    assert run_demo().strip() == "Demo data already loaded."


def test_the_logins_work_with_their_roles(loaded):
    client = Client()
    for login in data.DEMO_LOGINS:
        assert client.login(
            request=HttpRequest(), username=login.username, password=data.DEMO_PASSWORD
        ), login.username
        user = User.objects.get(username=login.username)
        assert {str(r) for r in selectors.roles_for(user=user)} == set(login.roles)
        client.logout()


def test_a_demo_buyer_signs_in_through_the_login_page(loaded):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "health.buyer", "password": data.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_print_logins_lists_every_login_by_role_without_a_database():
    output = run_demo("--print-logins")
    assert output.strip() == format_logins()
    assert output.count(data.DEMO_PASSWORD) == 1
    for login in data.DEMO_LOGINS:
        assert f"    {login.username} " in output
    lines = output.splitlines()
    assert lines[1] == "  Primary User"
    assert lines[2].split() == ["health.primary", *data.DEPARTMENTS[0].organisation.name.split()]
    assert "  Seller bidding + Seller order fulfilment" in lines


def test_refuses_a_production_database(db, settings):
    settings.EMBEDDED = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        run_demo()
    assert counts()["units"] == 0


def test_a_demo_buyer_can_make_an_l1_purchase(loaded):
    """MODE-3: the demo's 4-shelf steel almirahs come from three manufacturers."""
    from kraya.buying import services as buying
    from kraya.catalog.search import index

    index.rebuild()
    office = BuyerUnit.objects.get(code=data.DEPARTMENTS[0].organisation.offices[0].code)
    buyer = User.objects.get(username="health.buyer")
    consignee = User.objects.get(username="health.consignee")
    godrej = Offer.objects.get(product__brand__name="Godrej Interio")
    demand = buying.demand_create(
        acting_user=buyer,
        office=office,
        consignee_id=consignee.pk,
        lines=[buying.LineInput(godrej.pk, 5)],  # 5 × ₹14,500 = ₹72,500: L1
        delivery_state=data.STATE_NAME,
        delivery_pincode="226001",
        delivery_address="Civil Lines, Lucknow",
    )
    line = demand.lines.get()
    assert (demand.mode, demand.status) == ("L1", "OPEN")
    assert line.selected_offer == Offer.objects.get(product__brand__name="Durian")
    assert len(line.decision["outcome"]["manufacturers"]) == 3
