"""Web forms of the catalogue: the buyer's search, the seller's product and
offer forms, the operator's review forms.

They only parse input (types, lengths, rupees into paise, a spec template
into fields); every catalogue rule (CAT-1..5, MII-1) is checked by the service
the view calls, whose field errors `kraya.core.errors.add_to_form` puts on
these fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kraya.catalog.models import Category, Offer, Product, SpecParameter
from kraya.catalog.search.types import SearchQuery
from kraya.core.i18n import state_choices
from kraya.sellers import rules as seller_rules
from kraya.sellers.models import Segment

STATE_CHOICES = state_choices(seller_rules.STATES)
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("delivery", _("Fastest delivery")),
    ("rating", _("Best rated")),
]
# Golden parameters travel in the address as p_<code>=value.
PARAM_PREFIX = "p_"
MAX_RUPEES = Decimal("100000000000")


def rupees_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_RUPEES,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


def to_paise(rupees: Decimal | None) -> int | None:
    return None if rupees is None else int(rupees * 100)


def to_rupees(paise: int | None) -> Decimal | None:
    """Paise as rupees with two decimals (12500050 → 125000.50) for a price box."""
    return None if paise is None else (Decimal(paise) / 100).quantize(Decimal("0.01"))


class SearchForm(forms.Form):
    """The buyer's search (a GET form, so every result page has an address)."""

    q = forms.CharField(label=_("Search the catalogue"), required=False, max_length=200)
    category = forms.SlugField(label=_("Category"), required=False, max_length=40)
    price_min = rupees_field(_("Lowest price (₹)"), required=False)
    price_max = rupees_field(_("Highest price (₹)"), required=False)
    state = forms.ChoiceField(label=_("Delivers to state"), required=False, choices=STATE_CHOICES)
    pincode = forms.RegexField(
        label=_("Delivers to PIN code"),
        regex=r"^[1-9][0-9]{5}$",
        required=False,
        error_messages={"invalid": _("Enter a 6-digit PIN code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "6"}),
    )
    segment = forms.MultipleChoiceField(
        label=_("Seller category"),
        required=False,
        choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    mii_class = forms.ChoiceField(
        label=_("Make in India class"),
        required=False,
        choices=[("", "—"), *Product.MiiClass.choices],
    )
    gi = forms.BooleanField(label=_("GI products only"), required=False)
    seller_state = forms.ChoiceField(
        label=_("Seller's state"), required=False, choices=STATE_CHOICES
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args: Any, golden: list[SpecParameter] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.golden = golden or []
        for parameter in self.golden:
            self.fields[PARAM_PREFIX + parameter.code] = _filter_field(parameter)

    def query(self, *, limit: int = 20) -> SearchQuery:
        """The typed query for `search_offers` (call after `is_valid`)."""
        data = self.cleaned_data
        params: dict[str, str] = {}
        for parameter in self.golden:
            value = data.get(PARAM_PREFIX + parameter.code)
            if value not in (None, ""):
                params[parameter.code] = str(value)
        return SearchQuery(
            text=data.get("q") or "",
            category_code=data.get("category") or None,
            params=params,
            price_min_paise=to_paise(data.get("price_min")),
            price_max_paise=to_paise(data.get("price_max")),
            delivery_state=data.get("state") or None,
            pincode=data.get("pincode") or None,
            segments=frozenset(data.get("segment") or ()),
            mii_class=data.get("mii_class") or None,
            gi_only=bool(data.get("gi")),
            seller_state=data.get("seller_state") or None,
            sort=data.get("sort") or "relevance",
            cursor=data.get("cursor") or None,
            limit=limit,
            with_facets=True,
        )


def _filter_field(parameter: SpecParameter) -> forms.Field:
    """A golden parameter as a search filter: choices as a select, yes/no as a
    select, numbers as a "min..max" range typed or picked from the facets."""
    label = parameter.display_name
    if parameter.kind == SpecParameter.Kind.CHOICE:
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *_choice_pairs(parameter)]
        )
    if parameter.kind == SpecParameter.Kind.BOOLEAN:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
        )
    if parameter.unit:
        label = f"{label} ({parameter.unit})"
    return forms.CharField(
        label=label,
        required=False,
        max_length=100,
        help_text=_("A number, or a range such as 8..16"),
    )


def _choice_pairs(parameter: SpecParameter) -> list[tuple[str, str]]:
    hindi = parameter_language_is_hindi()
    return [
        (
            str(choice["value"]),
            str(choice.get("hi") if hindi and choice.get("hi") else choice["en"]),
        )
        for choice in parameter.choices or []
    ]


def parameter_language_is_hindi() -> bool:
    return (get_language() or "").startswith("hi")


class CompareForm(forms.Form):
    """`?offers=1,2,3`: the offers to put side by side."""

    offers = forms.RegexField(
        regex=r"^\d{1,12}(,\d{1,12})*$",
        required=True,
        error_messages={
            "invalid": _("Choose offers to compare."),
            "required": _("Choose offers to compare."),
        },
    )

    def offer_ids(self) -> list[int]:
        return list(dict.fromkeys(int(part) for part in self.cleaned_data["offers"].split(",")))


# --- the seller's forms ---------------------------------------------------------------


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ProductField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _product_label(obj)


class CategoryChoiceForm(forms.Form):
    """Step one of adding a product: which category (its spec template)."""

    category = CategoryField(
        label=_("Category"),
        queryset=Category.objects.none(),
        to_field_name="code",
        empty_label="—",
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = categories


SPEC_PREFIX = "spec_"


class ProductForm(forms.Form):
    """A product (CAT-2) with its specification, the fields generated from
    the category's spec template: a number with its unit, a choice as a
    select, text, yes/no."""

    brand = forms.CharField(label=_("Brand"), max_length=100)
    oem = forms.CharField(label=_("Manufacturer (OEM)"), max_length=200, required=False)
    model = forms.CharField(label=_("Model"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_hi = forms.CharField(label=_("Title in Hindi"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    country_of_origin = forms.CharField(
        label=_("Country of origin (2-letter code, e.g. IN)"),
        max_length=2,
        min_length=2,
        initial="IN",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": "3"}),
    )
    local_content_percent = forms.IntegerField(
        label=_("Local content (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Class-I: at least 50%; Class-II: above 20%; otherwise non-local (MII-1)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    gi_tag = forms.CharField(
        label=_("GI tag (leave empty if none)"), max_length=200, required=False
    )

    def __init__(
        self, *args: Any, parameters: list[SpecParameter], is_service: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parameters = parameters
        if is_service:
            # CAT-2: a service is priced per unit and needs no model.
            self.fields["model"].required = False
            self.fields["service_unit"] = forms.CharField(
                label=_("Unit of service (e.g. per month, per km)"), max_length=50
            )
        for parameter in parameters:
            self.fields[SPEC_PREFIX + parameter.code] = _spec_field(parameter)

    def clean_country_of_origin(self) -> str:
        return str(self.cleaned_data["country_of_origin"]).strip().upper()

    def spec_fields(self) -> list[forms.BoundField]:
        return [self[SPEC_PREFIX + parameter.code] for parameter in self.parameters]

    def product_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(SPEC_PREFIX)]

    def specs(self) -> dict[str, str]:
        """The spec values as the service takes them: code → value as text."""
        specs: dict[str, str] = {}
        for parameter in self.parameters:
            value = self.cleaned_data.get(SPEC_PREFIX + parameter.code)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                specs[parameter.code] = "true" if value else "false"
            elif isinstance(value, Decimal):
                specs[parameter.code] = format(value.normalize(), "f")
            else:
                specs[parameter.code] = str(value)
        return specs

    def field_for(self, name: str) -> str:
        """The service names a spec value `specs.<code>`; here it is `spec_<code>`."""
        if name.startswith("specs."):
            return SPEC_PREFIX + name.removeprefix("specs.")
        return name


def _spec_field(parameter: SpecParameter) -> forms.Field:
    label = parameter.display_name
    if parameter.unit:
        label = f"{label} ({parameter.unit})"
    required = bool(parameter.is_required)
    kind = parameter.kind
    if kind == SpecParameter.Kind.NUMBER:
        return forms.DecimalField(
            label=label,
            required=required,
            min_value=parameter.min_value,
            max_value=parameter.max_value,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        )
    if kind == SpecParameter.Kind.CHOICE:
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—"), *_choice_pairs(parameter)]
        )
    if kind == SpecParameter.Kind.BOOLEAN:
        if required:
            # A required yes/no must be answered either way, not only ticked.
            return forms.ChoiceField(
                label=label,
                required=True,
                choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
            )
        return forms.BooleanField(label=label, required=False)
    return forms.CharField(label=label, required=required, max_length=200)


class OfferTermsForm(forms.Form):
    """An offer's terms (CAT-2): price and MRP in rupees, stock, lead time,
    where it delivers."""

    price = rupees_field(_("Price, all-inclusive (₹)"))
    mrp = rupees_field(_("MRP (₹)"))
    stock = forms.IntegerField(label=_("Stock"), min_value=0, initial=0)
    lead_time_days = forms.IntegerField(
        label=_("Delivery within (days)"), min_value=1, max_value=365, initial=7
    )
    delivery_states = forms.MultipleChoiceField(
        label=_("Delivers to"),
        choices=state_choices(seller_rules.STATES, blank=None),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "states"}),
    )
    delivery_pincodes = forms.CharField(
        label=_("Only these PIN codes (comma-separated; empty = the whole state)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 2}),
    )

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "price_paise": to_paise(data["price"]),
            "mrp_paise": to_paise(data["mrp"]),
            "stock": data["stock"],
            "lead_time_days": data["lead_time_days"],
            "delivery_states": list(data["delivery_states"]),
            "delivery_pincodes": str(data.get("delivery_pincodes") or "").strip(),
        }

    def field_for(self, name: str) -> str:
        return {
            "price_paise": "price",
            "mrp_paise": "mrp",
            "delivery_state_mask": "delivery_states",
        }.get(name, name)

    @staticmethod
    def initial_from(offer: Offer, states: list[str]) -> dict[str, Any]:
        return {
            "price": to_rupees(offer.price_paise),
            "mrp": to_rupees(offer.mrp_paise),
            "stock": offer.stock,
            "lead_time_days": offer.lead_time_days,
            "delivery_states": states,
            "delivery_pincodes": offer.delivery_pincodes,
        }


class ProductChoiceForm(forms.Form):
    """Which product an offer (or its copy) is of."""

    product = ProductField(label=_("Product"), queryset=Product.objects.none(), empty_label="—")

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = products


class NewOfferForm(OfferTermsForm):
    """A new offer: the product it offers, then its terms."""

    field_order = ["product"]

    product = ProductField(label=_("Product"), queryset=Product.objects.none(), empty_label="—")

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = products


def _product_label(product: Product) -> str:
    return f"{product.display_title} — {product.brand.name} {product.model}"


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file (columns offer_id, price, mrp, stock)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"), max_length=1000, widget=forms.Textarea({"rows": 3})
    )


class CategoryForm(forms.Form):
    """An operator adds a category (CAT-1); the service checks the code and kind."""

    code = forms.SlugField(label=_("Code (used in addresses, e.g. office-chairs)"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_hi = forms.CharField(label=_("Name in Hindi"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Category.Kind.choices)
    parent = CategoryField(
        label=_("Parent category"),
        queryset=Category.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 2})
    )
    description_hi = forms.CharField(
        label=_("Description in Hindi"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = categories


class SpecParameterForm(forms.Form):
    """An operator adds a parameter to a category's spec template (CAT-1)."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_hi = forms.CharField(label=_("Name in Hindi"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecParameter.Kind.choices)
    unit = forms.CharField(label=_("Unit (e.g. GB, kg)"), max_length=20, required=False)
    choices = forms.CharField(
        label=_("Choices, one per line: value | English | Hindi"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    is_golden = forms.BooleanField(label=_("Golden (filterable, compared for L1)"), required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False)
    min_value = forms.DecimalField(label=_("Lowest value"), required=False)
    max_value = forms.DecimalField(label=_("Highest value"), required=False)

    def parameter_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        choices = []
        for line in str(data.pop("choices") or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts or not parts[0]:
                continue
            value = parts[0]
            english = parts[1] if len(parts) > 1 and parts[1] else value
            hindi = parts[2] if len(parts) > 2 else ""
            choices.append({"value": value, "en": english, "hi": hindi})
        data["choices"] = choices
        return data
