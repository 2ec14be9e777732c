"""The accounts pages (src/kraya/accounts/views.py): each renders for its role
in English and Hindi, does its one job, and on bad input re-renders the form
with field errors and changes nothing (rows and audit log)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kraya.accounts import selectors
from kraya.accounts.models import ApiToken, Membership, Role, User
from tests.factories import PASSWORD, audit_actions_since, audit_head, row_counts
from tests.web.conftest import can_sign_in, html_lang, shown

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sahi-Naya-2025"


def required_in_hindi() -> str:
    """Django's "This field is required." in Hindi (Django's catalogue has it)."""
    text = shown("This field is required.", "hi")
    assert text != "This field is required."
    return text


def _active_roles(user: User) -> set[tuple[str, int | None]]:
    return set(
        Membership.objects.filter(user=user, is_active=True).values_list("role", "buyer_unit_id")
    )


def _field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def _new_user_data(world, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "anita.verma",
        "full_name": "Anita Verma",
        "email": "anita.verma@example.in",
        "mobile": "9876543210",
        "unit": world.office.pk,
        "roles": [Role.BUYER.value],
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# --- sign in and out ------------------------------------------------------------------


def test_sign_in_page_renders_in_both_languages(client: Client) -> None:
    for language in ("en", "hi"):
        response = client.get("/accounts/login/", headers={"accept-language": language})
        assert response.status_code == 200
        assert html_lang(response.content) == language
        assertContains(response, shown("Sign in", language))


def test_sign_in_with_good_credentials_lands_on_the_dashboard(world, client: Client) -> None:
    response = client.post(
        "/accounts/login/", {"username": world.buyer.username, "password": PASSWORD}
    )
    assertRedirects(response, "/dashboard/", fetch_redirect_response=False)
    assert client.session[SESSION_KEY] == str(world.buyer.pk)


def test_a_language_picked_before_signing_in_becomes_the_users_choice(
    world, client: Client
) -> None:
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    head = audit_head()
    response = client.post(
        "/accounts/login/", {"username": world.buyer.username, "password": PASSWORD}
    )
    assert response.cookies["django_language"].value == "hi"
    world.buyer.refresh_from_db()
    assert world.buyer.preferred_language == "hi"
    assert audit_actions_since(head) == ["auth.login", "accounts.user.set_language"]
    assert html_lang(client.get("/dashboard/").content) == "hi"


def test_signing_in_brings_the_saved_language_and_it_stays_after_signing_out(
    world, client: Client
) -> None:
    User.objects.filter(pk=world.buyer.pk).update(preferred_language="hi")
    head = audit_head()
    response = client.post(
        "/accounts/login/", {"username": world.buyer.username, "password": PASSWORD}
    )
    assert response.cookies["django_language"].value == "hi"
    assert audit_actions_since(head) == ["auth.login"]
    client.post("/accounts/logout/")
    assert html_lang(client.get("/").content) == "hi"


def test_sign_in_with_a_wrong_password_shows_a_translated_error(world, client: Client) -> None:
    head = audit_head()
    response = client.post(
        "/accounts/login/",
        {"username": world.buyer.username, "password": "wrong-password-1"},
        headers={"accept-language": "hi"},
    )
    assert response.status_code == 200
    assert html_lang(response.content) == "hi"
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session
    assert audit_actions_since(head) == ["auth.login_failed"]


def test_sign_in_with_missing_fields_shows_django_hindi_messages(client: Client) -> None:
    response = client.post("/accounts/login/", {}, headers={"accept-language": "hi"})
    assertContains(response, required_in_hindi())


def test_repeated_failures_show_the_lockout_page(world, client: Client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        response = client.post(
            "/accounts/login/", {"username": world.buyer.username, "password": "wrong-password-1"}
        )
    assert response.status_code == 429
    assertContains(response, shown("Sign-in paused"), status_code=429)
    assertContains(response, "15", status_code=429)
    # Even the right password is refused while the lock lasts.
    response = client.post(
        "/accounts/login/", {"username": world.buyer.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_sign_out_is_post_only_and_says_so(world, client_as) -> None:
    browser = client_as(world.buyer)
    assert browser.get("/accounts/logout/").status_code == 405
    response = browser.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assertContains(response, shown("You have signed out."))
    assert SESSION_KEY not in browser.session


# --- the Primary User's list of users -------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_primary_sees_the_organisations_users_with_roles_and_status(
    world, client_as, language: str
) -> None:
    url = f"/accounts/organisations/{world.organisation.pk}/users/"
    response = client_as(world.primary, language).get(url)
    assert response.status_code == 200
    assert html_lang(response.content) == language
    for person in (world.primary, world.buyer, world.consignee, world.paying_authority):
        assertContains(response, person.username)
    assertNotContains(response, world.other_buyer.username)
    assertContains(response, f"/accounts/users/{world.buyer.pk}/deactivate/")
    assertContains(response, f"/accounts/users/{world.buyer.pk}/edit/")
    # The Primary User is handed over, never deactivated, and has no other role to edit.
    assertNotContains(response, f"/accounts/users/{world.primary.pk}/deactivate/")
    assertNotContains(response, f"/accounts/users/{world.primary.pk}/edit/")


# --- creating a Secondary User --------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_create_user_form_offers_the_organisations_offices_and_roles(
    world, client_as, language: str
) -> None:
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = client_as(world.primary, language).get(url)
    assert response.status_code == 200
    assert html_lang(response.content) == language
    html = response.content.decode()
    assert f'<option value="{world.office.pk}">' in html
    assert f'<option value="{world.other_office.pk}">' not in html
    for role in ("BUYER", "CONSIGNEE", "PAYING_AUTHORITY"):
        assert f'type="checkbox" name="roles" value="{role}"' in html
    assert 'value="PRIMARY"' not in html


def test_primary_creates_a_buyer_who_can_sign_in(world, client_as) -> None:
    browser = client_as(world.primary)
    head = audit_head()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, _new_user_data(world, roles=["BUYER", "CONSIGNEE"]), follow=True)
    assert response.redirect_chain == [
        (f"/accounts/organisations/{world.organisation.pk}/users/", 302)
    ]
    assertContains(response, "anita.verma")
    created = User.objects.get(username="anita.verma")
    assert (created.full_name, created.email, created.mobile) == (
        "Anita Verma",
        "anita.verma@example.in",
        "9876543210",
    )
    assert _active_roles(created) == {("BUYER", world.office.pk), ("CONSIGNEE", world.office.pk)}
    assert audit_actions_since(head) == ["accounts.secondary_user.create"]
    assert can_sign_in("anita.verma", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password_confirm": "Something-else-9"}, "password_confirm"),
        ({"password": "password", "password_confirm": "password"}, "password"),
        ({"roles": ["BUYER", "PAYING_AUTHORITY"]}, "roles"),
        ({"roles": []}, "roles"),
        ({"roles": ["PRIMARY"]}, "roles"),
        ({"email": "not-an-email"}, "email"),
        ({"mobile": "12345"}, "mobile"),
        ({"full_name": "   "}, "full_name"),
        ({"username": "bad name!"}, "username"),
        ({"unit": "999999"}, "unit"),
    ],
)
def test_create_user_with_bad_input_shows_the_field_error_and_saves_nothing(
    world, client_as, overrides: dict[str, object], field: str
) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, _new_user_data(world, **overrides))
    assert response.status_code == 200
    assert _field_errors(response, field), response.context["form"].errors
    assertContains(response, 'class="field-errors"')
    assert row_counts() == before


def test_create_user_with_a_taken_username_says_so(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, _new_user_data(world, username=world.buyer.username.upper()))
    assert _field_errors(response, "username") == [shown("This username is already taken.")]
    assert row_counts() == before


def test_create_user_rejects_an_office_of_another_organisation(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, _new_user_data(world, unit=world.other_office.pk))
    assert _field_errors(response, "unit")
    assert row_counts() == before


def test_create_user_errors_are_in_hindi_for_a_hindi_user(world, client_as) -> None:
    browser = client_as(world.primary, "hi")
    before = row_counts()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, {})
    assert html_lang(response.content) == "hi"
    assertContains(response, required_in_hindi())
    assert row_counts() == before


def test_create_user_without_a_csrf_token_is_refused(world, client_as) -> None:
    browser = client_as(world.primary, enforce_csrf_checks=True)
    before = row_counts()
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    response = browser.post(url, _new_user_data(world))
    assert response.status_code == 403
    assertContains(response, shown("This form has expired"), status_code=403)
    assert row_counts() == before


def test_create_user_with_the_csrf_token_works(world, client_as) -> None:
    browser = client_as(world.primary, enforce_csrf_checks=True)
    url = f"/accounts/organisations/{world.organisation.pk}/users/new/"
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(url).content.decode()
    )
    assert token
    response = browser.post(url, {**_new_user_data(world), "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert User.objects.filter(username="anita.verma").exists()


# --- editing, deactivating, reactivating ----------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_edit_form_shows_the_users_details_and_roles(world, client_as, language: str) -> None:
    response = client_as(world.primary, language).get(f"/accounts/users/{world.consignee.pk}/edit/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    form = response.context["form"]
    assert form.initial["full_name"] == world.consignee.full_name
    assert form.initial["unit"] == world.office.pk
    assert form.initial["roles"] == ["CONSIGNEE"]


def test_primary_edits_a_users_details_and_roles(world, client_as) -> None:
    browser = client_as(world.primary)
    head = audit_head()
    response = browser.post(
        f"/accounts/users/{world.consignee.pk}/edit/",
        {
            "full_name": "Ravi Kumar",
            "email": "ravi.kumar@example.in",
            "mobile": "",
            "unit": world.office.pk,
            "roles": ["CONSIGNEE", "BUYER"],
        },
    )
    assertRedirects(
        response,
        f"/accounts/organisations/{world.organisation.pk}/users/",
        fetch_redirect_response=False,
    )
    world.consignee.refresh_from_db()
    assert (world.consignee.full_name, world.consignee.email) == (
        "Ravi Kumar",
        "ravi.kumar@example.in",
    )
    assert _active_roles(world.consignee) == {
        ("BUYER", world.office.pk),
        ("CONSIGNEE", world.office.pk),
    }
    assert audit_actions_since(head) == ["accounts.secondary_user.update"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"roles": ["CONSIGNEE", "PAYING_AUTHORITY"]}, "roles"),
        ({"roles": []}, "roles"),
    ],
)
def test_edit_with_bad_input_changes_nothing(
    world, client_as, overrides: dict[str, object], field: str
) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    data = {
        "full_name": "Changed Name",
        "email": "changed@example.in",
        "mobile": "",
        "unit": world.office.pk,
        "roles": ["CONSIGNEE"],
        **overrides,
    }
    response = browser.post(f"/accounts/users/{world.consignee.pk}/edit/", data)
    assert response.status_code == 200
    assert _field_errors(response, field)
    assert row_counts() == before
    world.consignee.refresh_from_db()
    assert world.consignee.full_name != "Changed Name"


def test_deactivate_asks_first_then_ends_the_users_roles(world, client_as) -> None:
    browser = client_as(world.primary)
    url = f"/accounts/users/{world.buyer.pk}/deactivate/"
    response = browser.get(url)
    assertContains(response, shown("Deactivate"))
    assert _active_roles(world.buyer)
    head = audit_head()
    response = browser.post(url, follow=True)
    assertContains(response, f"/accounts/users/{world.buyer.pk}/reactivate/")
    world.buyer.refresh_from_db()
    assert _active_roles(world.buyer) == set()
    assert world.buyer.is_active is False
    assert audit_actions_since(head) == ["accounts.secondary_user.deactivate"]
    assert not can_sign_in(world.buyer.username, PASSWORD)


def test_deactivating_the_primary_user_is_refused_on_the_page(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    response = browser.post(f"/accounts/users/{world.primary.pk}/deactivate/")
    assert response.status_code == 200
    assertContains(
        response, shown("The Primary User cannot be deactivated; hand the role over first.")
    )
    assert row_counts() == before


def test_reactivate_restores_the_last_roles(world, client_as) -> None:
    browser = client_as(world.primary)
    browser.post(f"/accounts/users/{world.buyer.pk}/deactivate/")
    head = audit_head()
    response = browser.post(f"/accounts/users/{world.buyer.pk}/reactivate/")
    assert response.status_code == 302
    world.buyer.refresh_from_db()
    assert world.buyer.is_active
    assert _active_roles(world.buyer) == {("BUYER", world.office.pk)}
    assert audit_actions_since(head) == ["accounts.secondary_user.reactivate"]


def test_reactivating_an_active_user_is_refused_on_the_page(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    response = browser.post(f"/accounts/users/{world.buyer.pk}/reactivate/")
    assert response.status_code == 200
    assertContains(response, shown("This user already has a role here."))
    assert row_counts() == before


# --- handing over the Primary User role -----------------------------------------------


def test_hand_over_offers_the_organisations_active_users_but_not_oneself(world, client_as) -> None:
    response = client_as(world.primary).get(
        f"/accounts/organisations/{world.organisation.pk}/hand-over/"
    )
    choices = dict(response.context["form"].fields["successor"].choices)
    assert set(choices) == {world.buyer.pk, world.consignee.pk, world.paying_authority.pk}


def test_hand_over_to_a_buyer_is_refused(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    response = browser.post(
        f"/accounts/organisations/{world.organisation.pk}/hand-over/",
        {"successor": world.buyer.pk, "confirm": "on"},
    )
    assert response.status_code == 200
    assert _field_errors(response, "successor")
    assert row_counts() == before


def test_hand_over_needs_the_confirmation(world, client_as) -> None:
    browser = client_as(world.primary)
    before = row_counts()
    response = browser.post(
        f"/accounts/organisations/{world.organisation.pk}/hand-over/",
        {"successor": world.consignee.pk},
    )
    assert _field_errors(response, "confirm")
    assert row_counts() == before


def test_hand_over_makes_the_successor_primary(world, client_as) -> None:
    browser = client_as(world.primary)
    head = audit_head()
    response = browser.post(
        f"/accounts/organisations/{world.organisation.pk}/hand-over/",
        {"successor": world.consignee.pk, "confirm": "on"},
    )
    assertRedirects(response, "/dashboard/", fetch_redirect_response=False)
    primary = selectors.primary_membership_for(organisation=world.organisation)
    assert primary is not None and primary.user_id == world.consignee.pk
    assert audit_actions_since(head) == ["accounts.primary.hand_over"]
    successor_page = client_as(world.consignee).get(
        f"/accounts/organisations/{world.organisation.pk}/users/"
    )
    assert successor_page.status_code == 200


# --- the seller admin's pages ---------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_seller_admin_sees_the_firms_users(world, client_as, language: str) -> None:
    response = client_as(world.seller_admin, language).get(
        f"/accounts/firms/{world.seller_firm.pk}/users/"
    )
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, world.seller_catalogue.username)
    assertContains(
        response,
        f"/accounts/firms/{world.seller_firm.pk}/users/{world.seller_catalogue.pk}/deactivate/",
    )
    assertNotContains(
        response,
        f"/accounts/firms/{world.seller_firm.pk}/users/{world.seller_admin.pk}/deactivate/",
    )


def test_seller_admin_creates_a_bidding_user(world, client_as) -> None:
    browser = client_as(world.seller_admin)
    head = audit_head()
    response = browser.post(
        f"/accounts/firms/{world.seller_firm.pk}/users/new/",
        {
            "username": "meena.bids",
            "full_name": "Meena Gupta",
            "email": "meena@example.in",
            "mobile": "",
            "roles": ["SELLER_BIDDING", "SELLER_FULFILMENT"],
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assertRedirects(
        response, f"/accounts/firms/{world.seller_firm.pk}/users/", fetch_redirect_response=False
    )
    created = User.objects.get(username="meena.bids")
    assert set(
        Membership.objects.filter(user=created, is_active=True).values_list("role", "seller_firm")
    ) == {("SELLER_BIDDING", world.seller_firm.pk), ("SELLER_FULFILMENT", world.seller_firm.pk)}
    assert audit_actions_since(head) == ["accounts.seller_user.create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["SELLER_ADMIN"]}, "roles"),
        ({"password": "12345678901", "password_confirm": "12345678901"}, "password"),
    ],
)
def test_seller_user_create_with_bad_input_changes_nothing(
    world, client_as, overrides: dict[str, object], field: str
) -> None:
    browser = client_as(world.seller_admin)
    before = row_counts()
    data = {
        "username": "meena.bids",
        "full_name": "Meena Gupta",
        "email": "meena@example.in",
        "mobile": "",
        "roles": ["SELLER_BIDDING"],
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        **overrides,
    }
    response = browser.post(f"/accounts/firms/{world.seller_firm.pk}/users/new/", data)
    assert response.status_code == 200
    assert _field_errors(response, field)
    assert row_counts() == before


def test_seller_admin_deactivates_a_seller_user(world, client_as) -> None:
    url = f"/accounts/firms/{world.seller_firm.pk}/users/{world.seller_catalogue.pk}/deactivate/"
    browser = client_as(world.seller_admin)
    assert browser.get(url).status_code == 200
    head = audit_head()
    assert browser.post(url).status_code == 302
    assert not Membership.objects.filter(user=world.seller_catalogue, is_active=True).exists()
    assert audit_actions_since(head) == ["accounts.seller_user.deactivate"]


def test_the_seller_admin_cannot_deactivate_themself(world, client_as) -> None:
    browser = client_as(world.seller_admin)
    before = row_counts()
    url = f"/accounts/firms/{world.seller_firm.pk}/users/{world.seller_admin.pk}/deactivate/"
    response = browser.post(url)
    assert response.status_code == 200
    assertContains(response, shown("The firm's admin cannot be deactivated."))
    assert row_counts() == before


# --- my account -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_my_account_shows_details_roles_and_language(world, client_as, language: str) -> None:
    response = client_as(world.buyer, language).get("/accounts/me/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, world.buyer.username)
    assertContains(response, world.office.name)
    assertContains(response, 'type="radio" name="language" value="hi"')


def test_saving_the_language_on_my_account(world, client_as) -> None:
    browser = client_as(world.buyer)
    head = audit_head()
    response = browser.post("/accounts/me/", {"language": "hi"}, follow=True)
    assert html_lang(response.content) == "hi"
    assertContains(response, shown("Your language has been saved.", "hi"))
    world.buyer.refresh_from_db()
    assert world.buyer.preferred_language == "hi"
    assert audit_actions_since(head) == ["accounts.user.set_language"]


def test_saving_an_unknown_language_changes_nothing(world, client_as) -> None:
    browser = client_as(world.buyer)
    before = row_counts()
    response = browser.post("/accounts/me/", {"language": "fr"})
    assert _field_errors(response, "language")
    assert row_counts() == before


@pytest.mark.parametrize("language", ["en", "hi"])
def test_password_change_page_renders(world, client_as, language: str) -> None:
    response = client_as(world.buyer, language).get("/accounts/me/password/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, shown("Change your password", language))


def test_password_change_works_and_keeps_the_user_signed_in(world, client_as) -> None:
    browser = client_as(world.buyer)
    response = browser.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assertContains(response, shown("Your password has been changed."))
    assert browser.get("/accounts/me/").status_code == 200
    assert can_sign_in(world.buyer.username, NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(world, client_as) -> None:
    response = client_as(world.buyer).post(
        "/accounts/me/password/",
        {
            "old_password": "Not-the-one-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert can_sign_in(world.buyer.username, PASSWORD)


# --- API tokens -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_api_tokens_page_renders(world, client_as, language: str) -> None:
    response = client_as(world.buyer, language).get("/accounts/me/tokens/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, shown("You have no tokens.", language))
    assert "no-store" in response["Cache-Control"]


def test_creating_a_token_shows_the_secret_once(world, client_as) -> None:
    browser = client_as(world.buyer)
    membership = Membership.objects.get(user=world.buyer, is_active=True)
    head = audit_head()
    response = browser.post(
        "/accounts/me/tokens/",
        {"name": "stores robot", "membership": membership.pk, "expires_in_days": 30},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_token"]
    assertContains(response, raw)
    token = selectors.api_token_authenticate(raw=raw)
    assert token is not None and token.membership_id == membership.pk
    assert audit_actions_since(head) == ["accounts.api_token.create"]
    again = browser.get("/accounts/me/tokens/")
    assertContains(again, "stores robot")
    assertNotContains(again, raw)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"membership": 999999}, "membership"),
    ],
)
def test_creating_a_token_with_bad_input_changes_nothing(
    world, client_as, overrides: dict[str, object], field: str
) -> None:
    browser = client_as(world.buyer)
    membership = Membership.objects.get(user=world.buyer, is_active=True)
    before = row_counts()
    data = {"name": "robot", "membership": membership.pk, "expires_in_days": 30, **overrides}
    response = browser.post("/accounts/me/tokens/", data)
    assert _field_errors(response, field)
    assert response.context["raw_token"] == ""
    assert row_counts() == before


def test_revoking_a_token(world, client_as) -> None:
    browser = client_as(world.buyer)
    membership = Membership.objects.get(user=world.buyer, is_active=True)
    browser.post(
        "/accounts/me/tokens/",
        {"name": "robot", "membership": membership.pk, "expires_in_days": 30},
    )
    token = ApiToken.objects.get(membership=membership)
    url = f"/accounts/me/tokens/{token.pk}/revoke/"
    assertContains(browser.get(url), shown("Revoke"))
    head = audit_head()
    assertRedirects(browser.post(url), "/accounts/me/tokens/", fetch_redirect_response=False)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert audit_actions_since(head) == ["accounts.api_token.revoke"]
    before = row_counts()
    response = browser.post(url)
    assertContains(response, shown("This token is already revoked."))
    assert row_counts() == before


# --- "Forgot your password?" -----------------------------------------------------


def _link_in(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/set/\S+/)", body)
    assert found, body
    return found.group(1)


def test_a_seller_registered_in_bulk_sets_a_first_password_by_email(
    world, client: Client, mailoutbox
) -> None:
    """KYC-5: bulk registration creates logins with no usable password; the
    seller sets one through the e-mailed link, in their own language, and the
    change is audited. The link works once."""
    seller = User.objects.create_user(
        username="abcpe1234f", email="weaver@example.in", preferred_language="hi"
    )
    assert not seller.has_usable_password()
    page = client.post("/accounts/password/forgot/", {"email": "Weaver@Example.in"})
    assertRedirects(page, "/accounts/password/sent/")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["weaver@example.in"]
    assert "abcpe1234f" in message.body and "क्रय" in message.subject  # in Hindi
    link = _link_in(message.body)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    head = audit_head()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Bunkar-Varanasi-77", "new_password2": "Bunkar-Varanasi-77"},
    )
    assertRedirects(saved, "/accounts/password/set/done/")
    assert audit_actions_since(head) == ["accounts.user.password_set_by_link"]
    assert can_sign_in("abcpe1234f", "Bunkar-Varanasi-77")

    again = Client().get(link, follow=True)
    assertContains(again, "This link has been used or has expired.")


def test_the_forgot_password_page_says_the_same_for_an_unknown_address(
    client: Client, mailoutbox
) -> None:
    page = client.post("/accounts/password/forgot/", {"email": "nobody@example.in"})
    assertRedirects(page, "/accounts/password/sent/")
    assert mailoutbox == []


def test_the_forgot_password_form_refuses_a_bad_address_in_hindi(client: Client) -> None:
    client.cookies["django_language"] = "hi"
    page = client.post("/accounts/password/forgot/", {"email": "not-an-address"})
    assert page.status_code == 200
    assert html_lang(page.content) == "hi"
    assertContains(page, "ईमेल")  # Django's own Hindi message for a bad address


def test_a_weak_password_is_refused_and_nothing_changes(world, client: Client, mailoutbox) -> None:
    client.post("/accounts/password/forgot/", {"email": world.buyer.email})
    link = _link_in(mailoutbox[0].body)
    form = client.get(link, follow=True)
    before = world.buyer.password
    page = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"}
    )
    assert page.status_code == 200
    world.buyer.refresh_from_db()
    assert world.buyer.password == before
