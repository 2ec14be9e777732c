"""The site's own pages: home, about, dashboard per role, the language switch."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kraya.accounts.models import BuyerUnit, Role, User
from kraya.core.audit_models import AuditEvent
from tests.factories import PASSWORD, audit_head, make_operator, make_secondary_user, make_unit
from tests.web.conftest import html_lang, shown

pytestmark = pytest.mark.django_db


# --- home and about -------------------------------------------------------------------


def test_home_in_english_explains_the_marketplace_and_links_on(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response.content) == "en"
    assertContains(response, shown("For government buyers"))
    assertContains(response, shown("For sellers"))
    assertContains(response, 'href="/catalogue/"')
    assertContains(response, 'href="/accounts/login/"')
    assertContains(response, 'href="/api/v1/docs"')
    assertContains(response, 'href="/api/v1/policy"')


def test_home_with_accept_language_hindi_is_in_hindi(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "hi"})
    assert html_lang(response.content) == "hi"
    assertContains(response, shown("For government buyers", "hi"))


@pytest.mark.parametrize("language", ["en", "hi"])
def test_about_page_renders(client: Client, language: str) -> None:
    response = client.get("/about/", headers={"accept-language": language})
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, shown("Who does what", language))


def test_layout_has_landmarks_skip_link_and_no_inline_script_or_style(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html and "<nav" in html
    assert "<script" not in html
    assert "<style" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_layout_header_for_anonymous_offers_sign_in_and_the_language_switch(
    client: Client,
) -> None:
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/">' in html
    assert 'value="hi" lang="hi"' in html and 'value="en" lang="en"' in html
    assert 'action="/accounts/logout/"' not in html


def test_stylesheet_is_small() -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("kraya/kraya.css")
    assert path is not None
    with open(path, "rb") as stylesheet:
        assert len(stylesheet.read()) < 15_000


# --- the language switch and the per-user language ------------------------------------


def test_language_switch_sets_the_cookie_for_an_anonymous_visitor(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/about/"})
    assertRedirects(response, "/about/", fetch_redirect_response=False)
    assert response.cookies["django_language"].value == "hi"
    assert html_lang(client.get("/about/").content) == "hi"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert html_lang(client.get("/").content) == "en"


def test_language_switch_saves_a_signed_in_users_choice_for_other_browsers(
    world, client_as
) -> None:
    first_browser = client_as(world.buyer)
    head = audit_head()
    first_browser.post("/i18n/setlang/", {"language": "hi", "next": "/dashboard/"})
    world.buyer.refresh_from_db()
    assert world.buyer.preferred_language == "hi"
    assert list(AuditEvent.objects.filter(seq__gt=head).values_list("action", flat=True)) == [
        "accounts.user.set_language"
    ]
    other_browser = client_as(world.buyer)
    response = other_browser.get("/dashboard/")
    assert html_lang(response.content) == "hi"
    assertContains(response, shown("Dashboard", "hi"))


def test_a_users_saved_language_wins_over_accept_language(world, client_as) -> None:
    User.objects.filter(pk=world.buyer.pk).update(preferred_language="hi")
    response = client_as(world.buyer).get("/dashboard/", headers={"accept-language": "en"})
    assert html_lang(response.content) == "hi"


def test_a_user_who_never_chose_a_language_gets_the_browsers(world, client_as) -> None:
    response = client_as(world.buyer).get("/dashboard/", headers={"accept-language": "hi"})
    assert html_lang(response.content) == "hi"


def test_language_switch_ignores_an_unknown_language_and_an_unsafe_next(world, client_as) -> None:
    browser = client_as(world.buyer)
    head = audit_head()
    response = browser.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    world.buyer.refresh_from_db()
    assert world.buyer.preferred_language == ""
    assert audit_head() == head


def test_language_switch_needs_post_and_csrf(world) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/i18n/setlang/?language=hi").status_code == 405
    response = browser.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    assert response.status_code == 403
    assert "django_language" not in response.cookies


# --- the dashboard per role -----------------------------------------------------------


def test_dashboard_needs_sign_in(client: Client) -> None:
    assertRedirects(
        client.get("/dashboard/"),
        "/accounts/login/?next=/dashboard/",
        fetch_redirect_response=False,
    )


@pytest.mark.parametrize("language", ["en", "hi"])
def test_primary_user_dashboard_shows_the_organisation_and_office_readiness(
    world, client_as, language: str
) -> None:
    empty_office = make_unit(parent=world.organisation, name="Sub-divisional Office Barabanki")
    response = client_as(world.primary, language).get("/dashboard/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    html = response.content.decode()
    assert world.organisation.name in html
    assert f"/accounts/organisations/{world.organisation.pk}/users/" in html
    # The complete office is ready; the new one lacks a Buyer and a Paying Authority (ROLE-2).
    ready_row = html.split(world.office.name)[1].split("</tr>")[0]
    assert shown("Ready", language) in ready_row
    empty_row = html.split(empty_office.name)[1].split("</tr>")[0]
    assert shown("Not yet", language) in empty_row
    with translation.override(language):
        assert str(Role.BUYER.label) in empty_row
        assert str(Role.PAYING_AUTHORITY.label) in empty_row


@pytest.mark.parametrize("language", ["en", "hi"])
def test_buyer_dashboard_shows_the_office_roles_and_the_catalogue(
    world, client_as, language: str
) -> None:
    response = client_as(world.buyer, language).get("/dashboard/")
    assert response.status_code == 200
    assert html_lang(response.content) == language
    assertContains(response, world.office.name)
    assertContains(response, shown("Your roles", language))
    assertContains(response, shown("This office is ready to buy.", language))
    assertContains(response, 'href="/catalogue/"')
    assertNotContains(response, "/accounts/organisations/")


def test_paying_authority_dashboard_shows_their_duty(world, client_as) -> None:
    response = client_as(world.paying_authority).get("/dashboard/")
    assertContains(response, shown("Paying Authority"))
    assertContains(response, shown("Check bills and pay sellers on time."))


def test_office_missing_a_paying_authority_is_shown_to_its_buyer(world, client_as) -> None:
    office = make_unit(parent=world.organisation, name="Store Depot Kanpur")
    buyer = make_secondary_user(primary=world.primary, unit=office, roles=[Role.BUYER])
    response = client_as(buyer).get("/dashboard/")
    assertContains(response, shown("This office cannot buy yet."))
    assertContains(response, shown("Paying Authority"))


def test_seller_admin_dashboard_lists_the_firm_and_its_users(world, client_as) -> None:
    response = client_as(world.seller_admin).get("/dashboard/")
    assertContains(response, world.seller_firm.name)
    assertContains(response, world.seller_catalogue.full_name)
    assertContains(response, f"/accounts/firms/{world.seller_firm.pk}/users/")


def test_seller_user_dashboard_shows_the_firm_and_role_only(world, client_as) -> None:
    response = client_as(world.seller_catalogue).get("/dashboard/")
    assertContains(response, world.seller_firm.name)
    assertContains(response, shown("Seller catalogue"))
    assertNotContains(response, f"/accounts/firms/{world.seller_firm.pk}/users/")


def test_operator_dashboard_links_to_the_operator_pages(db, client_as) -> None:
    response = client_as(make_operator()).get("/dashboard/")
    assertContains(response, 'href="/operator/"')
    assertNotContains(response, shown("You have no role yet"))


def test_user_without_membership_gets_an_explanation(db, client_as) -> None:
    loner = User.objects.create_user(username="loner", password=PASSWORD)
    response = client_as(loner).get("/dashboard/")
    assert response.status_code == 200
    assertContains(response, shown("You have no role yet"))


# --- navigation by role ---------------------------------------------------------------


def _nav(response) -> str:
    html = response.content.decode()
    return html.split("<nav", 1)[1].split("</nav>", 1)[0]


def test_navigation_for_anonymous_visitors(client: Client) -> None:
    nav = _nav(client.get("/"))
    assert 'href="/" aria-current="page"' in nav
    assert 'href="/catalogue/"' in nav
    assert "/dashboard/" not in nav


def test_navigation_by_role(world, client_as) -> None:
    primary_nav = _nav(client_as(world.primary).get("/dashboard/"))
    assert 'href="/dashboard/" aria-current="page"' in primary_nav
    assert f'href="/accounts/organisations/{world.organisation.pk}/users/"' in primary_nav
    assert 'href="/accounts/me/"' in primary_nav
    buyer_nav = _nav(client_as(world.buyer).get("/dashboard/"))
    assert "/accounts/organisations/" not in buyer_nav and "/operator/" not in buyer_nav
    admin_nav = _nav(client_as(world.seller_admin).get("/dashboard/"))
    assert f'href="/accounts/firms/{world.seller_firm.pk}/users/"' in admin_nav
    catalogue_nav = _nav(client_as(world.seller_catalogue).get("/dashboard/"))
    assert "/accounts/firms/" not in catalogue_nav


def test_navigation_marks_the_longest_matching_link_current(world, client_as) -> None:
    nav = _nav(client_as(world.buyer).get("/accounts/me/tokens/"))
    assert 'href="/accounts/me/" aria-current="page"' in nav
    assert nav.count("aria-current") == 1


def test_navigation_costs_one_membership_query_per_page(world, client_as) -> None:
    browser = client_as(world.primary)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/about/")
    assert response.status_code == 200
    membership_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "accounts_membership"' in q["sql"]
    ]
    assert len(membership_reads) == 1
    # Session, user, memberships and the inbox's unread count (one indexed
    # count on the partial index of unread rows): nothing else for a static page.
    assert len(queries.captured_queries) == 4


def test_sign_out_is_a_post_form_for_signed_in_users(world, client_as) -> None:
    html = client_as(world.buyer).get("/").content.decode()
    assert 'action="/accounts/logout/"' in html
    assert 'href="/accounts/login/"' not in html.split("</header>")[0]


# --- error pages ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_404_page_is_translated_and_uses_the_layout(client: Client, language: str) -> None:
    response = client.get("/no-such-page/", headers={"accept-language": language})
    assert response.status_code == 404
    assert html_lang(response.content) == language
    assertContains(response, shown("Page not found", language), status_code=404)
    assertContains(response, '<main id="main"', status_code=404)


def test_500_page_renders_without_a_request() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert shown("Something went wrong").encode() in response.content


def test_dashboard_offices_include_only_active_units_of_the_organisation(world, client_as) -> None:
    BuyerUnit.objects.filter(pk=world.other_office.pk).update(name="Not Mine Office")
    html = client_as(world.primary).get("/dashboard/").content.decode()
    assert "Not Mine Office" not in html
