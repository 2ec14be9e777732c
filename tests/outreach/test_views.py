"""Outreach pages: the forms call the services and show their refusals
(who may open which page is in tests/web/test_page_authorization.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kraya.core import clock
from kraya.outreach.models import Attendance, Event, EventAttribution, EventImport, Feedback
from kraya.sellers.bulk.sample import csv_bytes, sample_rows
from tests.factories import row_counts
from tests.outreach.conftest import make_event
from tests.outreach.matrix import buyers_feedback
from tests.sellers.kyc_examples import complete_draft

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


EVENT_FORM = {
    "kind": "WORKSHOP",
    "title": "Women entrepreneurs workshop",
    "title_hi": "महिला उद्यमी कार्यशाला",
    "state": "Uttar Pradesh",
    "district": "Varanasi",
    "starts_on": "2026-03-10",
    "ends_on": "2026-03-10",
    "target_segments": ["WOMAN", "WEAVER"],
    "code": "VNS-W1",
}


def test_out1_an_operator_creates_an_event_on_the_form(world):
    client = _client(world.operator)
    response = client.post("/outreach/events/new/", EVENT_FORM)
    assert response.status_code == 302 and response["Location"] == "/outreach/events/VNS-W1/"
    event = Event.objects.get()
    assert event.target_segments == ["WOMAN", "WEAVER"]
    page = client.get("/outreach/events/VNS-W1/").content.decode()
    assert "Women entrepreneurs workshop" in page and "/outreach/events/VNS-W1/register/" in page
    hindi = _client()
    hindi.cookies["django_language"] = "hi"
    assert "महिला उद्यमी कार्यशाला" in hindi.get("/outreach/events/VNS-W1/").content.decode()


def test_out1_the_event_form_shows_refusals_and_saves_nothing(world):
    client = _client(world.operator)
    before = row_counts()
    response = client.post("/outreach/events/new/", {**EVENT_FORM, "ends_on": "2026-03-01"})
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    assert row_counts() == before and Event.objects.count() == 0


def test_out1_attendance_one_person_and_a_list(world, event):
    client = _client(world.operator)
    url = f"/outreach/events/{event.code}/attendance/"
    client.post(url, {"one-name": "Sunita Devi", "one-attendee_type": "SELLER"})
    client.post(
        url,
        {
            "attendees": "रमेश, 9876543210, Ramesh Brass Works\nGeeta,,SHG Aligarh",
            "attendee_type": "SELLER",
        },
    )
    rows = list(Attendance.objects.values_list("name", "mobile", "organisation"))
    assert rows == [
        ("Sunita Devi", "", ""),
        ("रमेश", "9876543210", "Ramesh Brass Works"),
        ("Geeta", "", "SHG Aligarh"),
    ]
    refused = client.post(url, {"attendees": "Good\n,123", "attendee_type": "SELLER"})
    assert "line 2" in refused.content.decode() and Attendance.objects.count() == 3
    # Names are for operators: the public event page shows only the count.
    public = _client(world.buyer).get(f"/outreach/events/{event.code}/").content.decode()
    assert "3 people attended." in public and "Sunita" not in public


def test_out1_the_registration_link_remembers_the_event_and_credits_a_firm(world, event):
    visitor = _client()
    page = visitor.get("/outreach/events/alg-2026/register/")
    assert visitor.session["outreach_event_code"] == "ALG-2026"
    assert "/sellers/register/?event=ALG-2026" in page.content.decode()
    admin = _client(world.seller_admin)
    assert (
        "Count my registration" in admin.get("/outreach/events/ALG-2026/register/").content.decode()
    )
    assert admin.post("/outreach/events/ALG-2026/register/").status_code == 302
    credited = EventAttribution.objects.get()
    assert (credited.event, credited.firm) == (event, world.seller_firm)
    # The firm registered today, not on the event's days in March.
    assert credited.how == "ATTRIBUTED"
    # The first event wins: the page no longer offers to credit it.
    assert (
        "Count my registration"
        not in admin.get("/outreach/events/ALG-2026/register/").content.decode()
    )


def test_kyc5_out1_a_list_uploaded_for_an_event(world, event, django_capture_on_commit_callbacks):
    rows = [row for row, _bad in sample_rows(3, salt=77)]
    upload = SimpleUploadedFile("camp.csv", csv_bytes(rows), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.operator).post(
            f"/outreach/events/{event.code}/import/", {"file": upload, "source": ""}
        )
    assert response.status_code == 302
    assert EventImport.objects.get().batch.source == "ALG-2026 · MSE workshop Aligarh"
    assert EventAttribution.objects.filter(event=event).count() == 3
    page = _client(world.operator).get(f"/outreach/events/{event.code}/import/").content.decode()
    assert "camp.csv" in page


def test_out2_feedback_from_the_form_to_the_answer(world, event):
    seller = _client(world.seller_admin)
    sent = seller.post(
        "/outreach/feedback/new/",
        {
            "text": "प्रशिक्षण बहुत उपयोगी रहा",
            "language": "hi",
            "event": "ALG-2026",
            "order_ref": "",
            "bid_ref": "",
        },
    )
    assert sent.status_code == 302
    item = Feedback.objects.get()
    assert (item.side, item.sentiment, item.event) == ("SELLER", "POSITIVE", event)
    operator = _client(world.operator)
    url = f"/outreach/inbox/{item.pk}/"
    assert "प्रशिक्षण" in operator.get("/outreach/inbox/?sentiment=POSITIVE").content.decode()
    early = operator.post(url, {"action": "respond", "response": "Thanks"})
    assert early.status_code == 200 and Feedback.objects.get().status == "OPEN"
    operator.post(url, {"action": "tag", "topic": "TRAINING"})
    operator.post(url, {"action": "respond", "response": "अगला सत्र मार्च में है।"})
    operator.post(url, {"action": "close"})
    item.refresh_from_db()
    assert (item.status, item.topic) == ("CLOSED", "TRAINING")
    mine = seller.get(f"/outreach/feedback/{item.pk}/").content.decode()
    assert "अगला सत्र मार्च में है।" in mine
    summary = operator.get("/outreach/summary/?by=topic").content.decode()
    assert "Training" in summary


def test_out2_the_feedback_form_refuses_unknown_events(world):
    response = _client(world.buyer).post(
        "/outreach/feedback/new/", {"text": "Good", "language": "en", "event": "NOPE"}
    )
    assert "There is no event with this code." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_out2_only_the_author_sees_the_response(world):
    item = buyers_feedback(world, status="RESPONDED")
    assert (
        "Released today."
        in _client(world.buyer).get(f"/outreach/feedback/{item.pk}/").content.decode()
    )
    assert _client(world.consignee).get(f"/outreach/feedback/{item.pk}/").status_code == 404


def test_out1_state_page_and_events_list(world, event):
    page = _client().get("/outreach/states/Uttar Pradesh/").content.decode()
    assert "Aligarh" in page and "not tracked yet" in page
    listing = _client().get("/outreach/events/?state=Uttar Pradesh").content.decode()
    assert "MSE workshop Aligarh" in listing


def test_out1_a_firm_registered_on_the_event_day_is_credited_during_it(world):
    today = clock.today_ist()
    make_event(world.operator, starts_on=today, ends_on=today, code="TODAY-1")
    admin = _client(world.other_seller_admin)
    assert admin.post("/outreach/events/TODAY-1/register/").status_code == 302
    credited = EventAttribution.objects.get()
    assert (credited.firm, credited.how) == (world.other_seller_firm, "DURING")


def test_out1_a_seller_who_came_through_the_event_link_is_credited_on_submission(world):
    """OUT-1: the on-the-spot link remembers the event for the visit; the
    registration submitted in that visit is credited to the event, on its
    day as DURING, and nothing is credited without the link."""
    today = clock.today_ist()
    make_event(world.operator, starts_on=today, ends_on=today, code="SPOT-1")
    visitor = _client(world.consignee)
    assert visitor.get("/outreach/events/SPOT-1/register/").status_code == 200
    registration = complete_draft(world.consignee)
    response = visitor.post(f"/sellers/register/{registration.pk}/review/")
    assert response.status_code == 302
    registration.refresh_from_db()
    credited = EventAttribution.objects.get()
    assert (credited.event.code, credited.firm, credited.how) == (
        "SPOT-1",
        registration.firm,
        "DURING",
    )

    # Another applicant who never opened the link: their firm is not credited.
    stranger = _client(world.buyer)
    other = complete_draft(world.buyer)
    assert stranger.post(f"/sellers/register/{other.pk}/review/").status_code == 302
    assert EventAttribution.objects.count() == 1
