"""OUT-1 events, attendance and attribution; OUT-2 feedback lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kraya.accounts.models import SellerFirm
from kraya.core import clock
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.outreach import services
from kraya.outreach.models import Attendance, Event, EventAttribution, EventImport, Feedback
from kraya.sellers.bulk import services as bulk_services
from kraya.sellers.bulk.sample import csv_bytes, sample_rows
from kraya.sellers.models import ImportBatch, Registration
from tests.factories import audit_actions_since, audit_head, make_seller_firm, refused
from tests.outreach.conftest import make_event

pytestmark = pytest.mark.django_db


# --- events (OUT-1) ---------------------------------------------------------------


def test_out1_an_operator_creates_an_event_with_a_made_up_code(world):
    head = audit_head()
    event = make_event(world.operator, segments=["WOMAN", "MSE", "WOMAN"])
    assert event.code.startswith("EV-") and len(event.code) == 9
    assert event.target_segments == ["MSE", "WOMAN"]  # Segment order, no repeats
    assert event.created_by == world.operator
    assert audit_actions_since(head) == ["outreach.event_created"]


def test_out1_only_operators_create_events(world):
    for user in (world.buyer, world.primary, world.seller_admin):
        with refused(PermissionDenied, "outreach.not_operator"):
            make_event(user)
    assert Event.objects.count() == 0


def test_out1_event_fields_are_checked(world):
    with refused(ValidationFailed, fields={"ends_on", "target_segments"}):
        make_event(
            world.operator,
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 3, 9),
            segments=["MSE", "ROBOTS"],
        )
    with refused(ValidationFailed, "outreach.bad_code", fields={"code"}):
        make_event(world.operator, code="no spaces")
    make_event(world.operator, code="LKO-1")
    with refused(ValidationFailed, "outreach.code_taken", fields={"code"}):
        make_event(world.operator, code="lko-1")
    assert Event.objects.count() == 1


def test_out1_an_operator_updates_an_event(world, event):
    head = audit_head()
    data = services.EventData(
        kind=Event.Kind.SAMVAD,
        title="Vendor Samvad",
        state="Uttar Pradesh",
        district="Varanasi",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 1),
        target_segments=["WEAVER"],
    )
    updated = services.event_update(acting_user=world.operator, event=event, data=data)
    assert (updated.code, updated.kind, updated.district) == ("ALG-2026", "SAMVAD", "Varanasi")
    assert updated.target_segments == ["WEAVER"]
    assert audit_actions_since(head) == ["outreach.event_updated"]
    with refused(PermissionDenied):
        services.event_update(acting_user=world.buyer, event=event, data=data)


# --- attendance (OUT-1) ------------------------------------------------------------


def test_out1_attendance_one_person_and_a_list(world, event):
    head = audit_head()
    services.attendance_record(
        acting_user=world.operator,
        event=event,
        attendees=[
            services.AttendeeData(
                name="Sunita Devi", attendee_type="SELLER", mobile="+91 98765 43210"
            )
        ],
    )
    services.attendance_record(
        acting_user=world.operator,
        event=event,
        attendees=[
            services.AttendeeData(name="रमेश कुमार", attendee_type="SELLER"),
            services.AttendeeData(name="DIC officer", attendee_type="BUYER", organisation="DIC"),
        ],
    )
    rows = list(Attendance.objects.filter(event=event).values_list("name", "mobile"))
    assert rows == [("Sunita Devi", "9876543210"), ("रमेश कुमार", ""), ("DIC officer", "")]
    assert audit_actions_since(head) == ["outreach.attendance_recorded"] * 2


def test_out1_one_bad_line_refuses_the_whole_list(world, event):
    attendees = [
        services.AttendeeData(name="Good Person", attendee_type="SELLER"),
        services.AttendeeData(name="", attendee_type="SELLER", mobile="123"),
    ]
    with refused(ValidationFailed, fields={"attendees"}) as info:
        services.attendance_record(acting_user=world.operator, event=event, attendees=attendees)
    messages = [str(m) for m in info.value.fields["attendees"]]
    assert messages == [
        "line 2: name Enter the name.",
        "line 2: mobile Enter a 10-digit Indian mobile number.",
    ]
    assert Attendance.objects.count() == 0
    with refused(ValidationFailed, "outreach.no_attendees"):
        services.attendance_record(acting_user=world.operator, event=event, attendees=[])
    with refused(PermissionDenied):
        services.attendance_record(acting_user=world.buyer, event=event, attendees=attendees[:1])


# --- attribution (OUT-1) -------------------------------------------------------------


def test_out1_attribution_first_event_wins(world, event):
    later = make_event(world.operator, district="Varanasi", code="VNS-2026")
    head = audit_head()
    first, created = services.event_attribute(event=event, firm=world.seller_firm, how="DURING")
    assert created and first.event == event
    again, created = services.event_attribute(event=later, firm=world.seller_firm, how="ATTRIBUTED")
    assert not created and again.pk == first.pk and again.event == event
    assert audit_actions_since(head) == ["outreach.registration_attributed"]
    assert EventAttribution.objects.count() == 1


@pytest.mark.parametrize(
    ("registered_on", "how"),
    [(dt.date(2026, 3, 11), "DURING"), (dt.date(2026, 3, 20), "ATTRIBUTED")],
)
def test_out1_registration_through_the_link_is_during_or_attributed(
    world, event, registered_on, how
):
    attribution, _created = services.event_attribute_registration(
        event=event, firm=world.seller_firm, registered_on=registered_on
    )
    assert attribution.how == how


def test_out1_many_attributions_skip_firms_already_credited(world, event):
    other = make_event(world.operator, code="OTHER-1")
    services.event_attribute(event=other, firm=world.seller_firm, how="DURING")
    third, _admin = make_seller_firm()
    count = services.event_attribute_many(
        event=event, firms=[world.seller_firm, world.other_seller_firm, third], how="DURING"
    )
    assert count == 2
    credited = dict(EventAttribution.objects.values_list("firm_id", "event__code"))
    assert credited == {
        world.seller_firm.pk: "OTHER-1",
        world.other_seller_firm.pk: "ALG-2026",
        third.pk: "ALG-2026",
    }


def test_kyc5_out1_a_bulk_import_for_an_event_credits_its_registrations(
    world, django_capture_on_commit_callbacks
):
    today = clock.today_ist()
    event = make_event(world.operator, starts_on=today, ends_on=today, code="CAMP-1")
    rows = [row for row, _bad in sample_rows(6, bad_every=3, salt=41)]
    upload = SimpleUploadedFile("camp.csv", csv_bytes(rows), content_type="text/csv")
    head = audit_head()
    with django_capture_on_commit_callbacks(execute=True):
        link = services.event_import_start(acting_user=world.operator, event=event, upload=upload)
    batch = ImportBatch.objects.get(pk=link.batch_id)
    assert batch.status == ImportBatch.Status.DONE  # the task ran on commit
    assert (batch.registered, batch.rejected) == (4, 2)
    firms = set(
        Registration.objects.filter(channel=Registration.Channel.BULK).values_list(
            "firm_id", flat=True
        )
    )
    assert len(firms) == 4
    attributions = EventAttribution.objects.filter(event=event)
    assert set(attributions.values_list("firm_id", flat=True)) == firms
    assert set(attributions.values_list("how", flat=True)) == {"DURING"}
    assert EventImport.objects.get().event == event
    actions = audit_actions_since(head)
    assert actions[:2] == ["sellers.import_batch.create", "outreach.event_import_started"]
    assert "outreach.registrations_attributed" in actions


def test_kyc5_a_bulk_import_without_an_event_credits_nothing(
    world, django_capture_on_commit_callbacks
):
    rows = [row for row, _bad in sample_rows(2, salt=42)]
    with django_capture_on_commit_callbacks(execute=True):
        bulk_services.import_batch_create(
            acting_user=world.operator,
            upload=SimpleUploadedFile("list.csv", csv_bytes(rows)),
            source="NRLM list",
        )
    assert SellerFirm.objects.filter(registration__channel="BULK").count() == 2
    assert EventAttribution.objects.count() == 0


def test_only_operators_start_an_event_import(world, event):
    upload = SimpleUploadedFile("x.csv", b"a,b\n")
    with refused(PermissionDenied):
        services.event_import_start(acting_user=world.buyer, event=event, upload=upload)


# --- feedback (OUT-2) --------------------------------------------------------------------


def _submit(user, text="Payment is delayed, very disappointed.", **kwargs):
    return services.feedback_submit(acting_user=user, text=text, language="en", **kwargs)


def test_out2_buyers_and_sellers_submit_feedback_with_sentiment(world, event):
    head = audit_head()
    buyer_item = _submit(world.buyer, order_ref="GEMC-511687712345678")
    seller_item = services.feedback_submit(
        acting_user=world.seller_catalogue,
        text="कार्यशाला बहुत अच्छी थी।",
        language="hi",
        event=event,
    )
    assert (buyer_item.side, buyer_item.state, buyer_item.sentiment) == (
        "BUYER",
        "Uttar Pradesh",
        "NEGATIVE",
    )
    assert buyer_item.sentiment_score < 0 and buyer_item.status == "OPEN"
    assert (seller_item.side, seller_item.sentiment, seller_item.event) == (
        "SELLER",
        "POSITIVE",
        event,
    )
    assert audit_actions_since(head) == ["outreach.feedback_submitted"] * 2


def test_out2_feedback_is_refused_without_a_role_or_text(world):
    with refused(PermissionDenied, "outreach.not_member"):
        _submit(world.operator)
    with refused(ValidationFailed, fields={"text", "language"}):
        services.feedback_submit(acting_user=world.buyer, text="  ", language="fr")
    with refused(ValidationFailed, "outreach.wrong_side", fields={"side"}):
        _submit(world.buyer, side="SELLER")


def test_out2_the_lifecycle_tag_respond_close(world):
    item = _submit(world.buyer)
    head = audit_head()
    item = services.feedback_tag(acting_user=world.operator, feedback=item, topic="PAYMENT")
    item = services.feedback_tag(acting_user=world.operator, feedback=item, topic="ORDERS")
    assert (item.status, item.topic) == ("TAGGED", "ORDERS")
    item = services.feedback_respond(
        acting_user=world.operator, feedback=item, response="The DDO has released it today."
    )
    assert (item.status, item.responded_by) == ("RESPONDED", world.operator)
    assert item.responded_at is not None
    item = services.feedback_close(acting_user=world.operator, feedback=item)
    assert item.status == "CLOSED" and item.closed_at is not None
    assert audit_actions_since(head) == [
        "outreach.feedback_tag",
        "outreach.feedback_tag",
        "outreach.feedback_respond",
        "outreach.feedback_close",
    ]


def test_out2_refused_transitions_change_nothing(world):
    item = _submit(world.buyer)
    with refused(Conflict, "outreach.feedback_bad_transition"):
        services.feedback_respond(acting_user=world.operator, feedback=item, response="Early")
    with refused(Conflict, "outreach.feedback_bad_transition"):
        services.feedback_close(acting_user=world.operator, feedback=item)
    item = services.feedback_tag(acting_user=world.operator, feedback=item, topic="PAYMENT")
    with refused(ValidationFailed, "outreach.no_response", fields={"response"}):
        services.feedback_respond(acting_user=world.operator, feedback=item, response=" ")
    with refused(ValidationFailed, "outreach.bad_topic"):
        services.feedback_tag(acting_user=world.operator, feedback=item, topic="WEATHER")
    item = services.feedback_respond(acting_user=world.operator, feedback=item, response="Done")
    with refused(Conflict):
        services.feedback_tag(acting_user=world.operator, feedback=item, topic="OTHER")
    item = services.feedback_close(acting_user=world.operator, feedback=item)
    for call in (
        lambda: services.feedback_close(acting_user=world.operator, feedback=item),
        lambda: services.feedback_respond(acting_user=world.operator, feedback=item, response="x"),
    ):
        with refused(Conflict):
            call()
    assert Feedback.objects.get().status == "CLOSED"


def test_out2_only_operators_move_feedback(world):
    item = _submit(world.buyer)
    for user in (world.buyer, world.primary, world.seller_admin):
        with refused(PermissionDenied, "outreach.not_operator"):
            services.feedback_tag(acting_user=user, feedback=item, topic="PAYMENT")
        with refused(PermissionDenied):
            services.feedback_respond(acting_user=user, feedback=item, response="")
        with refused(PermissionDenied):
            services.feedback_close(acting_user=user, feedback=item)
