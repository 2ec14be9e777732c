"""Web forms of the evaluation pages (BID-6, §7, ORD-2). They only parse
input; the rules (a rejection needs a reason, the windows, who may act) are
the services', whose field errors land on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 4000


def _text(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TechnicalEvaluationForm(forms.Form):
    """BID-6: qualify, or reject with a reason."""

    QUALIFY = "qualify"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(QUALIFY, _("Technically qualified")), (REJECT, _("Rejected"))],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason (needed for a rejection)"), required=False)

    def qualified(self) -> bool:
        return bool(self.cleaned_data["decision"] == self.QUALIFY)


class ClarificationAskForm(forms.Form):
    question = _text(_("Question to the bidder"))


class ClarificationAnswerForm(forms.Form):
    answer = _text(_("Your answer"))


class RepresentationForm(forms.Form):
    text = _text(_("Your representation"))


class RepresentationAnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Upheld: the bid qualifies")), ("no", _("Not upheld"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    answer = _text(_("Answer"))


class InvitationAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("I match the L1 price")), ("no", _("I decline"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class BidSanctionForm(forms.Form):
    """ORD-2: the Paying Authority sanctions as themselves; a Buyer quotes the reference."""

    sanction_reference = forms.CharField(
        label=_("Sanction reference"), max_length=100, required=False
    )
