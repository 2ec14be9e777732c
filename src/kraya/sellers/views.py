"""Seller registration pages (KYC-1..6) and the operators' seller directory.

Each view is thin: find the registration through the selectors' look-ups
(someone else's → 404, an operator page for a non-operator → 403), parse the
form, call one service, render. A service's refusal is shown on the form
(`add_to_form`) and nothing of that step is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kraya.accounts import services as account_services
from kraya.accounts.middleware import signed_in_actor
from kraya.accounts.selectors import Actor
from kraya.core import errors
from kraya.core.errors import DomainError
from kraya.core.pages import bound, member_page, refused
from kraya.core.policy import policy_in_force
from kraya.sellers import rules, selectors, services, signals
from kraya.sellers.forms import (
    MAX_OFFICES,
    BankForm,
    BaseOfficeFormSet,
    CategoriesForm,
    DeclarationForm,
    DirectoryFilterForm,
    FirmForm,
    KeyPersonForm,
    OfficeFormSet,
    RejectForm,
    SignUpForm,
)
from kraya.sellers.models import BankAccount, Registration, Segment

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
DIRECTORY_PAGE_SIZE = 25

STEP_TITLES: dict[str, Any] = {
    rules.STEP_FIRM: gettext_lazy("The firm"),
    rules.STEP_OFFICES: gettext_lazy("Offices"),
    rules.STEP_BANK: gettext_lazy("Bank account"),
    rules.STEP_KEY_PERSON: gettext_lazy("Key person"),
    rules.STEP_CATEGORIES: gettext_lazy("Categories"),
    rules.STEP_DECLARATION: gettext_lazy("Declaration"),
}
STEP_INTROS: dict[str, Any] = {
    rules.STEP_FIRM: gettext_lazy(
        "The firm's legal name and PAN as on its PAN card. The PAN tells us the kind of firm."
    ),
    rules.STEP_OFFICES: gettext_lazy(
        "Up to five offices. Each GSTIN must contain the firm's PAN and the office's state code. "
        "Leave the GSTIN empty if the office has none."
    ),
    rules.STEP_BANK: gettext_lazy("Payments and the caution money refund go to this account."),
    rules.STEP_KEY_PERSON: gettext_lazy(
        "The person who acts for the firm. If you give an Aadhaar number, we keep only its "
        "last four digits."
    ),
    rules.STEP_CATEGORIES: gettext_lazy(
        "Tick every category that applies and give its certificate or card number. "
        "Only manufacturers and service providers get MSE benefits."
    ),
    rules.STEP_DECLARATION: gettext_lazy(
        "A firm from a country that shares a land border with India needs a valid "
        "registration with the competent authority to bid."
    ),
}
# KYC-6: why the caution money is what it is, by exemption.
EXEMPTION_TEXTS: dict[str, Any] = {
    rules.EXEMPT_SHG: gettext_lazy("Self-help groups pay no caution money."),
    rules.EXEMPT_ARTISAN: gettext_lazy("Artisans pay no caution money."),
    rules.EXEMPT_WEAVER: gettext_lazy("Weavers pay no caution money."),
    rules.EXEMPT_WOMAN_MSE: gettext_lazy("MSEs owned by women pay no caution money."),
    rules.EXEMPT_SC_ST_MSE: gettext_lazy("MSEs owned by SC/ST entrepreneurs pay no caution money."),
}


# --- the public landing page and the applicant's login -----------------------------------


@require_http_methods(["GET", "HEAD"])
def landing(request: HttpRequest) -> HttpResponse:
    kyc = policy_in_force().kyc
    slabs = kyc.caution_money_slabs
    rows = [
        {
            "min_turnover_paise": slab.min_turnover_paise,
            "amount_paise": slab.amount_paise,
            # KYC-6: a slab ends one paisa below the next one's start.
            "upper_paise": slabs[i + 1].min_turnover_paise - 1 if i + 1 < len(slabs) else None,
        }
        for i, slab in enumerate(slabs)
    ]
    return render(request, "sellers/landing.html", {"kyc": kyc, "slabs": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new applicant creates their own login and is signed in with it."""
    if request.user.is_authenticated:
        return redirect("sellers:register")
    form = SignUpForm(bound(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_services.user_sign_up(
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                password=data["password"],
                language=get_language() or "",
            )
        except DomainError as error:
            refused(form, error)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Your login is ready. Now register your firm."))
            return redirect("sellers:register")
    return render(request, "sellers/signup.html", {"form": form})


# --- the wizard ----------------------------------------------------------------------------


def _step_url(registration: Registration, step: str) -> str:
    return reverse("sellers:step", args=[registration.pk, step])


def _first_incomplete(registration: Registration) -> str | None:
    """The step after the last completed one; None when all are done."""
    if registration.current_step not in rules.STEPS:
        return rules.STEPS[0]
    index = rules.STEPS.index(registration.current_step) + 1
    return rules.STEPS[index] if index < len(rules.STEPS) else None


def _resume_url(registration: Registration) -> str:
    if registration.status not in services.EDITABLE:
        return reverse("sellers:status", args=[registration.pk])
    step = _first_incomplete(registration)
    if step is None:
        return reverse("sellers:review", args=[registration.pk])
    return _step_url(registration, step)


def _progress(registration: Registration, current: str) -> dict[str, Any]:
    """The progress indicator: every step (done ones are links) and the review."""
    next_step = _first_incomplete(registration)
    done_until = len(rules.STEPS) if next_step is None else rules.STEPS.index(next_step)
    items = [
        {
            "title": STEP_TITLES[step],
            "url": _step_url(registration, step),
            "done": index < done_until,
            "current": step == current,
        }
        for index, step in enumerate(rules.STEPS)
    ]
    items.append(
        {
            "title": _("Check and submit"),
            "url": reverse("sellers:review", args=[registration.pk]),
            "done": next_step is None,
            "current": current == "review",
        }
    )
    number = next(i for i, item in enumerate(items, start=1) if item["current"])
    return {"progress": items, "step_number": number, "step_total": len(items)}


@member_page
def register(request: HttpRequest) -> HttpResponse:
    """Resume: an open registration goes to its first incomplete step (or its
    status); otherwise the applicant starts a new draft here."""
    actor = signed_in_actor(request)
    latest = selectors.registration_for_applicant(user=actor.user)
    if latest is not None:
        return redirect(_resume_url(latest))
    form = django_forms.Form(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_start(applicant=actor.user)
        except DomainError as error:
            refused(form, error)
        else:
            return redirect(_resume_url(registration))
    return render(request, "sellers/start.html", {"form": form})


def _own(actor: Actor, registration_id: int) -> Registration:
    """The actor's own self-service registration; anyone else's does not exist here."""
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    if registration.applicant_id != actor.user.pk:
        raise errors.NotFound()
    return registration


def _editable(registration: Registration) -> bool:
    return registration.status in services.EDITABLE


@member_page
def step(request: HttpRequest, registration_id: int, step: str) -> HttpResponse:
    actor = signed_in_actor(request)
    registration = _own(actor, registration_id)
    if step not in rules.STEPS:
        raise Http404(_("There is no such step."))
    if not _editable(registration):
        return redirect("sellers:status", registration.pk)
    handler = STEP_HANDLERS[step]
    response, context = handler(request, actor, registration)
    if response is not None:
        return response
    index = rules.STEPS.index(step)
    context.update(_progress(registration, step))
    context.update(
        {
            "registration": registration,
            "title": STEP_TITLES[step],
            "intro": STEP_INTROS[step],
            "previous_url": _step_url(registration, rules.STEPS[index - 1]) if index else "",
        }
    )
    return render(request, "sellers/step.html", context)


def _save(
    request: HttpRequest,
    actor: Actor,
    registration: Registration,
    step: str,
    data: dict[str, Any],
    show: Callable[[DomainError], None],
) -> HttpResponse | None:
    """Save one step through the service; on success go to the next step (or
    the review), on refusal `show` the errors on the form and return None."""
    try:
        saved = services.registration_save_step(
            acting_user=actor, registration=registration, step=step, data=data
        )
    except DomainError as error:
        show(error)
        return None
    index = rules.STEPS.index(step)
    if index + 1 < len(rules.STEPS):
        return redirect(_step_url(saved, rules.STEPS[index + 1]))
    return redirect("sellers:review", saved.pk)


Handled = tuple[HttpResponse | None, dict[str, Any]]
StepHandler = Callable[[HttpRequest, Actor, Registration], Handled]


def _simple_step(
    form_class: type[django_forms.Form],
    step: str,
    initial: Callable[[Registration], dict[str, Any]],
) -> StepHandler:
    def handle(request: HttpRequest, actor: Actor, registration: Registration) -> Handled:
        form = form_class(bound(request), initial=initial(registration))
        if request.method == "POST" and form.is_valid():
            step_data = getattr(form, "step_data", None)
            data = step_data() if step_data else dict(form.cleaned_data)
            response = _save(
                request, actor, registration, step, data, lambda error: refused(form, error)
            )
            if response is not None:
                return response, {}
        return None, {"form": form}

    return handle


def _key_person_initial(registration: Registration) -> dict[str, Any]:
    return {
        "key_person_name": registration.key_person_name,
        "key_person_designation": registration.key_person_designation,
        "key_person_mobile": registration.key_person_mobile,
        "key_person_email": registration.key_person_email,
    }


def _bank_initial(registration: Registration) -> dict[str, Any]:
    bank = BankAccount.objects.filter(registration=registration).first()
    if bank is None:
        return {"account_holder": registration.legal_name}
    return {
        "account_holder": bank.account_holder,
        "account_number": bank.account_number,
        "ifsc": bank.ifsc,
    }


def _declaration_initial(registration: Registration) -> dict[str, Any]:
    if not registration.current_step or rules.STEPS.index(
        registration.current_step
    ) < rules.STEPS.index(rules.STEP_DECLARATION):
        return {}
    return {
        "land_border_country": "yes" if registration.land_border_country else "no",
        "land_border_registration_number": registration.land_border_registration_number,
        "land_border_registration_valid_until": registration.land_border_registration_valid_until,
    }


def _offices_step(request: HttpRequest, actor: Actor, registration: Registration) -> Handled:
    """1–5 offices. Without JavaScript, "Add another office" posts the rows
    typed so far and shows them again with one more, saving nothing."""
    if request.method == "POST" and "add_office" in request.POST:
        typed = OfficeFormSet(request.POST, prefix="offices")
        rows = [
            {name: form[name].value() for name in form.fields if name != "DELETE"}
            for form in typed.forms
        ]
        rows.append({"state": registration.state})
        formset = OfficeFormSet(initial=rows[:MAX_OFFICES], prefix="offices")
        return None, {"formset": formset, "can_add": len(rows) < MAX_OFFICES}
    offices = list(registration.offices.all())
    initial = [
        {
            "gstin": office.gstin or "",
            "address": office.address,
            "district": office.district,
            "state": office.state,
            "pincode": office.pincode,
            "is_head_office": office.is_head_office,
        }
        for office in offices
    ] or [
        {
            "address": registration.address,
            "district": registration.district,
            "state": registration.state,
            "pincode": registration.pincode,
            "is_head_office": True,
        }
    ]
    formset = OfficeFormSet(bound(request), initial=initial, prefix="offices")
    if request.method == "POST" and formset.is_valid():
        data = {"offices": cast(BaseOfficeFormSet, formset).offices()}
        response = _save(
            request,
            actor,
            registration,
            rules.STEP_OFFICES,
            data,
            lambda error: _show_office_errors(formset, error),
        )
        if response is not None:
            return response, {}
    return None, {"formset": formset, "can_add": formset.total_form_count() < MAX_OFFICES}


def _show_office_errors(formset: Any, error: DomainError) -> None:
    if isinstance(error, errors.NotFound | errors.PermissionDenied):
        raise error
    sent = [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    placed = False
    for name, messages_ in error.fields.items():
        parts = name.split(".")
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else -1
        target = sent[index] if 0 <= index < len(sent) else None
        for message in messages_:
            if target is not None and parts[2] in target.fields:
                target.add_error(parts[2], str(message))
                placed = True
            else:
                formset.non_form_errors().append(str(message))
    if not placed and not error.fields:
        formset.non_form_errors().append(str(error.message))


def _categories_step(request: HttpRequest, actor: Actor, registration: Registration) -> Handled:
    initial = CategoriesForm.initial_from(list(registration.categories.all()))
    form = CategoriesForm(bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {"categories": form.categories()}
        response = _save(
            request,
            actor,
            registration,
            rules.STEP_CATEGORIES,
            data,
            lambda error: refused(form, error),
        )
        if response is not None:
            return response, {}
    return None, {"form": form, "groups": form.groups()}


STEP_HANDLERS: dict[str, StepHandler] = {
    rules.STEP_FIRM: _simple_step(FirmForm, rules.STEP_FIRM, FirmForm.initial_from),
    rules.STEP_OFFICES: _offices_step,
    rules.STEP_BANK: _simple_step(BankForm, rules.STEP_BANK, _bank_initial),
    rules.STEP_KEY_PERSON: _simple_step(KeyPersonForm, rules.STEP_KEY_PERSON, _key_person_initial),
    rules.STEP_CATEGORIES: _categories_step,
    rules.STEP_DECLARATION: _simple_step(
        DeclarationForm, rules.STEP_DECLARATION, _declaration_initial
    ),
}


# --- review, submit and status -------------------------------------------------------------


def _caution(registration: Registration, segments: set[str]) -> dict[str, Any] | None:
    """KYC-6: the caution money as decided at submission, or as it would be
    decided now for a draft (the same pure rule, the policy in force)."""
    if registration.caution_money_paise is not None:
        exemption = registration.caution_money_rule.partition("exempt: ")[2]
        amount = registration.caution_money_paise
    elif registration.business_type:
        decision = rules.caution_money(
            turnover_paise=registration.annual_turnover_paise,
            segments=segments,
            business_type=registration.business_type,
            kyc_policy=policy_in_force().kyc,
        )
        exemption, amount = decision.exemption, decision.amount_paise
    else:
        return None
    explanation = (
        EXEMPTION_TEXTS.get(exemption, exemption)
        if exemption
        else _("By the firm's annual turnover.")
    )
    return {"amount_paise": amount, "explanation": explanation}


def _summary(registration: Registration, *, editable: bool) -> dict[str, Any]:
    loaded = selectors.registration_details(registration=registration)
    categories = list(loaded.categories.all())
    # A missing one-to-one row raises an AttributeError subclass: no account yet.
    bank = getattr(loaded, "bank_account", None)
    return {
        "registration": loaded,
        "offices": list(loaded.offices.all()),
        "bank": bank,
        "categories": categories,
        "caution": _caution(loaded, {category.kind for category in categories}),
        "edit_links": (
            {step: _step_url(registration, step) for step in rules.STEPS} if editable else {}
        ),
    }


# Where each field a submission may refuse is entered.
_FIELD_STEPS: dict[str, str] = {
    "pan": rules.STEP_FIRM,
    "gstin": rules.STEP_OFFICES,
    "land_border_registration_number": rules.STEP_DECLARATION,
    "land_border_registration_valid_until": rules.STEP_DECLARATION,
}


def _submit_problems(registration: Registration, error: DomainError) -> list[dict[str, Any]]:
    """A refused submission's field errors, each with the step to fix it in."""
    problems = []
    for name, messages_ in error.fields.items():
        step = name if name in rules.STEPS else _FIELD_STEPS.get(name.split(".")[0])
        if step is None and name.startswith("offices"):
            step = rules.STEP_OFFICES
        problems.append(
            {
                "title": STEP_TITLES.get(step or "", ""),
                "url": _step_url(registration, step) if step else "",
                "messages": [str(message) for message in messages_],
            }
        )
    return problems


@member_page
def review(request: HttpRequest, registration_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    registration = _own(actor, registration_id)
    if not _editable(registration):
        return redirect("sellers:status", registration.pk)
    form = django_forms.Form(bound(request))
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.registration_submit(acting_user=actor, registration=registration)
        except DomainError as error:
            problems = _submit_problems(registration, error)
            if problems:
                form.add_error(None, str(error.message))
            else:
                refused(form, error)
        else:
            signals.registration_submitted.send(
                sender=Registration, registration=submitted, request=request
            )
            messages.success(request, _("Your registration has been submitted."))
            return redirect("sellers:status", submitted.pk)
    context = _summary(registration, editable=True)
    context.update(_progress(registration, "review"))
    context.update(
        {
            "form": form,
            "problems": problems,
            "previous_url": _step_url(registration, rules.STEP_DECLARATION),
        }
    )
    return render(request, "sellers/review.html", context)


@member_page
def status(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The registration's state for its applicant (or its firm's admin, or an operator)."""
    actor = signed_in_actor(request)
    registration = selectors.registration_get(actor=actor, registration_id=registration_id)
    own = registration.applicant_id == actor.user.pk
    context = _summary(registration, editable=own and _editable(registration))
    context["own"] = own
    return render(request, "sellers/status.html", context)


# --- the operators' pages -----------------------------------------------------------------


@member_page
def directory(request: HttpRequest) -> HttpResponse:
    selectors.require_operator(actor=signed_in_actor(request))
    filters = DirectoryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.seller_directory(
        state=chosen.get("state") or None,
        district=chosen.get("district") or None,
        segment=chosen.get("segment") or None,
        status=chosen.get("status") or None,
        business_type=chosen.get("business_type") or None,
        q=chosen.get("q") or None,
    )
    page_obj = Paginator(found.order_by("-id"), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    segments = selectors.registration_segments(
        registration_ids=[registration.pk for registration in page_obj]
    )
    rows = [
        {
            "registration": registration,
            "segments": [Segment(kind).label for kind in sorted(segments.get(registration.pk, ()))],
        }
        for registration in page_obj
    ]
    # Counts by status of everything the filters match (one grouped query).
    by_status = dict(
        found.order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    status_counts = [
        (label, by_status.get(code, 0))
        for code, label in Registration.Status.choices
        if code != Registration.Status.DRAFT
    ]
    query = urlencode({key: value for key, value in chosen.items() if value})
    return render(
        request,
        "sellers/directory.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "rows": rows,
            "query": query,
            "status_counts": status_counts,
        },
    )


def _operator_registration(
    request: HttpRequest, registration_id: int
) -> tuple[Actor, Registration]:
    actor = signed_in_actor(request)
    selectors.require_operator(actor=actor)
    return actor, selectors.registration_get(actor=actor, registration_id=registration_id)


@member_page
def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    _operator, registration = _operator_registration(request, registration_id)
    return render(
        request, "sellers/registration_detail.html", _summary(registration, editable=False)
    )


def _confirm(
    request: HttpRequest,
    *,
    form: django_forms.Form,
    perform: Callable[[], object],
    done: str,
    registration: Registration,
    title: str,
    explanation: str,
    button: str,
    danger: bool = False,
) -> HttpResponse:
    """A confirmation page for one operator action: GET asks, POST performs
    it through the service and goes back to the registration."""
    back = reverse("sellers:registration_detail", args=[registration.pk])
    if request.method == "POST" and form.is_valid():
        try:
            perform()
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    context = {
        "form": form,
        "title": title,
        "explanation": explanation,
        "button": button,
        "danger": danger,
        "back": back,
    }
    return render(request, "sellers/confirm.html", context)


@member_page
def registration_verify(request: HttpRequest, registration_id: int) -> HttpResponse:
    actor, registration = _operator_registration(request, registration_id)
    return _confirm(
        request,
        form=django_forms.Form(bound(request)),
        perform=lambda: services.registration_verify(acting_user=actor, registration=registration),
        done=_("%(name)s is verified.") % {"name": registration},
        registration=registration,
        title=_("Verify %(name)s?") % {"name": registration},
        explanation=_(
            "You have checked the PAN, GSTINs, bank account and category evidence "
            "against the firm's documents."
        ),
        button=_("Verify"),
    )


@member_page
def registration_reject(request: HttpRequest, registration_id: int) -> HttpResponse:
    actor, registration = _operator_registration(request, registration_id)
    form = RejectForm(bound(request))

    def perform() -> object:
        return services.registration_reject(
            acting_user=actor, registration=registration, reason=form.cleaned_data["reason"]
        )

    return _confirm(
        request,
        form=form,
        perform=perform,
        done=_("%(name)s is rejected.") % {"name": registration},
        registration=registration,
        title=_("Reject %(name)s?") % {"name": registration},
        explanation=_("The applicant sees your reason and may register again."),
        button=_("Reject"),
        danger=True,
    )
