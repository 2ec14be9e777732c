"""Accounts pages. Each view is thin: find the objects through the selectors'
authorization look-ups (outside what the user sees → 404, inside it without
the role → 403), parse the form, call one service, render. A service's
refusal is shown on the form (`add_to_form`) and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kraya.accounts import selectors, services
from kraya.accounts.forms import (
    ApiTokenCreateForm,
    HandOverForm,
    LanguageForm,
    PasswordSetupForm,
    SecondaryUserCreateForm,
    SecondaryUserUpdateForm,
    SellerUserCreateForm,
)
from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.models import Membership, Role, User
from kraya.core.errors import DomainError
from kraya.core.pages import bound, member_page, refused


def _confirm_page(
    request: HttpRequest,
    *,
    perform: Callable[[], object],
    done: str,
    redirect_to: str,
    title: str,
    explanation: str,
    button: str,
    danger: bool = False,
) -> HttpResponse:
    """A confirmation page for one POST action (deactivate, reactivate,
    revoke): GET shows the question, POST performs it through the service and
    redirects with `done` as the message; a refusal is shown on the page."""
    form = django_forms.Form(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            perform()
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, done)
            return redirect(redirect_to)
    context = {
        "form": form,
        "title": title,
        "explanation": explanation,
        "button": button,
        "danger": danger,
        "back": redirect_to,
    }
    return render(request, "accounts/confirm.html", context)


def _user_rows(users: list[tuple[User, list[Membership]]], head_role: Role) -> list[dict[str, Any]]:
    """Rows for a user list: each person, their active memberships, whether
    they hold the head role (Primary User or seller admin: handed over, not
    deactivated) and whether they have other roles to edit."""
    rows = []
    for person, memberships in users:
        active = [m for m in memberships if m.is_active]
        rows.append(
            {
                "person": person,
                "active": active,
                "is_head": any(m.role == head_role for m in active),
                "can_edit": any(m.role != head_role for m in memberships),
            }
        )
    return rows


# --- signing in and out ---------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        """A language picked with the switch before signing in is the user's
        latest choice: save it. Either way the cookie follows the saved
        preference, so pages stay in that language after signing out."""
        response = super().form_valid(form)
        user = form.get_user()
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in dict(settings.LANGUAGES) and chosen != user.preferred_language:
            user = services.user_set_language(user=user, language=chosen)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


# --- the Primary User's pages (ROLE-1) ------------------------------------------------


@member_page
def organisation_users(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    organisation = selectors.organisation_get_managed(actor=actor, organisation_id=organisation_id)
    rows = _user_rows(selectors.organisation_users(organisation=organisation), Role.PRIMARY)
    return render(
        request, "accounts/organisation_users.html", {"organisation": organisation, "rows": rows}
    )


@member_page
def user_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    organisation = selectors.organisation_get_managed(actor=actor, organisation_id=organisation_id)
    units = selectors.organisation_offices(organisation=organisation)
    form = SecondaryUserCreateForm(bound(request), units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.secondary_user_create(
                acting_user=actor,
                unit=form.chosen_unit(),
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                roles=form.chosen_roles(),
                password=data["password"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("%(name)s can now sign in.") % {"name": user})
            return redirect("accounts:organisation_users", organisation.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "organisation": organisation, "title": _("Add a user")},
    )


@member_page
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    person, organisation = selectors.organisation_member_get(actor=actor, user_id=user_id)
    units = selectors.organisation_offices(organisation=organisation)
    unit = selectors.member_unit_in(user=person, organisation=organisation)
    roles = [
        m.role
        for m in person.memberships.filter(buyer_unit=unit, is_active=True)
        if m.role != Role.PRIMARY
    ]
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "mobile": person.mobile,
        "unit": unit.pk,
        "roles": roles,
    }
    form = SecondaryUserUpdateForm(bound(request), initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.secondary_user_update(
                acting_user=actor,
                user=person,
                unit=form.chosen_unit(),
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                roles=form.chosen_roles(),
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": person})
            return redirect("accounts:organisation_users", organisation.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "organisation": organisation,
            "person": person,
            "title": _("Edit %(name)s") % {"name": person},
        },
    )


@member_page
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    person, organisation = selectors.organisation_member_get(actor=actor, user_id=user_id)
    return _confirm_page(
        request,
        perform=lambda: services.secondary_user_deactivate(
            acting_user=actor, user=person, unit=organisation
        ),
        done=_("%(name)s has been deactivated.") % {"name": person},
        redirect_to=reverse("accounts:organisation_users", args=[organisation.pk]),
        title=_("Deactivate %(name)s?") % {"name": person},
        explanation=_(
            "They lose all their roles in %(organisation)s and cannot sign in "
            "unless they have a role elsewhere. You can reactivate them later."
        )
        % {"organisation": organisation},
        button=_("Deactivate"),
        danger=True,
    )


@member_page
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    person, organisation = selectors.organisation_member_get(actor=actor, user_id=user_id)
    unit = selectors.member_unit_in(user=person, organisation=organisation)
    return _confirm_page(
        request,
        perform=lambda: services.secondary_user_reactivate(
            acting_user=actor, user=person, unit=unit
        ),
        done=_("%(name)s is active again.") % {"name": person},
        redirect_to=reverse("accounts:organisation_users", args=[organisation.pk]),
        title=_("Reactivate %(name)s?") % {"name": person},
        explanation=_("They get back the roles they last held in %(office)s and can sign in again.")
        % {"office": unit},
        button=_("Reactivate"),
    )


@member_page
def primary_hand_over(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    organisation = selectors.organisation_get_managed(actor=actor, organisation_id=organisation_id)
    candidates = [
        person
        for person, memberships in selectors.organisation_users(organisation=organisation)
        if person.is_active and person.pk != actor.user.pk and any(m.is_active for m in memberships)
    ]
    form = HandOverForm(bound(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        successor = form.chosen_successor()
        try:
            services.primary_role_hand_over(
                acting_user=actor, organisation=organisation, successor=successor
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the Primary User of %(organisation)s.")
                % {"name": successor, "organisation": organisation},
            )
            return redirect("web:dashboard")
    return render(request, "accounts/hand_over.html", {"form": form, "organisation": organisation})


# --- the seller admin's pages (ROLE-3) ------------------------------------------------


@member_page
def firm_users(request: HttpRequest, firm_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    firm = selectors.seller_firm_get_managed(actor=actor, firm_id=firm_id)
    rows = _user_rows(selectors.seller_firm_users(firm=firm), Role.SELLER_ADMIN)
    return render(request, "accounts/firm_users.html", {"firm": firm, "rows": rows})


@member_page
def seller_user_create(request: HttpRequest, firm_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    firm = selectors.seller_firm_get_managed(actor=actor, firm_id=firm_id)
    form = SellerUserCreateForm(bound(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.seller_user_create(
                acting_user=actor,
                firm=firm,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                roles=form.chosen_roles(),
                password=data["password"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("%(name)s can now sign in.") % {"name": user})
            return redirect("accounts:firm_users", firm.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "firm": firm, "title": _("Add a user to %(firm)s") % {"firm": firm}},
    )


@member_page
def seller_user_deactivate(request: HttpRequest, firm_id: int, user_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    firm = selectors.seller_firm_get_managed(actor=actor, firm_id=firm_id)
    person = selectors.seller_firm_member_get(firm=firm, user_id=user_id)
    return _confirm_page(
        request,
        perform=lambda: services.seller_user_deactivate(acting_user=actor, user=person, firm=firm),
        done=_("%(name)s has been deactivated.") % {"name": person},
        redirect_to=reverse("accounts:firm_users", args=[firm.pk]),
        title=_("Deactivate %(name)s?") % {"name": person},
        explanation=_("They lose their roles in %(firm)s.") % {"firm": firm},
        button=_("Deactivate"),
        danger=True,
    )


# --- my account -----------------------------------------------------------------------


@member_page
def account(request: HttpRequest) -> HttpResponse:
    actor = signed_in_actor(request)
    user = actor.user
    form = LanguageForm(bound(request), initial={"language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            services.user_set_language(user=user, language=language)
        except DomainError as error:
            refused(form, error)
        else:
            translation.activate(language)
            messages.success(request, _("Your language has been saved."))
            return redirect("accounts:me")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "person": user, "memberships": actor.memberships},
    )


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": the link goes to the account's e-mail address.
    The next page says the same whether or not the address is known, so the
    form tells no one who has an account."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordSetupForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: choose a password (Django checks the one-time token,
    which a password change invalidates). Saved through the accounts service
    so the change is audited."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        services.user_password_set_by_link(
            user=form.user, password=form.cleaned_data["new_password1"]
        )
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@never_cache
@member_page
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List and create API tokens; a new token's secret is shown once, here."""
    actor = signed_in_actor(request)
    form = ApiTokenCreateForm(bound(request), memberships=actor.memberships)
    raw_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw_token = services.api_token_create(
                acting_user=actor,
                membership=form.chosen_membership(),
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as error:
            refused(form, error)
        else:
            form = ApiTokenCreateForm(memberships=actor.memberships)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": selectors.api_tokens_for(actor=actor), "raw_token": raw_token},
    )


@member_page
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    token = selectors.api_token_get(actor=actor, token_id=token_id)
    return _confirm_page(
        request,
        perform=lambda: services.api_token_revoke(acting_user=actor, token=token),
        done=_("The token %(name)s has been revoked.") % {"name": token},
        redirect_to=reverse("accounts:api_tokens"),
        title=_("Revoke the token %(name)s?") % {"name": token},
        explanation=_("Programs using it will stop working at once. This cannot be undone."),
        button=_("Revoke"),
        danger=True,
    )
