"""What every bid service shares: the messages behind stable error codes,
the refusal helpers, and who may act on a bid.

Each service module adds its own codes with `MESSAGES.update({...})` at
import; a code is `bids.<what>` and its message is translated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Role, SellerFirm
from kraya.accounts.selectors import Actor, as_actor
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

MESSAGES: dict[str, Any] = {
    "bids.not_found": _("There is no such bid."),
    "bids.wrong_state": _("This bid cannot do that now: it is %(status)s."),
    "bids.not_buyer": _("Only a Buyer of this bid's office can do this."),
    "bids.not_seller": _("Only a seller firm's bidding user can do this."),
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


def not_found() -> NotFound:
    return NotFound(message("bids.not_found"), code="bids.not_found")


def require_office_buyer(acting_user: Any, office: BuyerUnit) -> Actor:
    """ROLE-2: a Buyer of the bid's office (not its Primary User, ROLE-1)."""
    actor = as_actor(acting_user)
    if Role.BUYER not in actor.roles_in_unit(office):
        raise denied("bids.not_buyer")
    return actor


def require_bidding_seller(acting_user: Any) -> tuple[Actor, SellerFirm]:
    """A seller admin or bidding user, and the firm it bids for."""
    actor = as_actor(acting_user)
    bidding = {Role.SELLER_ADMIN, Role.SELLER_BIDDING}
    membership = next(
        (m for m in actor.memberships if m.seller_firm_id is not None and m.role in bidding),
        None,
    )
    if membership is None or membership.seller_firm is None:
        raise denied("bids.not_seller")
    return actor, membership.seller_firm


def bid_policy(bid: Any) -> Any:
    """The policy a bid runs under: the one in force on its publication day
    (IST), or today for a draft."""
    from kraya.core.clock import to_ist, today_ist
    from kraya.core.policy import policy_at

    on = to_ist(bid.published_at).date() if bid.published_at else today_ist()
    return policy_at(on)
