"""CAT-2/CAT-3: products, services, delivery areas, approval and the
status machines of products and offers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from kraya.catalog.rules.base import (
    PENDING,
    PRODUCT,
    PUBLISHED,
    REJECTED,
    SERVICE,
    WITHDRAWN,
    Decision,
    Problem,
)
from kraya.sellers.rules import GST_STATE_CODES, STATES

MAX_REASON_LENGTH = 1000
MAX_SLA_ITEMS = 20
MAX_PINCODES = 500
PINCODE = re.compile(r"[1-9][0-9]{5}")

# One bit per state or union territory: the bit of its current GST state
# code (Andhra Pradesh is 37, not the pre-2014 28; the merged Dadra and Nagar
# Haveli and Daman and Diu is 26). Codes with no place (97, 99) have none.
STATE_BITS: dict[str, int] = {
    name: max(int(code) for code, other in GST_STATE_CODES.items() if other == name)
    for name in STATES
}


def state_mask(names: Iterable[str]) -> int:
    """The delivery mask for these states (KeyError for an unknown name)."""
    mask = 0
    for name in names:
        mask |= 1 << STATE_BITS[name]
    return mask


def states_in_mask(mask: int) -> list[str]:
    """The states whose bits are set, by name."""
    return sorted(name for name, bit in STATE_BITS.items() if mask >> bit & 1)


def parse_pincodes(text: str) -> tuple[list[str], list[str]]:
    """(valid PIN codes, sorted and unique; the entries that are not PIN codes)."""
    good: set[str] = set()
    bad: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        if PINCODE.fullmatch(part):
            good.add(part)
        else:
            bad.append(part)
    return sorted(good), bad


def delivery_problems(*, states: Iterable[str], pincodes: str) -> list[Problem]:
    """CAT-2: an offer delivers to at least one known state; PIN codes, when
    given, narrow it and must be six-digit codes."""
    names = list(states)
    problems: list[Problem] = []
    if not names:
        problems.append(Problem("delivery_states", "catalog.delivery_states_required", "CAT-2"))
    elif any(name not in STATE_BITS for name in names):
        problems.append(Problem("delivery_states", "catalog.delivery_state_unknown", "CAT-2"))
    good, bad = parse_pincodes(pincodes)
    if bad:
        problems.append(Problem("delivery_pincodes", "catalog.bad_pincode", "CAT-2"))
    elif len(good) > MAX_PINCODES:
        problems.append(Problem("delivery_pincodes", "catalog.too_many_pincodes", "CAT-2"))
    return problems


def brand_key(name: str) -> str:
    """The normalised brand name two spellings share: "Godrej & Boyce",
    "GODREJ  &  BOYCE" and "godrej and boyce" differ; case, width and spacing do not."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(text.split())


def product_problems(
    *,
    category_kind: str,
    brand_name: str,
    title: str,
    model: str,
    service_unit: str,
    sla: Mapping[str, object],
) -> list[Problem]:
    """CAT-2: a product names its brand, title and model; a service names its
    unit of pricing ("per month") and may carry SLA terms; a product has neither."""
    problems: list[Problem] = []
    if not brand_name.strip():
        problems.append(Problem("brand", "catalog.brand_required", "CAT-2"))
    if not title.strip():
        problems.append(Problem("title", "catalog.title_required", "CAT-2"))
    if category_kind == PRODUCT and not model.strip():
        problems.append(Problem("model", "catalog.model_required", "CAT-2"))
    if category_kind == SERVICE and not service_unit.strip():
        problems.append(Problem("service_unit", "catalog.service_unit_required", "CAT-2"))
    if category_kind == PRODUCT and (service_unit.strip() or sla):
        problems.append(Problem("service_unit", "catalog.service_terms_on_product", "CAT-2"))
    if len(sla) > MAX_SLA_ITEMS or any(
        not str(key).strip() or not str(value).strip() for key, value in sla.items()
    ):
        problems.append(Problem("sla", "catalog.bad_sla", "CAT-2"))
    return problems


def status_on_create(*, brand_is_registered: bool) -> Decision:
    """CAT-3: a registered brand's product publishes at once; any other
    waits for an operator (`allowed` = publish now)."""
    if brand_is_registered:
        return Decision(True, "CAT-3", PUBLISHED)
    return Decision(False, "CAT-3", PENDING)


# Status machines as data (STYLE 4): (from, action) → to.
PRODUCT_TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING, "approve"): PUBLISHED,
    (PENDING, "reject"): REJECTED,
}
OFFER_TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING, "publish"): PUBLISHED,  # its product was approved
    (PENDING, "reject"): REJECTED,  # its product was rejected
    (PENDING, "withdraw"): WITHDRAWN,
    (PUBLISHED, "withdraw"): WITHDRAWN,
}


def offer_status_on_create(*, product_status: str) -> str:
    """CAT-3: an offer of a published product is published; an offer of a
    product awaiting approval waits with it."""
    return PUBLISHED if product_status == PUBLISHED else PENDING


def may_offer_product(*, product_status: str, own_product: bool) -> Decision:
    """CAT-3: any firm may offer a published product; a product awaiting
    approval only by the firm that proposed it; a rejected one by nobody."""
    if product_status == PUBLISHED or (product_status == PENDING and own_product):
        return Decision(True, "CAT-3")
    return Decision(False, "CAT-3", "catalog.product_not_available")


def reason_problems(reason: str) -> list[Problem]:
    """CAT-3: a rejection carries a reason."""
    if not reason.strip():
        return [Problem("reason", "catalog.reason_required", "CAT-3")]
    if len(reason) > MAX_REASON_LENGTH:
        return [Problem("reason", "catalog.reason_too_long", "CAT-3")]
    return []
