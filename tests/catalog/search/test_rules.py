"""The pure search rules (CAT-5): words, model keys, typo similarity, bits,
price bands and filter values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.catalog.search import rules


def test_cat5_words_keep_devanagari_words_whole_and_fold_case():
    assert rules.words("Office कुर्सी, लकड़ी HP-15s_X । office") == [
        "office",
        "कुर्सी",
        "लकड़ी",
        "hp",
        "15s",
        "x",
    ]


def test_cat5_words_are_capped():
    assert len(rules.words(" ".join(f"w{i}" for i in range(20)))) == rules.MAX_WORDS


def test_cat5_model_key_ignores_case_spaces_and_punctuation():
    assert rules.model_key("HP 15s-fq5111TU") == "hp15sfq5111tu"
    assert rules.model_key("15S FQ5111TU") == rules.model_key("15s-fq5111tu") == "15sfq5111tu"


def test_cat5_similarity_is_pg_trgm_similarity():
    # pg_trgm: similarity('lapton', 'laptop') = 5 shared / 9 distinct trigrams.
    assert rules.similarity("lapton", "laptop") == pytest.approx(5 / 9)
    assert rules.similarity("chair", "chair") == 1.0
    assert rules.similarity("chair", "laptop") == 0.0


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_cat5_similarity_is_symmetric_and_bounded(a, b):
    assert rules.similarity(a, b) == rules.similarity(b, a)
    assert 0.0 <= rules.similarity(a, b) <= 1.0
    assert rules.similarity(a, a) == 1.0


def test_cat5_nearest_word_prefers_most_similar_then_most_documents():
    vocabulary = [("laptops", 50), ("laptop", 3), ("lantern", 9)]
    assert rules.nearest_word("lapton", vocabulary) == "laptop"
    assert rules.nearest_word("chare", [("chair", 1), ("chairs", 5)]) == "chair"
    assert rules.nearest_word("ab", [("ab", 1), ("abc", 9)]) == "ab"
    assert rules.nearest_word("xyzzy", vocabulary) is None


def test_cat5_only_letter_words_of_three_or_more_are_corrected():
    assert rules.is_correctable("lapton")
    assert not rules.is_correctable("ab")
    assert not rules.is_correctable("15s")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("8..16", Decimal(8), Decimal(16)),
        ("8..", Decimal(8), None),
        ("..16", None, Decimal(16)),
        ("12", Decimal(12), Decimal(12)),
        ("1.5..2.25", Decimal("1.5"), Decimal("2.25")),
    ],
)
def test_cat5_numeric_ranges(text, low, high):
    assert rules.parse_numeric_range(text) == rules.NumericRange(low, high)


@pytest.mark.parametrize("text", ["", "..", "16..8", "a..b", "1e3", "NaN", "8...9", "inf"])
def test_cat5_unreadable_numeric_ranges(text):
    assert rules.parse_numeric_range(text) is None


@given(st.integers(-(10**6), 10**6), st.integers(0, 10**6))
def test_cat5_numeric_range_round_trip(low, width):
    span = rules.parse_numeric_range(f"{low}..{low + width}")
    assert span == rules.NumericRange(Decimal(low), Decimal(low + width))


@given(st.integers(0, 10**12))
def test_cat5_every_price_is_in_exactly_one_band(price_paise):
    bands = [
        band
        for band in rules.PRICE_BANDS
        if band.min_paise <= price_paise
        and (band.max_paise is None or price_paise <= band.max_paise)
    ]
    assert bands == [rules.price_band_of(price_paise)]


def test_cat5_price_bands_are_contiguous_and_written_as_min_max():
    for lower, upper in zip(rules.PRICE_BANDS, rules.PRICE_BANDS[1:], strict=False):
        assert lower.max_paise is not None and lower.max_paise + 1 == upper.min_paise
    assert rules.PRICE_BANDS[0].value == "0..99999"
    assert rules.PRICE_BANDS[-1].value == "250000000.."


@given(st.sets(st.sampled_from(rules.SEGMENT_CODES)))
def test_cat5_segment_bits_round_trip(codes):
    assert set(rules.segments_in(rules.segment_mask(codes))) == codes


def test_cat5_state_bits_follow_gst_state_codes():
    assert rules.STATE_BITS["Uttar Pradesh"] == 1 << 9
    assert rules.STATE_BITS["Andhra Pradesh"] == (1 << 28) | (1 << 37)
    assert "Centre Jurisdiction" not in rules.STATE_BITS
    assert len(rules.STATE_BITS) == 36


def test_cat5_pincode_lists_are_kept_comma_wrapped():
    assert rules.pincode_list_key(" 226001, 226002 ") == ",226001,226002,"
    assert rules.pincode_list_key("") == ""


def _problems(**changes):
    values = {
        "text": "",
        "sort": "relevance",
        "limit": 20,
        "price_min_paise": None,
        "price_max_paise": None,
        "delivery_state": "",
        "pincode": "",
        "segments": (),
        "mii_class": "",
        "seller_state": "",
    }
    values.update(changes)
    return [(p.field, p.code) for p in rules.query_problems(**values)]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"text": "x" * 201}, [("text", "search.text_too_long")]),
        ({"sort": "cheapest"}, [("sort", "search.bad_sort")]),
        ({"limit": 0}, [("limit", "search.bad_limit")]),
        ({"limit": 101}, [("limit", "search.bad_limit")]),
        ({"price_min_paise": -1}, [("price_min_paise", "search.bad_price")]),
        (
            {"price_min_paise": 500, "price_max_paise": 100},
            [("price_max_paise", "search.price_range_inverted")],
        ),
        ({"delivery_state": "Atlantis"}, [("delivery_state", "search.unknown_state")]),
        ({"seller_state": "Centre Jurisdiction"}, [("seller_state", "search.unknown_state")]),
        ({"pincode": "012345"}, [("pincode", "search.bad_pincode")]),
        ({"segments": ("MSE", "RICH")}, [("segments", "search.unknown_segment")]),
        ({"mii_class": "CLASS_3"}, [("mii_class", "search.unknown_mii_class")]),
    ],
)
def test_cat5_query_problems(changes, expected):
    assert _problems(**changes) == expected
