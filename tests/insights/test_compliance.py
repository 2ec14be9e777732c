"""OPEN-3: the compliance dashboards, checked exactly on a small dataset
(MSE-4 shares against 25 / 4 / 3 %, MODE-6 off-portal purchases, units
without users, ORD-7 payment delays and interest), CSV for each table, and
the pages' authorization matrix (anonymous, wrong role, other department,
right role in Hindi and English)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from kraya.buying.models import AvailabilityReport
from kraya.core import clock
from kraya.insights.compliance import selectors
from kraya.insights.compliance.models import PaymentRollup
from kraya.insights.compliance.services import compliance_refresh
from kraya.insights.services import insights_refresh
from kraya.orders.models import Bill, Payment
from tests.factories import make_seller_firm, make_unit

from .helpers import give_segments, ist, move, place

pytestmark = pytest.mark.django_db

FY = 2025


@pytest.fixture
def dataset(world):
    """FY 2025-26 for Health: ₹1,000 from an MSE owned by a woman, ₹3,000
    from an SC/ST-owned MSE, ₹6,000 from a large firm (MSE 40 %, SC/ST 30 %,
    women 10 %); Education buys ₹1,000 from the large firm only."""
    give_segments(world.seller_firm, "MSE", "WOMAN")
    mse_sc_st = world.other_seller_firm
    give_segments(mse_sc_st, "MSE", "SC_ST")
    large, _admin = make_seller_firm(name="Large Ltd")
    place(world, at=ist(2025, 5, 1), rupees=1_000)
    place(world, at=ist(2025, 6, 1), rupees=3_000, firm=mse_sc_st)
    late = place(world, at=ist(2025, 7, 1), rupees=6_000, firm=large)
    place(world, at=ist(2025, 7, 2), rupees=1_000, firm=large, office=world.other_office)
    # ORD-7: one payment 10 days late with ₹20 interest; one bill overdue, ₹15 accrued.
    move(late, "PAID")
    Payment.objects.create(
        order=late,
        idempotency_key="p-1",
        principal_paise=6_000_00,
        interest_paise=20_00,
        days_late=10,
        paid_at=ist(2025, 8, 20),
        paid_by=world.paying_authority,
        gateway="test",
        gateway_reference="r-1",
    )
    overdue = place(world, at=ist(2025, 8, 1), rupees=500, firm=large)
    move(overdue, "BILLED")
    type(overdue).objects.filter(pk=overdue.pk).update(payment_last_day=dt.date(2025, 9, 1))
    Bill.objects.create(
        order=overdue,
        accepted_value_paise=500_00,
        short_supply_paise=0,
        ld_paise=0,
        payable_paise=500_00,
        last_day=dt.date(2025, 9, 1),
        interest_accrued_paise=15_00,
        policy_version="test",
    )
    # MODE-6: one availability report of the Health office.
    AvailabilityReport.objects.create(
        report_id="AR-UP-TEST-20250910-0001",
        office=world.office,
        item="Ventilator spares",
        estimated_value_paise=2_00_000_00,
        reason="NOT_AVAILABLE",
        on=dt.date(2025, 9, 10),
        sequence=1,
        reported_by=world.buyer,
        receipt={},
    )
    # An office of Health with nobody in it.
    make_unit(parent=world.organisation, name="Sub-centre Kakori")
    with clock.frozen_at(ist(2025, 12, 1)):
        insights_refresh(full=True)
        compliance_refresh()
    return world


def _line(lines, key):
    return next(line for line in lines if line.key == key)


def test_open3_mse4_shares_against_targets_exact(dataset):
    targets = selectors.targets(FY)
    assert (targets.mse, targets.sc_st, targets.women) == (25, 4, 3)
    ranking = selectors.department_ranking(root=dataset.state, fy=FY)
    assert [line.key for line in ranking] == [dataset.department.pk, dataset.other_department.pk]
    health = _line(ranking, dataset.department.pk)
    assert (health.orders, health.gmv_paise) == (4, 10_500_00)
    assert health.segment_gmv_paise == {"MSE": 4_000_00, "SC_ST": 3_000_00, "WOMAN": 1_000_00}
    assert (health.share("MSE"), health.share("SC_ST"), health.share("WOMAN")) == (38.1, 28.6, 9.5)
    assert health.met("MSE", targets.mse) is True
    education = _line(ranking, dataset.other_department.pk)
    assert education.share("MSE") == 0.0
    assert education.met("MSE", targets.mse) is False


def test_open3_off_portal_units_without_users_and_payment_delays(dataset):
    health = _line(selectors.department_ranking(root=dataset.state, fy=FY), dataset.department.pk)
    assert (health.off_portal, health.off_portal_paise) == (1, 2_00_000_00)
    assert (health.units, health.units_without_users) == (3, 1)
    assert (health.paid_late, health.late_days, health.interest_paid_paise) == (1, 10, 20_00)
    assert (health.overdue, health.overdue_paise, health.interest_owed_paise) == (1, 500_00, 15_00)
    [unit] = selectors.units_without_users(department=dataset.department)
    assert unit.name == "Sub-centre Kakori"
    [report], total = selectors.off_portal_reports(department=dataset.department, fy=FY)
    assert total == 1
    assert report.report_id == "AR-UP-TEST-20250910-0001"
    # The page shows the latest few and counts the rest in the database.
    assert selectors.off_portal_reports(department=dataset.department, fy=FY, limit=0) == ([], 1)
    shown, total = selectors.off_portal_reports(department=dataset.department, fy=FY, limit=5)
    assert ([r.report_id for r in shown], total) == (["AR-UP-TEST-20250910-0001"], 1)


def test_open3_payment_rollup_refresh_is_idempotent(dataset):
    before = sorted(PaymentRollup.objects.values_list("fy", "office_id", "paid_late", "overdue"))
    with clock.frozen_at(ist(2025, 12, 1)):
        compliance_refresh()
    after = sorted(PaymentRollup.objects.values_list("fy", "office_id", "paid_late", "overdue"))
    assert before == after == [(FY, dataset.office.pk, 1, 1)]


# --- pages and who sees them ------------------------------------------------------


def _client(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def _pages(world) -> list[str]:
    return [
        reverse("compliance:ranking"),
        reverse("compliance:department", args=[world.department.pk]),
    ]


def test_open3_anonymous_sent_to_sign_in(world):
    for url in _pages(world):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_open3_wrong_role_gets_403(world):
    for user in (world.buyer, world.paying_authority, world.seller_admin):
        for url in _pages(world):
            assert _client(user).get(url).status_code == 403


def test_open3_other_department_gets_404(world):
    url = reverse("compliance:department", args=[world.department.pk])
    assert _client(world.other_primary).get(url).status_code == 404
    assert _client(world.other_primary).post(url, {}).status_code == 405


@pytest.mark.parametrize("language", ["en", "hi"])
def test_open3_right_role_sees_the_pages(dataset, language):
    for user in (dataset.primary, dataset.operator):
        client = _client(user, language)
        for url in _pages(dataset):
            response = client.get(f"{url}?fy={FY}")
            assert response.status_code == 200
            assert f'<html lang="{language}">'.encode() in response.content
    page = _client(dataset.primary, language).get(
        reverse("compliance:department", args=[dataset.department.pk]) + f"?fy={FY}"
    )
    assert "AR-UP-TEST-20250910-0001" in page.content.decode()
    assert "Sub-centre Kakori" in page.content.decode()


def test_open3_every_table_downloads_as_csv(dataset):
    client = _client(dataset.primary)
    ranking = client.get(reverse("compliance:ranking") + f"?fy={FY}&table=ranking&format=csv")
    assert ranking["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(ranking.content.decode())))
    assert rows[1][:8] == ["1", "Health", "4", "10500.00", "38.1", "28.6", "9.5", "yes"]
    url = reverse("compliance:department", args=[dataset.department.pk])
    for table in ("years", "offices", "without_users", "off_portal"):
        response = client.get(f"{url}?fy={FY}&table={table}&format=csv")
        assert response.status_code == 200, table
        assert len(list(csv.reader(io.StringIO(response.content.decode())))) >= 2, table
    assert client.get(f"{url}?fy={FY}&table=nope&format=csv").status_code == 404
