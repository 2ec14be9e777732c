"""Outreach pages: events, their funnel and the state view (public), the
operators' event and attendance forms, feedback for buyers and sellers and
the operators' feedback inbox. Each view parses input, calls one service and
renders; refusals show on the form and save nothing."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kraya.accounts.middleware import request_actor, signed_in_actor
from kraya.accounts.models import Role
from kraya.accounts.selectors import Actor
from kraya.core import clock, errors
from kraya.core.errors import DomainError
from kraya.core.pages import View, bound, form_page, member_page, refused
from kraya.outreach import forms, rules, selectors, services
from kraya.outreach.models import EventAttribution, Feedback
from kraya.outreach.signals import SESSION_EVENT_KEY

SELLER_REGISTRATION_URL = "/sellers/register/"


def operator_page(view: View) -> View:
    """Operators only (platform admins): anyone else signed in gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        selectors.require_operator(request_actor(request))
        return view(request, *args, **kwargs)

    return member_page(wrapped)


# --- events (OUT-1) ---------------------------------------------------------------------


@form_page
def events(request: HttpRequest) -> HttpResponse:
    """Upcoming and past events, by date; filter by state."""
    state = request.GET.get("state", "")[:100]
    today = clock.today_ist()
    all_events = list(selectors.events_list(state=state).order_by("starts_on", "id")[:500])
    actor = request_actor(request)
    context = {
        "upcoming": [e for e in all_events if e.ends_on >= today],
        "past": [e for e in reversed(all_events) if e.ends_on < today],
        "state": state,
        "states": selectors.states_with_events(),
        "is_operator": actor is not None and actor.is_operator,
    }
    return render(request, "outreach/events.html", context)


@form_page
def event(request: HttpRequest, code: str) -> HttpResponse:
    """The event page: details, counts and funnel for everyone; attendee
    names and the firms it brought for operators only."""
    the_event = selectors.event_by_code(code=code)
    actor = request_actor(request)
    is_operator = actor is not None and actor.is_operator
    context: dict[str, Any] = {
        "event": the_event,
        "summary": selectors.event_summary(event=the_event),
        "is_operator": is_operator,
        "register_url": request.build_absolute_uri(
            reverse("outreach:event_register", args=[the_event.code])
        ),
    }
    if is_operator:
        context["attendance"] = selectors.event_attendance(event=the_event)
        context["attributions"] = selectors.event_attributions(event=the_event)
    return render(request, "outreach/event.html", context)


def _unattributed_firms(actor: Actor | None) -> list[Any]:
    """The firms the visitor administers that no event has been credited with."""
    if actor is None:
        return []
    firms = [
        m.seller_firm
        for m in actor.memberships
        if m.role == Role.SELLER_ADMIN and m.seller_firm is not None
    ]
    taken = set(EventAttribution.objects.filter(firm__in=firms).values_list("firm_id", flat=True))
    return [firm for firm in firms if firm.pk not in taken]


@form_page
def event_register(request: HttpRequest, code: str) -> HttpResponse:
    """OUT-1: the on-the-spot registration link printed at the event. It
    remembers the event for this visit and leads into the seller
    registration; a seller admin whose firm is already registered can credit
    it to the event here (the first event wins)."""
    the_event = selectors.event_by_code(code=code)
    request.session[SESSION_EVENT_KEY] = the_event.code
    actor = request_actor(request)
    firms = _unattributed_firms(actor)
    form = django_forms.Form(bound(request))
    if request.method == "POST" and firms and form.is_valid():
        assert actor is not None
        for firm in firms:
            services.event_attribute_registration(
                event=the_event,
                firm=firm,
                registered_on=selectors.firm_registered_on(firm=firm),
                acting_user=actor,
            )
        messages.success(request, _("Your registration is credited to this event."))
        return redirect("outreach:event", code=the_event.code)
    context = {
        "event": the_event,
        "firms": firms,
        "form": form,
        "registration_url": f"{SELLER_REGISTRATION_URL}?event={the_event.code}",
    }
    return render(request, "outreach/event_register.html", context)


@operator_page
def event_create(request: HttpRequest) -> HttpResponse:
    form = forms.EventCreateForm(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.event_create(
                acting_user=signed_in_actor(request),
                data=form.event_data(),
                code=form.cleaned_data["code"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The event is created."))
            return redirect("outreach:event", code=created.code)
    return render(
        request, "outreach/event_form.html", {"form": form, "title": _("New event"), "event": None}
    )


@operator_page
def event_edit(request: HttpRequest, code: str) -> HttpResponse:
    the_event = selectors.event_by_code(code=code)
    form = forms.EventForm(bound(request), initial=forms.EventForm.initial_from(the_event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                acting_user=signed_in_actor(request), event=the_event, data=form.event_data()
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("outreach:event", code=the_event.code)
    context = {"form": form, "title": _("Edit event"), "event": the_event}
    return render(request, "outreach/event_form.html", context)


@operator_page
def attendance(request: HttpRequest, code: str) -> HttpResponse:
    """Record one person, or a list typed in at the desk."""
    the_event = selectors.event_by_code(code=code)
    posted_list = request.method == "POST" and "attendees" in request.POST
    one = forms.AttendeeForm(bound(request) if not posted_list else None, prefix="one")
    many = forms.AttendanceListForm(bound(request) if posted_list else None)
    form: forms.AttendeeForm | forms.AttendanceListForm = many if posted_list else one
    if request.method == "POST" and form.is_valid():
        try:
            created = services.attendance_record(
                acting_user=signed_in_actor(request), event=the_event, attendees=form.people()
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("%(count)d attendance recorded.") % {"count": len(created)})
            return redirect("outreach:attendance", code=the_event.code)
    context = {
        "event": the_event,
        "one": one,
        "many": many,
        "attendance": selectors.event_attendance(event=the_event),
    }
    return render(request, "outreach/attendance.html", context)


@operator_page
def event_import(request: HttpRequest, code: str) -> HttpResponse:
    """KYC-5 and OUT-1: upload the CSV of sellers registered at the event;
    the firms it registers are credited to the event."""
    the_event = selectors.event_by_code(code=code)
    form = forms.EventImportForm(bound(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_import_start(
                acting_user=signed_in_actor(request),
                event=the_event,
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The list is uploaded and is being registered."))
            return redirect("outreach:event_import", code=the_event.code)
    context = {
        "event": the_event,
        "form": form,
        "imports": selectors.event_imports(event=the_event),
    }
    return render(request, "outreach/event_import.html", context)


@form_page
def state(request: HttpRequest, state: str) -> HttpResponse:
    view = selectors.state_view(state=state[:100])
    return render(request, "outreach/state.html", {"view": view})


# --- feedback (OUT-2) --------------------------------------------------------------------


def _sides(actor: Actor) -> set[str]:
    sides = set()
    for membership in actor.memberships:
        sides.add(rules.SELLER if membership.seller_firm_id else rules.BUYER)
    return sides


@member_page
def feedback_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in_actor(request)
    sides = _sides(actor)
    if not sides:
        raise PermissionDenied(_("Only buyers and sellers can send feedback."))
    form_class = forms.FeedbackSideForm if len(sides) > 1 else forms.FeedbackForm
    language = (translation.get_language() or "en")[:2]
    initial = {
        "language": language if language in Feedback.Language.values else "en",
        "event": request.GET.get("event", "")[:16],
    }
    form = form_class(bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            the_event = selectors.event_by_code_or_none(code=data["event"])
            if data["event"] and the_event is None:
                raise errors.ValidationFailed(
                    fields={"event": [_("There is no event with this code.")]}
                )
            services.feedback_submit(
                acting_user=actor,
                text=data["text"],
                language=data["language"],
                side=data.get("side"),
                event=the_event,
                order_ref=data["order_ref"],
                bid_ref=data["bid_ref"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("Thank you. Your feedback is sent."))
            return redirect("outreach:feedback_mine")
    return render(request, "outreach/feedback_form.html", {"form": form})


@member_page
def feedback_mine(request: HttpRequest) -> HttpResponse:
    items = selectors.feedback_of_author(actor=signed_in_actor(request))[:200]
    return render(request, "outreach/feedback_mine.html", {"items": items})


@member_page
def feedback_detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    item = selectors.feedback_get(actor=signed_in_actor(request), feedback_id=feedback_id)
    return render(request, "outreach/feedback_detail.html", {"item": item})


@operator_page
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    topic = request.GET.get("topic", "")
    sentiment = request.GET.get("sentiment", "")
    items = selectors.feedback_inbox(
        actor=signed_in_actor(request),
        status=status if status in Feedback.Status.values else "",
        topic=topic if topic in Feedback.Topic.values else "",
        sentiment=sentiment if sentiment in Feedback.Sentiment.values else "",
    )[:200]
    context = {
        "items": items,
        "status": status,
        "topic": topic,
        "sentiment": sentiment,
        "statuses": Feedback.Status.choices,
        "topics": Feedback.Topic.choices,
        "sentiments": Feedback.Sentiment.choices,
    }
    return render(request, "outreach/inbox.html", context)


@operator_page
def inbox_item(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """One feedback with the actions its status allows: tag, respond, close."""
    actor = signed_in_actor(request)
    item = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    tag_form = forms.TagForm(
        request.POST if action == rules.TAG else None, initial={"topic": item.topic or None}
    )
    respond_form = forms.RespondForm(request.POST if action == rules.RESPOND else None)
    close_form = django_forms.Form(request.POST if action == rules.CLOSE else None)
    chosen = {rules.TAG: tag_form, rules.RESPOND: respond_form, rules.CLOSE: close_form}.get(action)
    if chosen is not None and chosen.is_valid():
        try:
            if action == rules.TAG:
                services.feedback_tag(
                    acting_user=actor, feedback=item, topic=tag_form.cleaned_data["topic"]
                )
            elif action == rules.RESPOND:
                services.feedback_respond(
                    acting_user=actor,
                    feedback=item,
                    response=respond_form.cleaned_data["response"],
                )
            else:
                services.feedback_close(acting_user=actor, feedback=item)
        except DomainError as error:
            refused(chosen, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("outreach:inbox_item", feedback_id=item.pk)
    elif request.method == "POST" and chosen is None:
        messages.error(request, _("Choose an action."))
    context = {
        "item": item,
        "actions": rules.actions_available(status=item.status),
        "tag_form": tag_form,
        "respond_form": respond_form,
        "close_form": close_form,
    }
    return render(request, "outreach/inbox_item.html", context)


@operator_page
def summary(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "topic")
    if by not in selectors.SUMMARY_GROUPS:
        by = "topic"
    rows = selectors.feedback_summary(actor=signed_in_actor(request), by=by)
    context = {
        "rows": rows,
        "by": by,
        "groups": [("topic", _("Topic")), ("state", _("State")), ("event", _("Event"))],
    }
    return render(request, "outreach/summary.html", context)
