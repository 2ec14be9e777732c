"""Writes for accounts: the buyer tree, users and roles, seller firms, API tokens.

Every service is keyword-only, runs in one transaction, checks who is acting
(a `User` or an `Actor`; `None` means the system, e.g. the demo loader),
applies the pure rules of `rules.py` and appends one audit event. Refusals
raise `kraya.core.errors` exceptions with stable codes and change nothing.
Membership changes inside an organisation (or firm) lock that organisation's
(or firm's) row first, so two concurrent changes never both pass a check."""

from kraya.accounts.services.sellers import (
    seller_firm_create,
    seller_firm_create_for_applicant,
    seller_user_create,
    seller_user_deactivate,
)
from kraya.accounts.services.tokens import api_token_create, api_token_revoke
from kraya.accounts.services.tree import buyer_unit_create, organisation_register
from kraya.accounts.services.users import (
    primary_role_hand_over,
    secondary_user_create,
    secondary_user_deactivate,
    secondary_user_reactivate,
    secondary_user_update,
    user_password_set_by_link,
    user_set_language,
    user_sign_up,
)

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "buyer_unit_create",
    "organisation_register",
    "primary_role_hand_over",
    "secondary_user_create",
    "secondary_user_deactivate",
    "secondary_user_reactivate",
    "secondary_user_update",
    "seller_firm_create",
    "seller_firm_create_for_applicant",
    "seller_user_create",
    "seller_user_deactivate",
    "user_password_set_by_link",
    "user_set_language",
    "user_sign_up",
]
