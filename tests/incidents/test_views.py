"""The incident pages: authorization (anonymous → sign-in, other
organisation 404, wrong role 403 on a step, right role), forms re-rendering
with field errors in the user's language, deadlines with days left in IST,
and the seller's incident history as a buyer sees it (INC-2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kraya.incidents import services
from kraya.incidents.models import Incident
from tests.incidents.factory import make_order, raise_on_order, replied

pytestmark = pytest.mark.django_db

PAGES_COVERED = {
    "incidents:list",
    "incidents:raise",
    "incidents:detail",
    "incidents:step",
    "incidents:seller_history",
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_inc1_pages_send_anonymous_visitors_to_sign_in(world):
    incident = raise_on_order(world)
    for url in (
        reverse("incidents:list"),
        reverse("incidents:detail", args=[incident.pk]),
        reverse("incidents:step", args=[incident.pk, "respond"]),
        reverse("incidents:raise", args=["order", incident.order_id]),
        reverse("incidents:seller_history", args=[world.seller_firm.pk]),
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inc1_detail_is_404_for_another_organisation_and_shows_deadlines_to_both(world):
    incident = raise_on_order(world)
    url = reverse("incidents:detail", args=[incident.pk])
    assert client_for(world.other_buyer).get(url).status_code == 404
    assert client_for(world.other_seller_admin).get(url).status_code == 404
    for user in (world.buyer, world.seller_admin):
        page = client_for(user).get(url).content.decode()
        assert incident.number in page
        assert "7 days left" in page and "IST" in page
    seller_page = client_for(world.seller_admin).get(url).content.decode()
    assert 'action="' + reverse("incidents:step", args=[incident.pk, "respond"]) in seller_page
    buyer_page = client_for(world.buyer).get(url).content.decode()
    assert reverse("incidents:step", args=[incident.pk, "respond"]) not in buyer_page


def test_inc1_raise_page_creates_the_incident_and_re_renders_errors_in_hindi(world):
    order = make_order(world)
    url = reverse("incidents:raise", args=["order", order.pk])
    assert client_for(world.other_buyer).get(url).status_code == 404
    client = client_for(world.buyer)
    refused = client.post(
        url, {"category": "DELIVERY", "description": ""}, HTTP_ACCEPT_LANGUAGE="hi"
    )
    assert refused.status_code == 200
    assert not Incident.objects.exists()
    assert refused.context["form"].errors["description"]
    assert 'lang="hi"' in refused.content.decode()
    done = client.post(url, {"category": "DELIVERY", "description": "Not delivered."})
    incident = Incident.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "incidents:detail", args=[incident.pk]
    )
    # Wrong role: the organisation's Primary User is no buyer-side user of the office.
    assert (
        client_for(world.primary)
        .post(url, {"category": "DELIVERY", "description": "x"})
        .status_code
        == 403
    )


def test_inc1_step_matrix_respond_wrong_role_403_right_role_moves_it(world):
    incident = raise_on_order(world)
    url = reverse("incidents:step", args=[incident.pk, "respond"])
    assert client_for(world.other_seller_admin).post(url, {"text": "x"}).status_code == 404
    assert client_for(world.buyer).post(url, {"text": "x"}).status_code == 403
    empty = client_for(world.seller_admin).post(url, {"text": ""})
    assert empty.status_code == 422 and empty.context["text_form"].errors["text"]
    done = client_for(world.seller_admin).post(url, {"text": "Dispatched."})
    assert done.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == "RESPONDED"


def test_inc2_decide_page_operator_only_with_field_errors(world):
    incident = replied(world)
    url = reverse("incidents:step", args=[incident.pk, "decide"])
    assert (
        client_for(world.seller_admin).post(url, {"severity": "mild", "reasons": "x"}).status_code
        == 403
    )
    refused = client_for(world.operator).post(url, {"severity": "grave", "reasons": "Fraud."})
    assert refused.status_code == 422
    assert refused.context["decide_form"].errors["debarred_until"]
    assert Incident.objects.get(pk=incident.pk).status == "REPLIED"
    done = client_for(world.operator).post(url, {"severity": "mild", "reasons": "Noted."})
    assert done.status_code == 302
    assert Incident.objects.get(pk=incident.pk).action == "warning"


def test_inc2_seller_history_is_visible_to_a_buyer_without_private_messages(world):
    incident = replied(world)
    services.incident_decide(
        acting_user=world.operator, incident=incident, severity="serious", reasons="Late twice."
    )
    raise_on_order(world)  # an open one: counted, not listed
    url = reverse("incidents:seller_history", args=[world.seller_firm.pk])
    page = client_for(world.other_buyer).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert incident.number in text and "Suspension" in text and "Serious" in text
    assert "The truck broke down." not in text and "Nothing delivered" not in text
    history = page.context["history"]
    assert history.by_severity == {"mild": 0, "serious": 1, "severe": 0, "grave": 0}
    assert history.open_count == 1
