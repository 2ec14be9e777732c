"""Search rules (CAT-5), pure: how text becomes words, how an unknown word is
corrected, which bit stands for which seller segment and delivery state, the
price bands buyers narrow by, and how filter values are read.

No Django here. A refusal is a `Problem` with the field, a stable code and
the rule id; the selector turns it into a translated 400."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kraya.sellers import rules as seller_rules

# Sorts a buyer may choose.
RELEVANCE = "relevance"
PRICE_ASC = "price_asc"
PRICE_DESC = "price_desc"
DELIVERY = "delivery"
RATING = "rating"
SORTS = (RELEVANCE, PRICE_ASC, PRICE_DESC, DELIVERY, RATING)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_TEXT_LENGTH = 200
MAX_WORDS = 8

# CAT-5: the seller segments buyers filter on, each a bit of
# `OfferDocument.segment_bits` (bit i = SEGMENT_CODES[i]). GI is a tag of the
# product (`gi_tag`), not of the seller, so it is not a segment bit here.
SEGMENT_CODES: tuple[str, ...] = (
    seller_rules.MSE,
    seller_rules.WOMAN,
    seller_rules.SC_ST,
    seller_rules.STARTUP,
    seller_rules.ARTISAN,
    seller_rules.WEAVER,
    seller_rules.SHG,
    seller_rules.TRIBAL,
)
SEGMENT_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(SEGMENT_CODES)}

MII_CLASSES = ("CLASS_1", "CLASS_2", "NON_LOCAL")

# Delivery states: bit n of an offer's mask is the state with GST state code n
# (the catalogue's convention). A state with two codes in use (Andhra Pradesh
# 28 and 37) owns both bits; places without a state (97, 99) are no filter.
STATE_BITS: dict[str, int] = {}
for _code, _name in seller_rules.GST_STATE_CODES.items():
    if _name in seller_rules.STATES:
        STATE_BITS[_name] = STATE_BITS.get(_name, 0) | (1 << int(_code))

# Price bands for the price facet, in paise: fixed edges in rupees a buyer
# reads at a glance (₹1,000, ₹5,000, ₹25,000, ₹1 lakh, ₹5 lakh, ₹25 lakh).
# Fixed edges keep the facet one COUNT per band, whatever the category.
PRICE_BAND_EDGES_PAISE: tuple[int, ...] = (
    0,
    1_000_00,
    5_000_00,
    25_000_00,
    1_00_000_00,
    5_00_000_00,
    25_00_000_00,
)

# Typo correction: pg_trgm's default similarity threshold, applied the same
# way on both databases; words shorter than this, or with digits (model
# numbers, sizes), are never corrected.
SIMILARITY_THRESHOLD = 0.3
MIN_CORRECTABLE_LENGTH = 3

# A word: letters and digits of any script, with the combining marks that
# Devanagari (and others) write vowels with; underscores and the danda split.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0963\u0966-\u097f])+")
_PINCODE = re.compile(r"[1-9][0-9]{5}")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Problem:
    """One unreadable search value: the parameter, a stable code, the rule id."""

    field: str
    code: str
    rule: str = "CAT-5"


@dataclass(frozen=True, slots=True)
class PriceBand:
    min_paise: int
    max_paise: int | None  # inclusive; None = no upper bound

    @property
    def value(self) -> str:
        upper = "" if self.max_paise is None else str(self.max_paise)
        return f"{self.min_paise}..{upper}"


PRICE_BANDS: tuple[PriceBand, ...] = (
    *tuple(PriceBand(low, high - 1) for low, high in itertools.pairwise(PRICE_BAND_EDGES_PAISE)),
    PriceBand(PRICE_BAND_EDGES_PAISE[-1], None),
)


@dataclass(frozen=True, slots=True)
class NumericRange:
    low: Decimal | None
    high: Decimal | None


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order, without repeats (at most
    MAX_WORDS): what the index and the query are both made of."""
    seen: list[str] = []
    for word in _WORD.findall(normalise(text)):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def model_key(text: str) -> str:
    """A model number reduced to its letters and digits ("HP 15s-fq5111TU" →
    "hp15sfq5111tu"), so "15S FQ5111TU" and "15s-fq5111tu" are the same model."""
    return "".join(_WORD.findall(normalise(text)))


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two blanks before and one
    after, so a word's start weighs more than its end."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity`: shared trigrams over all trigrams of both."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def is_correctable(word: str) -> bool:
    return len(word) >= MIN_CORRECTABLE_LENGTH and not any(ch.isdigit() for ch in word)


def nearest_word(word: str, vocabulary: Iterable[tuple[str, int]]) -> str | None:
    """CAT-5 typo tolerance: the known word most similar to `word` (ties to
    the word in more documents, then alphabetical), if any reaches
    SIMILARITY_THRESHOLD. `vocabulary` is (word, document count) pairs."""
    scored = [
        (-score, -documents, candidate)
        for candidate, documents in vocabulary
        if (score := similarity(word, candidate)) >= SIMILARITY_THRESHOLD
    ]
    return min(scored)[2] if scored else None


def segment_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= SEGMENT_BITS[code]
    return mask


def segments_in(bits: int) -> list[str]:
    return [code for code in SEGMENT_CODES if bits & SEGMENT_BITS[code]]


def price_band_of(price_paise: int) -> PriceBand:
    for band in PRICE_BANDS:
        if band.max_paise is None or price_paise <= band.max_paise:
            return band
    return PRICE_BANDS[-1]  # pragma: no cover - the last band is open


def parse_numeric_range(value: str) -> NumericRange | None:
    """A golden number filter: "8..16", "8.." (at least), "..16" (at most)
    or "8" (exactly). None when unreadable or when low > high."""
    text = value.strip()
    low_text, dots, high_text = text.partition("..")
    if not dots:
        high_text = low_text
    try:
        low = Decimal(low_text) if low_text.strip() else None
        high = Decimal(high_text) if high_text.strip() else None
    except InvalidOperation:
        return None
    for bound, raw in ((low, low_text), (high, high_text)):
        if bound is not None and not _NUMBER.fullmatch(raw.strip()):
            return None
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        return None
    return NumericRange(low, high)


def is_pincode(value: str) -> bool:
    return bool(_PINCODE.fullmatch(value))


def pincode_list_key(pincodes: str) -> str:
    """An offer's PIN codes as the index keeps them: ",110001,110002," or ""
    (blank: everywhere in the offer's delivery states)."""
    codes = [code.strip() for code in pincodes.replace(";", ",").split(",") if code.strip()]
    return f",{','.join(codes)}," if codes else ""


def query_problems(
    *,
    text: str,
    sort: str,
    limit: int,
    price_min_paise: int | None,
    price_max_paise: int | None,
    delivery_state: str,
    pincode: str,
    segments: Iterable[str],
    mii_class: str,
    seller_state: str,
) -> list[Problem]:
    """Every unreadable value of a search, so the caller sees them all."""
    problems: list[Problem] = []
    if len(text) > MAX_TEXT_LENGTH:
        problems.append(Problem("text", "search.text_too_long"))
    if sort not in SORTS:
        problems.append(Problem("sort", "search.bad_sort"))
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(Problem("limit", "search.bad_limit"))
    if price_min_paise is not None and price_min_paise < 0:
        problems.append(Problem("price_min_paise", "search.bad_price"))
    if price_max_paise is not None and price_max_paise < 0:
        problems.append(Problem("price_max_paise", "search.bad_price"))
    if (
        price_min_paise is not None
        and price_max_paise is not None
        and price_min_paise > price_max_paise
    ):
        problems.append(Problem("price_max_paise", "search.price_range_inverted"))
    if delivery_state and delivery_state not in STATE_BITS:
        problems.append(Problem("delivery_state", "search.unknown_state"))
    if seller_state and seller_state not in STATE_BITS:
        problems.append(Problem("seller_state", "search.unknown_state"))
    if pincode and not is_pincode(pincode):
        problems.append(Problem("pincode", "search.bad_pincode"))
    if any(code not in SEGMENT_BITS for code in segments):
        problems.append(Problem("segments", "search.unknown_segment"))
    if mii_class and mii_class not in MII_CLASSES:
        problems.append(Problem("mii_class", "search.unknown_mii_class"))
    return problems
