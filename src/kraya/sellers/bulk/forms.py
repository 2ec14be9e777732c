"""KYC-5: the upload form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Fill in the template in English or Hindi and save it as CSV UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.CharField(
        label=_("Where the list comes from"),
        max_length=200,
        help_text=_("For example: Aligarh workshop 2026-11-20, or the partner list's name."),
    )


class TemplateLanguageForm(forms.Form):
    lang = forms.ChoiceField(choices=[("en", "English"), ("hi", "हिन्दी")], required=False)
