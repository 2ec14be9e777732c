"""Money in integer paise: construction, rounding, arithmetic, Babel formatting
and our lakh/crore summary words (DESIGN: Money)."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.core.money import (
    CRORE_PAISE,
    LAKH_CRORE_PAISE,
    LAKH_PAISE,
    Money,
    format_rupees,
    format_rupees_words,
    round_half_up,
)

# Up to ₹10 lakh crore and beyond, negative too: every amount the portal can see.
paise = st.integers(min_value=-(10**16), max_value=10**16)
languages = st.sampled_from(["en", "hi", "en-in", "hi_IN", None])
INDIAN_GROUPING = re.compile(r"-?₹(?:\d{1,2},(?:\d{2},)*\d{3}|\d{1,3})\.\d{2}")


# --- construction and rounding ---------------------------------------------


@pytest.mark.parametrize(
    ("rupees", "expected_paise"),
    [
        ("1234567", 123456700),
        ("2584.47", 258447),
        ("0.005", 1),  # a half paisa rounds up...
        ("0.0049", 0),
        ("-0.005", -1),  # ...and away from zero when negative (ROUND_HALF_UP)
        ("12.345", 1235),
        ("12.3449999", 1234),
        (Decimal("7.40"), 740),
        (Decimal("-7.405"), -741),
        (50000, 5000000),
        (" 10 ", 1000),
    ],
)
def test_from_rupees_rounds_half_up_to_the_paisa(rupees, expected_paise):
    assert Money.from_rupees(rupees) == Money(expected_paise)


@pytest.mark.parametrize("bad", [1.5, 0.1, True])
def test_floats_and_bools_are_refused_everywhere(bad):
    with pytest.raises(TypeError):
        Money(bad)
    with pytest.raises(TypeError):
        Money.from_rupees(bad)
    with pytest.raises(TypeError):
        Money(100).percent(bad)
    with pytest.raises(TypeError):
        Money(100).scale(bad)
    with pytest.raises(TypeError):
        format_rupees(bad)


@pytest.mark.parametrize("bad", ["1e3", "NaN", "₹5", "", "1.2.3", "12,34,567", Decimal("Infinity")])
def test_from_rupees_refuses_anything_but_a_plain_number(bad):
    with pytest.raises(ValueError):
        Money.from_rupees(bad)


@pytest.mark.parametrize(
    ("text", "expected_paise"),
    [
        ("₹12,34,567.00", 123456700),
        ("-₹12,34,567.50", -123456750),
        ("₹0.05", 5),
        ("12,34,567", 123456700),
        ("1,234,567.891", 123456789),
        ("₹ 7,775", 777500),
    ],
)
def test_parse_reads_what_people_and_format_write(text, expected_paise):
    assert Money.parse(text) == Money(expected_paise)


@pytest.mark.parametrize("bad", ["₹", "12,,34", ",12", "12,", "₹-5", "five", "1.2.3"])
def test_parse_refuses_malformed_amounts(bad):
    with pytest.raises(ValueError, match="not an amount of rupees"):
        Money.parse(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(249, 100), 2),
        (Fraction(-249, 100), -2),
        (Fraction(7), 7),
        (Fraction(0), 0),
    ],
)
def test_round_half_up_goes_away_from_zero_on_halves(value, expected):
    assert round_half_up(value) == expected


# --- arithmetic ----------------------------------------------------------------


def test_arithmetic_stays_in_integer_paise():
    total = Money(150) + Money(275) - Money(25)
    assert total == Money(400)
    assert type(total.paise) is int
    assert Money(250) * 3 == Money(750) == 3 * Money(250)
    assert -Money(5) == Money(-5)
    assert abs(Money(-5)) == Money(5)
    assert Money(1) < Money(2)
    assert sum([Money(1), Money(2)], Money.zero()) == Money(3)
    assert not Money.zero()
    assert Money(123456).rupees == Decimal("1234.56")


def test_money_does_not_mix_with_bare_numbers():
    with pytest.raises(TypeError):
        Money(1) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1) * Decimal("1.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        assert Money(1) < 2  # type: ignore[operator]
    assert Money(100) != 100


def test_money_is_immutable():
    amount = Money(100)
    with pytest.raises(AttributeError):
        amount.paise = 5  # type: ignore[misc]


def test_percent_is_exact_and_rounded_once():
    # ORD-8's example: 0.30% of ₹20 lakh is ₹6,000.
    assert Money.from_rupees(2_000_000).percent("0.30") == Money.from_rupees(6000)
    # ORD-7's example: ₹3 lakh at 1% a month for 10 of 30 days is ₹1,000.
    assert Money.from_rupees(300_000).percent(Fraction(1) * Fraction(10, 30)) == Money(100000)
    # MSE-1: L1 + 15% of 1 paisa-odd amounts stays exact: 101 × 1.15 = 116.15 → 116.
    assert Money(101).scale("1.15") == Money(116)
    assert Money(10).percent(Decimal("5")) == Money(1)  # 0.5 paisa → 1 (half up)
    assert Money(-10).percent(5) == Money(-1)


@given(amount=paise, rate=st.decimals(min_value=0, max_value=100, places=4))
def test_percent_matches_exact_rational_arithmetic(amount, rate):
    result = Money(amount).percent(rate)
    exact = Fraction(amount) * Fraction(rate) / 100
    assert type(result.paise) is int
    assert abs(Fraction(result.paise) - exact) <= Fraction(1, 2)
    if abs(Fraction(result.paise) - exact) == Fraction(1, 2):
        assert abs(result.paise) > abs(exact)  # halves go away from zero


@given(amount=paise, weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1))
def test_allocate_always_adds_up_and_stays_within_a_paisa(amount, weights):
    if sum(weights) == 0:
        with pytest.raises(ValueError):
            Money(amount).allocate(weights)
        return
    parts = Money(amount).allocate(weights)
    assert sum(parts, Money.zero()) == Money(amount)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(Fraction(part.paise) - Fraction(amount * weight, sum(weights))) < 1


def test_allocate_gives_leftover_paise_to_the_largest_remainders():
    assert Money(10).allocate([1, 1, 1]) == [Money(4), Money(3), Money(3)]
    assert Money(100).allocate([3, 1]) == [Money(75), Money(25)]
    with pytest.raises(ValueError):
        Money(10).allocate([])
    with pytest.raises(ValueError):
        Money(10).allocate([1, -1])


# --- full formatting through Babel -------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize(
    ("amount_paise", "expected"),
    [
        (123456700, "₹12,34,567.00"),  # DOMAIN: ₹12,34,567
        (-123456750, "-₹12,34,567.50"),
        (5, "₹0.05"),
        (0, "₹0.00"),
        (10000, "₹100.00"),
        (2584_47 * CRORE_PAISE // 100, "₹25,84,47,00,000.00"),  # ₹2,584.47 crore in full
    ],
)
def test_babel_formats_with_indian_grouping_in_english_and_hindi(language, amount_paise, expected):
    # Babel's hi_IN prints the same Latin digits, ₹ and grouping as en_IN.
    assert format_rupees(amount_paise, language=language) == expected
    assert Money(amount_paise).format(language) == expected


def test_str_is_the_english_format():
    assert str(Money(123456700)) == "₹12,34,567.00"


@given(amount=paise, language=languages)
def test_grouping_is_indian_for_any_amount(amount, language):
    text = format_rupees(amount, language=language)
    assert INDIAN_GROUPING.fullmatch(text), text
    digits = text.lstrip("-₹").replace(",", "")
    assert digits == f"{abs(amount) // 100}.{abs(amount) % 100:02d}"


@given(amount=paise, language=languages)
def test_formatting_round_trips_every_paisa(amount, language):
    assert Money.parse(Money(amount).format(language)) == Money(amount)


@given(amount=paise)
def test_rupees_round_trip_through_a_decimal_string(amount):
    money = Money(amount)
    assert Money.from_rupees(str(money.rupees)) == money
    assert Money.from_rupees(money.rupees) == money


# --- summary words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "english", "hindi"),
    [
        (Money.from_rupees("25844700000"), "₹2,584.47 crore", "₹2,584.47 करोड़"),  # DOMAIN §1
        (Money.from_rupees(7775 * 10**7), "₹7,775 crore", "₹7,775 करोड़"),  # DOMAIN §1
        (Money.from_rupees(740_000), "₹7.4 lakh", "₹7.4 लाख"),
        (Money.from_rupees(1_234_567), "₹12.35 lakh", "₹12.35 लाख"),  # ROUND_HALF_UP
        (Money(LAKH_PAISE), "₹1 lakh", "₹1 लाख"),
        (Money(CRORE_PAISE), "₹1 crore", "₹1 करोड़"),
        (Money.zero(), "₹0", "₹0"),
        (Money(543 * LAKH_CRORE_PAISE // 100), "₹5.43 lakh crore", "₹5.43 लाख करोड़"),
        (Money.from_rupees(45_000), "₹45,000", "₹45,000"),  # below 1 lakh: in full
        (Money.from_rupees("99999.99"), "₹99,999.99", "₹99,999.99"),
        (Money.from_rupees("45000.5"), "₹45,000.50", "₹45,000.50"),
        (Money(1), "₹0.01", "₹0.01"),
        (Money.from_rupees("9999999.99"), "₹1 crore", "₹1 करोड़"),  # rounds into the next unit
        (Money(LAKH_CRORE_PAISE - 100), "₹1 lakh crore", "₹1 लाख करोड़"),
        (Money.from_rupees(9_999_400), "₹99.99 lakh", "₹99.99 लाख"),
        (Money.from_rupees(9_999_500), "₹1 crore", "₹1 करोड़"),  # 99.995 lakh → 100 lakh
        (-Money.from_rupees(740_000), "-₹7.4 lakh", "-₹7.4 लाख"),
    ],
)
def test_summary_words_in_lakh_and_crore(amount, english, hindi):
    assert format_rupees_words(amount, language="en") == english
    assert amount.words("hi") == hindi
    assert amount.words("hi-in") == hindi


_WORDS = re.compile(r"(-?)₹([\d,]+(?:\.\d{1,2})?)(?: (lakh crore|crore|lakh))?")
_UNIT = {"lakh": LAKH_PAISE, "crore": CRORE_PAISE, "lakh crore": LAKH_CRORE_PAISE}


@given(amount=paise)
def test_summary_words_are_within_half_a_hundredth_of_the_unit(amount):
    text = format_rupees_words(amount, language="en")
    found = _WORDS.fullmatch(text)
    assert found, text
    sign, number, unit = found.groups()
    value = Fraction(Decimal(number.replace(",", "")))
    if unit is None:
        assert abs(amount) < LAKH_PAISE
        assert value * 100 == abs(amount)
    else:
        assert abs(value * _UNIT[unit] - abs(amount)) <= Fraction(_UNIT[unit], 200)
        assert value >= 1
        assert sign == ("-" if amount < 0 else "")
