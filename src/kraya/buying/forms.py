"""Web forms of buying: the demand, the fund block and the availability
report. They only parse input (types, rupees into paise, choices from the
actor's offices); every buying rule (MODE-1..6, ORD-2, ROLE-2) is checked by
the service the view calls, whose field errors land on these fields through
`field_for`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, User
from kraya.buying.models import AvailabilityReport, Mode
from kraya.catalog.rules.offers import STATE_BITS
from kraya.core.i18n import state_choices

MAX_RUPEES = Decimal("100000000000")
PINCODE_WIDGET = forms.TextInput(
    attrs={"inputmode": "numeric", "maxlength": "6", "autocomplete": "postal-code"}
)


def rupees_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=MAX_RUPEES,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


def to_paise(rupees: Decimal) -> int:
    return int(rupees * 100)


def _choose(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def _office_choices(offices: list[BuyerUnit]) -> list[tuple[int, str]]:
    return [(office.pk, office.display_name) for office in offices]


def _user_choices(users: list[User]) -> list[tuple[int, str]]:
    return [(user.pk, str(user)) for user in users]


class DemandForm(forms.Form):
    """MODE-1..5: one item of the catalogue, its quantity, who receives it
    and where; a stricter mode (MODE-4) and one additional term (ATC) if wanted."""

    # The service's field names → this form's.
    FIELDS = {
        "consignee_id": "consignee",
        "offer_id": "offer",
        "lines": "offer",
        "mode": "mode",
        "additional_terms": "term_text",
    }

    office = forms.TypedChoiceField(label=_("Office"), coerce=int)
    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=10_00_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    consignee = forms.TypedChoiceField(label=_("Consignee"), coerce=int)
    delivery_state = forms.ChoiceField(label=_("Deliver to state"))
    delivery_pincode = forms.CharField(label=_("PIN code"), max_length=6, widget=PINCODE_WIDGET)
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mode = forms.ChoiceField(
        label=_("Buying mode"),
        required=False,
        help_text=_(
            "Leave empty to buy as the value requires; a stricter mode may be chosen (MODE-4)."
        ),
    )
    term_clause = forms.CharField(label=_("Additional term: clause"), required=False, max_length=60)
    term_text = forms.CharField(
        label=_("Additional term: text"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        offices: list[BuyerUnit],
        consignees: list[tuple[User, BuyerUnit]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        _choose(self, "office", _office_choices(offices))
        several = len(offices) > 1
        _choose(
            self,
            "consignee",
            [
                ("", "—"),
                *(
                    (user.pk, str(user) + (f" ({office.display_name})" if several else ""))
                    for user, office in consignees
                ),
            ],
        )
        _choose(self, "delivery_state", state_choices(STATE_BITS))
        _choose(self, "mode", [("", _("As the value requires")), *Mode.choices])

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("term_clause")) != bool(data.get("term_text")):
            self.add_error("term_text", _("An additional term needs both its clause and its text."))
        return data


class FundBlockForm(forms.Form):
    """ORD-2: the Paying Authority blocks an amount (prefilled with what the
    demand will cost); a Buyer quotes the sanction and names the Paying
    Authority instead."""

    FIELDS = {"amount_paise": "amount", "paying_authority_id": "paying_authority"}

    amount = rupees_field(_("Amount to block (₹)"), required=False)
    sanction_reference = forms.CharField(
        label=_("Sanction reference"), max_length=100, required=False
    )
    budget_head = forms.CharField(label=_("Budget head"), max_length=100, required=False)
    paying_authority = forms.TypedChoiceField(
        label=_("Paying Authority"), coerce=int, required=False
    )

    def __init__(
        self,
        data: Any = None,
        *,
        as_paying_authority: bool,
        paying_authorities: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        if as_paying_authority:
            del self.fields["paying_authority"]
        else:
            # A Buyer blocks the sanctioned amount as decided; they quote the sanction.
            del self.fields["amount"]
            self.fields["sanction_reference"].required = True
            self.fields["paying_authority"].required = True
            _choose(self, "paying_authority", [("", "—"), *_user_choices(paying_authorities)])

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, name)

    def amount_paise(self) -> int | None:
        rupees = self.cleaned_data.get("amount")
        return None if rupees is None else to_paise(rupees)


class AvailabilityReportForm(forms.Form):
    """MODE-6: a purchase made outside the portal and why."""

    FIELDS = {"estimated_value_paise": "value"}

    office = forms.TypedChoiceField(label=_("Office"), coerce=int)
    item = forms.CharField(label=_("Item bought"), max_length=200)
    value = rupees_field(_("Value (₹)"))
    reason = forms.ChoiceField(label=_("Reason"), choices=AvailabilityReport.Reason.choices)
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, offices: list[BuyerUnit], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        _choose(self, "office", _office_choices(offices))

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, name)
