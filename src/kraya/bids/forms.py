"""Web forms of the bid publication pages: the draft (with its items as a
formset), publication, a corrigendum and a cancellation. They only parse
input (rupees into paise, IST times, "code = value" golden parameters); the
services check every rule and their field errors land on these fields
through `field_for`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, User
from kraya.bids.models import Bid
from kraya.bids.services import publication as services
from kraya.catalog.models import Category
from kraya.catalog.rules.offers import STATE_BITS
from kraya.core.i18n import state_choices

MAX_RUPEES = Decimal("100000000000")
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def rupees_field(label: Any, *, required: bool = True, minimum: str = "0.01") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=MAX_RUPEES,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


def percent_field(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=100, decimal_places=2
    )


def to_paise(rupees: Decimal | None) -> int:
    return int((rupees or Decimal(0)) * 100)


def paise_to_rupees(paise: int) -> str:
    return f"{paise // 100}.{paise % 100:02d}"


def _choose(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def _users(users: list[User]) -> list[tuple[Any, str]]:
    return [("", "—"), *((user.pk, str(user)) for user in users)]


class BidItemForm(forms.Form):
    """One item: a catalogue category (by code) with its golden parameters,
    or a free BOQ line."""

    category_code = forms.CharField(
        label=_("Category code"),
        required=False,
        max_length=100,
        help_text=_("Leave empty for a free BOQ line."),
    )
    title = forms.CharField(label=_("Item"), required=False, max_length=200)
    golden_specs = forms.CharField(
        label=_("Golden parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: code = value, e.g. capacity = 9"),
    )
    specification = forms.CharField(
        label=_("Specification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("Default: unit.")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_00_000)
    estimated_unit_price = rupees_field(_("Estimated unit price (₹)"))
    group = forms.IntegerField(
        label=_("Group (group-wise bids)"), required=False, min_value=1, max_value=50
    )

    def clean_golden_specs(self) -> dict[str, str]:
        specs: dict[str, str] = {}
        for line in str(self.cleaned_data.get("golden_specs") or "").splitlines():
            if not line.strip():
                continue
            code, sep, value = line.partition("=")
            if not sep or not code.strip():
                raise forms.ValidationError(_("Write each parameter as code = value."))
            specs[code.strip()] = value.strip()
        return specs

    def clean_category_code(self) -> int | None:
        code = str(self.cleaned_data.get("category_code") or "").strip()
        if not code:
            return None
        category = Category.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise forms.ValidationError(_("There is no active category with this code."))
        return category.pk

    def item(self) -> services.ItemInput:
        data = self.cleaned_data
        return services.ItemInput(
            title=data.get("title") or "",
            quantity=data["quantity"],
            estimated_unit_price_paise=to_paise(data["estimated_unit_price"]),
            category_id=data.get("category_code"),
            golden_specs=data.get("golden_specs") or {},
            specification=data.get("specification") or "",
            unit=data.get("unit") or "unit",
            group=data.get("group"),
        )


BidItemFormSet = formset_factory(BidItemForm, extra=3, max_num=50, validate_max=True)


def item_initial(item: services.ItemInput, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "category_code": codes.get(item.category_id or 0, ""),
        "title": item.title,
        "golden_specs": "\n".join(f"{k} = {v}" for k, v in item.golden_specs.items()),
        "specification": item.specification,
        "unit": item.unit,
        "quantity": item.quantity,
        "estimated_unit_price": paise_to_rupees(item.estimated_unit_price_paise),
        "group": item.group,
    }


class BidForm(forms.Form):
    """BID-1/BID-2: the bid's terms. The office is chosen only for a new bid."""

    FIELDS = {
        "consignee_id": "consignee",
        "paying_authority_id": "paying_authority",
        "min_average_turnover_paise": "min_average_turnover",
        "additional_terms": "term_text",
        "end_at": "title",
        "opening_at": "title",
        "offer_validity_days": "title",
    }

    office = forms.TypedChoiceField(label=_("Office"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consignee = forms.TypedChoiceField(label=_("Consignee"), coerce=int)
    paying_authority = forms.TypedChoiceField(label=_("Paying Authority"), coerce=int)
    delivery_state = forms.ChoiceField(label=_("Deliver to state"))
    delivery_pincode = forms.CharField(label=_("PIN code"), max_length=6)
    delivery_address = forms.CharField(
        label=_("Delivery address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery_period_days = forms.IntegerField(
        label=_("Delivery period (days)"), min_value=1, max_value=365, initial=30
    )
    evaluation_basis = forms.ChoiceField(
        label=_("Evaluation basis"), choices=Bid.EvaluationBasis.choices
    )
    divisible = forms.BooleanField(
        label=_("A single-item lot may be split between sellers"), required=False, initial=True
    )
    min_average_turnover = rupees_field(
        _("Minimum average turnover over 3 years (₹)"), required=False, minimum="0"
    )
    min_experience_years = forms.IntegerField(
        label=_("Minimum experience (years)"), min_value=0, max_value=50, initial=0
    )
    min_past_performance_percent = percent_field(_("Minimum past performance (%)"))
    relax_for_mse_and_startups = forms.BooleanField(
        label=_("Relax turnover and experience for MSEs and startups (BID-2)"), required=False
    )
    emd_percent = percent_field(_("EMD (%): none, or 2 to 5"))
    epbg_percent = percent_field(_("ePBG (%)"))
    epbg_months = forms.IntegerField(
        label=_("ePBG duration (months)"), min_value=0, max_value=120, required=False
    )
    mse_preference = forms.BooleanField(
        label=_("MSE purchase preference"), required=False, initial=True
    )
    mse_share_percent = percent_field(_("MSE quantity share (%), default by policy"))
    mii_preference = forms.BooleanField(
        label=_("Make in India purchase preference"), required=False, initial=True
    )
    mii_reservation = forms.ChoiceField(
        label=_("Reserved for MII"), choices=Bid.MiiReservation.choices
    )
    reverse_auction = forms.BooleanField(
        label=_("Reverse auction after financial opening"), required=False
    )
    ra_qualification = forms.ChoiceField(
        label=_("Reverse auction qualification"),
        choices=Bid.RaQualification.choices,
        required=False,
    )
    two_packet = forms.BooleanField(label=_("Two-packet bid"), required=False, initial=True)
    min_bids = forms.IntegerField(
        label=_("Minimum number of bids"), min_value=1, max_value=50, required=False
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
        offices: list[BuyerUnit] | None,
        consignees: list[User],
        paying_authorities: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        if offices is None:
            del self.fields["office"]
        else:
            _choose(self, "office", [(o.pk, o.display_name) for o in offices])
        _choose(self, "consignee", _users(consignees))
        _choose(self, "paying_authority", _users(paying_authorities))
        _choose(self, "delivery_state", state_choices(STATE_BITS))

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("term_clause")) != bool(data.get("term_text")):
            self.add_error("term_text", _("An additional term needs both its clause and its text."))
        return data

    def bid_input(
        self, items: list[services.ItemInput], base: services.BidInput | None = None
    ) -> services.BidInput:
        data = self.cleaned_data
        terms = list(base.additional_terms) if base is not None else []
        if data.get("term_clause"):
            terms.append(services.TermInput(data["term_clause"], data["term_text"]))
        values: dict[str, Any] = {
            "title": data["title"],
            "items": items,
            "consignee_id": data["consignee"],
            "paying_authority_id": data["paying_authority"],
            "delivery_state": data["delivery_state"],
            "delivery_pincode": data["delivery_pincode"],
            "delivery_address": data["delivery_address"],
            "delivery_period_days": data["delivery_period_days"],
            "description": data.get("description") or "",
            "evaluation_basis": data["evaluation_basis"],
            "divisible": data.get("divisible", False),
            "min_average_turnover_paise": to_paise(data.get("min_average_turnover")),
            "min_experience_years": data.get("min_experience_years") or 0,
            "min_past_performance_percent": data.get("min_past_performance_percent") or Decimal(0),
            "relax_for_mse_and_startups": data.get("relax_for_mse_and_startups", False),
            "emd_percent": data.get("emd_percent") or Decimal(0),
            "epbg_percent": data.get("epbg_percent") or Decimal(0),
            "epbg_months": data.get("epbg_months") or 0,
            "mse_preference": data.get("mse_preference", False),
            "mse_share_percent": data.get("mse_share_percent"),
            "mii_preference": data.get("mii_preference", False),
            "mii_reservation": data["mii_reservation"],
            "reverse_auction": data.get("reverse_auction", False),
            "ra_qualification": data.get("ra_qualification") or "",
            "two_packet": data.get("two_packet", False),
            "min_bids": data.get("min_bids"),
            "additional_terms": terms,
        }
        if base is not None:
            return services.replace(base, **values)
        return services.BidInput(**values)


def bid_form_initial(data: services.BidInput) -> dict[str, Any]:
    return {
        "title": data.title,
        "description": data.description,
        "consignee": data.consignee_id,
        "paying_authority": data.paying_authority_id,
        "delivery_state": data.delivery_state,
        "delivery_pincode": data.delivery_pincode,
        "delivery_address": data.delivery_address,
        "delivery_period_days": data.delivery_period_days,
        "evaluation_basis": data.evaluation_basis,
        "divisible": data.divisible,
        "min_average_turnover": paise_to_rupees(data.min_average_turnover_paise),
        "min_experience_years": data.min_experience_years,
        "min_past_performance_percent": data.min_past_performance_percent,
        "relax_for_mse_and_startups": data.relax_for_mse_and_startups,
        "emd_percent": data.emd_percent,
        "epbg_percent": data.epbg_percent,
        "epbg_months": data.epbg_months,
        "mse_preference": data.mse_preference,
        "mse_share_percent": data.mse_share_percent,
        "mii_preference": data.mii_preference,
        "mii_reservation": data.mii_reservation,
        "reverse_auction": data.reverse_auction,
        "ra_qualification": data.ra_qualification,
        "two_packet": data.two_packet,
        "min_bids": data.min_bids,
    }


class FromDemandForm(forms.Form):
    """A bid from a demand: its title and the Paying Authority (the demand
    gives the items, consignee and delivery place)."""

    FIELDS = {"paying_authority_id": "paying_authority"}

    title = forms.CharField(label=_("Title"), max_length=200)
    paying_authority = forms.TypedChoiceField(label=_("Paying Authority"), coerce=int)

    def __init__(self, data: Any = None, *, paying_authorities: list[User], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        _choose(self, "paying_authority", _users(paying_authorities))

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, "title")


class PublishForm(forms.Form):
    """BID-1: the end (at least 10 days away), the opening and the offer
    validity (45–180 days), in Indian time."""

    end_at = forms.DateTimeField(label=_("Bid end (IST)"), widget=WHEN)
    opening_at = forms.DateTimeField(
        label=_("Bid opening (IST)"),
        widget=WHEN,
        required=False,
        help_text=_("Leave empty to open at the end."),
    )
    offer_validity_days = forms.IntegerField(
        label=_("Offer validity (days)"), min_value=0, max_value=3650, initial=90
    )

    def field_for(self, name: str) -> str:
        return name


class CorrigendumForm(forms.Form):
    """BID-3: the reason and what changes; empty fields stay as they are."""

    FIELDS = {"quantities": "reason", "changes": "reason", "additional_terms": "term_text"}

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    end_at = forms.DateTimeField(label=_("New bid end (IST)"), widget=WHEN, required=False)
    opening_at = forms.DateTimeField(label=_("New bid opening (IST)"), widget=WHEN, required=False)
    description = forms.CharField(
        label=_("New description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery_period_days = forms.IntegerField(
        label=_("New delivery period (days)"), min_value=1, max_value=365, required=False
    )
    offer_validity_days = forms.IntegerField(
        label=_("New offer validity (days)"), min_value=0, max_value=3650, required=False
    )
    min_experience_years = forms.IntegerField(
        label=_("New minimum experience (years)"), min_value=0, max_value=50, required=False
    )
    min_average_turnover = rupees_field(
        _("New minimum average turnover (₹)"), required=False, minimum="0"
    )
    term_clause = forms.CharField(label=_("Add a term: clause"), required=False, max_length=60)
    term_text = forms.CharField(
        label=_("Add a term: text"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, bid: Bid, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.bid = bid
        for item in bid.items.all():
            self.fields[f"quantity_{item.position}"] = forms.IntegerField(
                label=_("Quantity of item %(position)s, %(title)s (now %(quantity)s)")
                % {"position": item.position, "title": item.title, "quantity": item.quantity},
                min_value=1,
                max_value=10_00_000,
                required=False,
            )

    def field_for(self, name: str) -> str:
        return self.FIELDS.get(name, name if name in self.fields else "reason")

    def changes(self) -> services.CorrigendumChanges:
        data = self.cleaned_data
        quantities = {
            item.position: data[f"quantity_{item.position}"]
            for item in self.bid.items.all()
            if data.get(f"quantity_{item.position}") is not None
        }
        terms = None
        if data.get("term_clause") and data.get("term_text"):
            terms = [
                services.TermInput(t["clause"], t["text"].get("en", ""), t["text"].get("hi", ""))
                for t in self.bid.additional_terms
            ] + [services.TermInput(data["term_clause"], data["term_text"])]
        turnover = data.get("min_average_turnover")
        return services.CorrigendumChanges(
            end_at=data.get("end_at"),
            opening_at=data.get("opening_at"),
            description=data.get("description") or None,
            quantities=quantities or None,
            delivery_period_days=data.get("delivery_period_days"),
            offer_validity_days=data.get("offer_validity_days"),
            min_experience_years=data.get("min_experience_years"),
            min_average_turnover_paise=None if turnover is None else to_paise(turnover),
            additional_terms=terms,
        )


class CancelForm(forms.Form):
    """BID-8: the reason, published on the bid."""

    reason = forms.CharField(
        label=_("Reason for cancellation (published)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def field_for(self, name: str) -> str:
        return "reason"
