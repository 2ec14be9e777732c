"""Catalogue rules (DOMAIN §4), the common part: kinds, statuses, the
problem and decision values, offer terms, roles, categories.

No Django here. Each refusal carries the rule id that produced it and a
stable code; services turn the code into a translated message."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PRODUCT = "PRODUCT"
SERVICE = "SERVICE"
KINDS = frozenset({PRODUCT, SERVICE})

# ROLE-3: who in a seller firm may put offers on the catalogue.
OFFER_ROLES = frozenset({"SELLER_ADMIN", "SELLER_CATALOGUE"})

# Category codes appear in addresses (/catalogue/<code>/): short, lower case.
CATEGORY_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORY_CODE_MAX = 40
# The catalogue's own page addresses (catalog/urls.py): /catalogue/<code>/
# cannot be a category's page when <code> is one of these words.
RESERVED_CATEGORY_CODES = frozenset(
    {"search", "compare", "offers", "firms", "my-offers", "review", "templates"}
)
MAX_LEAD_TIME_DAYS = 365
MAX_STOCK = 10_000_000
# Ten lakh crore rupees: far above any catalogue price, far below the column's limit.
MAX_PRICE_PAISE = 10**15

# CAT-1: kinds of specification parameter.
NUMBER = "NUMBER"
CHOICE = "CHOICE"
TEXT = "TEXT"
BOOLEAN = "BOOLEAN"
PARAMETER_KINDS = frozenset({NUMBER, CHOICE, TEXT, BOOLEAN})
PARAMETER_CODE_MAX = 40

# CAT-3: product and offer statuses.
PENDING = "PENDING"
PUBLISHED = "PUBLISHED"
REJECTED = "REJECTED"
WITHDRAWN = "WITHDRAWN"

# MII-1: Make in India classes.
CLASS_1 = "CLASS_1"
CLASS_2 = "CLASS_2"
NON_LOCAL = "NON_LOCAL"

# CAT-4: price flags and kinds of reference price.
ABOVE_REFERENCE = "ABOVE_REFERENCE"
TRANSACTION = "TRANSACTION"
MARKET = "MARKET"


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused value: the field it concerns, a stable code, the rule id,
    and the values its message names (e.g. a range's bounds)."""

    field: str
    code: str
    rule: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    rule: str
    code: str = ""


def offer_price_decision(*, price_paise: int, mrp_paise: int) -> Decision:
    """CAT-4: an offer above its MRP is refused (price equal to MRP is fine)."""
    if price_paise > mrp_paise:
        return Decision(False, "CAT-4", "catalog.price_above_mrp")
    return Decision(True, "CAT-4")


def offer_problems(
    *,
    price_paise: int,
    mrp_paise: int,
    stock: int,
    lead_time_days: int,
) -> list[Problem]:
    """Every problem with an offer's terms (CAT-2, CAT-4), so the seller sees
    them all at once. An empty list means the terms are acceptable."""
    problems: list[Problem] = []
    if price_paise <= 0:
        problems.append(Problem("price_paise", "catalog.price_not_positive", "CAT-2"))
    elif price_paise > MAX_PRICE_PAISE:
        problems.append(Problem("price_paise", "catalog.price_too_high", "CAT-2"))
    if mrp_paise <= 0:
        problems.append(Problem("mrp_paise", "catalog.mrp_not_positive", "CAT-2"))
    elif mrp_paise > MAX_PRICE_PAISE:
        problems.append(Problem("mrp_paise", "catalog.price_too_high", "CAT-2"))
    if price_paise > 0 and mrp_paise > 0:
        decision = offer_price_decision(price_paise=price_paise, mrp_paise=mrp_paise)
        if not decision.allowed:
            problems.append(Problem("price_paise", decision.code, decision.rule))
    if not 0 <= stock <= MAX_STOCK:
        problems.append(Problem("stock", "catalog.stock_out_of_range", "CAT-2"))
    if not 1 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        problems.append(Problem("lead_time_days", "catalog.lead_time_out_of_range", "CAT-2"))
    return problems


def may_manage_offers(roles_in_firm: Iterable[str]) -> Decision:
    """ROLE-3: the firm's admin and its catalogue users manage its offers;
    bidding and fulfilment users do not."""
    if OFFER_ROLES.intersection(roles_in_firm):
        return Decision(True, "ROLE-3")
    return Decision(False, "ROLE-3", "auth.forbidden")


def category_problems(*, code: str, name: str, kind: str, parent_kind: str | None) -> list[Problem]:
    """CAT-1: a category has a short address code, a name and a kind; a
    sub-category has its parent's kind (products under products)."""
    problems: list[Problem] = []
    if not (CATEGORY_CODE.fullmatch(code) and len(code) <= CATEGORY_CODE_MAX):
        problems.append(Problem("code", "catalog.bad_category_code", "CAT-1"))
    elif code in RESERVED_CATEGORY_CODES:
        problems.append(Problem("code", "catalog.category_code_reserved", "CAT-1"))
    if not name.strip():
        problems.append(Problem("name", "catalog.name_required", "CAT-1"))
    if kind not in KINDS:
        problems.append(Problem("kind", "catalog.bad_kind", "CAT-1"))
    elif parent_kind is not None and parent_kind != kind:
        problems.append(Problem("parent", "catalog.parent_kind_differs", "CAT-1"))
    return problems
