"""KYC-5 in a real browser, without JavaScript: an operator downloads the
template's headers, uploads a small CSV of sellers from a workshop, watches
the batch page and reads the report (counts and a rejection reason)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kraya.sellers.bulk import sample
from kraya.sellers.models import ImportBatch, Registration
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_uploads_a_csv_and_reads_the_report(
    world: World, page_without_js: Page, tmp_path
) -> None:
    page = page_without_js
    rows = [sample.sample_row(n, salt=40) for n in range(1, 5)]
    rows[3]["mobile"] = "12345"
    csv_file = tmp_path / "aligarh.csv"
    csv_file.write_bytes(sample.csv_bytes(rows, lang="hi"))

    sign_in(page, world.operator.username, PASSWORD)
    page.goto("/sellers/bulk/")
    expect(page.get_by_role("heading", name="Bulk registration")).to_be_visible()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_label("Where the list comes from").fill("Aligarh workshop 2026-11-20")
    page.get_by_role("button", name="Upload and register").click()

    expect(
        page.get_by_role("heading", name="Bulk import: Aligarh workshop 2026-11-20")
    ).to_be_visible()
    expect(page.locator("#batch-status")).to_have_text("Done")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("#count-registered")).to_have_text("3")
    expect(page.locator("#count-rejected")).to_have_text("1")

    page.get_by_role("link", name="Rejected").click()
    report = page.locator("#report tbody")
    expect(report.locator("tr")).to_have_count(1)
    expect(report).to_contain_text(rows[3]["pan"])
    expect(report).to_contain_text("Mobile: Enter a 10-digit Indian mobile number.")

    batch = ImportBatch.objects.get()
    assert (batch.registered, batch.rejected) == (3, 1)
    assert Registration.objects.filter(source="Aligarh workshop 2026-11-20").count() == 3
