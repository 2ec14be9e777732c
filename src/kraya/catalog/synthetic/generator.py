"""The synthetic catalogue as plain rows, without a database.

Everything is drawn from one `random.Random` per stream, seeded from the
seed and the stream's name, so a given seed gives the same catalogue every
time. Rows are dicts of column attname → value, as `kraya.core.bulk`
takes them; ids of rows they point to are filled in by the loader. Products
and offers are produced in chunks so that memory stays bounded at any
scale."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import string
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from kraya.catalog import rules
from kraya.catalog.synthetic import vocabulary as vocab
from kraya.sellers import rules as seller_rules

# Rows point back to the seed through these marks (see `loader.reset`).
SOURCE = "kraya seed (synthetic)"
CATEGORY_PREFIX = "syn-"
# Timestamps are drawn back from a fixed day, so a seed gives the same rows
# whenever it is run.
ANCHOR = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HISTORY_SECONDS = 730 * 86_400

OFFERS_PER_SELLER = 50
OFFERS_PER_BRAND = 600
OFFERS_PER_CATEGORY = 500

SEGMENT_SHARES: tuple[tuple[str, float], ...] = (
    (seller_rules.MSE, 0.55),
    (seller_rules.WOMAN, 0.12),
    (seller_rules.SC_ST, 0.06),
    (seller_rules.STARTUP, 0.05),
    (seller_rules.ARTISAN, 0.03),
    (seller_rules.WEAVER, 0.03),
    (seller_rules.SHG, 0.02),
    (seller_rules.TRIBAL, 0.02),
)
# Departments whose sellers are often artisans, weavers or GI producers.
_CRAFT_DEPARTMENTS = frozenset({"textiles", "handicrafts"})


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream for one part of the catalogue."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - test data


def when(rng: random.Random) -> dt.datetime:
    return ANCHOR - dt.timedelta(seconds=rng.randrange(HISTORY_SECONDS))


def default_categories(offers: int) -> int:
    """About one leaf category per 500 offers (≈3,000 at 1.5 million), at
    least one per family (so every department is there), at most what the
    templates can make."""
    return max(len(vocab.FAMILIES), min(offers // OFFERS_PER_CATEGORY, max_leaf_categories()))


def max_leaf_categories() -> int:
    return sum(len(f.qualifiers) for f in vocab.FAMILIES) * len(vocab.MODIFIERS)


# --- the category tree ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf category: family × qualifier × modifier."""

    code: str
    name: str
    name_hi: str
    family: vocab.Family
    item: str  # what one product is called, e.g. "Office chair"
    item_hi: str
    modifier: str
    modifier_hi: str
    price_factor: float


def _code(*parts: str, taken: set[str]) -> str:
    slug = "-".join(part for part in parts if part)
    code = (CATEGORY_PREFIX + slug)[: rules.CATEGORY_CODE_MAX].rstrip("-")
    number = 2
    while code in taken:
        suffix = f"-{number}"
        code = (CATEGORY_PREFIX + slug)[: rules.CATEGORY_CODE_MAX - len(suffix)].rstrip("-")
        code += suffix
        number += 1
    taken.add(code)
    return code


def leaves(count: int) -> list[Leaf]:
    """`count` leaf categories, spread over every family before any family
    gets a second modifier, so a small catalogue still spans departments."""
    combos = [
        (m_index, q_index, f_index)
        for m_index in range(len(vocab.MODIFIERS))
        for q_index in range(max(len(f.qualifiers) for f in vocab.FAMILIES))
        for f_index, f in enumerate(vocab.FAMILIES)
        if q_index < len(f.qualifiers)
    ]
    taken: set[str] = set()
    result: list[Leaf] = []
    for m_index, q_index, f_index in combos[:count]:
        family = vocab.FAMILIES[f_index]
        q_code, q_en, q_hi = family.qualifiers[q_index]
        m_code, m_en, m_hi, factor = vocab.MODIFIERS[m_index]
        plural, plural_hi, singular, singular_hi = family.noun
        name = f"{q_en} {plural}".strip()
        name_hi = f"{q_hi} {plural_hi}".strip()
        if m_en:
            name, name_hi = f"{name} ({m_en.lower()})", f"{name_hi} ({m_hi})"
        code = _code(
            q_code, family.code if plural else "", "" if m_index == 0 else m_code, taken=taken
        )
        result.append(
            Leaf(
                code=code,
                name=name,
                name_hi=name_hi,
                family=family,
                item=f"{q_en} {singular}".strip(),
                item_hi=f"{q_hi} {singular_hi}".strip(),
                modifier=m_en,
                modifier_hi=m_hi,
                price_factor=factor,
            )
        )
    return result


def department_rows(used: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "code": CATEGORY_PREFIX + d.code,
            "name": d.en,
            "name_hi": d.hi,
            "kind": d.kind,
            "description": f"{d.en}: every group and item sold on the portal.",
            "description_hi": f"{d.hi}: पोर्टल पर बिकने वाले सभी समूह और वस्तुएँ।",
            "created_at": ANCHOR,
        }
        for d in departments_used(used)
    ]


def departments_used(used: set[str]) -> list[vocab.Department]:
    """The departments that have a family among `used` (family codes)."""
    wanted = {f.department for f in vocab.FAMILIES if f.code in used}
    return [d for d in vocab.DEPARTMENTS if d.code in wanted]


def group_rows(department_ids: dict[str, int], used: set[str]) -> list[dict[str, Any]]:
    kinds = {d.code: d.kind for d in vocab.DEPARTMENTS}
    return [
        {
            "code": CATEGORY_PREFIX + "g-" + f.code,
            "name": f.en,
            "name_hi": f.hi,
            "kind": kinds[f.department],
            "parent_id": department_ids[f.department],
            "description": f"{f.en} for government offices.",
            "description_hi": f"सरकारी कार्यालयों के लिए {f.hi}।",
            "created_at": ANCHOR,
        }
        for f in vocab.FAMILIES
        if f.code in used
    ]


def leaf_rows(all_leaves: list[Leaf], group_ids: dict[str, int]) -> list[dict[str, Any]]:
    kinds = {d.code: d.kind for d in vocab.DEPARTMENTS}
    return [
        {
            "code": leaf.code,
            "name": leaf.name,
            "name_hi": leaf.name_hi,
            "kind": kinds[leaf.family.department],
            "parent_id": group_ids[leaf.family.code],
            "description": f"{leaf.name}, with {', '.join(_param_names(leaf.family))}.",
            "description_hi": f"{leaf.name_hi}: {', '.join(_param_names(leaf.family, hi=True))}।",
            "created_at": ANCHOR,
        }
        for leaf in all_leaves
    ]


def _param_names(family: vocab.Family, *, hi: bool = False) -> list[str]:
    return [
        (vocab.PARAMS[code].hi if hi else vocab.PARAMS[code].en.lower()) for code in family.golden
    ]


def spec_parameter_rows(family: vocab.Family, category_id: int) -> list[dict[str, Any]]:
    """CAT-1: the family's template, golden parameters first."""
    rows: list[dict[str, Any]] = []
    for position, code in enumerate((*family.golden, *family.silver)):
        param = vocab.PARAMS[code]
        rows.append(
            {
                "category_id": category_id,
                "code": param.code,
                "name": param.en,
                "name_hi": param.hi,
                "kind": param.kind,
                "unit": param.unit,
                "choices": [{"value": v, "en": en, "hi": hi} for v, en, hi in param.choices],
                "is_golden": code in family.golden,
                "is_required": code in family.required,
                "min_value": param.low if param.kind == vocab.NUMBER else None,
                "max_value": param.high if param.kind == vocab.NUMBER else None,
                "position": position,
            }
        )
    return rows


# --- sellers ----------------------------------------------------------------------

_LETTERS = string.ascii_uppercase
_STATE_CODES: dict[str, str] = {}
for _code_number, _state in sorted(seller_rules.GST_STATE_CODES.items()):
    _STATE_CODES[_state] = _code_number  # the newest code of a state wins


# Udyam numbers carry the state's vehicle-registration letters.
UDYAM_STATES: dict[str, str] = {
    "Andaman and Nicobar Islands": "AN",
    "Andhra Pradesh": "AP",
    "Arunachal Pradesh": "AR",
    "Assam": "AS",
    "Bihar": "BR",
    "Chandigarh": "CH",
    "Chhattisgarh": "CG",
    "Dadra and Nagar Haveli and Daman and Diu": "DN",
    "Delhi": "DL",
    "Goa": "GA",
    "Gujarat": "GJ",
    "Haryana": "HR",
    "Himachal Pradesh": "HP",
    "Jammu and Kashmir": "JK",
    "Jharkhand": "JH",
    "Karnataka": "KA",
    "Kerala": "KL",
    "Ladakh": "LA",
    "Lakshadweep": "LD",
    "Madhya Pradesh": "MP",
    "Maharashtra": "MH",
    "Manipur": "MN",
    "Meghalaya": "ML",
    "Mizoram": "MZ",
    "Nagaland": "NL",
    "Odisha": "OD",
    "Puducherry": "PY",
    "Punjab": "PB",
    "Rajasthan": "RJ",
    "Sikkim": "SK",
    "Tamil Nadu": "TN",
    "Telangana": "TS",
    "Tripura": "TR",
    "Uttar Pradesh": "UP",
    "Uttarakhand": "UK",
    "West Bengal": "WB",
}


def synthetic_pan(number: int, holder: str) -> str:
    """A well-formed PAN in the "ZY" block, which the seed keeps to itself."""
    serial = number % 10_000
    rest = number // 10_000
    third, fifth, last = (
        _LETTERS[rest % 26],
        _LETTERS[(rest // 26) % 26],
        _LETTERS[(rest // 676) % 26],
    )
    return f"ZY{third}{holder}{fifth}{serial:04d}{last}"


def gstin(pan: str, state: str) -> str:
    first_fourteen = f"{_STATE_CODES[state]}{pan}1Z"
    return first_fourteen + seller_rules.gstin_check_character(first_fourteen)


@dataclass(slots=True)
class Seller:
    number: int
    name: str
    state: str
    district: str
    pincode: str
    pin_prefixes: tuple[str, ...]
    pan: str
    constitution: str
    business_type: str
    segments: tuple[str, ...]
    departments: tuple[str, ...]
    is_active: bool
    created_at: dt.datetime
    udyam: str = ""
    mse_class: str = ""


def sellers(seed: int, count: int) -> Iterator[Seller]:
    """Seller firms across every state, weighted roughly by their share of
    sellers, each dealing in one or two departments."""
    rng = stream(seed, "sellers")
    places = vocab.PLACES
    cumulative = list(accumulate(place[1] for place in places))
    departments = [d.code for d in vocab.DEPARTMENTS]
    holders = "PPPPFFCCT"
    constitution = {
        "P": seller_rules.PROPRIETORSHIP,
        "F": seller_rules.FIRM_LLP,
        "C": seller_rules.COMPANY,
        "T": seller_rules.TRUST,
    }
    for number in range(1, count + 1):
        # Round robin first, so even a small seed has sellers in every state.
        if number <= len(places):
            state, _weight, districts, prefixes = places[number - 1]
        else:
            state, _weight, districts, prefixes = places[
                bisect(cumulative, rng.random() * cumulative[-1])
            ]
        dealing: tuple[str, ...] = (departments[(number - 1) % len(departments)],)
        if rng.random() < 0.3:
            dealing += (rng.choice(departments),)
        service = all(_is_service(d) for d in dealing)
        craft = bool(_CRAFT_DEPARTMENTS.intersection(dealing))
        segments = []
        for segment, share in SEGMENT_SHARES:
            if segment in (seller_rules.ARTISAN, seller_rules.WEAVER) and craft:
                share *= 8
            if rng.random() < share:
                segments.append(segment)
        holder = rng.choice(holders)
        trade = rng.choice(vocab.FIRM_TRADES)
        if seller_rules.SHG in segments:
            trade = "Mahila Swayam Sahayata Samuh"
        district = rng.choice(districts)
        mse = seller_rules.MSE in segments
        yield Seller(
            number=number,
            name=f"{rng.choice(vocab.FIRM_HEADS)} {trade} {district}",
            state=state,
            district=district,
            pincode=f"{rng.choice(prefixes)}{rng.randrange(1000, 10000)}",
            pin_prefixes=prefixes,
            pan=synthetic_pan(number, holder),
            constitution=constitution[holder],
            business_type=seller_rules.SERVICE_PROVIDER
            if service
            else rng.choice((seller_rules.MANUFACTURER, seller_rules.TRADER)),
            segments=tuple(segments),
            departments=dealing,
            is_active=rng.random() >= 0.005,
            created_at=when(rng),
            udyam=f"UDYAM-{UDYAM_STATES[state]}-{rng.randrange(1, 76):02d}-{number:07d}"
            if mse
            else "",
            mse_class=rng.choice((seller_rules.MICRO, seller_rules.SMALL)) if mse else "",
        )


def _is_service(department: str) -> bool:
    return any(d.code == department and d.kind == rules.SERVICE for d in vocab.DEPARTMENTS)


# --- brands -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrandName:
    name: str
    name_hi: str
    is_registered: bool


def brands(seed: int, count: int) -> list[BrandName]:
    """Distinct brand names; about a third registered (CAT-3: they publish at once)."""
    rng = stream(seed, "brands")
    pairs = [(h, t) for h in vocab.BRAND_HEADS for t in vocab.BRAND_TAILS]
    rng.shuffle(pairs)
    result: list[BrandName] = []
    for index in range(count):
        (head, head_hi), (tail, tail_hi) = pairs[index % len(pairs)]
        round_, number = divmod(index // len(pairs), len(vocab.BRAND_PREFIXES))
        prefix, prefix_hi = vocab.BRAND_PREFIXES[number]
        name = f"{prefix}{head}{tail}" + (f" {round_ + 1}" if round_ else "")
        name_hi = f"{prefix_hi}{head_hi}{tail_hi}" + (f" {round_ + 1}" if round_ else "")
        result.append(BrandName(name, name_hi, rng.random() < 0.35))
    return result


# --- products and offers ----------------------------------------------------------


@dataclass(slots=True)
class ProductDraft:
    """A product row and the offers it will get once it has an id."""

    row: dict[str, Any]
    leaf: Leaf
    offers: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)


def spec_value(param: vocab.Param, rng: random.Random) -> str:
    if param.kind == vocab.CHOICE:
        return rng.choice(param.choices)[0]
    if param.kind == vocab.BOOLEAN:
        return "true" if rng.random() < 0.6 else "false"
    if param.kind == vocab.TEXT:
        return rng.choice(param.texts)
    steps = (param.high - param.low) // param.step
    return str(param.low + rng.randint(0, steps) * param.step)


def _label(param: vocab.Param, value: str, *, hi: bool) -> str:
    if param.kind == vocab.CHOICE:
        for choice_value, en, hindi in param.choices:
            if choice_value == value:
                return hindi if hi else en
    if param.kind == vocab.NUMBER and param.unit:
        return f"{value} {param.unit}"
    return value


@dataclass
class Catalogue:
    """What the products stream draws from: the loaded leaves, sellers and
    brands (by index; the loader maps them to ids)."""

    leaves: list[Leaf]
    seller_departments: list[tuple[str, ...]]  # by seller index
    seller_states: list[str]
    seller_pin_prefixes: list[tuple[str, ...]]
    brands: list[BrandName]
    state_bits: dict[str, int]
    pools: dict[str, list[int]] = field(default_factory=dict)
    cumulative: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        for index, departments in enumerate(self.seller_departments):
            for department in departments:
                self.pools.setdefault(department, []).append(index)
        # Zipf-like sizes: a few categories hold many offers, most hold few.
        order = list(range(len(self.leaves)))
        random.Random(len(order)).shuffle(order)  # noqa: S311 - test data
        weights = [0.0] * len(order)
        for rank, index in enumerate(order):
            weights[index] = 1.0 / (rank + 1) ** 0.7
        self.cumulative = list(accumulate(weights))


def products(
    seed: int, catalogue: Catalogue, *, offers: int, chunk: int
) -> Iterator[list[ProductDraft]]:
    """Products with specification values valid for their category (CAT-1,
    CAT-2) and their offers, `offers` offers in all, in chunks of about
    `chunk` products. Seller and brand fields hold indexes, not ids."""
    rng = stream(seed, "products")
    all_states = 0
    for bit in catalogue.state_bits.values():
        all_states |= bit
    states = sorted(catalogue.state_bits)
    made = 0
    number = 0
    drafts: list[ProductDraft] = []
    total = catalogue.cumulative[-1]
    while made < offers:
        number += 1
        leaf = catalogue.leaves[bisect(catalogue.cumulative, rng.random() * total)]
        draft = _product(number, leaf, catalogue, rng)
        wanted = min(1 + int(rng.expovariate(0.6)), offers - made, 25)
        draft.offers = _offers(draft, wanted, catalogue, rng, all_states, states)
        made += len(draft.offers)
        drafts.append(draft)
        if len(drafts) >= chunk:
            yield drafts
            drafts = []
    if drafts:
        yield drafts


def _product(number: int, leaf: Leaf, catalogue: Catalogue, rng: random.Random) -> ProductDraft:
    family = leaf.family
    brand_index = rng.randrange(len(catalogue.brands))
    brand = catalogue.brands[brand_index]
    pool = catalogue.pools.get(family.department) or list(range(len(catalogue.seller_states)))
    maker = pool[rng.randrange(len(pool))]
    specs: dict[str, str] = {}
    for code in family.golden:
        specs[code] = spec_value(vocab.PARAMS[code], rng)
    for code in family.silver:
        if rng.random() < 0.7:
            specs[code] = spec_value(vocab.PARAMS[code], rng)
    # Services are delivered here: Indian, all local content.
    foreign = not family.service_unit[0] and rng.random() < family.foreign_share
    origin = rng.choice(vocab.FOREIGN_ORIGINS) if foreign else "IN"
    local = rng.randrange(0, 21) if foreign else min(100, int(rng.triangular(10, 100, 70)))
    model = f"{rng.choice(vocab.MODEL_PREFIXES)}-{rng.randrange(100, 10000)}"
    first = vocab.PARAMS[family.golden[0]]
    detail = _label(first, specs[first.code], hi=False)
    detail_hi = _label(first, specs[first.code], hi=True)
    item, item_hi = leaf.item, leaf.item_hi
    if leaf.modifier:
        item, item_hi = (
            f"{leaf.modifier} {item[0].lower()}{item[1:]}",
            f"{leaf.modifier_hi} {item_hi}",
        )
    status = rules.PUBLISHED
    reason = ""
    if not brand.is_registered:
        draw = rng.random()
        if draw < 0.06:
            status = rules.PENDING
        elif draw < 0.08:
            status = rules.REJECTED
            reason = "The brand's trademark certificate does not match the brand name."
    created = when(rng)
    gi_tag = ""
    if family.gi_tags and rng.random() < 0.4:
        gi_tag = rng.choice(family.gi_tags)
    median = family.median_rupees * leaf.price_factor
    mrp_rupees = max(1.0, median * math.exp(rng.gauss(0.0, family.sigma)))
    row = {
        "category_id": None,  # the loader fills in ids
        "brand_index": brand_index,
        "maker_index": maker,
        "oem": brand.name,
        "model": model,
        "title": f"{brand.name} {item} {model}, {detail}"[:200],
        "title_hi": f"{brand.name_hi} {item_hi} {model}, {detail_hi}"[:200],
        "description": f"{item} by {brand.name}, model {model}. {detail}.",
        "specs": specs,
        "country_of_origin": origin,
        "local_content_percent": local,
        "gi_tag": gi_tag,
        "service_unit": family.service_unit[0],
        "sla": _sla(family, specs),
        "status": status,
        "rejection_reason": reason,
        "reviewed_at": None if status == rules.PENDING else created,
        "created_at": created,
        "updated_at": created,
        # Not columns: read by `_offers`.
        "mrp_paise": _round_price(mrp_rupees),
    }
    return ProductDraft(row=row, leaf=leaf)


def _sla(family: vocab.Family, specs: dict[str, str]) -> dict[str, str]:
    """Services (CAT-2): their SLA parameters, as stated in the specification."""
    if not family.service_unit[0]:
        return {}
    return {
        code: specs[code] for code in ("response-hours", "uptime", "shift-hours") if code in specs
    }


def _round_price(rupees: float) -> int:
    """Rupees to paise, rounded the way price lists are (₹1 below ₹1,000,
    ₹10 below ₹1 lakh, ₹100 above)."""
    step = 1 if rupees < 1_000 else 10 if rupees < 100_000 else 100
    return max(1, round(rupees / step)) * step * 100


def _offers(
    draft: ProductDraft,
    count: int,
    catalogue: Catalogue,
    rng: random.Random,
    all_states: int,
    states: list[str],
) -> list[dict[str, Any]]:
    row = draft.row
    mrp_paise = row["mrp_paise"]
    pool = catalogue.pools.get(draft.leaf.family.department) or [row["maker_index"]]
    service = bool(draft.leaf.family.service_unit[0])
    product_status = row["status"]
    result = []
    for index in range(count):
        seller = row["maker_index"] if index == 0 else pool[rng.randrange(len(pool))]
        price_paise = min(
            mrp_paise, max(100, round(mrp_paise * rng.uniform(0.72, 1.0) / 100) * 100)
        )
        state = catalogue.seller_states[seller]
        if rng.random() < 0.2:
            mask = all_states
        else:
            mask = catalogue.state_bits[state]
            for _ in range(rng.randrange(0, 6)):
                mask |= catalogue.state_bits[states[rng.randrange(len(states))]]
        pincodes = ""
        if rng.random() < 0.08:
            prefixes = catalogue.seller_pin_prefixes[seller]
            pincodes = ",".join(
                sorted(
                    {
                        f"{rng.choice(prefixes)}{rng.randrange(1000, 10000)}"
                        for _ in range(rng.randint(1, 4))
                    }
                )
            )
        if product_status == rules.PUBLISHED:
            draw = rng.random()
            status = (
                rules.PUBLISHED
                if draw < 0.93
                else rules.PENDING
                if draw < 0.96
                else rules.WITHDRAWN
            )
        else:
            status = product_status
        created = max(row["created_at"], when(rng))
        result.append(
            {
                "seller_index": seller,
                "price_paise": price_paise,
                "mrp_paise": mrp_paise,
                "stock": rng.randint(5, 400) if service else int(rng.lognormvariate(4.5, 1.2)),
                "lead_time_days": rng.randint(1, 15)
                if service
                else min(rules.MAX_LEAD_TIME_DAYS, max(1, int(rng.triangular(2, 45, 7)))),
                "delivery_state_mask": mask,
                "delivery_pincodes": pincodes,
                "status": status,
                "rating_hundredths": int(rng.triangular(250, 500, 430))
                if rng.random() < 0.35
                else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        result[-1]["history"] = _history(result[-1], rng)
    if result and rng.random() < 0.06:
        # CAT-4 evidence: a market price seen elsewhere, near the going price.
        lowest = min(offer["price_paise"] for offer in result)
        draft.references.append(
            {
                "kind": rules.MARKET,
                "price_paise": max(100, round(lowest * rng.uniform(0.7, 1.05) / 100) * 100),
                "observed_at": when(rng),
                "source": "Market survey (synthetic)",
                "created_at": ANCHOR,
            }
        )
    return result


def _history(offer: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """CAT-4: the offer's price history: its first terms and, for some, a
    later cut to today's price (then the offer was updated then)."""
    first = {
        "price_paise": offer["price_paise"],
        "mrp_paise": offer["mrp_paise"],
        "stock": offer["stock"],
        "changed_at": offer["created_at"],
        "source": "SEED",
    }
    if rng.random() >= 0.15:
        return [first]
    first["price_paise"] = min(offer["mrp_paise"], round(offer["price_paise"] * 1.08 / 100) * 100)
    later = offer["created_at"] + dt.timedelta(days=rng.randint(5, 120))
    offer["updated_at"] = later
    return [first, {**first, "price_paise": offer["price_paise"], "changed_at": later}]
