"""The main journeys in a real browser at 360 px: language switch, a Primary
User creating a Buyer who then signs in, bad input, and another organisation."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kraya.accounts.models import Membership, User
from tests.browser.conftest import SCREENSHOTS, sign_in, sign_out
from tests.factories import PASSWORD, World, row_counts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Naya-Kharidar-2025"
DASHBOARD = re.compile(r"/dashboard/$")
# A string of the home page whose Hindi must come from locale/hi.
HOME_STRING = "For government buyers"


def _fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_home_page_in_english_then_hindi(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name=HOME_STRING)).to_be_visible()
    assert _fits_the_phone(page)

    page.locator("header").get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    with translation.override("hi"):
        in_hindi = translation.gettext(HOME_STRING)
    assert in_hindi != HOME_STRING, "locale/hi has no translation: run compilemessages"
    expect(page.get_by_role("heading", name=in_hindi)).to_be_visible()
    assert _fits_the_phone(page)

    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_primary_creates_a_buyer_who_signs_in_without_javascript(
    world: World, page_without_js: Page
) -> None:
    page = page_without_js
    sign_in(page, world.primary.username, PASSWORD)
    expect(page).to_have_url(DASHBOARD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.locator("main").get_by_role("link", name="Add a user").first.click()
    page.get_by_label("Username").fill("kiran.buyer")
    page.get_by_label("Full name").fill("Kiran Yadav")
    page.get_by_label("Email").fill("kiran@example.in")
    page.get_by_label("Office").select_option(label=world.office.name)
    page.get_by_label("Buyer").check()
    page.get_by_role("textbox", name="Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".message.success")).to_contain_text("Kiran Yadav")
    expect(page.get_by_role("cell", name="kiran.buyer")).to_be_visible()
    buyer = User.objects.get(username="kiran.buyer")
    assert set(Membership.objects.filter(user=buyer).values_list("role", flat=True)) == {"BUYER"}

    sign_out(page)
    expect(page.locator(".message")).to_contain_text("You have signed out.")

    sign_in(page, "kiran.buyer", NEW_PASSWORD)
    expect(page).to_have_url(DASHBOARD)
    expect(page.get_by_role("heading", name=world.office.name)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Find goods and services in the catalogue")


def test_buyer_dashboard_fits_a_phone(world: World, page: Page) -> None:
    sign_in(page, world.primary.username, PASSWORD)
    expect(page).to_have_url(DASHBOARD)
    expect(page.get_by_role("heading", name="Offices")).to_be_visible()
    assert _fits_the_phone(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-primary-360.png"), full_page=True)


def test_bad_input_on_the_create_user_form_shows_a_field_error(world: World, page: Page) -> None:
    sign_in(page, world.primary.username, PASSWORD)
    page.goto(f"/accounts/organisations/{world.organisation.pk}/users/new/")
    before = row_counts()
    page.get_by_label("Username").fill("kiran.buyer")
    page.get_by_label("Full name").fill("Kiran Yadav")
    page.get_by_label("Email").fill("kiran@example.in")
    page.get_by_label("Office").select_option(label=world.office.name)
    page.get_by_label("Buyer").check()
    page.get_by_label("Paying Authority").check()
    page.get_by_role("textbox", name="Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".errors[role=alert]")).to_be_visible()
    # ROLE-2: separation of duties, shown on the roles field.
    expect(page.locator("#id_roles_error")).to_contain_text("Paying Authority")
    # The form keeps what was typed, except the passwords.
    expect(page.get_by_label("Username")).to_have_value("kiran.buyer")
    assert row_counts() == before
    assert not User.objects.filter(username="kiran.buyer").exists()


def test_another_organisation_gets_not_found(world: World, page: Page) -> None:
    sign_in(page, world.other_primary.username, PASSWORD)
    response = page.goto(f"/accounts/organisations/{world.organisation.pk}/users/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert world.buyer.username not in page.content()
