"""OUT-1 and OUT-2 in a real browser at 360 px, without JavaScript: an
operator creates an event; a seller sends feedback about it in Hindi; the
operator tags, answers and closes it; the seller reads the answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kraya.outreach.models import Event, Feedback
from tests.browser.conftest import sign_in, sign_out
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_event_then_seller_feedback_answered(world: World, page_without_js: Page) -> None:
    page = page_without_js
    sign_in(page, world.operator.username, PASSWORD)
    page.goto("/outreach/events/")
    page.locator("main").get_by_role("link", name="New event").click()
    page.get_by_label("Kind").select_option("SAMVAD")
    page.locator("#id_title").fill("Vendor Samvad Gorakhpur")
    page.get_by_label("Title in Hindi").fill("विक्रेता संवाद गोरखपुर")
    page.get_by_label("State").fill("Uttar Pradesh")
    page.get_by_label("District").fill("Gorakhpur")
    page.get_by_label("Starts on").fill("2026-03-10")
    page.get_by_label("Ends on").fill("2026-03-10")
    page.get_by_label("Woman-owned").check()
    page.locator("#id_code").fill("GKP-S1")
    page.locator("main").get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/outreach/events/GKP-S1/$"))
    expect(page.get_by_role("heading", name="Vendor Samvad Gorakhpur")).to_be_visible()
    assert Event.objects.get().target_segments == ["WOMAN"]
    sign_out(page)

    sign_in(page, world.seller_admin.username, PASSWORD)
    page.goto("/outreach/events/GKP-S1/")
    page.get_by_role("link", name="Give feedback on this event").click()
    page.get_by_label("Your feedback").fill("संवाद बहुत उपयोगी था, पर भुगतान में देरी है।")
    page.locator("main").get_by_label("Language").select_option("hi")
    page.locator("main").get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you. Your feedback is sent.")).to_be_visible()
    item = Feedback.objects.get()
    assert (item.event.code, item.side, item.language) == ("GKP-S1", "SELLER", "hi")
    sign_out(page)

    sign_in(page, world.operator.username, PASSWORD)
    page.locator("header").get_by_role("link", name="Feedback inbox").click()
    page.get_by_role("link", name=re.compile("संवाद बहुत उपयोगी")).click()
    page.get_by_label("Topic").select_option("PAYMENT")
    page.get_by_role("button", name="Tag", exact=True).click()
    page.get_by_label("Response").fill("भुगतान कल जारी कर दिया जाएगा।")
    page.get_by_role("button", name="Send the response").click()
    page.get_by_role("button", name="Close this feedback").click()
    expect(page.locator("main")).to_contain_text("Closed")
    sign_out(page)

    sign_in(page, world.seller_admin.username, PASSWORD)
    page.goto("/outreach/feedback/")
    page.get_by_role("link", name=re.compile("संवाद बहुत उपयोगी")).click()
    expect(page.locator("main")).to_contain_text("भुगतान कल जारी कर दिया जाएगा।")
    item.refresh_from_db()
    assert (item.status, item.topic, item.responded_by) == ("CLOSED", "PAYMENT", world.operator)
