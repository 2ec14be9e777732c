"""What every catalogue service shares: messages for rule codes, refusals,
authorisation checks and the search-index hook."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import SellerFirm, User
from kraya.accounts.selectors import Actor, as_actor
from kraya.catalog import rules
from kraya.catalog.search import index
from kraya.core.errors import PermissionDenied, ValidationFailed

Acting = User | Actor

MESSAGES: dict[str, Any] = {
    "catalog.title_required": _("Enter a title."),
    "catalog.price_not_positive": _("Enter a price above zero."),
    "catalog.mrp_not_positive": _("Enter an MRP above zero."),
    "catalog.price_too_high": _("This amount is too large."),
    "catalog.price_above_mrp": _("The price cannot be above the MRP."),
    "catalog.stock_out_of_range": _("Enter a stock between 0 and 1,00,00,000."),
    "catalog.lead_time_out_of_range": _("Enter a lead time between 1 and 365 days."),
    "catalog.bad_category_code": _(
        "Use up to 40 lower-case letters, digits and single hyphens, e.g. office-chairs."
    ),
    "catalog.category_code_reserved": _(
        "This word is taken by a catalogue page (search, compare, review…): choose another code."
    ),
    "catalog.bad_parameter_code": _(
        "Use up to 40 lower-case letters, digits and single hyphens, e.g. ram-size."
    ),
    "catalog.name_required": _("Enter a name."),
    "catalog.bad_kind": _("Choose product or service."),
    "catalog.bad_parameter_kind": _("Choose number, choice, text or yes/no."),
    "catalog.bad_choices": _("List at least one value; values must be distinct and not blank."),
    "catalog.too_many_choices": _("A choice parameter can have at most 200 values."),
    "catalog.choices_only_for_choice": _("Only a choice parameter lists values."),
    "catalog.range_inverted": _("The maximum cannot be below the minimum."),
    "catalog.range_only_for_number": _("Only a number parameter has a range."),
    "catalog.parameter_code_taken": _("This category already has a parameter with this code."),
    "catalog.parent_kind_differs": _("A sub-category must be of the same kind as its parent."),
    "catalog.code_taken": _("A category with this code already exists."),
    "catalog.category_inactive": _("This category is closed to new offers."),
    "catalog.parent_inactive": _("This parent category is closed."),
    "catalog.firm_inactive": _("This seller firm is not active."),
    "catalog.spec_unknown": _("This parameter is not in the category's specification."),
    "catalog.spec_required": _("This parameter is required."),
    "catalog.spec_not_a_number": _("Enter a number."),
    "catalog.spec_out_of_range": _("Enter a number from %(low)s to %(high)s %(unit)s."),
    "catalog.spec_below_minimum": _("Enter at least %(low)s %(unit)s."),
    "catalog.spec_above_maximum": _("Enter at most %(high)s %(unit)s."),
    "catalog.spec_not_a_choice": _("Choose one of the listed values."),
    "catalog.spec_not_yes_no": _("Answer yes or no."),
    "catalog.spec_text_too_long": _("Use at most %(limit)s characters."),
    "catalog.origin_required": _("Enter the country of origin."),
    "catalog.origin_unknown": _("Enter a country code such as IN or DE."),
    "catalog.local_content_out_of_range": _("Enter a local content between 0 and 100%."),
    "catalog.brand_required": _("Enter the brand."),
    "catalog.brand_taken": _("This brand is already registered."),
    "catalog.model_required": _("Enter the model."),
    "catalog.service_unit_required": _("Enter the unit the price is for, e.g. per month."),
    "catalog.service_terms_on_product": _("Only services have a unit of service and SLA terms."),
    "catalog.bad_sla": _("List at most 20 service levels, each with a name and a value."),
    "catalog.reason_required": _("Give the reason for the rejection."),
    "catalog.reason_too_long": _("Keep the reason under 1,000 characters."),
    "catalog.product_not_pending": _("This product is not awaiting approval."),
    "catalog.product_not_available": _("This product is not open to offers."),
    "catalog.offer_not_open": _("This offer is withdrawn or rejected and cannot change."),
    "catalog.delivery_states_required": _("Choose at least one state to deliver to."),
    "catalog.delivery_state_unknown": _("Choose states from the list."),
    "catalog.bad_pincode": _("Enter six-digit PIN codes separated by commas."),
    "catalog.too_many_pincodes": _("List at most 500 PIN codes."),
    "catalog.bad_reference_kind": _("Choose a transaction or a market price."),
    "catalog.observed_in_future": _("The observation date cannot be in the future."),
    "catalog.offer_changed": _(
        "This offer was changed by someone else since you loaded it. Reload and try again."
    ),
    "catalog.nothing_to_change": _("Nothing to change."),
    "catalog.csv_bad_offer_id": _("Enter the offer number."),
    "catalog.csv_bad_amount": _("Enter an amount in rupees with up to two decimals."),
    "catalog.csv_nothing_to_change": _("Give a price, an MRP or a stock."),
    "catalog.csv_duplicate_offer": _("This offer appears on an earlier row."),
    "catalog.csv_unknown_offer": _("Your firm has no offer with this number."),
    "catalog.csv_too_large": _("The file is too large (2 MB at most)."),
    "catalog.csv_not_utf8": _("Save the file as CSV in UTF-8."),
    "catalog.csv_bad_headers": _("The first row must name offer_id and price, mrp or stock."),
    "catalog.csv_too_many_rows": _("Send at most 5,000 rows at a time."),
}


def message(problem: rules.Problem) -> str:
    """The translated message for a rule's problem, its values filled in."""
    text = MESSAGES[problem.code]
    if problem.params:
        # A parameter without a unit leaves a gap before the full stop.
        return " ".join(str(text % dict(problem.params)).split()).replace(" .", ".")
    return str(text)


def refuse(problems: list[rules.Problem]) -> ValidationFailed:
    fields: dict[str, list[Any]] = {}
    for problem in problems:
        text = MESSAGES[problem.code] if not problem.params else message(problem)
        fields.setdefault(problem.field, []).append(text)
    return ValidationFailed(code=problems[0].code, fields=fields)


def field_error(field: str, code: str) -> ValidationFailed:
    return ValidationFailed(MESSAGES[code], code=code, fields={field: [MESSAGES[code]]})


def operator_or_system(acting_user: Acting | None) -> Actor | None:
    """Operators' work (CAT-1 templates, CAT-3 approval, brands): the system
    (`None`, e.g. the demo loader) or a signed-in operator, nobody else."""
    actor = as_actor(acting_user) if acting_user is not None else None
    if actor is not None and not actor.is_operator:
        raise PermissionDenied()
    return actor


def catalogue_user(acting_user: Acting, firm: SellerFirm) -> Actor:
    """ROLE-3: only the firm's admin or catalogue users manage its products and offers."""
    actor = as_actor(acting_user)
    if not rules.may_manage_offers(actor.roles_in_firm(firm)).allowed:
        raise PermissionDenied()
    return actor


def user_of(actor: Actor | None) -> User | None:
    return actor.user if actor is not None else None


def reindex_on_commit(offer_ids: Iterable[int]) -> None:
    """Search shows what was committed: re-index these offers once it is."""
    ids = sorted(set(offer_ids))
    if ids:
        transaction.on_commit(lambda: index.offers_changed(ids))
