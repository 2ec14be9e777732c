"""OPEN-2 in a real browser at 360 px: the public statistics page in Hindi,
with a chart and a CSV download, without signing in."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from kraya.insights.services import insights_refresh
from tests.browser.conftest import SCREENSHOTS
from tests.insights.helpers import category, give_segments, ist, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open2_statistics_in_hindi_with_chart_and_csv(page: Page, world):
    give_segments(world.seller_firm, "MSE")
    chairs = category("Office chairs")
    place(world, at=ist(2025, 4, 1, 0, 1), rupees=25_00_000, cat=chairs, mode="L1")
    place(world, at=ist(2025, 7, 9), rupees=40_000, firm=world.other_seller_firm)
    insights_refresh(full=True)

    page.goto("/statistics/places/?fy=2025")
    page.locator("header").get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    chart = page.locator("figure.stats-chart svg[role=img]")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar").count() == 1
    expect(page.locator("table.stats")).to_contain_text("उत्तर प्रदेश")
    expect(page.locator("table.stats")).to_contain_text("₹25.4 लाख")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "statistics-hi-360.png"), full_page=True)

    with page.expect_download() as download_info:
        page.locator("a.csv").click()
    download = download_info.value
    assert download.suggested_filename == "kraya-places-2025-26.csv"
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[1][:3] == ["उत्तर प्रदेश", "2", "2540000.00"]
