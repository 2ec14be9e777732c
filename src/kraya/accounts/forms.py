"""Web forms for accounts. They only parse input (types, required fields,
password confirmation); every business rule is checked by the service the
view calls, whose errors `kraya.core.errors.add_to_form` puts on these fields.
Field names match the services' field names (`username`, `roles`, `unit`, ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules
from kraya.accounts.models import BuyerUnit, Membership, Role, User

# Rendered in the language of the request, not of the import.
PASSWORD_HELP = lazy(password_validation.password_validators_help_text_html, str)()

SECONDARY_BUYER_ROLE_CHOICES = [
    (role.value, role.label) for role in Role if role.value in rules.SECONDARY_BUYER_ROLES
]
SECONDARY_SELLER_ROLE_CHOICES = [
    (role.value, role.label) for role in Role if role.value in rules.SECONDARY_SELLER_ROLES
]


def _text(label: Any, *, required: bool = True, max_length: int = 200, **attrs: str) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs),
    )


class PersonForm(forms.Form):
    full_name = _text(_("Full name"), autocomplete="name")
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    mobile = _text(
        _("Mobile"),
        required=False,
        max_length=20,
        inputmode="tel",
        autocomplete="tel",
    )


class NewLoginMixin(forms.Form):
    """Username and a password typed twice; the strength rules run in the service."""

    username = _text(_("Username"), max_length=150, autocomplete="off", autocapitalize="none")
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirm = data.get("password"), data.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords do not match."))
        return data


class UnitChoiceMixin(forms.Form):
    unit = forms.TypedChoiceField(label=_("Office"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=SECONDARY_BUYER_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A Buyer may also be the Consignee. The Paying Authority must be someone else."
        ),
    )

    def set_units(self, units: Iterable[BuyerUnit]) -> None:
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose an office")),
            *((pk, unit.display_name) for pk, unit in self.units.items()),
        ]

    def chosen_unit(self) -> BuyerUnit:
        return self.units[self.cleaned_data["unit"]]

    def chosen_roles(self) -> list[Role]:
        return [Role(value) for value in self.cleaned_data["roles"]]


class SecondaryUserCreateForm(PersonForm, UnitChoiceMixin, NewLoginMixin):
    field_order = ["username", "full_name", "email", "mobile", "unit", "roles"]

    def __init__(self, *args: Any, units: Iterable[BuyerUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)


class SecondaryUserUpdateForm(PersonForm, UnitChoiceMixin):
    def __init__(self, *args: Any, units: Iterable[BuyerUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)
        self.fields["unit"].help_text = _(
            "The roles you tick are set for this office. Roles in other offices stay as they are."
        )


class HandOverForm(forms.Form):
    successor = forms.TypedChoiceField(label=_("New Primary User"), coerce=int)
    confirm = forms.BooleanField(
        label=_("I understand that I will no longer be the Primary User."), required=True
    )

    def __init__(self, *args: Any, candidates: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        self.fields["successor"].choices = [  # type: ignore[attr-defined]
            (pk, f"{user} ({user.username})") for pk, user in self.candidates.items()
        ]

    def chosen_successor(self) -> User:
        return self.candidates[self.cleaned_data["successor"]]


class SellerUserCreateForm(PersonForm, NewLoginMixin):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=SECONDARY_SELLER_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["username", "full_name", "email", "mobile", "roles"]

    def chosen_roles(self) -> list[Role]:
        return [Role(value) for value in self.cleaned_data["roles"]]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(code, name) for code, name in settings.LANGUAGES],
        widget=forms.RadioSelect,
    )


class ApiTokenCreateForm(forms.Form):
    name = _text(_("Name"), max_length=100, autocomplete="off")
    membership = forms.TypedChoiceField(label=_("Acts as"), coerce=int)
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=90,
        min_value=1,
        max_value=rules.API_TOKEN_MAX_DAYS,
    )

    def __init__(self, *args: Any, memberships: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {m.pk: m for m in memberships}
        self.fields["membership"].choices = [  # type: ignore[attr-defined]
            (pk, membership_label(m)) for pk, m in self.memberships.items()
        ]
        self.fields["membership"].help_text = _(
            "The token can do only what you can do in this role."
        )

    def chosen_membership(self) -> Membership:
        return self.memberships[self.cleaned_data["membership"]]


def membership_label(membership: Membership) -> str:
    scope = membership.buyer_unit or membership.seller_firm
    return f"{membership.get_role_display()} · {scope}"


class PasswordSetupForm(auth_forms.PasswordResetForm):
    """ "Forgot your password?" by e-mail, which is also how a seller registered
    in bulk at a workshop (KYC-5) sets a first password: such logins are
    created without a usable password. Django's form skips users without a
    usable password (they may sign in elsewhere, e.g. LDAP); Kraya has no
    other sign-in, so every active user with the address gets the link.

    The message is written in the recipient's language, not the requester's."""

    def get_users(self, email: str) -> Iterable[Any]:
        return User.objects.filter(email__iexact=email.strip(), is_active=True).order_by("id")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = context["user"].preferred_language or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
