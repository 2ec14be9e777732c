"""Web forms for outreach. They parse input only; the services check the rules
and their errors are put back on these fields (`add_to_form`)."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kraya.outreach.models import Attendance, Event, Feedback
from kraya.outreach.services import MAX_ATTENDEES_PER_LIST, AttendeeData, EventData
from kraya.sellers.models import Segment


def _date() -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_hi = forms.CharField(label=_("Title in Hindi"), max_length=200, required=False)
    state = forms.CharField(label=_("State"), max_length=100)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    starts_on = _date()
    ends_on = _date()
    organisers = forms.CharField(label=_("Organisers"), max_length=300, required=False)
    target_segments = forms.MultipleChoiceField(
        label=_("Target segments"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].label = _("Starts on")
        self.fields["ends_on"].label = _("Ends on")

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"],
            title=data["title"],
            title_hi=data["title_hi"],
            state=data["state"],
            district=data["district"],
            venue=data["venue"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            organisers=data["organisers"],
            target_segments=list(data["target_segments"]),
        )

    @staticmethod
    def initial_from(event: Event) -> dict[str, Any]:
        names = ("kind", "title", "title_hi", "state", "district", "venue", "starts_on")
        initial = {name: getattr(event, name) for name in names}
        initial.update(
            ends_on=event.ends_on,
            organisers=event.organisers,
            target_segments=event.target_segments,
        )
        return initial


class EventCreateForm(EventForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        required=False,
        help_text=_("Short, for the registration link. Leave blank to have one made up."),
    )


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    organisation = forms.CharField(label=_("Organisation or firm"), max_length=200, required=False)
    attendee_type = forms.ChoiceField(
        label=_("Attendee type"), choices=Attendance.AttendeeType.choices
    )

    def people(self) -> list[AttendeeData]:
        data = self.cleaned_data
        return [
            AttendeeData(
                name=data["name"],
                mobile=data["mobile"],
                organisation=data["organisation"],
                attendee_type=data["attendee_type"],
            )
        ]


class AttendanceListForm(forms.Form):
    """Many people at once, one a line: name, mobile, organisation."""

    attendees = forms.CharField(
        label=_("People, one a line"),
        help_text=_("Name, mobile, organisation or firm — separated by commas."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=100_000,
    )
    attendee_type = forms.ChoiceField(
        label=_("Attendee type"), choices=Attendance.AttendeeType.choices
    )

    def clean_attendees(self) -> list[list[str]]:
        lines = [line for line in self.cleaned_data["attendees"].splitlines() if line.strip()]
        if len(lines) > MAX_ATTENDEES_PER_LIST:
            raise forms.ValidationError(
                _("Add at most %(count)d people at a time.") % {"count": MAX_ATTENDEES_PER_LIST}
            )
        return [[cell.strip() for cell in row] for row in csv.reader(lines)]

    def people(self) -> list[AttendeeData]:
        kind = self.cleaned_data["attendee_type"]
        people = []
        for cells in self.cleaned_data["attendees"]:
            cells = [*cells, "", "", ""]
            people.append(
                AttendeeData(
                    name=cells[0],
                    mobile=cells[1],
                    organisation=", ".join(c for c in cells[2:] if c),
                    attendee_type=kind,
                )
            )
        return people


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your feedback"),
        help_text=_("In Hindi or English."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Feedback.Language.choices)
    event = forms.CharField(
        label=_("Event code"),
        max_length=16,
        required=False,
        help_text=_("If it is about an event you attended."),
    )
    order_ref = forms.CharField(label=_("Order number"), max_length=64, required=False)
    bid_ref = forms.CharField(label=_("Bid number"), max_length=64, required=False)


class FeedbackSideForm(FeedbackForm):
    side = forms.ChoiceField(label=_("I write as"), choices=Feedback.Side.choices)


class TagForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Feedback.Topic.choices)


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Response"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )


class EventImportForm(forms.Form):
    """A workshop's CSV (the bulk registration template) for this event."""

    file = forms.FileField(label=_("CSV file"))
    source = forms.CharField(
        label=_("Where the list comes from"),
        max_length=200,
        required=False,
        help_text=_("Left blank: the event's code and title."),
    )
