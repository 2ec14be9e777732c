"""The incident pages' forms: they parse input for one service each; the
services decide (their refusals come back as field errors, translated)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kraya.incidents.models import Incident
from kraya.incidents.services import DocumentInput
from kraya.incidents.services._common import MAX_DOCUMENT_BYTES

_RAISABLE = [c for c in Incident.Category.choices if c[0] != Incident.Category.AUTO_CANCELS]


class _WithDocument(forms.Form):
    document = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=_("A PDF, PNG or JPEG file of at most 2 MB."),
    )

    def document_input(self) -> DocumentInput | None:
        upload = self.cleaned_data.get("document")
        if upload is None:
            return None
        content = upload.read(MAX_DOCUMENT_BYTES + 1)
        return DocumentInput(
            file_name=upload.name or "",
            content_type=upload.content_type or "",
            content=content,
        )


class RaiseForm(_WithDocument):
    category = forms.ChoiceField(label=_("Category"), choices=_RAISABLE)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea, max_length=5000)
    respondent_firm = forms.IntegerField(
        label=_("Seller firm (id), for an incident on a bid"), required=False
    )


class TextForm(_WithDocument):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=5000)


class ShowCauseForm(forms.Form):
    text = forms.CharField(label=_("Show-cause notice"), widget=forms.Textarea, max_length=5000)


class DecideForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices)
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("The policy's action for the severity")), *Incident.Action.choices],
        required=False,
    )
    action_reason = forms.CharField(
        label=_("Why another action than the policy's"), widget=forms.Textarea, required=False
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=5000)
    suspension_days = forms.IntegerField(
        label=_("Suspension (days)"), required=False, min_value=1, max_value=365
    )
    debarred_until = forms.DateTimeField(label=_("Debarred until"), required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["action"] = data.get("action") or None
        return data


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Incident.AppealOutcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=5000)
