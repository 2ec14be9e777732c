"""Seller registration in Hindi, in a real browser at 360 px without
JavaScript (KYC-1..6): a new applicant creates a login, fills in every step
(one office first with a GSTIN of another PAN, which the page refuses with
its error), checks the review and submits, then sees the submitted status.

Until the translator's pass the Hindi catalogue may lack this page's own
strings, so the test asserts on structure (`lang="hi"`, field names, URLs,
the status code) and compares messages with what the catalogue gives."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kraya.accounts.models import Membership, Role, User
from kraya.sellers.models import Registration
from tests.sellers.kyc_examples import VALID_AADHAAR, gstin_for, new_pan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Naya-Vikreta-2026"
STEP = r"/sellers/register/\d+/{}/$"


def hindi(text: str) -> str:
    with translation.override("hi"):
        return translation.gettext(text)


def _fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f'main [name="{name}"]').fill(value)


def _save_and_continue(page: Page) -> None:
    # The step's main button is the form's last one ("Add another office" comes before it).
    page.locator("main form button[type=submit]").last.click()


def test_a_new_seller_registers_in_hindi_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    pan = new_pan("P")

    page.goto("/")
    page.locator("header").get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    page.locator('main a[href="/sellers/"]').click()
    expect(page).to_have_url(re.compile(r"/sellers/$"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert _fits_the_phone(page)

    # Create the login; it signs the applicant in.
    page.locator('main a[href="/sellers/signup/"]').first.click()
    _fill(
        page,
        {
            "username": "sunita.devi",
            "full_name": "सुनीता देवी",
            "email": "sunita@example.in",
            "mobile": "9876500001",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sellers/register/$"))
    applicant = User.objects.get(username="sunita.devi")
    assert applicant.preferred_language == "hi"
    page.locator("main form button[type=submit]").click()

    # The firm.
    expect(page).to_have_url(re.compile(STEP.format("firm")))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert _fits_the_phone(page)
    _fill(
        page,
        {
            "legal_name": "सुनीता हथकरघा",
            "pan": pan,
            "annual_turnover": "1200000",
            "address": "12 लल्लापुरा",
            "district": "Varanasi",
            "pincode": "221001",
            "email": "hathkargha@example.in",
            "mobile": "9876500002",
        },
    )
    page.locator('main input[name="business_type"][value="MANUFACTURER"]').check()
    page.locator('main select[name="state"]').select_option("Uttar Pradesh")
    _save_and_continue(page)

    # The office: first with a GSTIN that carries another firm's PAN (KYC-1).
    expect(page).to_have_url(re.compile(STEP.format("offices")))
    expect(page.locator('main [name="offices-0-address"]')).to_have_value("12 लल्लापुरा")
    page.locator('main [name="offices-0-gstin"]').fill(gstin_for(new_pan()))
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(STEP.format("offices")))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    error = page.locator("#id_offices-0-gstin_error")
    expect(error).to_have_text(hindi("This GSTIN belongs to another PAN than the firm's."))
    expect(page.locator("main fieldset .errors")).to_contain_text(
        hindi("Please correct the fields marked below.")
    )
    assert hindi("Please correct the fields marked below.") != (
        "Please correct the fields marked below."
    )
    registration = Registration.objects.get(applicant=applicant)
    assert not registration.offices.exists()

    page.locator('main [name="offices-0-gstin"]').fill(gstin_for(pan))
    _save_and_continue(page)

    # Bank, key person, categories, declaration.
    expect(page).to_have_url(re.compile(STEP.format("bank")))
    _fill(page, {"account_number": "001234567890", "ifsc": "SBIN0001234"})
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(STEP.format("key_person")))
    _fill(
        page,
        {
            "key_person_name": "सुनीता देवी",
            "key_person_designation": "प्रोप्राइटर",
            "key_person_mobile": "9876500001",
            "key_person_email": "sunita@example.in",
            "aadhaar": VALID_AADHAAR,
        },
    )
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(STEP.format("categories")))
    page.locator('main [name="weaver_selected"]').check()
    page.locator('main [name="weaver_reference"]').fill("WV-UP-2211")
    page.locator('main [name="woman_selected"]').check()
    page.locator('main [name="woman_evidence_note"]').fill("स्वामित्व प्रमाणपत्र")
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(STEP.format("declaration")))
    page.locator('main input[name="land_border_country"][value="no"]').check()
    page.locator('main input[name="confirm"]').check()
    _save_and_continue(page)

    # The review: everything, the constitution from the PAN, the caution money.
    expect(page).to_have_url(re.compile(r"/sellers/register/\d+/review/$"))
    main = page.locator("main")
    expect(main).to_contain_text(pan)
    expect(main).to_contain_text(gstin_for(pan))
    expect(main).to_contain_text("XXXX XXXX " + VALID_AADHAAR[-4:])
    expect(main).to_contain_text(hindi("Proprietorship"))
    expect(main).to_contain_text("₹12,00,000.00")  # the turnover, lakh grouping
    expect(main).to_contain_text("₹0.00")  # KYC-6: weavers are exempt
    assert _fits_the_phone(page)
    page.locator("main form button[type=submit]").click()

    # Submitted: the status page, and the applicant is the firm's admin.
    expect(page).to_have_url(re.compile(r"/sellers/registrations/\d+/$"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator('[data-status="SUBMITTED"]')).to_have_text(hindi("Submitted"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.caution_money_paise == 0
    assert Membership.objects.filter(
        user=applicant, seller_firm=registration.firm, role=Role.SELLER_ADMIN, is_active=True
    ).exists()

    page.goto("/dashboard/")
    expect(page.locator("main")).to_contain_text("सुनीता हथकरघा")
