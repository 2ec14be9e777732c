"""The seller registration pages (KYC-1..6) and the operators' seller
directory, through Django's test client, in English and Hindi.

Each wizard step saves a draft; a step with bad input re-renders with its
field errors and saves nothing; `/sellers/register/` resumes at the first
incomplete step; the review shows the constitution and the caution money;
submitting creates the firm with the applicant as its admin (ROLE-3); only
operators see the directory and verify or reject."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kraya.accounts.models import Membership, Role, User
from kraya.sellers.models import BankAccount, Registration, SellerOffice, SocialCategory
from tests.factories import PASSWORD, World, audit_actions_since, audit_head, row_counts
from tests.sellers.kyc_examples import VALID_AADHAAR, gstin_for, new_pan, submitted

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
STEPS = ["firm", "offices", "bank", "key_person", "categories", "declaration"]


def shown(text: str, language: str = "en") -> str:
    """`text` as a page in `language` shows it (translated, HTML-escaped)."""
    with translation.override(language):
        return str(escape(translation.gettext(text)))


def browser_for(user: User, language: str | None = None) -> Client:
    browser = Client()
    browser.force_login(user, backend=MODEL_BACKEND)
    if language is not None:
        assert (
            browser.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
        )
    return browser


def lang_of(response: Any) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    return content.split('<html lang="', 1)[1].split('"', 1)[0]


def office_post(rows: list[dict[str, Any]], *, initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "offices-TOTAL_FORMS": str(len(rows)),
        "offices-INITIAL_FORMS": str(initial),
        "offices-MIN_NUM_FORMS": "1",
        "offices-MAX_NUM_FORMS": "5",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"offices-{index}-{key}"] = value
    return data


def step_posts(pan: str) -> dict[str, dict[str, Any]]:
    """Good form input for every step, as a browser sends it."""
    return {
        "firm": {
            "legal_name": "Varanasi Handloom Udyog",
            "trade_name": "बनारसी हथकरघा",
            "pan": pan.lower(),
            "business_type": "MANUFACTURER",
            "year_established": "2015",
            "annual_turnover": "5000000",  # ₹50 lakh → the lowest slab (KYC-6)
            "address": "12 Lallapura",
            "district": "Varanasi",
            "state": "Uttar Pradesh",
            "pincode": "221001",
            "email": "udyog@example.in",
            "mobile": "9876543210",
        },
        "offices": office_post(
            [
                {
                    "gstin": gstin_for(pan),
                    "address": "12 Lallapura",
                    "district": "Varanasi",
                    "state": "Uttar Pradesh",
                    "pincode": "221001",
                    "is_head_office": "on",
                }
            ]
        ),
        "bank": {
            "account_holder": "Varanasi Handloom Udyog",
            "account_number": "0012 3456 7890",
            "ifsc": "sbin0001234",
        },
        "key_person": {
            "key_person_name": "Sunita Devi",
            "key_person_designation": "Proprietor",
            "key_person_mobile": "9876500001",
            "key_person_email": "sunita@example.in",
            "aadhaar": VALID_AADHAAR,
        },
        "categories": {
            "mse_selected": "on",
            "mse_reference": "UDYAM-UP-09-0012345",
            "mse_mse_class": "MICRO",
            "artisan_selected": "on",
            "artisan_reference": "ART-CARD-77",
        },
        "declaration": {"land_border_country": "no", "confirm": "on"},
    }


# Bad input for each step, the field it is about and the message the page shows.
BAD_STEPS: dict[str, tuple[dict[str, Any], str]] = {
    "firm": ({"pan": "ABCDE12345"}, "Enter a valid PAN, like ABCPE1234F."),
    "bank": ({"ifsc": "SBIN1001234"}, "Enter a valid 11-character IFSC, like SBIN0001234."),
    "key_person": ({"aadhaar": "234123412345"}, "Enter a valid 12-digit Aadhaar number."),
    "categories": (
        {"mse_reference": "UDYAM-XX-09-0012345"},
        "The Udyam number's state code is not known.",
    ),
    "declaration": (
        {"land_border_country": "yes"},
        "Enter the registration with the competent authority and its validity.",
    ),
}


def step_url(registration: Registration, step: str) -> str:
    return reverse("sellers:step", args=[registration.pk, step])


def start(user: User, language: str | None = None) -> tuple[Client, Registration]:
    browser = browser_for(user, language)
    response = browser.post(reverse("sellers:register"))
    registration = Registration.objects.get(applicant=user)
    assert response.status_code == 302
    assert response["Location"] == step_url(registration, "firm")
    return browser, registration


def fill_steps(
    browser: Client, registration: Registration, posts: dict[str, dict[str, Any]], steps: list[str]
) -> None:
    for step in steps:
        response = browser.post(step_url(registration, step), posts[step])
        assert response.status_code == 302, response.content.decode()[:3000]
        following = STEPS.index(step) + 1
        expected = (
            step_url(registration, STEPS[following])
            if following < len(STEPS)
            else reverse("sellers:review", args=[registration.pk])
        )
        assert response["Location"] == expected


@pytest.fixture
def applicant(db: None) -> User:
    return User.objects.create_user(
        username="sunita", password=PASSWORD, full_name="Sunita Devi", email="sunita@example.in"
    )


def snapshot(registration: Registration) -> dict[str, Any]:
    """Everything a step may write, to prove a refused step wrote nothing."""
    fresh = Registration.objects.get(pk=registration.pk)
    return {
        "registration": {
            field.name: getattr(fresh, field.attname)
            for field in Registration._meta.concrete_fields
        },
        "offices": list(SellerOffice.objects.filter(registration=fresh).values()),
        "bank": list(BankAccount.objects.filter(registration=fresh).values()),
        "categories": list(SocialCategory.objects.filter(registration=fresh).values()),
        "audit": audit_head(),
    }


# --- the public pages ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_landing_page_explains_what_is_needed_and_the_caution_money(
    db: None, language: str
) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("sellers:landing"))
    assert lang_of(response) == language
    content = response.content.decode()
    assert shown("Sell to the government", language) in content
    # KYC-6 slabs from the policy, in Indian format.
    assert "₹5,000.00" in content and "₹10,000.00" in content and "₹25,000.00" in content
    assert reverse("sellers:signup") in content


def test_home_page_links_anonymous_visitors_to_seller_registration(db: None) -> None:
    content = Client().get("/").content.decode()
    assert shown("Register as a seller") in content
    assert f'href="{reverse("sellers:landing")}"' in content


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_new_applicant_creates_a_login_and_is_signed_in(db: None, language: str) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert lang_of(browser.get(reverse("sellers:signup"))) == language
    head = audit_head()
    response = browser.post(
        reverse("sellers:signup"),
        {
            "username": "ramesh",
            "full_name": "Ramesh Kumar",
            "email": "ramesh@example.in",
            "mobile": "9876501234",
            "password": "Naya-Vikreta-2026",
            "password_confirm": "Naya-Vikreta-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:register")
    user = User.objects.get(username="ramesh")
    assert user.full_name == "Ramesh Kumar" and user.mobile == "9876501234"
    assert user.preferred_language == language
    assert not Membership.objects.filter(user=user).exists()
    assert audit_actions_since(head)[0] == "accounts.user.sign_up"
    # Signed in: the start page, not the sign-in page.
    assert browser.get(reverse("sellers:register")).status_code == 200


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"password_confirm": "Other-Password-99"}, "The two passwords do not match."),
        ({"username": "sunita"}, "This username is already taken."),
        ({"mobile": "12345"}, "Enter a 10-digit Indian mobile number."),
        ({"password": "short", "password_confirm": "short"}, None),
    ],
)
def test_sign_up_with_bad_input_shows_the_errors_and_creates_nobody(
    applicant: User, change: dict[str, str], field_message: str | None
) -> None:
    data = {
        "username": "ramesh",
        "full_name": "Ramesh Kumar",
        "email": "ramesh@example.in",
        "mobile": "9876501234",
        "password": "Naya-Vikreta-2026",
        "password_confirm": "Naya-Vikreta-2026",
        **change,
    }
    before = row_counts()
    response = Client().post(reverse("sellers:signup"), data)
    assert response.status_code == 200
    assert 'class="field-errors"' in response.content.decode()
    if field_message:
        assert shown(field_message) in response.content.decode()
    assert row_counts() == before
    assert "_auth_user_id" not in Client().session


def test_signed_in_users_skip_the_sign_up_page(applicant: User) -> None:
    response = browser_for(applicant).get(reverse("sellers:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:register")


# --- the wizard ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_every_step_and_the_review_render_for_the_applicant(applicant: User, language: str) -> None:
    browser, registration = start(applicant, language)
    for step in STEPS:
        response = browser.get(step_url(registration, step))
        assert lang_of(response) == language
        assert shown("Save and continue", language) in response.content.decode()
    response = browser.get(reverse("sellers:review", args=[registration.pk]))
    assert lang_of(response) == language


def test_a_whole_registration_through_the_pages(applicant: User) -> None:
    """KYC-1..6 end to end: every step saved, the review, the submission."""
    pan = new_pan("P")
    browser, registration = start(applicant)
    fill_steps(browser, registration, step_posts(pan), STEPS)

    registration.refresh_from_db()
    assert registration.pan == pan  # normalised from lower case
    assert registration.constitution == "PROPRIETORSHIP"  # KYC-1: the 4th letter
    assert registration.annual_turnover_paise == 50_00_000_00
    assert registration.aadhaar_masked == "XXXX XXXX " + VALID_AADHAAR[-4:]
    assert BankAccount.objects.get(registration=registration).account_number == "001234567890"
    assert {c.kind for c in registration.categories.all()} == {"MSE", "ARTISAN"}

    review = browser.get(reverse("sellers:review", args=[registration.pk])).content.decode()
    assert shown("Proprietorship") in review
    assert "₹50,00,000.00" in review  # the turnover, Indian grouping
    assert gstin_for(pan) in review
    # KYC-6: an artisan pays no caution money.
    assert "₹0.00" in review and shown("Artisans pay no caution money.") in review

    response = browser.post(reverse("sellers:review", args=[registration.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:status", args=[registration.pk])
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.caution_money_paise == 0
    assert Membership.objects.filter(
        user=applicant, seller_firm=registration.firm, role=Role.SELLER_ADMIN, is_active=True
    ).exists()

    status_page = browser.get(response["Location"]).content.decode()
    assert 'data-status="SUBMITTED"' in status_page
    assert shown("Submitted") in status_page
    # The seller dashboard now shows the firm (ROLE-3).
    dashboard = browser.get(reverse("web:dashboard")).content.decode()
    assert "Varanasi Handloom Udyog" in dashboard
    # The wizard is closed: its pages lead to the status page.
    again = browser.get(step_url(registration, "firm"))
    assert again["Location"] == reverse("sellers:status", args=[registration.pk])
    assert browser.get(reverse("sellers:register"))["Location"] == again["Location"]


def test_review_shows_the_turnover_slab_without_an_exemption(applicant: User) -> None:
    """KYC-6: ₹5 crore turnover → ₹10,000; a trader's woman-owned MSE is not exempt (KYC-3)."""
    pan = new_pan("C")
    posts = step_posts(pan)
    posts["firm"].update(annual_turnover="50000000", business_type="TRADER")
    posts["categories"] = {
        "mse_selected": "on",
        "mse_reference": "UDYAM-UP-09-0012345",
        "mse_mse_class": "SMALL",
        "woman_selected": "on",
        "woman_evidence_note": "Owner's certificate",
    }
    browser, registration = start(applicant)
    fill_steps(browser, registration, posts, STEPS)
    review = browser.get(reverse("sellers:review", args=[registration.pk])).content.decode()
    assert shown("Company") in review
    assert "₹10,000.00" in review
    assert (
        shown("By the firm&#x27;s annual turnover.") in review
        or shown("By the firm's annual turnover.") in review
    )


@pytest.mark.parametrize("step", sorted(BAD_STEPS))
@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_step_with_bad_input_shows_the_error_and_saves_nothing(
    applicant: User, step: str, language: str
) -> None:
    pan = new_pan()
    posts = step_posts(pan)
    browser, registration = start(applicant, language)
    earlier = STEPS[: STEPS.index(step)]
    fill_steps(browser, registration, posts, earlier)
    change, message = BAD_STEPS[step]
    before = snapshot(registration)
    response = browser.post(step_url(registration, step), {**posts[step], **change})
    assert lang_of(response) == language
    content = response.content.decode()
    assert 'class="field-errors"' in content
    assert shown(message, language) in content
    assert snapshot(registration) == before


@pytest.mark.parametrize(
    ("gstin_of", "message"),
    [
        (
            lambda pan: gstin_for(pan)[:-1] + ("A" if gstin_for(pan)[-1] != "A" else "B"),
            "The GSTIN's check character is wrong; please check the number.",
        ),
        (lambda pan: gstin_for(new_pan()), "This GSTIN belongs to another PAN than the firm's."),
        (
            lambda pan: gstin_for(pan, "27"),
            "The GSTIN's state code does not match the office's state.",
        ),
    ],
    ids=["checksum", "pan_mismatch", "state_mismatch"],
)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_bad_gstin_is_shown_on_its_office_and_nothing_is_saved(
    applicant: User, gstin_of: Any, message: str, language: str
) -> None:
    """KYC-1: the GSTIN's check character, the PAN inside it and its state code."""
    pan = new_pan()
    posts = step_posts(pan)
    browser, registration = start(applicant, language)
    fill_steps(browser, registration, posts, ["firm"])
    before = snapshot(registration)
    rows = [
        {
            "gstin": gstin_for(pan),
            "address": "1 Godowlia",
            "district": "Varanasi",
            "state": "Uttar Pradesh",
            "pincode": "221001",
            "is_head_office": "on",
        },
        {
            "gstin": gstin_of(pan),
            "address": "2 Sigra",
            "district": "Varanasi",
            "state": "Uttar Pradesh",
            "pincode": "221010",
        },
    ]
    response = browser.post(step_url(registration, "offices"), office_post(rows))
    assert lang_of(response) == language
    content = response.content.decode()
    assert shown(message, language) in content
    # On the second office's GSTIN field, not the first's.
    assert 'id="id_offices-1-gstin_error"' in content
    assert 'id="id_offices-0-gstin_error"' not in content
    assert snapshot(registration) == before


def test_add_another_office_keeps_what_was_typed_and_saves_nothing(applicant: User) -> None:
    pan = new_pan()
    posts = step_posts(pan)
    browser, registration = start(applicant)
    fill_steps(browser, registration, posts, ["firm"])
    before = snapshot(registration)
    response = browser.post(
        step_url(registration, "offices"), {**posts["offices"], "add_office": "1"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="offices-TOTAL_FORMS" value="2"' in content
    assert f'value="{gstin_for(pan)}"' in content
    assert 'name="offices-1-gstin"' in content
    assert snapshot(registration) == before


def test_more_than_five_offices_are_refused(applicant: User) -> None:
    pan = new_pan()
    browser, registration = start(applicant)
    fill_steps(browser, registration, step_posts(pan), ["firm"])
    row = {"address": "x", "district": "Varanasi", "state": "Uttar Pradesh", "pincode": "221001"}
    before = snapshot(registration)
    response = browser.post(step_url(registration, "offices"), office_post([row] * 6))
    assert response.status_code == 200
    assert snapshot(registration) == before


def test_offices_need_the_firm_step_first(applicant: User) -> None:
    pan = new_pan()
    browser, registration = start(applicant)
    before = snapshot(registration)
    response = browser.post(step_url(registration, "offices"), step_posts(pan)["offices"])
    assert response.status_code == 200
    assert shown("Save the firm's details with its PAN first.") in response.content.decode()
    assert snapshot(registration) == before


@pytest.mark.parametrize("done", range(len(STEPS) + 1))
def test_returning_to_register_resumes_at_the_first_incomplete_step(
    applicant: User, done: int
) -> None:
    pan = new_pan()
    browser, registration = start(applicant)
    fill_steps(browser, registration, step_posts(pan), STEPS[:done])
    response = Client()
    response = browser_for(applicant).get(reverse("sellers:register"))
    assert response.status_code == 302
    expected = (
        step_url(registration, STEPS[done])
        if done < len(STEPS)
        else reverse("sellers:review", args=[registration.pk])
    )
    assert response["Location"] == expected


def test_saved_steps_are_shown_again_when_going_back(applicant: User) -> None:
    pan = new_pan()
    posts = step_posts(pan)
    browser, registration = start(applicant)
    fill_steps(browser, registration, posts, STEPS)
    firm = browser.get(step_url(registration, "firm")).content.decode()
    assert f'value="{pan}"' in firm and 'value="5000000"' in firm
    offices = browser.get(step_url(registration, "offices")).content.decode()
    assert f'value="{gstin_for(pan)}"' in offices
    categories = browser.get(step_url(registration, "categories")).content.decode()
    assert 'value="UDYAM-UP-09-0012345"' in categories
    declaration = browser.get(step_url(registration, "declaration")).content.decode()
    assert re.search(r'name="land_border_country" value="no"[^>]*checked', declaration)


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("offices", {"offices-0-gstin": "X"}),  # no management form
        ("offices", {"add_office": "1"}),
        ("offices", {"offices-TOTAL_FORMS": "9999", "offices-INITIAL_FORMS": "0"}),
        ("firm", {"annual_turnover": "1e400", "year_established": "abc", "pan": "x" * 5000}),
        ("categories", {"mse_selected": "maybe", "mse_mse_class": "HUGE"}),
        ("declaration", {"land_border_country": "perhaps", "confirm": "on"}),
        ("declaration", {"land_border_registration_valid_until": "31-31-2026"}),
    ],
)
def test_tampered_or_malformed_posts_re_render_and_save_nothing(
    applicant: User, step: str, data: dict[str, str]
) -> None:
    pan = new_pan()
    browser, registration = start(applicant)
    fill_steps(browser, registration, step_posts(pan), ["firm"])
    before = snapshot(registration)
    response = browser.post(step_url(registration, step), data)
    assert response.status_code == 200
    assert snapshot(registration) == before


def test_an_unknown_step_is_404(applicant: User) -> None:
    browser, registration = start(applicant)
    assert browser.get(step_url(registration, "payment")).status_code == 404


def test_submitting_an_incomplete_registration_lists_the_missing_steps(applicant: User) -> None:
    pan = new_pan()
    browser, registration = start(applicant)
    fill_steps(browser, registration, step_posts(pan), ["firm"])
    before = row_counts()
    response = browser.post(reverse("sellers:review", args=[registration.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert shown("Some steps are not complete yet.") in content
    assert f'href="{step_url(registration, "bank")}"' in content
    assert row_counts() == before
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.DRAFT


def test_another_users_registration_does_not_exist_for_them(world: World, applicant: User) -> None:
    _browser, registration = start(applicant)
    stranger = browser_for(world.buyer)
    for url in [
        step_url(registration, "firm"),
        reverse("sellers:review", args=[registration.pk]),
        reverse("sellers:status", args=[registration.pk]),
    ]:
        before = snapshot(registration)
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, step_posts(new_pan())["firm"]).status_code == 404
        assert snapshot(registration) == before


# --- the operators' pages ------------------------------------------------------------------


@pytest.fixture
def sellers(world: World) -> dict[str, Registration]:
    """Three submitted registrations in different places and segments."""
    people = {}
    for name in ["asha", "bilal", "chitra"]:
        people[name] = User.objects.create_user(
            username=name, password=PASSWORD, full_name=name.title(), email=f"{name}@example.in"
        )
    return {
        "asha": submitted(people["asha"], legal_name="Asha Weaves", segments=("WEAVER",)),
        "bilal": submitted(
            people["bilal"],
            legal_name="Bilal Metal Works",
            district="Aligarh",
            business_type="TRADER",
        ),
        "chitra": submitted(
            people["chitra"], legal_name="Chitra Foods", district="Aligarh", segments=("MSE",)
        ),
    }


@pytest.mark.parametrize("language", ["en", "hi"])
def test_operator_sees_the_directory_with_counts(
    world: World, sellers: dict[str, Registration], language: str
) -> None:
    response = browser_for(world.operator, language).get(reverse("sellers:directory"))
    assert lang_of(response) == language
    content = response.content.decode()
    for registration in sellers.values():
        assert registration.legal_name in content
    assert shown("Weaver", language) in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"district": "aligarh"}, {"bilal", "chitra"}),
        ({"segment": "MSE"}, {"chitra"}),
        ({"business_type": "TRADER"}, {"bilal"}),
        ({"q": "weaves"}, {"asha"}),
        ({"status": "VERIFIED"}, set()),
        ({"state": "Uttar Pradesh", "district": "Varanasi"}, {"asha"}),
    ],
)
def test_directory_filters(
    world: World, sellers: dict[str, Registration], query: dict[str, str], expected: set[str]
) -> None:
    response = browser_for(world.operator).get(reverse("sellers:directory"), query)
    assert response.status_code == 200
    content = response.content.decode()
    found = {name for name, reg in sellers.items() if reg.legal_name in content}
    assert found == expected


def test_directory_searches_by_pan_and_paginates(
    world: World, sellers: dict[str, Registration], monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = browser_for(world.operator)
    content = browser.get(reverse("sellers:directory"), {"q": sellers["bilal"].pan}).content
    assert b"Bilal Metal Works" in content and b"Asha Weaves" not in content
    monkeypatch.setattr("kraya.sellers.views.DIRECTORY_PAGE_SIZE", 2)
    first = browser.get(reverse("sellers:directory")).content.decode()
    second = browser.get(reverse("sellers:directory"), {"page": "2"}).content.decode()
    assert "page=2" in first
    assert sum(name in first for name in ["Asha", "Bilal", "Chitra"]) == 2
    assert sum(name in second for name in ["Asha", "Bilal", "Chitra"]) == 1
    # A bad page number shows a page, not an error.
    assert browser.get(reverse("sellers:directory"), {"page": "x"}).status_code == 200


def test_operator_verifies_a_registration(world: World, sellers: dict[str, Registration]) -> None:
    registration = sellers["asha"]
    browser = browser_for(world.operator)
    detail = browser.get(reverse("sellers:registration_detail", args=[registration.pk]))
    assert detail.status_code == 200
    assert reverse("sellers:registration_verify", args=[registration.pk]) in detail.content.decode()
    url = reverse("sellers:registration_verify", args=[registration.pk])
    assert browser.get(url).status_code == 200
    head = audit_head()
    response = browser.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.VERIFIED
    assert registration.verified_by == world.operator
    assert audit_actions_since(head) == ["sellers.registration.verify"]
    # The applicant sees it.
    status_page = browser_for(registration.applicant).get(
        reverse("sellers:status", args=[registration.pk])
    )
    assert 'data-status="VERIFIED"' in status_page.content.decode()
    # Verifying again is refused on the page, not with an error.
    before = row_counts()
    again = browser.post(url)
    assert again.status_code == 200
    assert shown("This registration cannot be changed in its present state.") in (
        again.content.decode()
    )
    assert row_counts() == before


def test_operator_rejects_with_a_reason_and_the_applicant_corrects_it(
    world: World, sellers: dict[str, Registration]
) -> None:
    registration = sellers["bilal"]
    browser = browser_for(world.operator)
    url = reverse("sellers:registration_reject", args=[registration.pk])
    before = row_counts()
    empty = browser.post(url, {"reason": "  "})
    assert empty.status_code == 200
    assert 'class="field-errors"' in empty.content.decode()
    assert row_counts() == before
    response = browser.post(url, {"reason": "The bank account is not in the firm's name."})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
    applicant = browser_for(registration.applicant)
    assert applicant.get(reverse("sellers:register"))["Location"] == reverse(
        "sellers:review", args=[registration.pk]
    )
    review = applicant.get(reverse("sellers:review", args=[registration.pk])).content.decode()
    assert "The bank account is not in the firm" in review
    assert applicant.post(reverse("sellers:review", args=[registration.pk])).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED


@pytest.mark.parametrize(
    "name", ["directory", "registration_detail", "registration_verify", "registration_reject"]
)
def test_operator_pages_refuse_everyone_else(
    world: World, sellers: dict[str, Registration], name: str
) -> None:
    registration = sellers["asha"]
    url = (
        reverse(f"sellers:{name}")
        if name == "directory"
        else reverse(f"sellers:{name}", args=[registration.pk])
    )
    for who in [world.buyer, world.seller_admin, registration.applicant]:
        browser = browser_for(who)
        assert browser.get(url).status_code == 403
        before = row_counts()
        assert browser.post(url, {"reason": "no"}).status_code == 403
        assert row_counts() == before
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_operators_see_the_directory_in_their_navigation(world: World) -> None:
    assert reverse("sellers:directory").encode() in browser_for(world.operator).get("/").content
    assert reverse("sellers:directory").encode() not in browser_for(world.buyer).get("/").content
