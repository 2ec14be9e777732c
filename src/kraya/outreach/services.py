"""Writes for outreach: events, attendance and attribution (OUT-1), feedback
(OUT-2).

Every service is keyword-only, runs in one transaction, checks who is acting,
applies the pure rules of `rules.py` and appends its audit event. Events and
attendance are the operators' (platform admins') work; buyer Primary Users
do not organise events on the portal. Feedback is written by buyers and
sellers and answered by operators."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Role, SellerFirm, User
from kraya.accounts.selectors import Actor, as_actor
from kraya.core import audit, clock
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.outreach import rules, sentiment
from kraya.outreach.models import Attendance, Event, EventAttribution, EventImport, Feedback
from kraya.sellers.bulk import services as bulk_services
from kraya.sellers.models import ImportBatch, Segment

Acting = User | Actor

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a banner
MAX_ATTENDEES_PER_LIST = 500


def _require_operator(acting_user: Acting) -> Actor:
    actor = as_actor(acting_user)
    if not actor.is_operator:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="outreach.not_operator"
        )
    return actor


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[Any]] = {}

    def add(self, name: str, message: Any) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self, code: str = "validation") -> None:
        if self.fields:
            raise ValidationFailed(code=code, fields=self.fields)


# --- events (OUT-1) --------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    state: str
    starts_on: dt.date
    ends_on: dt.date
    title_hi: str = ""
    district: str = ""
    venue: str = ""
    organisers: str = ""
    organiser_unit: BuyerUnit | None = None
    target_segments: list[str] = field(default_factory=list)


def _check_event(data: EventData) -> dict[str, Any]:
    errors = _Errors()
    if data.kind not in Event.Kind.values:
        errors.add("kind", _("Choose the kind of event."))
    if not data.title.strip():
        errors.add("title", _("Enter the title."))
    if not data.state.strip():
        errors.add("state", _("Enter the state."))
    if not rules.event_dates_are_valid(starts_on=data.starts_on, ends_on=data.ends_on):
        errors.add("ends_on", _("The event cannot end before it starts."))
    unknown = [s for s in data.target_segments if s not in Segment.values]
    if unknown:
        errors.add("target_segments", _("Choose segments from the list."))
    errors.raise_if_any()
    return {
        "kind": data.kind,
        "title": data.title.strip(),
        "title_hi": data.title_hi.strip(),
        "state": data.state.strip(),
        "district": data.district.strip(),
        "venue": data.venue.strip(),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "organisers": data.organisers.strip(),
        "organiser_unit": data.organiser_unit,
        # Kept in the Segment order, without repeats, so equal lists compare equal.
        "target_segments": [s for s in Segment.values if s in set(data.target_segments)],
    }


def _new_code() -> str:
    return "EV-" + "".join(secrets.choice(_CODE_ALPHABET) for _i in range(6))


def _event_payload(event: Event) -> dict[str, Any]:
    return {
        "code": event.code,
        "kind": event.kind,
        "title": event.title,
        "state": event.state,
        "district": event.district,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "target_segments": event.target_segments,
    }


@transaction.atomic
def event_create(*, acting_user: Acting, data: EventData, code: str = "") -> Event:
    """OUT-1: an operator creates an event; its short code (given, or made
    up) is the attribution key printed on the on-the-spot registration link."""
    actor = _require_operator(acting_user)
    values = _check_event(data)
    code = code.strip().upper()
    if code and not rules.event_code_is_valid(code):
        raise ValidationFailed(
            code="outreach.bad_code",
            fields={"code": [_("Use 3 to 16 capital letters, digits or hyphens.")]},
        )
    if code and Event.objects.filter(code=code).exists():
        raise ValidationFailed(
            code="outreach.code_taken", fields={"code": [_("This code is already in use.")]}
        )
    for _attempt in range(5):
        event = Event(code=code or _new_code(), created_by=actor.user, **values)
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except IntegrityError:
            if code:
                raise ValidationFailed(
                    code="outreach.code_taken",
                    fields={"code": [_("This code is already in use.")]},
                ) from None
            continue
        break
    else:  # pragma: no cover -- 32^6 codes: five collisions in a row do not happen
        raise Conflict(code="outreach.code_exhausted")
    audit.record(
        actor=actor.user,
        action="outreach.event_created",
        target=event,
        payload=_event_payload(event),
    )
    return event


@transaction.atomic
def event_update(*, acting_user: Acting, event: Event, data: EventData) -> Event:
    """OUT-1: an operator corrects an event's details (the code never changes)."""
    actor = _require_operator(acting_user)
    values = _check_event(data)
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in values.items():
        setattr(event, name, value)
    event.updated_at = clock.now()
    event.save()
    audit.record(
        actor=actor.user,
        action="outreach.event_updated",
        target=event,
        payload=_event_payload(event),
    )
    return event


# --- attendance (OUT-1) ---------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeData:
    name: str
    attendee_type: str
    mobile: str = ""
    organisation: str = ""
    firm: SellerFirm | None = None


def _check_attendee(data: AttendeeData, errors: _Errors, prefix: str = "") -> Attendance | None:
    start = len(errors.fields)
    mobile = ""
    if not data.name.strip():
        errors.add(f"{prefix}name", _("Enter the name."))
    if data.attendee_type not in Attendance.AttendeeType.values:
        errors.add(f"{prefix}attendee_type", _("Choose seller, buyer or other."))
    if data.mobile.strip():
        mobile = rules.mobile_normalise(data.mobile) or ""
        if not mobile:
            errors.add(f"{prefix}mobile", _("Enter a 10-digit Indian mobile number."))
    if len(errors.fields) > start:
        return None
    return Attendance(
        name=data.name.strip()[:200],
        attendee_type=data.attendee_type,
        mobile=mobile,
        organisation=data.organisation.strip()[:200],
        firm=data.firm,
    )


@transaction.atomic
def attendance_record(
    *, acting_user: Acting, event: Event, attendees: Iterable[AttendeeData]
) -> list[Attendance]:
    """OUT-1: record who came (one person, or a list typed in at the desk).
    All or nothing: one bad line refuses the whole list, naming the line."""
    actor = _require_operator(acting_user)
    attendees = list(attendees)
    if not attendees:
        raise ValidationFailed(
            code="outreach.no_attendees", fields={"attendees": [_("Add at least one person.")]}
        )
    if len(attendees) > MAX_ATTENDEES_PER_LIST:
        raise ValidationFailed(
            code="outreach.too_many_attendees",
            fields={
                "attendees": [
                    _("Add at most %(count)d people at a time.") % {"count": MAX_ATTENDEES_PER_LIST}
                ]
            },
        )
    errors = _Errors()
    rows: list[Attendance] = []
    several = len(attendees) > 1
    for number, data in enumerate(attendees, start=1):
        prefix = f"line {number}: " if several else ""
        row = _check_attendee(data, errors, prefix)
        if row is not None:
            rows.append(row)
    if errors.fields and several:
        # A list's errors belong to the one list field, each naming its line.
        raise ValidationFailed(
            code="validation",
            fields={"attendees": [f"{name} {m}" for name, ms in errors.fields.items() for m in ms]},
        )
    errors.raise_if_any()
    for row in rows:
        row.event = event
        row.recorded_by = actor.user
    created = Attendance.objects.bulk_create(rows)
    audit.record(
        actor=actor.user,
        action="outreach.attendance_recorded",
        target=event,
        payload={"count": len(created)},
    )
    return created


# --- attribution (OUT-1) -----------------------------------------------------------------


@transaction.atomic
def event_attribute(
    *, event: Event, firm: SellerFirm, how: str, acting_user: Acting | None = None
) -> tuple[EventAttribution, bool]:
    """OUT-1: credit a firm's registration to an event. The first event wins:
    a firm already credited keeps its event and nothing is written. Returns
    the firm's attribution and whether it was created now."""
    if how not in EventAttribution.How.values:
        raise ValidationFailed(code="outreach.bad_attribution", fields={"how": [_("Unknown.")]})
    existing = EventAttribution.objects.filter(firm=firm).select_related("event").first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attribution = EventAttribution.objects.create(event=event, firm=firm, how=how)
    except IntegrityError:
        # A concurrent request credited the firm first: that event wins.
        return EventAttribution.objects.select_related("event").get(firm=firm), False
    actor = as_actor(acting_user).user if acting_user is not None else None
    audit.record(
        actor=actor,
        action="outreach.registration_attributed",
        target=attribution,
        payload={"event": event.code, "firm": firm.pk, "how": how},
    )
    return attribution, True


def event_attribute_registration(
    *, event: Event, firm: SellerFirm, registered_on: dt.date, acting_user: Acting | None = None
) -> tuple[EventAttribution, bool]:
    """OUT-1: credit a registration made through the event's link: DURING on
    the event's days, ATTRIBUTED otherwise."""
    how = rules.attribution_how(
        registered_on=registered_on, starts_on=event.starts_on, ends_on=event.ends_on
    )
    return event_attribute(event=event, firm=firm, how=how, acting_user=acting_user)


@transaction.atomic
def event_attribute_many(*, event: Event, firms: list[SellerFirm], how: str) -> int:
    """OUT-1 for bulk imports (KYC-5): credit many freshly registered firms in
    one insert, inside the import chunk's transaction. Firms already credited
    to an event keep it. Returns how many were credited now."""
    if not firms:
        return 0
    taken = set(EventAttribution.objects.filter(firm__in=firms).values_list("firm_id", flat=True))
    rows = [
        EventAttribution(event=event, firm=firm, how=how) for firm in firms if firm.pk not in taken
    ]
    created = EventAttribution.objects.bulk_create(rows, ignore_conflicts=True)
    audit.record(
        actor=None,
        action="outreach.registrations_attributed",
        target=event,
        payload={"event": event.code, "count": len(created), "how": how},
    )
    return len(created)


@transaction.atomic
def event_import_start(
    *, acting_user: Acting, event: Event, upload: File, source: str = ""
) -> EventImport:
    """KYC-5 and OUT-1: an operator uploads a workshop's CSV for an event. The
    bulk import runs in the background; each chunk it registers is credited
    to the event (`signals.py`, on the bulk service's `sellers_bulk_registered`)."""
    actor = _require_operator(acting_user)
    batch = bulk_services.import_batch_create(
        acting_user=actor,
        upload=upload,
        source=(source.strip() or f"{event.code} · {event.title}")[:200],
    )
    link = EventImport.objects.create(event=event, batch=batch)
    audit.record(
        actor=actor.user,
        action="outreach.event_import_started",
        target=event,
        payload={"event": event.code, "batch": batch.pk},
    )
    return link


def event_credit_bulk_registrations(*, batch: ImportBatch, firms: list[SellerFirm]) -> int:
    """OUT-1: credit the firms a bulk import chunk registered to the import's
    event, if the import was run for one (inside the chunk's transaction)."""
    link = EventImport.objects.filter(batch_id=batch.pk).select_related("event").first()
    if link is None or not firms:
        return 0
    event = link.event
    how = rules.attribution_how(
        registered_on=clock.today_ist(), starts_on=event.starts_on, ends_on=event.ends_on
    )
    return event_attribute_many(event=event, firms=firms, how=how)


# --- feedback (OUT-2) ---------------------------------------------------------------------


def _side_and_state(actor: Actor, side: str | None) -> tuple[str, str]:
    """OUT-2: the side (buyer or seller) comes from the author's membership;
    one who is both names the side they write as."""
    sides: dict[str, str] = {}
    for membership in actor.memberships:
        if (
            membership.role
            in {
                Role.SELLER_ADMIN,
                Role.SELLER_CATALOGUE,
                Role.SELLER_BIDDING,
                Role.SELLER_FULFILMENT,
            }
            and membership.seller_firm is not None
        ):
            sides.setdefault(rules.SELLER, membership.seller_firm.state)
        elif membership.buyer_unit is not None:
            sides.setdefault(rules.BUYER, membership.buyer_unit.state)
    if not sides:
        raise PermissionDenied(
            _("Only buyers and sellers can send feedback."), code="outreach.not_member"
        )
    if side is None:
        side = rules.SELLER if rules.SELLER in sides else rules.BUYER
    if side not in sides:
        raise ValidationFailed(
            code="outreach.wrong_side",
            fields={"side": [_("You do not hold a role on this side.")]},
        )
    return side, sides[side]


@transaction.atomic
def feedback_submit(
    *,
    acting_user: Acting,
    text: str,
    language: str,
    side: str | None = None,
    event: Event | None = None,
    order_ref: str = "",
    bid_ref: str = "",
) -> Feedback:
    """OUT-2: a buyer or seller sends feedback in Hindi or English; its
    sentiment is scored at once (`sentiment.py`)."""
    actor = as_actor(acting_user)
    resolved_side, state = _side_and_state(actor, side)
    errors = _Errors()
    text = text.strip()
    if not text:
        errors.add("text", _("Write your feedback."))
    elif len(text) > 4000:
        errors.add("text", _("Keep it under 4,000 characters."))
    if language not in Feedback.Language.values:
        errors.add("language", _("Choose Hindi or English."))
    if len(order_ref) > 64:
        errors.add("order_ref", _("Keep it under 64 characters."))
    if len(bid_ref) > 64:
        errors.add("bid_ref", _("Keep it under 64 characters."))
    errors.raise_if_any()
    mood = sentiment.analyse(text)
    feedback = Feedback.objects.create(
        author=actor.user,
        side=resolved_side,
        state=state,
        language=language,
        text=text,
        event=event,
        order_ref=order_ref.strip(),
        bid_ref=bid_ref.strip(),
        sentiment=mood.label,
        sentiment_score=mood.score,
    )
    audit.record(
        actor=actor.user,
        action="outreach.feedback_submitted",
        target=feedback,
        payload={"side": resolved_side, "language": language, "sentiment": mood.label},
    )
    return feedback


def _transition(
    *, acting_user: Acting, feedback: Feedback, action: str, changes: dict[str, Any]
) -> Feedback:
    """OUT-2: the one place a feedback's status changes: under a row lock,
    checked against the transition table, audited."""
    actor = _require_operator(acting_user)
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    decision = rules.feedback_transition(status=locked.status, action=action)
    if not decision.allowed:
        raise Conflict(
            _("This feedback is %(status)s: it cannot be changed that way.")
            % {"status": locked.get_status_display()},
            code=decision.code,
        )
    source = locked.status
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.status = decision.target
    locked.save()
    audit.record(
        actor=actor.user,
        action=f"outreach.feedback_{action}",
        target=locked,
        payload={"from": source, "to": decision.target, "topic": locked.topic},
    )
    return locked


@transaction.atomic
def feedback_tag(*, acting_user: Acting, feedback: Feedback, topic: str) -> Feedback:
    _require_operator(acting_user)
    if topic not in Feedback.Topic.values:
        raise ValidationFailed(
            code="outreach.bad_topic", fields={"topic": [_("Choose a topic from the list.")]}
        )
    return _transition(
        acting_user=acting_user,
        feedback=feedback,
        action=rules.TAG,
        changes={"topic": topic, "tagged_at": clock.now()},
    )


@transaction.atomic
def feedback_respond(*, acting_user: Acting, feedback: Feedback, response: str) -> Feedback:
    actor = _require_operator(acting_user)
    response = response.strip()
    if not response:
        raise ValidationFailed(
            code="outreach.no_response", fields={"response": [_("Write the response.")]}
        )
    if len(response) > 4000:
        raise ValidationFailed(
            code="outreach.response_too_long",
            fields={"response": [_("Keep it under 4,000 characters.")]},
        )
    return _transition(
        acting_user=actor,
        feedback=feedback,
        action=rules.RESPOND,
        changes={"response": response, "responded_by": actor.user, "responded_at": clock.now()},
    )


@transaction.atomic
def feedback_close(*, acting_user: Acting, feedback: Feedback) -> Feedback:
    return _transition(
        acting_user=acting_user,
        feedback=feedback,
        action=rules.CLOSE,
        changes={"closed_at": clock.now()},
    )
