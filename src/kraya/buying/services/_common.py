"""What every buying service shares: messages for the stable error codes,
refusals, and the role checks of ROLE-2."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Membership, Role, User
from kraya.accounts.selectors import Actor, as_actor
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed

Acting = User | Actor

MESSAGES: dict[str, Any] = {
    "buying.not_buyer": _("Only a Buyer of this office can do this."),
    "buying.not_paying_authority": _(
        "Only the office's Paying Authority, or its Buyer quoting a sanction, can block funds."
    ),
    "buying.office_not_ready": _(
        "This office cannot buy yet: it needs a Primary User, a Buyer and a Paying Authority."
    ),
    "buying.consignee_not_in_office": _("Choose a consignee of this office."),
    "buying.paying_authority_not_in_office": _("Choose a Paying Authority of this office."),
    "buying.separation_of_duties": _(
        "The Paying Authority cannot be the Buyer or the Consignee of the same order."
    ),
    "buying.no_lines": _("Add at least one item."),
    "buying.too_many_lines": _("A demand can hold at most 20 items."),
    "buying.offer_listed_twice": _("This offer is already in the demand."),
    "buying.offer_not_available": _("This offer is no longer on the portal."),
    "buying.mixed_categories": _(
        "All items of a demand must be of one category: make one demand per category."
    ),
    "buying.quantity_out_of_range": _("Enter a quantity from 1 to 10,00,000."),
    "buying.delivery_state_unknown": _("Choose the state to deliver to."),
    "buying.bad_pincode": _("Enter the six-digit PIN code."),
    "buying.address_required": _("Enter the delivery address."),
    "buying.address_too_long": _("Keep the address under 500 characters."),
    "buying.unknown_mode": _("Choose direct purchase, L1 purchase or a bid."),
    "buying.mode_not_allowed": _(
        "This buying mode is not allowed for this value: %(required)s is required."
    ),
    "buying.split": _(
        "Refused as a split: with this office's other demands for this category in the "
        "last %(window_days)s days the value is %(total)s, which requires %(required)s."
    ),
    "buying.too_few_manufacturers": _(
        "Offers from only %(manufacturers)s manufacturers meet the need; an L1 purchase "
        "needs %(min_manufacturers)s. Make a bid instead."
    ),
    "buying.spec_not_met": _("This offer does not meet the golden parameters."),
    "buying.delivery_not_possible": _("This offer does not deliver to the delivery place."),
    "buying.out_of_stock": _(
        "The seller no longer has enough stock of this item. Compare the offers again."
    ),
    "buying.demand_not_open": _("This demand can no longer change."),
    "buying.bid_required": _("This demand needs a bid, not a direct or L1 purchase."),
    "buying.not_decided": _("Compare the offers before blocking funds or ordering."),
    "buying.comparison_stale": _(
        "An offer changed since the comparison was made. Compare the offers again."
    ),
    "buying.already_sanctioned": _("Funds are already blocked for this demand."),
    "buying.sanction_missing": _("Block funds for this demand before placing the order."),
    "buying.sanction_insufficient": _(
        "The funds blocked (%(blocked)s) do not cover the order's %(total)s."
    ),
    "buying.amount_not_positive": _("Enter an amount above zero."),
    "buying.sanction_reference_required": _(
        "Enter the sanction reference (order number and date of the financial sanction)."
    ),
    "buying.reference_too_long": _("Keep the reference under 100 characters."),
    "buying.paying_authority_required": _("Choose the Paying Authority who will pay the bill."),
    "buying.unknown_reason": _("Choose a reason from the list."),
    "buying.reason_text_required": _("Say why, when the reason is 'other'."),
    "buying.item_required": _("Describe what was bought."),
    "buying.value_not_positive": _("Enter the value bought, above zero."),
    "buying.bad_terms": _("Each additional term needs a clause name and its text."),
    "buying.too_many_terms": _("Add at most 20 additional terms."),
}


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


def roles_in(actor: Actor, office: BuyerUnit) -> set[str]:
    return actor.roles_in_unit(office)


def require_buyer(acting_user: Acting, office: BuyerUnit) -> Actor:
    """ROLE-2: only a Buyer of the office buys (a Primary User cannot, ROLE-1)."""
    actor = as_actor(acting_user)
    if Role.BUYER not in roles_in(actor, office):
        raise denied("buying.not_buyer")
    return actor


def member_with_role(*, office: BuyerUnit, user_id: int, role: str) -> User | None:
    """The user, when they hold `role` in `office` (active), else None."""
    membership = (
        Membership.objects.select_related("user")
        .filter(buyer_unit=office, user_id=user_id, role=role, is_active=True, user__is_active=True)
        .first()
    )
    return membership.user if membership is not None else None
