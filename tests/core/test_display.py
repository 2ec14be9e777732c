"""Display helpers: Babel locale, IST date-times, Indian grouping of counts."""

import datetime as dt

import pytest

from kraya.core import display
from kraya.core.display import babel_locale, format_count, format_ist, language_base


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en", "en_IN"),
        ("hi", "hi_IN"),
        ("hi-in", "hi_IN"),
        ("hi_IN", "hi_IN"),
        ("en-gb", "en_IN"),
        ("fr", "en_IN"),
        (None, "en_IN"),
        ("", "en_IN"),
    ],
)
def test_babel_locale_is_indian_english_or_hindi(language, locale):
    assert babel_locale(language) == locale
    assert language_base(language) == locale[:2]


def test_format_ist_in_english_and_hindi():
    stored = dt.datetime(2026, 11, 22, 8, 35, tzinfo=dt.UTC)
    assert format_ist(stored, language="en") == "22 Nov 2026, 14:05 IST"
    assert format_ist(stored, language="hi") == "22 नव॰ 2026, 14:05 IST"


def test_format_ist_crosses_the_date_line_at_indian_midnight():
    assert format_ist(dt.datetime(2024, 3, 31, 18, 30, tzinfo=dt.UTC)) == "1 Apr 2024, 00:00 IST"


def test_format_ist_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        format_ist(dt.datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1234567, "12,34,567"),
        (91245, "91,245"),
        (149429, "1,49,429"),
        (0, "0"),
        (-1000, "-1,000"),
        (32700000, "3,27,00,000"),
    ],
)
def test_format_count_groups_the_indian_way(number, text):
    assert format_count(number) == text
    assert format_count(number, language="hi") == text


@pytest.mark.parametrize("bad", [1.5, "12", True])
def test_format_count_takes_only_ints(bad):
    with pytest.raises(TypeError):
        format_count(bad)


def test_every_state_a_seller_may_name_has_a_hindi_name():
    """Hindi throughout: states are stored in English (keys) and shown in Hindi."""
    from kraya.sellers.rules import GST_STATE_CODES

    assert set(GST_STATE_CODES.values()) <= set(display.STATE_NAMES_HI)
    assert display.state_name("Uttar Pradesh", language="hi") == "उत्तर प्रदेश"
    assert display.state_name("Uttar Pradesh", language="en") == "Uttar Pradesh"
    assert display.state_name("Atlantis", language="hi") == "Atlantis"
