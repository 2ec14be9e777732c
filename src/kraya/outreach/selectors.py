"""Reads for outreach: events, their funnel and the state view (OUT-1);
feedback lists and summaries (OUT-2).

Events and their counts are public; attendee names and contact details,
and the firms an event brought, are for operators only. Feedback is seen by
its author and by operators; anyone else gets NotFound."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import SellerFirm
from kraya.accounts.selectors import Actor
from kraya.core import clock
from kraya.core.errors import NotFound, PermissionDenied
from kraya.outreach import funnel as funnel_registry
from kraya.outreach import rules
from kraya.outreach.models import Attendance, Event, EventAttribution, EventImport, Feedback
from kraya.sellers.models import Registration, Segment, SocialCategory


def require_operator(actor: Actor | None) -> Actor:
    if actor is None or not actor.is_operator:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="outreach.not_operator"
        )
    return actor


# --- events (OUT-1) -------------------------------------------------------------------


def events_list(*, state: str = "", upcoming_from: dt.date | None = None) -> QuerySet[Event]:
    events = Event.objects.all()
    if state:
        events = events.filter(state__iexact=state)
    if upcoming_from is not None:
        events = events.filter(ends_on__gte=upcoming_from)
    return events.annotate(attendance_count=Count("attendance", distinct=True))


def event_by_code(*, code: str) -> Event:
    event = Event.objects.filter(code=code.upper()).first()
    if event is None:
        raise NotFound(_("There is no event with this code."), code="outreach.no_event")
    return event


def event_by_code_or_none(*, code: str) -> Event | None:
    return Event.objects.filter(code=code.strip().upper()).first() if code.strip() else None


def event_attendance(*, event: Event) -> QuerySet[Attendance]:
    return event.attendance.select_related("firm").order_by("id")


def event_imports(*, event: Event) -> QuerySet[EventImport]:
    return event.imports.select_related("batch").order_by("-id")


def event_attributions(*, event: Event) -> QuerySet[EventAttribution]:
    return event.attributions.select_related("firm").order_by("id")


def firm_registered_on(*, firm: SellerFirm) -> dt.date:
    """The IST day a firm registered: its KYC submission, or (for a firm an
    operator created before self-service registration) the firm's creation."""
    submitted_at = (
        Registration.objects.filter(firm=firm, submitted_at__isnull=False)
        .values_list("submitted_at", flat=True)
        .first()
    )
    return clock.to_ist(submitted_at or firm.created_at).date()


@dataclass(frozen=True)
class EventSummary:
    """The public summary of one event: counts, no personal data."""

    event: Event
    attendance: int
    attendance_by_type: dict[str, int]
    attributed: int
    attributed_during: int
    funnel: list[funnel_registry.StageCount]


def event_summary(*, event: Event) -> EventSummary:
    by_type = dict(event.attendance.values_list("attendee_type").annotate(n=Count("id")).order_by())
    attributions = list(event.attributions.values_list("firm_id", "how"))
    firm_ids = {firm_id for firm_id, _how in attributions}
    return EventSummary(
        event=event,
        attendance=sum(by_type.values()),
        attendance_by_type={t: by_type.get(t, 0) for t in Attendance.AttendeeType.values},
        attributed=len(attributions),
        attributed_during=sum(1 for _f, how in attributions if how == rules.DURING),
        funnel=funnel_registry.funnel(firm_ids),
    )


def _segments_of(firm_ids: set[int]) -> dict[int, set[str]]:
    """KYC-3 segments of each firm, in one query."""
    segments: dict[int, set[str]] = defaultdict(set)
    rows = SocialCategory.objects.filter(registration__firm_id__in=firm_ids).values_list(
        "registration__firm_id", "kind"
    )
    for firm_id, kind in rows:
        segments[firm_id].add(kind)
    return segments


@dataclass
class DistrictRow:
    district: str
    events: int = 0
    attendance: int = 0
    attributed: int = 0
    stages: dict[str, int | None] = field(default_factory=dict)
    segments: dict[str, int] = field(default_factory=dict)

    @property
    def stage_counts(self) -> list[int | None]:
        return [self.stages.get(stage.key) for stage in funnel_registry.STAGES]

    @property
    def segment_counts(self) -> list[int]:
        return [self.segments.get(segment, 0) for segment in Segment.values]


@dataclass(frozen=True)
class StateView:
    state: str
    districts: list[DistrictRow]
    total: DistrictRow
    stages: list[funnel_registry.Stage]
    segments: list[tuple[str, Any]]


def state_view(*, state: str) -> StateView:
    """OUT-1: the districts of a state compared: events held, attendance,
    registrations attributed, each funnel stage, and the attributed firms per
    segment. A fixed number of queries, whatever the number of districts."""
    events = list(
        Event.objects.filter(state__iexact=state)
        .annotate(attendance_count=Count("attendance", distinct=True))
        .values_list("id", "district", "attendance_count")
    )
    district_of_event = {event_id: district or "" for event_id, district, _n in events}
    rows: dict[str, DistrictRow] = {}
    for _event_id, district, count in events:
        row = rows.setdefault(district or "", DistrictRow(district or ""))
        row.events += 1
        row.attendance += count
    attributions = list(
        EventAttribution.objects.filter(event_id__in=district_of_event).values_list(
            "event_id", "firm_id"
        )
    )
    firms_in: dict[str, set[int]] = defaultdict(set)
    for event_id, firm_id in attributions:
        firms_in[district_of_event[event_id]].add(firm_id)
    all_firms = {firm_id for _e, firm_id in attributions}
    reached = funnel_registry.firms_by_stage(all_firms)
    segments = _segments_of(all_firms)
    total = DistrictRow(str(_("All districts")))
    for district, row in rows.items():
        firms = firms_in.get(district, set())
        row.attributed = len(firms)
        for key, at_stage in reached.items():
            row.stages[key] = None if at_stage is None else len(firms & at_stage)
        row.segments = {
            s: sum(1 for f in firms if s in segments.get(f, ())) for s in Segment.values
        }
        total.events += row.events
        total.attendance += row.attendance
    total.attributed = len(all_firms)
    total.stages = {key: None if s is None else len(s) for key, s in reached.items()}
    total.segments = {
        s: sum(1 for f in all_firms if s in segments.get(f, ())) for s in Segment.values
    }
    ordered = sorted(rows.values(), key=lambda r: (-r.attributed, r.district))
    return StateView(
        state=state,
        districts=ordered,
        total=total,
        stages=list(funnel_registry.STAGES),
        segments=list(Segment.choices),
    )


def states_with_events() -> list[str]:
    return list(Event.objects.order_by("state").values_list("state", flat=True).distinct())


# --- feedback (OUT-2) ---------------------------------------------------------------------


def feedback_of_author(*, actor: Actor) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=actor.user).select_related("event")


def feedback_get(*, actor: Actor, feedback_id: int) -> Feedback:
    """The author's own feedback, or any for an operator; NotFound otherwise."""
    visible = Feedback.objects.select_related("event", "author", "responded_by")
    if not actor.is_operator:
        visible = visible.filter(author=actor.user)
    feedback = visible.filter(pk=feedback_id).first()
    if feedback is None:
        raise NotFound(_("There is no such feedback."), code="outreach.no_feedback")
    return feedback


def feedback_inbox(
    *,
    actor: Actor,
    status: str = "",
    topic: str = "",
    sentiment: str = "",
    state: str = "",
) -> QuerySet[Feedback]:
    """The operators' inbox, filtered."""
    require_operator(actor)
    items = Feedback.objects.select_related("author", "event")
    if status:
        items = items.filter(status=status)
    if topic:
        items = items.filter(topic=topic)
    if sentiment:
        items = items.filter(sentiment=sentiment)
    if state:
        items = items.filter(state__iexact=state)
    return items


@dataclass
class SummaryRow:
    key: str
    label: Any
    total: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    open: int = 0  # not closed yet: open, tagged or responded
    closed: int = 0
    median_response_hours: float | None = None


SUMMARY_GROUPS = ("state", "event", "topic")


def feedback_summary(*, actor: Actor, by: str) -> list[SummaryRow]:
    """OUT-2: feedback per state, per event or per topic: counts, the
    sentiment split, open and closed, and the median time to respond."""
    require_operator(actor)
    if by not in SUMMARY_GROUPS:
        raise NotFound(_("There is no such summary."), code="outreach.no_summary")
    key_field = {"state": "state", "event": "event__code", "topic": "topic"}[by]
    rows: dict[str, SummaryRow] = {}
    durations: dict[str, list[dt.timedelta]] = defaultdict(list)
    values = Feedback.objects.values_list(
        key_field, "sentiment", "status", "created_at", "responded_at"
    ).order_by()
    for key, mood, status, created_at, responded_at in values:
        key = key or ""
        row = rows.setdefault(key, SummaryRow(key, _label(by, key)))
        row.total += 1
        if mood == Feedback.Sentiment.POSITIVE:
            row.positive += 1
        elif mood == Feedback.Sentiment.NEGATIVE:
            row.negative += 1
        else:
            row.neutral += 1
        if status == Feedback.Status.CLOSED:
            row.closed += 1
        else:
            row.open += 1
        if responded_at is not None:
            durations[key].append(responded_at - created_at)
    for key, row in rows.items():
        row.median_response_hours = rules.median_hours(durations[key])
    return sorted(rows.values(), key=lambda r: (-r.total, r.key))


def _label(by: str, key: str) -> Any:
    if not key:
        return {"state": _("State not known"), "event": _("No event"), "topic": _("Not tagged")}[by]
    if by == "topic":
        return Feedback.Topic(key).label
    return key


def feedback_counts_open() -> int:
    return Feedback.objects.filter(~Q(status=Feedback.Status.CLOSED)).count()
