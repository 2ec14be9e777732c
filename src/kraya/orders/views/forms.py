"""The forms of the order pages' actions (ORD-3..ORD-7). They only parse
input; the services check every rule, and their field errors land on these
fields through `field_for`."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kraya.orders.models import Order, Shipment
from kraya.orders.services.fulfilment import CracLine, InvoiceFile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON = forms.Textarea(attrs={"rows": 3})


class ActionForm(forms.Form):
    """An action's form; `order` is the order it acts on."""

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order

    def field_for(self, name: str) -> str:
        return name if name in self.fields else "__all__"


class ConfirmForm(ActionForm):
    """An action with nothing to fill in (accept, PRC)."""


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=REASON)


class DispatchForm(ActionForm):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40)
    invoice_date = forms.DateField(label=_("Invoice date"), widget=DATE)
    evidence = forms.CharField(
        label=_("Dispatch evidence"),
        max_length=2000,
        widget=REASON,
        help_text=_("Transporter, docket or vehicle number, remarks."),
    )
    invoice_file = forms.FileField(
        label=_("Invoice file"),
        required=False,
        help_text=_("A PDF, PNG or JPEG file of at most 2 MB."),
    )

    def invoice(self) -> InvoiceFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("invoice_file")
        if upload is None:
            return None
        return InvoiceFile(
            name=upload.name or "invoice",
            content_type=upload.content_type or "",
            content=upload.read(),
        )


class DeliverForm(ActionForm):
    proof = forms.CharField(
        label=_("Proof of delivery"),
        max_length=2000,
        widget=REASON,
        help_text=_("Signed challan, receiver's name, date and time."),
    )


class CertifyForm(ActionForm):
    """ORD-5: the CRAC, one row per line of the last shipment: accepted and
    rejected quantities and the reason for a rejection; ORD-6: ask for a
    replacement of what is rejected."""

    replace_rejected = forms.BooleanField(
        label=_("Ask the seller to replace the rejected items (ORD-6)"), required=False
    )

    def __init__(self, *args: Any, order: Order, shipment: Shipment | None, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        self.lines = list(shipment.lines.select_related("item").all()) if shipment else []
        for line in self.lines:
            title = line.item.title
            self.fields[f"accepted_{line.item_id}"] = forms.IntegerField(
                label=_("%(item)s: accepted") % {"item": title},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
            )
            self.fields[f"rejected_{line.item_id}"] = forms.IntegerField(
                label=_("%(item)s: rejected") % {"item": title},
                min_value=0,
                max_value=line.quantity,
                initial=0,
            )
            self.fields[f"reason_{line.item_id}"] = forms.CharField(
                label=_("%(item)s: reason for rejecting") % {"item": title},
                max_length=2000,
                required=False,
            )
        # `replace_rejected` last, after the table.
        self.order_fields([name for name in self.fields if name != "replace_rejected"])

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "line": line,
                "accepted": self[f"accepted_{line.item_id}"],
                "rejected": self[f"rejected_{line.item_id}"],
                "reason": self[f"reason_{line.item_id}"],
            }
            for line in self.lines
        ]

    def crac_lines(self) -> list[CracLine]:
        data = self.cleaned_data
        return [
            CracLine(
                item_id=line.item_id,
                accepted=data[f"accepted_{line.item_id}"],
                rejected=data[f"rejected_{line.item_id}"],
                reason=data.get(f"reason_{line.item_id}", ""),
            )
            for line in self.lines
        ]


class ExtendForm(ActionForm):
    """ORD-4: a new delivery date, with or without LD."""

    WITH_LD = "with"
    WITHOUT_LD = "without"

    new_due_on = forms.DateField(label=_("New delivery date"), widget=DATE)
    with_ld = forms.ChoiceField(
        label=_("Liquidated damages"),
        choices=[
            (WITH_LD, _("With LD: damages still count from the old date")),
            (WITHOUT_LD, _("Without LD: damages count from the new date")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=REASON)


class PayForm(ActionForm):
    """ORD-7: pay the bill. The key is made when the form is shown, so a
    double submit (or a reload of the POST) pays once."""

    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = f"page-{secrets.token_urlsafe(24)}"
