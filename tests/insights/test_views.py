"""OPEN-2: the public statistics pages: no sign-in, Hindi and English, a
chart and a table per page, the table also as CSV with the same rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from kraya.insights.services import insights_refresh

from .helpers import category, give_segments, ist, place

pytestmark = pytest.mark.django_db

PAGES = ["overview", "orders", "places", "departments", "categories", "sellers", "buyers"]


@pytest.fixture
def figures(world):
    give_segments(world.seller_firm, "MSE")
    chairs = category("Office chairs")
    place(world, at=ist(2025, 3, 31, 23, 59), rupees=1_50_000, cat=chairs)
    place(world, at=ist(2025, 4, 1, 0, 1), rupees=25_00_000, cat=chairs, mode="L1")
    place(world, at=ist(2025, 7, 9), rupees=40_000, firm=world.other_seller_firm)
    insights_refresh(full=True)
    return world


@pytest.mark.parametrize("page", PAGES)
def test_open2_pages_public_for_anonymous_and_signed_in(figures, page):
    anonymous = Client()
    response = anonymous.get(reverse(f"insights:{page}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<table" in body and "format=csv" in body
    signed_in = Client()
    signed_in.force_login(figures.buyer)
    assert signed_in.get(reverse(f"insights:{page}")).status_code == 200


def test_open2_overview_headline_in_lakh_and_crore(figures):
    body = Client().get(reverse("insights:overview"), {"fy": 2025}).content.decode()
    assert "₹25.4 lakh" in body  # FY 2025-26: 25,00,000 + 40,000
    assert "₹26.9 lakh" in body  # since the start
    assert "<svg" in body and 'role="img"' in body and "<title" in body


def test_open2_fy_selector_changes_the_figures(figures):
    body = Client().get(reverse("insights:orders"), {"fy": 2024}).content.decode()
    assert "₹1.5 lakh" in body
    assert "₹25 lakh" not in body
    assert '<option value="2024" selected>2024-25</option>' in body


def test_open2_pages_in_hindi(figures):
    client = Client(HTTP_ACCEPT_LANGUAGE="hi")
    body = client.get(reverse("insights:places"), {"fy": 2025}).content.decode()
    assert '<html lang="hi">' in body
    assert "उत्तर प्रदेश" in body  # the state's name as Hindi readers read it
    assert "लाख" in body
    body = client.get(reverse("insights:categories"), {"fy": 2025}).content.decode()
    assert "Office chairs (हिन्दी)" in body


def _table_rows(body: str) -> list[list[str]]:
    """The table's rows as the page shows them (cells' text)."""
    import re

    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, flags=re.S)
    ]


@pytest.mark.parametrize("page", PAGES)
def test_open2_csv_matches_the_table(figures, page):
    client = Client()
    url = reverse(f"insights:{page}")
    shown = _table_rows(client.get(url, {"fy": 2025}).content.decode())
    response = client.get(url, {"fy": 2025, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == len(shown)
    for csv_row, page_row in zip(rows, shown, strict=True):
        assert len(csv_row) == len(header) == len(page_row)
        assert csv_row[0] == page_row[0]


def test_open2_csv_values_exact(figures):
    response = Client().get(reverse("insights:sellers"), {"fy": 2025, "format": "csv"})
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["Micro or small enterprise (MSE)"] == [
        "Micro or small enterprise (MSE)",
        "1",
        "1",
        "2500000.00",
    ]
    months = Client().get(reverse("insights:orders"), {"fy": 2025, "format": "csv"})
    lines = months.content.decode().splitlines()
    assert lines[0] == "Month,Orders,GMV (₹)"
    assert lines[1] == "Apr 2025,1,2500000.00"
    assert lines[4] == "Jul 2025,1,40000.00"
    assert len(lines) == 13


def test_open2_places_districts_of_a_state(figures):
    response = Client().get(reverse("insights:places"), {"fy": 2025, "state": "Uttar Pradesh"})
    assert response.status_code == 200
    assert "District" in response.content.decode()


def test_open2_empty_statistics_render(db):
    for page in PAGES:
        assert Client().get(reverse(f"insights:{page}")).status_code == 200
