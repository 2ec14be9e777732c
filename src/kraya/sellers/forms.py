"""Web forms of the seller registration wizard and the operator's pages.

They only parse input (types, lengths, required fields, a rupee amount into
paise); every KYC rule (PAN, GSTIN checksum and the PAN inside it, IFSC,
Udyam, Aadhaar) is checked by the service the view calls, whose field errors
`kraya.core.errors.add_to_form` puts on these fields. Field names are the
services' field names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kraya.accounts.forms import NewLoginMixin, PersonForm
from kraya.core.i18n import state_choices
from kraya.sellers import rules
from kraya.sellers.models import BusinessType, MseClass, Registration, Segment, SocialCategory

MAX_OFFICES = 5
STATE_CHOICES = state_choices(rules.STATES)


def _text(label: Any, *, required: bool = True, max_length: int = 200, **attrs: str) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs),
    )


def _upper(value: str) -> str:
    return value.strip().upper().replace(" ", "")


class SignUpForm(NewLoginMixin, PersonForm):
    """A new applicant's own login; the service checks the username and password rules."""

    field_order = ["username", "full_name", "email", "mobile", "password", "password_confirm"]


# --- the wizard's steps ---------------------------------------------------------------


class FirmForm(forms.Form):
    legal_name = _text(_("Legal name of the firm"), autocomplete="organization")
    trade_name = _text(_("Trade name"), required=False)
    pan = _text(
        _("PAN of the firm"),
        max_length=10,
        autocapitalize="characters",
        autocomplete="off",
    )
    business_type = forms.ChoiceField(
        label=_("What do you do?"), choices=BusinessType.choices, widget=forms.RadioSelect
    )
    year_established = forms.IntegerField(
        label=_("Year established"), min_value=1800, max_value=2100, required=False
    )
    annual_turnover = forms.DecimalField(
        label=_("Annual turnover (₹)"),
        required=False,
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        help_text=_("Last financial year. Leave empty if the firm has no turnover yet."),
    )
    address = forms.CharField(
        label=_("Registered address"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    district = _text(_("District"), max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES)
    pincode = _text(_("PIN code"), max_length=6, inputmode="numeric", autocomplete="postal-code")
    email = forms.EmailField(label=_("Firm email"), max_length=254)
    mobile = _text(_("Firm mobile"), max_length=20, inputmode="tel", autocomplete="tel")

    def clean_pan(self) -> str:
        return _upper(self.cleaned_data["pan"])

    def field_for(self, name: str) -> str:
        """The service checks the turnover in paise; the form asks for rupees."""
        return "annual_turnover" if name == "annual_turnover_paise" else name

    def step_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        turnover = data.pop("annual_turnover")
        data["annual_turnover_paise"] = None if turnover is None else int(turnover * 100)
        return data

    @staticmethod
    def initial_from(registration: Registration) -> dict[str, Any]:
        turnover = registration.annual_turnover_paise
        return {
            "legal_name": registration.legal_name,
            "trade_name": registration.trade_name,
            "pan": registration.pan,
            "business_type": registration.business_type,
            "year_established": registration.year_established,
            "annual_turnover": None if turnover is None else Decimal(turnover) / 100,
            "address": registration.address,
            "district": registration.district,
            "state": registration.state,
            "pincode": registration.pincode,
            "email": registration.email,
            "mobile": registration.mobile,
        }


class OfficeForm(forms.Form):
    gstin = _text(
        _("GSTIN"),
        required=False,
        max_length=15,
        autocapitalize="characters",
        autocomplete="off",
    )
    address = forms.CharField(
        label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    district = _text(_("District"), max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES)
    pincode = _text(_("PIN code"), max_length=6, inputmode="numeric")
    is_head_office = forms.BooleanField(label=_("Head office"), required=False)

    def clean_gstin(self) -> str:
        return _upper(self.cleaned_data["gstin"])


class BaseOfficeFormSet(forms.BaseFormSet):
    def offices(self) -> list[dict[str, Any]]:
        """The offices kept: filled in and not marked for removal."""
        return [
            {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


OfficeFormSet = forms.formset_factory(
    OfficeForm,
    formset=BaseOfficeFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_OFFICES,
    absolute_max=MAX_OFFICES + 1,  # a tampered form count builds no more forms
    validate_min=True,
    validate_max=True,
    can_delete=True,
)


class BankForm(forms.Form):
    account_holder = _text(_("Account holder's name"))
    account_number = _text(
        _("Account number"), max_length=18, inputmode="numeric", autocomplete="off"
    )
    ifsc = _text(
        _("IFSC"),
        max_length=11,
        autocapitalize="characters",
        autocomplete="off",
    )

    def clean_ifsc(self) -> str:
        return _upper(self.cleaned_data["ifsc"])

    def clean_account_number(self) -> str:
        return self.cleaned_data["account_number"].replace(" ", "")


class KeyPersonForm(forms.Form):
    key_person_name = _text(_("Name"), autocomplete="name")
    key_person_designation = _text(_("Designation"), max_length=100)
    key_person_mobile = _text(_("Mobile"), max_length=20, inputmode="tel")
    key_person_email = forms.EmailField(label=_("Email"), max_length=254)
    aadhaar = _text(
        _("Aadhaar number"),
        required=False,
        max_length=14,
        inputmode="numeric",
        autocomplete="off",
    )

    def clean_aadhaar(self) -> str:
        return self.cleaned_data["aadhaar"].replace(" ", "").replace("-", "")


class CategoriesForm(forms.Form):
    """One checkbox per segment (KYC-3) with its reference and evidence note;
    fields are named `<segment>_selected`, `<segment>_reference`, ...."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for segment in Segment:
            key = segment.value.lower()
            self.fields[f"{key}_selected"] = forms.BooleanField(label=segment.label, required=False)
            self.fields[f"{key}_reference"] = _text(
                REFERENCE_LABELS.get(segment.value, _("Reference number")),
                required=False,
                max_length=64,
            )
            if segment == Segment.MSE:
                self.fields[f"{key}_mse_class"] = forms.ChoiceField(
                    label=_("Size"),
                    choices=[("", "—"), *MseClass.choices],
                    required=False,
                )
            self.fields[f"{key}_evidence_note"] = _text(
                _("Evidence"), required=False, max_length=300
            )

    def groups(self) -> list[dict[str, Any]]:
        """The segments with their bound fields, for the template."""
        rows = []
        for segment in Segment:
            key = segment.value.lower()
            rows.append(
                {
                    "segment": segment,
                    "selected": self[f"{key}_selected"],
                    "fields": [
                        self[name]
                        for name in (f"{key}_reference", f"{key}_mse_class", f"{key}_evidence_note")
                        if name in self.fields
                    ],
                }
            )
        return rows

    def field_for(self, name: str) -> str:
        """The service names a chosen category by its place in the list it
        was sent (`categories.<n>.<field>`): the field of that segment."""
        parts = name.split(".")
        chosen = getattr(self, "sent_kinds", [])
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(chosen):
            return name
        key = chosen[int(parts[1])]
        return f"{key}_selected" if parts[2] == "kind" else f"{key}_{parts[2]}"

    def categories(self) -> list[dict[str, Any]]:
        chosen = []
        for segment in Segment:
            key = segment.value.lower()
            if not self.cleaned_data.get(f"{key}_selected"):
                continue
            chosen.append(
                {
                    "kind": segment.value,
                    "reference": _upper(self.cleaned_data.get(f"{key}_reference", "")),
                    "mse_class": self.cleaned_data.get(f"{key}_mse_class", ""),
                    "evidence_note": self.cleaned_data.get(f"{key}_evidence_note", "").strip(),
                }
            )
        # Remembered to route the service's errors (`categories.<n>.…`) back.
        self.sent_kinds = [category["kind"].lower() for category in chosen]
        return chosen

    @staticmethod
    def initial_from(categories: list[SocialCategory]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for category in categories:
            key = category.kind.lower()
            initial[f"{key}_selected"] = True
            initial[f"{key}_reference"] = category.reference
            initial[f"{key}_mse_class"] = category.mse_class
            initial[f"{key}_evidence_note"] = category.evidence_note
        return initial


REFERENCE_LABELS: dict[str, Any] = {
    Segment.MSE: _("Udyam registration number"),
    Segment.STARTUP: _("DPIIT recognition number"),
    Segment.GI: _("GI registration number"),
    Segment.ARTISAN: _("Artisan card number"),
    Segment.WEAVER: _("Weaver card number"),
    Segment.SHG: _("SHG or NRLM id"),
}


class DeclarationForm(forms.Form):
    land_border_country = forms.TypedChoiceField(
        label=_("Is the firm from a country that shares a land border with India?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    land_border_registration_number = _text(
        _("Registration number with the competent authority"), required=False, max_length=100
    )
    land_border_registration_valid_until = forms.DateField(
        label=_("Registration valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    confirm = forms.BooleanField(
        label=_("I declare that the information given is true and complete."), required=True
    )

    def step_data(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if key != "confirm"}


# --- the operator's pages -------------------------------------------------------------


class DirectoryFilterForm(forms.Form):
    q = _text(_("Name or PAN"), required=False, max_length=100, type="search")
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    district = _text(_("District"), required=False, max_length=100)
    segment = forms.ChoiceField(
        label=_("Segment"), choices=[("", _("Any")), *Segment.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *Registration.Status.choices],
        required=False,
    )
    business_type = forms.ChoiceField(
        label=_("Business type"),
        choices=[("", _("Any")), *BusinessType.choices],
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this reason."),
    )
