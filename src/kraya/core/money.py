"""Money: integer paise end to end (₹1 = 100 paise), never a float.

`Money` is the one mechanism: an immutable amount of paise with exact
arithmetic. Models store plain `*_paise` integers; wrap them in `Money` to
compute and to format.

Rounding (used everywhere a result can fall between two paise): to the
nearest paisa, halves away from zero, i.e. Decimal's ROUND_HALF_UP:
₹0.005 → 1 paisa, ₹0.0049 → 0 paise, -₹0.005 → -1 paisa. Percentages and
fractions are applied with exact rational arithmetic (`fractions.Fraction`)
and rounded once, at the end.

Formatting goes through Babel (`en_IN`, `hi_IN`): `₹12,34,567.00`. Babel's
compact form is wrong for India (`₹3KCr`), so summaries in lakh and crore
(`₹2,584.47 crore`, `₹7.4 लाख`) come from `format_rupees_words` here.

Pure Python: rules may import this module (no Django)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Self

from babel.numbers import format_currency, format_decimal

from kraya.core.display import babel_locale, language_base

PAISE_PER_RUPEE = 100
LAKH_PAISE = 1_00_000 * PAISE_PER_RUPEE
CRORE_PAISE = 1_00_00_000 * PAISE_PER_RUPEE
LAKH_CRORE_PAISE = 1_00_000 * CRORE_PAISE

Rate = Decimal | Fraction | int | str

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_DISPLAYED = re.compile(r"(?P<sign>-?)\s*₹?\s*(?P<digits>\d+(?:,\d+)*)(?P<fraction>\.\d+)?")

# The summary words. They are locale data, like Babel's month names, and live
# here (not in the gettext catalogue) so this module stays free of Django.
_WORDS = {
    "en": {"lakh": "lakh", "crore": "crore", "lakh_crore": "lakh crore"},
    "hi": {"lakh": "लाख", "crore": "करोड़", "lakh_crore": "लाख करोड़"},
}
# Largest first: an amount is summarised in the largest unit it reaches.
_UNITS = (("lakh_crore", LAKH_CRORE_PAISE), ("crore", CRORE_PAISE), ("lakh", LAKH_PAISE))


def round_half_up(value: Fraction) -> int:
    """The integer nearest to `value`, halves away from zero (ROUND_HALF_UP)."""
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return -whole if value < 0 else whole


def _exact(value: Rate, *, what: str) -> Fraction:
    """An exact rational from a Decimal, Fraction, int or decimal string; floats refused."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"{what} must be exact (Decimal, int or string), not {type(value).__name__}"
        )
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValueError(f"{what} is not a plain decimal number: {value!r}")
        return Fraction(Decimal(text))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be finite, not {value}")
        return Fraction(value)
    if isinstance(value, int | Fraction):
        return Fraction(value)
    raise TypeError(f"{what} must be Decimal, Fraction, int or str, not {type(value).__name__}")


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of Indian rupees held as integer paise."""

    paise: int

    def __post_init__(self) -> None:
        if type(self.paise) is not int:
            raise TypeError(f"Money holds integer paise, not {type(self.paise).__name__}")

    @classmethod
    def zero(cls) -> Self:
        return cls(0)

    @classmethod
    def from_rupees(cls, rupees: Decimal | int | str) -> Self:
        """`Money.from_rupees("12.345")` → 1235 paise (ROUND_HALF_UP to the paisa)."""
        return cls(round_half_up(_exact(rupees, what="rupees") * PAISE_PER_RUPEE))

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read an amount as people write it and as `format` prints it:
        `₹12,34,567.00`, `-₹5.50`, `12,34,567`, `1234.5` (rounded to the paisa)."""
        found = _DISPLAYED.fullmatch(text.strip())
        if not found:
            raise ValueError(f"not an amount of rupees: {text!r}")
        number = found["digits"].replace(",", "") + (found["fraction"] or "")
        return cls.from_rupees(found["sign"] + number)

    @property
    def rupees(self) -> Decimal:
        """The amount in rupees, exactly: `Money(123456).rupees == Decimal("1234.56")`."""
        return Decimal(self.paise).scaleb(-2)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.paise + other.paise)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.paise - other.paise)

    def __neg__(self) -> Money:
        return Money(-self.paise)

    def __abs__(self) -> Money:
        return Money(abs(self.paise))

    def __mul__(self, quantity: object) -> Money:
        # Quantities are whole numbers; use `scale`/`percent` for rates.
        if type(quantity) is not int:
            return NotImplemented
        return Money(self.paise * quantity)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.paise != 0

    def scale(self, factor: Rate) -> Money:
        """This amount times an exact factor, rounded once (ROUND_HALF_UP)."""
        return Money(round_half_up(self.paise * _exact(factor, what="factor")))

    def percent(self, rate: Rate) -> Money:
        """`rate` percent of this amount: `Money(2_000_000_00).percent("0.30")` → ₹6,000."""
        return self.scale(_exact(rate, what="percentage") / 100)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to `weights`; the parts always add up
        to this amount (the leftover paise go to the largest remainders, ties
        to the earlier part)."""
        if not weights or any(type(w) is not int or w < 0 for w in weights):
            raise ValueError("weights must be non-negative integers")
        total = sum(weights)
        if total == 0:
            raise ValueError("weights must not all be zero")
        sign = -1 if self.paise < 0 else 1
        magnitude = abs(self.paise)
        shares = [divmod(magnitude * w, total) for w in weights]
        parts = [whole for whole, _ in shares]
        leftover = magnitude - sum(parts)
        by_remainder = sorted(range(len(weights)), key=lambda i: (-shares[i][1], i))
        for index in by_remainder[:leftover]:
            parts[index] += 1
        return [Money(sign * part) for part in parts]

    def format(self, language: str | None = None) -> str:
        return format_rupees(self, language=language)

    def words(self, language: str | None = None) -> str:
        return format_rupees_words(self, language=language)

    def __str__(self) -> str:
        return format_rupees(self)


def _paise_of(amount: Money | int) -> int:
    if isinstance(amount, Money):
        return amount.paise
    if type(amount) is int:
        return amount
    raise TypeError(f"expected Money or integer paise, not {type(amount).__name__}")


def format_rupees(amount: Money | int, *, language: str | None = None) -> str:
    """The full amount, Babel-formatted: `₹12,34,567.00` (English and Hindi alike)."""
    rupees = Decimal(_paise_of(amount)).scaleb(-2)
    return format_currency(rupees, "INR", locale=babel_locale(language))


def format_rupees_whole(amount: Money | int, *, language: str | None = None) -> str:
    """The full amount without `.00` for whole rupees: `₹7,40,000`, `₹45,000.50`
    (as explanations quote prices)."""
    return format_rupees(amount, language=language).removesuffix(".00")


def format_rupees_words(amount: Money | int, *, language: str | None = None) -> str:
    """A summary for people: `₹2,584.47 crore`, `₹7.4 lakh`, `₹7.4 लाख`,
    `₹5.43 lakh crore`; below one lakh the amount is shown in full (`₹45,000`,
    `₹45,000.50`). At most two decimals of the unit, ROUND_HALF_UP; when the
    rounding reaches the next unit it is named in that unit (₹99,99,999.99 →
    `₹1 crore`)."""
    paise = _paise_of(amount)
    sign = "-" if paise < 0 else ""
    magnitude = abs(paise)
    locale = babel_locale(language)
    words = _WORDS[language_base(language)]
    for index, (unit, unit_paise) in enumerate(_UNITS):
        if magnitude < unit_paise:
            continue
        hundredths = round_half_up(Fraction(magnitude * 100, unit_paise))
        if index > 0:
            bigger_unit, bigger_paise = _UNITS[index - 1]
            if hundredths * unit_paise >= bigger_paise * 100:
                unit = bigger_unit
                hundredths = round_half_up(Fraction(magnitude * 100, bigger_paise))
        number = format_decimal(Decimal(hundredths).scaleb(-2), format="#,##,##0.##", locale=locale)
        return f"{sign}₹{number} {words[unit]}"
    if magnitude % PAISE_PER_RUPEE == 0:
        number = format_decimal(magnitude // PAISE_PER_RUPEE, format="#,##,##0", locale=locale)
    else:
        number = format_decimal(Decimal(magnitude).scaleb(-2), format="#,##,##0.00", locale=locale)
    return f"{sign}₹{number}"
