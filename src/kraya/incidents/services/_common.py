"""What every incident service shares: messages behind stable error codes,
the refusal helpers, and who is on which side of an incident.

Authorization (server-side, per object): the raiser's side (the raising
user's buyer office or seller firm), the respondent's side and operators see
an incident; anyone else gets 404. Seeing it without the right to a step is
403."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Role, SellerFirm
from kraya.accounts.selectors import Actor, as_actor
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kraya.incidents.models import Incident

MESSAGES: dict[str, Any] = {
    "incidents.not_found": _("There is no such incident."),
    "incidents.target_not_found": _("There is no such bid, order or offer."),
    "incidents.wrong_state": _("This incident cannot do that now: it is %(status)s."),
    "incidents.not_party": _("Only a party to this bid, order or offer can raise an incident."),
    "incidents.not_respondent": _("Only the party this incident is against can do this."),
    "incidents.not_raiser": _("Only the party who raised this incident can do this."),
    "incidents.not_operator": _("Only a platform operator can do this."),
    "incidents.not_penalised": _("Only the party the action was taken against can appeal."),
    "incidents.one_target": _("Choose exactly one bid, order or offer."),
    "incidents.respondent_required": _("Choose the seller firm this incident is against."),
    "incidents.respondent_not_bidder": _("This seller firm has no submission to this bid."),
    "incidents.description_required": _("Describe the incident (up to %(limit)s characters)."),
    "incidents.text_required": _("Write your message (up to %(limit)s characters)."),
    "incidents.reasons_required": _("Give the reasons for the decision."),
    "incidents.unknown_category": _("Choose a category."),
    "incidents.unknown_severity": _("Choose a severity: mild, serious, severe or grave."),
    "incidents.unknown_action": _(
        "Choose an action: warning, suspension, catalogue removal or debarment."
    ),
    "incidents.action_not_for_buyer": _("A buyer office can only be warned."),
    "incidents.other_action_reason": _(
        "Give a reason for choosing an action other than the policy's %(default)s."
    ),
    "incidents.suspension_days": _("Enter a suspension of 1 to 365 days."),
    "incidents.debarment_until": _("Enter a debarment end date after today."),
    "incidents.nothing_to_remove": _(
        "This incident names no offer to remove from the catalogue: choose another action."
    ),
    "incidents.reply_window_closed": _("The reply window closed on %(due)s."),
    "incidents.appeal_window_closed": _("The appeal window closed on %(due)s."),
    "incidents.unknown_outcome": _("Choose whether the decision is upheld or overturned."),
    "incidents.document_type": _("Attach a PDF, PNG or JPEG file."),
    "incidents.document_too_large": _("Attach a file of at most %(limit_mb)s MB."),
}

MAX_TEXT = 5000
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
BUYER_SIDE_ROLES = frozenset({Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY})


def message(code: str, **params: Any) -> str:
    text = MESSAGES[code]
    return str(text % params) if params else str(text)


def invalid(field: str, code: str, **params: Any) -> ValidationFailed:
    text = message(code, **params)
    return ValidationFailed(text, code=code, fields={field: [text]})


def conflict(code: str, **params: Any) -> Conflict:
    return Conflict(message(code, **params), code=code)


def denied(code: str) -> PermissionDenied:
    return PermissionDenied(message(code), code=code)


def not_found(code: str = "incidents.not_found") -> NotFound:
    return NotFound(message(code), code=code)


def wrong_state(incident: Incident) -> Conflict:
    return conflict("incidents.wrong_state", status=incident.get_status_display())


def office_side(actor: Actor, office: BuyerUnit | None) -> bool:
    """A buyer-side user (Buyer, Consignee, Paying Authority) of `office`."""
    return office is not None and bool(actor.roles_in_unit(office) & BUYER_SIDE_ROLES)


def firm_side(actor: Actor, firm: SellerFirm | None) -> bool:
    return firm is not None and actor.sees_firm(firm)


def is_raiser(actor: Actor, incident: Incident) -> bool:
    if incident.raised_by_id is not None and incident.raised_by_id == actor.user.pk:
        return True
    return office_side(actor, incident.raiser_office) or firm_side(actor, incident.raiser_firm)


def is_respondent(actor: Actor, incident: Incident) -> bool:
    return office_side(actor, incident.respondent_office) or firm_side(
        actor, incident.respondent_firm
    )


def may_see(actor: Actor, incident: Incident) -> bool:
    return actor.is_operator or is_raiser(actor, incident) or is_respondent(actor, incident)


def visible(acting_user: Any, incident: Incident) -> Actor:
    """The actor, or 404 when the incident is none of theirs."""
    actor = as_actor(acting_user)
    if not may_see(actor, incident):
        raise not_found()
    return actor


def require_operator(acting_user: Any, incident: Incident) -> Actor:
    actor = visible(acting_user, incident)
    if not actor.is_operator:
        raise denied("incidents.not_operator")
    return actor


def require_respondent(acting_user: Any, incident: Incident) -> Actor:
    actor = visible(acting_user, incident)
    if not is_respondent(actor, incident):
        raise denied("incidents.not_respondent")
    return actor


def require_raiser(acting_user: Any, incident: Incident, *, or_operator: bool = False) -> Actor:
    actor = visible(acting_user, incident)
    if is_raiser(actor, incident) or (or_operator and actor.is_operator):
        return actor
    raise denied("incidents.not_raiser")


def clean_text(field: str, text: str, code: str = "incidents.text_required") -> str:
    cleaned = (text or "").strip()
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise invalid(field, code, limit=MAX_TEXT)
    return cleaned
