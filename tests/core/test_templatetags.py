"""The display filters render in the active language (`{% load kraya %}`)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kraya.core.money import Money


def render(source: str, language: str = "en", **context) -> str:
    with translation.override(language):
        return Template("{% load kraya %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "₹12,34,567.00 · ₹2,584.47 crore"), ("hi", "₹12,34,567.00 · ₹2,584.47 करोड़")],
)
def test_rupees_and_rupees_words_follow_the_language(language, expected):
    text = render(
        "{{ price|rupees }} · {{ total|rupees_words }}",
        language,
        price=123456700,
        total=Money.from_rupees("25844700000"),
    )
    assert text == expected


def test_rupees_accepts_integral_decimals_from_aggregates_and_renders_empty_as_nothing():
    assert render("{{ a|rupees }}", a=Decimal("74000000")) == "₹7,40,000.00"
    assert (
        render(
            "[{{ a|rupees }}{{ b|rupees_words }}{{ c|ist }}{{ d|indian_number }}]",
            a=None,
            b="",
            c=None,
            d=None,
        )
        == "[]"
    )


@pytest.mark.parametrize("bad", [1.5, Decimal("1.5"), "100"])
def test_rupees_refuses_values_that_are_not_paise(bad):
    with pytest.raises(TypeError):
        render("{{ a|rupees }}", a=bad)


def test_ist_filter_shows_indian_time():
    moment = dt.datetime(2026, 11, 22, 8, 35, tzinfo=dt.UTC)
    assert render("{{ t|ist }}", t=moment) == "22 Nov 2026, 14:05 IST"
    assert render("{{ t|ist }}", "hi", t=moment) == "22 नव॰ 2026, 14:05 IST"
    with pytest.raises(TypeError):
        render("{{ t|ist }}", t=dt.date(2026, 11, 22))


def test_indian_number_groups_counts():
    assert render("{{ n|indian_number }}", n=149429) == "1,49,429"
    assert render("{{ n|indian_number }}", "hi", n=Decimal(91245)) == "91,245"


def test_state_filter_follows_the_language():
    from django.template import Context, Template
    from django.utils import translation

    page = Template("{% load kraya %}{{ name|state }}")
    with translation.override("hi"):
        assert page.render(Context({"name": "West Bengal"})) == "पश्चिम बंगाल"
    with translation.override("en"):
        assert page.render(Context({"name": "West Bengal"})) == "West Bengal"


def test_state_choices_are_labelled_in_the_readers_language():
    from django.utils import translation

    from kraya.core.i18n import state_choices

    choices = state_choices(["Odisha"])
    with translation.override("hi"):
        assert [(value, str(label)) for value, label in choices] == [("", "—"), ("Odisha", "ओडिशा")]
    with translation.override("en"):
        assert str(choices[1][1]) == "Odisha"
