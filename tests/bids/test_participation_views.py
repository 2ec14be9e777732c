"""The participation pages (BID-5) through the HTTP client: the seller's
form to submit and revise (field errors re-rendered, POST with CSRF), the
sealed receipt in IST, withdrawing, the firm's list — and the authorization
matrix of each page (sign-in redirect, 404, 403, 2xx; refused POSTs change
nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kraya.bids import states
from kraya.bids.models import Submission, SubmissionDocument
from kraya.core import clock
from tests.bids.test_participation_services import (
    PDF,
    counts,
    purifier_bid,
    submit,
    verify_firm,
)
from tests.buying.market import make_market

pytestmark = pytest.mark.django_db

PAGES_COVERED = {"bids:submission", "bids:submission_withdraw", "bids:my_submissions"}


def client_for(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def market(world):
    return make_market(world)


@pytest.fixture
def bid(market):
    verify_firm(market.world.seller_firm)
    return purifier_bid(market)


def form_data(market: Any, **changes: Any) -> dict[str, Any]:
    data = {"p1_offer": str(market.tata_9.pk), "p1_price": "9500.00", "p1_quantity": "100"}
    data.update(changes)
    return data


def test_bid5_the_form_lists_the_firms_matching_offers_only(market, bid):
    page = client_for(market.world.seller_admin).get(reverse("bids:submission", args=[bid.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tata purifier 9 L" in html and "Usha purifier 9 L" in html
    assert "Tata purifier 6 L" not in html  # fails the golden parameter
    assert "Godrej" not in html  # another firm's
    assert "has not submitted an offer" in html


def test_bid5_submitting_seals_and_shows_the_receipt_in_ist(market, bid):
    client = client_for(market.world.seller_admin)
    url = reverse("bids:submission", args=[bid.pk])
    moment = dt.datetime(2026, 12, 5, 6, 30, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        sent = client.post(
            url,
            {
                **form_data(market),
                "document_1": SimpleUploadedFile("spec.pdf", PDF, "application/pdf"),
            },
        )
    assert sent.status_code == 302 and sent["Location"] == url
    row = Submission.objects.get()
    assert SubmissionDocument.objects.filter(submission=row).count() == 1
    html = client.get(url).content.decode()
    assert row.sealed_digest in html
    assert "5 Dec 2026, 12:00 IST" in html  # 06:30 UTC
    assert 'id="submission-revision">1<' in html
    assert "9,500" not in html and "Tata purifier 9 L</td>" not in html
    assert "Withdraw the submission" in html
    # A revision replaces it on the same row.
    client.post(url, form_data(market, p1_offer=str(market.usha_9.pk), p1_price="9400"))
    assert Submission.objects.get().revision == 2


def test_bid5_refusals_re_render_the_form_with_field_errors(market, bid):
    client = client_for(market.world.seller_admin)
    url = reverse("bids:submission", args=[bid.pk])
    before = counts()
    blank_price = client.post(url, form_data(market, p1_price=""))
    assert blank_price.status_code == 200
    assert "Enter the unit price of this item." in blank_price.content.decode()
    nothing = client.post(url, {"p1_offer": "", "p1_price": ""})
    assert "Quote every item" in nothing.content.decode()
    too_many = client.post(url, form_data(market, p1_quantity="101"))
    assert too_many.status_code == 200 and "p1_quantity_error" in too_many.content.decode()
    not_pdf = client.post(
        url,
        {
            **form_data(market),
            "document_1": SimpleUploadedFile("x.pdf", b"hello", "application/pdf"),
        },
    )
    assert "Upload a PDF, JPEG or PNG file." in not_pdf.content.decode()
    assert counts() == before


def test_bid5_the_form_needs_the_csrf_token(market, bid):
    client = client_for(market.world.seller_admin, csrf=True)
    refused = client.post(reverse("bids:submission", args=[bid.pk]), form_data(market))
    assert refused.status_code == 403 and Submission.objects.count() == 0


def test_bid5_withdraw_before_the_end_and_the_forfeit_message_after(market, bid):
    submit(market, bid)
    client = client_for(market.world.seller_admin)
    withdraw = reverse("bids:submission_withdraw", args=[bid.pk])
    with clock.frozen_at(bid.end_at):
        late = client.post(withdraw, follow=True)
    assert "forfeits" in late.content.decode()
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    done = client.post(withdraw, follow=True)
    assert Submission.objects.get().status == Submission.Status.WITHDRAWN
    html = done.content.decode()
    assert "never be opened" in html and "Seal and submit" not in html


def test_bid5_after_the_end_the_page_shows_the_receipt_without_a_form(market, bid):
    submit(market, bid)
    with clock.frozen_at(bid.end_at):
        page = client_for(market.world.seller_admin).get(reverse("bids:submission", args=[bid.pk]))
    html = page.content.decode()
    assert Submission.objects.get().sealed_digest in html
    for button in ("Seal and submit", "Seal the revision", "Withdraw the submission"):
        assert button not in html


def test_bid5_my_submissions_lists_the_firms_own_receipts(market, bid):
    submit(market, bid)
    html = client_for(market.world.seller_admin).get(reverse("bids:my_submissions")).content
    assert bid.number.encode() in html
    other = client_for(market.world.other_seller_admin).get(reverse("bids:my_submissions"))
    assert other.status_code == 200 and bid.number.encode() not in other.content


# --- the authorization matrix -------------------------------------------------------------


def test_bid5_anonymous_visitors_are_sent_to_sign_in(market, bid):
    for name, args in [
        ("bids:submission", [bid.pk]),
        ("bids:submission_withdraw", [bid.pk]),
        ("bids:my_submissions", []),
    ]:
        url = reverse(name, args=args)
        for response in (Client().get(url), Client().post(url)):
            assert response.status_code == 302 and "/login/" in response["Location"], name
    assert Submission.objects.count() == 0


def test_bid5_a_bid_the_user_cannot_see_is_404(market):
    verify_firm(market.world.seller_firm)
    draft = purifier_bid(market, status=states.DRAFT)
    client = client_for(market.world.seller_admin)
    before = counts()
    assert client.get(reverse("bids:submission", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("bids:submission", args=[draft.pk]), form_data(market)).status_code
        == 404
    )
    assert client.post(reverse("bids:submission_withdraw", args=[draft.pk])).status_code == 404
    assert client.get(reverse("bids:submission", args=[999999])).status_code == 404
    assert counts() == before


def test_bid5_who_sees_the_bid_without_a_seller_role_gets_403_and_changes_nothing(market, bid):
    submit(market, bid)
    world = market.world
    before = counts()
    for user in (
        world.buyer,
        world.primary,
        world.consignee,
        world.seller_catalogue,
        world.operator,
    ):
        client = client_for(user)
        assert client.get(reverse("bids:submission", args=[bid.pk])).status_code == 403
        assert (
            client.post(reverse("bids:submission", args=[bid.pk]), form_data(market)).status_code
            == 403
        )
        assert client.post(reverse("bids:submission_withdraw", args=[bid.pk])).status_code == 403
        assert client.get(reverse("bids:my_submissions")).status_code == 403
    # Another seller may bid but not withdraw this firm's submission: it has none.
    other = client_for(world.other_seller_admin)
    assert other.get(reverse("bids:submission", args=[bid.pk])).status_code == 200
    assert other.post(reverse("bids:submission_withdraw", args=[bid.pk])).status_code == 404
    assert counts() == before
    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_bid5_withdraw_is_post_only(market, bid):
    submit(market, bid)
    page = client_for(market.world.seller_admin).get(
        reverse("bids:submission_withdraw", args=[bid.pk])
    )
    assert page.status_code == 405
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
