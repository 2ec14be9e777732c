"""The seller registration workflow (KYC-1..6): a draft saved step by step,
submitted (caution money computed, the firm created with the applicant as its
admin), then verified or rejected by an operator.

Transitions are data (`_TRANSITIONS`) applied in one place under a row lock;
every change appends its audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts import services as account_services
from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor, as_actor
from kraya.core import audit, clock
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kraya.core.policy import policy_at
from kraya.sellers import rules, signals
from kraya.sellers.models import BankAccount, Registration, SellerOffice, SocialCategory
from kraya.sellers.services import checks
from kraya.sellers.services.checks import KYC_MESSAGES, StepErrors

Acting = User | Actor
Status = Registration.Status

# The state machine: action → (from states, to state).
_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({Status.DRAFT, Status.REJECTED}), Status.SUBMITTED),
    "verify": (frozenset({Status.SUBMITTED}), Status.VERIFIED),
    "reject": (frozenset({Status.SUBMITTED}), Status.REJECTED),
}
# The applicant may edit a draft, and a rejected registration to submit it again.
EDITABLE = frozenset({Status.DRAFT, Status.REJECTED})

_FIRM_FIELDS = (
    "legal_name",
    "trade_name",
    "pan",
    "constitution",
    "business_type",
    "year_established",
    "annual_turnover_paise",
    "address",
    "state",
    "district",
    "pincode",
    "email",
    "mobile",
)
_KEY_PERSON_FIELDS = (
    "key_person_name",
    "key_person_designation",
    "key_person_mobile",
    "key_person_email",
    "aadhaar_masked",
)
_DECLARATION_FIELDS = (
    "land_border_country",
    "land_border_registration_number",
    "land_border_registration_valid_until",
)


def _lock(registration: Registration) -> Registration:
    found = Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if found is None:
        raise NotFound()
    return found


def _transition(registration: Registration, action: str) -> None:
    sources, target = _TRANSITIONS[action]
    if registration.status not in sources:
        raise Conflict(
            _("This registration cannot be changed in its present state."),
            code="sellers.wrong_status",
        )
    registration.status = target


def _require_applicant(actor: Actor, registration: Registration) -> None:
    """Only the applicant edits their registration; to anyone else who may
    not read it, it does not exist."""
    if registration.applicant_id != actor.user.pk:
        if actor.is_operator:
            raise PermissionDenied(
                _("Only the applicant can change this registration."),
                code="sellers.not_applicant",
            )
        raise NotFound()


def _require_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="accounts.not_operator"
        )


def _segments(registration: Registration) -> set[str]:
    return set(registration.categories.values_list("kind", flat=True))


# --- start and save --------------------------------------------------------------------


@transaction.atomic
def registration_start(*, applicant: User) -> Registration:
    """KYC-5 (self-service): the applicant's open registration (a draft, or a
    rejected one to correct), or a new draft: one at a time, resumable."""
    if not getattr(applicant, "pk", None) or not applicant.is_active:
        raise PermissionDenied(code="auth.forbidden")
    User.objects.select_for_update().filter(pk=applicant.pk).first()
    existing = (
        Registration.objects.filter(applicant=applicant, status__in=sorted(EDITABLE))
        .order_by("-id")
        .first()
    )
    if existing is not None:
        return existing
    registration = Registration.objects.create(
        applicant=applicant,
        channel=Registration.Channel.SELF,
        source="self",
        email=applicant.email,
        mobile=applicant.mobile,
    )
    audit.record(actor=applicant, action="sellers.registration.start", target=registration)
    return registration


def _save_firm(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = checks.clean_firm(data, today=clock.today_ist())
    taken = (
        SellerFirm.objects.filter(pan=cleaned["pan"]).exclude(pk=registration.firm_id or 0).exists()
    )
    if taken:
        raise ValidationFailed(
            code="kyc.pan_registered", fields={"pan": [KYC_MESSAGES["kyc.pan_registered"]]}
        )
    if registration.firm_id and cleaned["pan"] != registration.pan:
        raise ValidationFailed(
            code="kyc.pan_fixed",
            fields={"pan": [_("The PAN of a registered firm cannot change.")]},
        )
    for name in _FIRM_FIELDS:
        setattr(registration, name, cleaned[name])
    return {"pan": cleaned["pan"], "constitution": cleaned["constitution"]}


def _require_pan(registration: Registration) -> str:
    if not registration.pan:
        raise ValidationFailed(
            code="kyc.firm_step_first",
            fields={"pan": [_("Save the firm's details with its PAN first.")]},
        )
    return registration.pan


def _save_offices(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    offices = checks.clean_offices(data, pan=_require_pan(registration))
    errors = StepErrors()
    gstins = [office["gstin"] for office in offices if office["gstin"]]
    taken = set(
        SellerOffice.objects.filter(gstin__in=gstins)
        .exclude(registration=registration)
        .values_list("gstin", flat=True)
    )
    for index, office in enumerate(offices):
        if office["gstin"] in taken:
            errors.add(
                f"offices.{index}.gstin",
                KYC_MESSAGES["kyc.gstin_registered"],
                "kyc.gstin_registered",
            )
    errors.raise_if_any()
    registration.offices.all().delete()
    try:
        # A savepoint: a concurrent registration that took a GSTIN after our
        # check breaks the unique constraint; that is a field error, not a 500.
        with transaction.atomic():
            SellerOffice.objects.bulk_create(
                SellerOffice(registration=registration, **office) for office in offices
            )
    except IntegrityError as error:
        raise ValidationFailed(
            code="kyc.gstin_registered",
            fields={"offices": [KYC_MESSAGES["kyc.gstin_registered"]]},
        ) from error
    return {"offices": len(offices), "gstins": gstins}


def _save_bank(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = checks.clean_bank(data)
    BankAccount.objects.update_or_create(registration=registration, defaults=cleaned)
    return {"ifsc": cleaned["ifsc"], "account_last4": cleaned["account_number"][-4:]}


def _save_key_person(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = checks.clean_key_person(data)
    for name in _KEY_PERSON_FIELDS:
        setattr(registration, name, cleaned[name])
    return {"aadhaar_given": bool(cleaned["aadhaar_masked"])}


def _save_categories(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    categories = checks.clean_categories(data)
    registration.categories.all().delete()
    SocialCategory.objects.bulk_create(
        SocialCategory(registration=registration, **category) for category in categories
    )
    return {"segments": sorted(category["kind"] for category in categories)}


def _save_declaration(registration: Registration, data: Mapping[str, Any]) -> dict[str, Any]:
    today = clock.today_ist()
    cleaned = checks.clean_declaration(data, today=today, kyc_policy=policy_at(today).kyc)
    for name in _DECLARATION_FIELDS:
        setattr(registration, name, cleaned[name])
    return {"land_border_country": cleaned["land_border_country"]}


_STEP_SAVERS: dict[str, Callable[[Registration, Mapping[str, Any]], dict[str, Any]]] = {
    rules.STEP_FIRM: _save_firm,
    rules.STEP_OFFICES: _save_offices,
    rules.STEP_BANK: _save_bank,
    rules.STEP_KEY_PERSON: _save_key_person,
    rules.STEP_CATEGORIES: _save_categories,
    rules.STEP_DECLARATION: _save_declaration,
}


@transaction.atomic
def registration_save_step(
    *, acting_user: Acting, registration: Registration, step: str, data: Mapping[str, Any]
) -> Registration:
    """Validate and save one wizard step of the applicant's registration; the
    other steps may still be empty. Field problems raise `ValidationFailed`
    and change nothing."""
    actor = as_actor(acting_user)
    if step not in _STEP_SAVERS:
        raise NotFound(_("There is no such step."), code="sellers.unknown_step")
    registration = _lock(registration)
    _require_applicant(actor, registration)
    if registration.status not in EDITABLE:
        raise Conflict(
            _("A submitted registration cannot be changed."), code="sellers.wrong_status"
        )
    if not isinstance(data, Mapping):
        raise ValidationFailed(code="validation")
    payload = _STEP_SAVERS[step](registration, data)
    if not registration.current_step or rules.STEPS.index(step) > rules.STEPS.index(
        registration.current_step
    ):
        registration.current_step = step
    registration.updated_at = clock.now()
    registration.save()
    audit.record(
        actor=actor.user,
        action="sellers.registration.save_step",
        target=registration,
        payload={"step": step, **payload},
    )
    return registration


# --- submit, verify, reject ---------------------------------------------------------------


def _missing_steps(registration: Registration) -> dict[str, list[Any]]:
    """Which steps a registration still lacks, as field errors keyed by step."""
    missing: dict[str, list[Any]] = {}
    if not (registration.pan and registration.legal_name and registration.business_type):
        missing[rules.STEP_FIRM] = [_("Fill in the firm's details.")]
    if not registration.offices.exists():
        missing[rules.STEP_OFFICES] = [_("Add at least one office.")]
    if not BankAccount.objects.filter(registration=registration).exists():
        missing[rules.STEP_BANK] = [_("Add the bank account.")]
    if not registration.key_person_name:
        missing[rules.STEP_KEY_PERSON] = [_("Name the key person.")]
    declared = registration.current_step and rules.STEPS.index(
        registration.current_step
    ) >= rules.STEPS.index(rules.STEP_DECLARATION)
    if not declared:
        missing[rules.STEP_DECLARATION] = [_("Make the land-border declaration.")]
    return missing


def _revalidate(registration: Registration) -> None:
    """Check the stored draft again (a step may have been saved under rules
    that changed, or a land-border registration may have expired since)."""
    today = clock.today_ist()
    kyc_policy = policy_at(today).kyc
    try:
        rules.land_border_declaration_check(
            land_border_country=registration.land_border_country,
            registration_number=registration.land_border_registration_number,
            valid_until=registration.land_border_registration_valid_until,
            today=today,
            kyc_policy=kyc_policy,
        )
        for office in registration.offices.exclude(gstin=None):
            assert office.gstin is not None
            rules.gstin_matches_pan(gstin=office.gstin, pan=registration.pan)
    except rules.KycError as error:
        raise checks.kyc_failure(error) from None


@transaction.atomic
def registration_submit(*, acting_user: Acting, registration: Registration) -> Registration:
    """KYC-1..6: check every step, compute the caution money (KYC-6, with the
    rule and policy version as its receipt), create the seller firm with the
    applicant as its admin (ROLE-3), and mark the registration submitted."""
    actor = as_actor(acting_user)
    registration = _lock(registration)
    _require_applicant(actor, registration)
    _transition(registration, "submit")
    missing = _missing_steps(registration)
    if missing:
        raise ValidationFailed(
            _("Some steps are not complete yet."), code="sellers.incomplete", fields=missing
        )
    _revalidate(registration)
    today = clock.today_ist()
    policy = policy_at(today)
    decision = rules.caution_money(
        turnover_paise=registration.annual_turnover_paise,
        segments=_segments(registration),
        business_type=registration.business_type,
        kyc_policy=policy.kyc,
    )
    registration.caution_money_paise = decision.amount_paise
    registration.caution_money_rule = decision.rule
    registration.policy_version = policy.version
    name = registration.legal_name
    if registration.firm is None:
        if SellerFirm.objects.filter(pan=registration.pan).exists():
            raise ValidationFailed(
                code="kyc.pan_registered", fields={"pan": [KYC_MESSAGES["kyc.pan_registered"]]}
            )
        registration.firm = account_services.seller_firm_create_for_applicant(
            name=name,
            pan=registration.pan,
            state=registration.state,
            district=registration.district,
            admin=actor.user,
        )
    else:
        SellerFirm.objects.filter(pk=registration.firm.pk).update(
            name=name, state=registration.state, district=registration.district, is_active=True
        )
        signals.seller_firms_changed.send(sender=SellerFirm, firm_ids=[registration.firm.pk])
    now = clock.now()
    registration.submitted_at = now
    registration.updated_at = now
    registration.rejection_reason = ""
    registration.save()
    audit.record(
        actor=actor.user,
        action="sellers.registration.submit",
        target=registration,
        payload={
            "firm_id": registration.firm.pk,
            "pan": registration.pan,
            "caution_money_paise": decision.amount_paise,
            "caution_money_rule": decision.rule,
            "exemption": decision.exemption,
            **policy.receipt("kyc"),
        },
    )
    return registration


@transaction.atomic
def registration_verify(*, acting_user: Acting, registration: Registration) -> Registration:
    """KYC-1..3: an operator has checked the documents and evidence; the
    registration and its categories become verified."""
    actor = as_actor(acting_user)
    _require_operator(actor)
    registration = _lock(registration)
    _transition(registration, "verify")
    now = clock.now()
    registration.verified_at = now
    registration.verified_by = actor.user
    registration.updated_at = now
    registration.save()
    registration.categories.update(verified=True)
    if registration.firm_id:
        signals.seller_firms_changed.send(sender=SellerFirm, firm_ids=[registration.firm_id])
    audit.record(
        actor=actor.user,
        action="sellers.registration.verify",
        target=registration,
        payload={"firm_id": registration.firm_id},
    )
    return registration


@transaction.atomic
def registration_reject(
    *, acting_user: Acting, registration: Registration, reason: str
) -> Registration:
    """An operator refuses a submitted registration, saying why; the firm is
    deactivated until the applicant corrects and submits it again."""
    actor = as_actor(acting_user)
    _require_operator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            code="sellers.reason_required", fields={"reason": [_("Give the reason.")]}
        )
    registration = _lock(registration)
    _transition(registration, "reject")
    registration.rejection_reason = reason[:2000]
    registration.verified_at = None
    registration.verified_by = None
    registration.updated_at = clock.now()
    registration.save()
    if registration.firm_id:
        SellerFirm.objects.filter(pk=registration.firm_id).update(is_active=False)
        signals.seller_firms_changed.send(sender=SellerFirm, firm_ids=[registration.firm_id])
    audit.record(
        actor=actor.user,
        action="sellers.registration.reject",
        target=registration,
        payload={"firm_id": registration.firm_id, "reason": registration.rejection_reason},
    )
    return registration
