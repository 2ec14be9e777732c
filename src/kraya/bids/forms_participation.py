"""The seller's submission form (BID-5): per bid item the offer (catalogue
items: one of the firm's listed offers meeting the golden parameters) or a
description (BOQ lines), the unit price in rupees and the quantity offered;
the EMD reference (BID-2) and up to three documents. It only parses; the
service decides (`kraya.bids.services.participation`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kraya.bids.models import BidItem
from kraya.bids.services.participation import MAX_DOCUMENT_BYTES, DocumentInput, ItemInput
from kraya.buying.forms import rupees_field, to_paise
from kraya.catalog.models import Offer

DOCUMENT_FIELDS = ("document_1", "document_2", "document_3")


class SubmissionForm(forms.Form):
    emd_reference = forms.CharField(
        label=_("EMD reference (bank guarantee or payment reference)"),
        required=False,
        max_length=100,
        help_text=_(
            "Not needed when your firm is exempt (MSE manufacturer or service provider, "
            "startup: BID-2)."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        items: Sequence[BidItem],
        offers: dict[int, list[Offer]],
    ) -> None:
        super().__init__(data, files)
        self.bid_items = list(items)
        for item in self.bid_items:
            p = item.position
            if item.category_id is not None:
                self.fields[f"p{p}_offer"] = forms.TypedChoiceField(
                    label=_("Item %(position)s: your offer") % {"position": p},
                    choices=[("", "—")]
                    + [
                        (
                            offer.pk,
                            f"{offer.product.title} ({offer.product.brand.name} "
                            f"{offer.product.model})".strip(),
                        )
                        for offer in offers.get(p, [])
                    ],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
            else:
                self.fields[f"p{p}_description"] = forms.CharField(
                    label=_("Item %(position)s: what you offer") % {"position": p},
                    required=False,
                    max_length=500,
                )
                self.fields[f"p{p}_local_content"] = forms.IntegerField(
                    label=_("Item %(position)s: local content (%%)") % {"position": p},
                    required=False,
                    min_value=0,
                    max_value=100,
                )
            self.fields[f"p{p}_price"] = rupees_field(
                _("Item %(position)s: unit price (₹)") % {"position": p}, required=False
            )
            self.fields[f"p{p}_quantity"] = forms.IntegerField(
                label=_("Item %(position)s: quantity offered (at most %(quantity)s)")
                % {"position": p, "quantity": item.quantity},
                required=False,
                min_value=1,
                max_value=item.quantity,
                initial=item.quantity,
            )
        for name in DOCUMENT_FIELDS:
            self.fields[name] = forms.FileField(
                label=_("Document (PDF, JPEG or PNG, at most 2 MB)"), required=False
            )
        self.order_fields([*(f for f in self.fields if f.startswith("p")), "emd_reference"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.bid_items:
            p = item.position
            chosen = data.get(f"p{p}_offer") or data.get(f"p{p}_description")
            if chosen and data.get(f"p{p}_price") is None and f"p{p}_price" not in self.errors:
                self.add_error(f"p{p}_price", _("Enter the unit price of this item."))
        for name in DOCUMENT_FIELDS:
            upload = data.get(name)
            if upload is not None and upload.size > MAX_DOCUMENT_BYTES:
                self.add_error(name, _("The file is too large (at most 2 MB)."))
        return data

    def item_inputs(self) -> list[ItemInput]:
        """The quoted items: those with a unit price."""
        data = self.cleaned_data
        quoted = []
        for item in self.bid_items:
            p = item.position
            price = data.get(f"p{p}_price")
            if price is None:
                continue
            quoted.append(
                ItemInput(
                    position=p,
                    unit_price_paise=to_paise(price),
                    offer_id=data.get(f"p{p}_offer"),
                    description=data.get(f"p{p}_description") or "",
                    quantity=data.get(f"p{p}_quantity"),
                    local_content_percent=data.get(f"p{p}_local_content"),
                )
            )
        return quoted

    def document_inputs(self) -> list[DocumentInput] | None:
        """The uploaded documents, or None to keep the sealed ones."""
        uploads = [self.cleaned_data[n] for n in DOCUMENT_FIELDS if self.cleaned_data.get(n)]
        if not uploads:
            return None
        return [
            DocumentInput(
                file_name=upload.name,
                content_type=upload.content_type or "",
                content=upload.read(),
            )
            for upload in uploads
        ]

    def field_for(self, name: str) -> str:
        """The service's field names (`items.2.unit_price_paise`) on this form."""
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "items":
            suffix = {
                "offer_id": "offer",
                "unit_price_paise": "price",
                "quantity": "quantity",
                "description": "description",
                "local_content_percent": "local_content",
            }.get(parts[2], "")
            field = f"p{parts[1]}_{suffix}"
            if field in self.fields:
                return field
            # A catalogue item's refusal (MII-3) may name the offer of a BOQ line.
            if f"p{parts[1]}_description" in self.fields:
                return f"p{parts[1]}_description"
        if name == "documents":
            return DOCUMENT_FIELDS[0]
        return name
