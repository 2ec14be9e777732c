"""CAT-1/CAT-2: specification values checked against a category's template.

A product's `specs` map parameter codes to values as strings. Every problem
is reported at once, each on the field `specs.<code>`; accepted values come
back normalised (numbers without trailing zeros, booleans as "true"/"false")
so search and comparison see one spelling."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kraya.catalog.rules.base import (
    BOOLEAN,
    CATEGORY_CODE,
    CHOICE,
    NUMBER,
    PARAMETER_CODE_MAX,
    PARAMETER_KINDS,
    TEXT,
    Problem,
)

MAX_TEXT_LENGTH = 200
MAX_CHOICES = 200

# BOOLEAN values as sellers type them, in English and Hindi.
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "हाँ", "हां", "हा", "सही"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "नहीं", "नही", "ना", "गलत"})


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """A parameter of a specification template, as plain values."""

    code: str
    kind: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    is_required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SpecCheck:
    """The normalised values (when there are no problems) and the problems."""

    values: dict[str, str]
    problems: list[Problem]


def _problem(code: str, problem: str, **params: str) -> Problem:
    rule = "CAT-1" if problem == "catalog.spec_unknown" else "CAT-2"
    return Problem(f"specs.{code}", problem, rule, tuple(sorted(params.items())))


def number_text(value: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros: 8.50 → "8.5"."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _check_number(spec: ParameterSpec, raw: str) -> tuple[str | None, Problem | None]:
    try:
        number = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, _problem(spec.code, "catalog.spec_not_a_number", unit=spec.unit)
    too_low = spec.min_value is not None and number < spec.min_value
    too_high = spec.max_value is not None and number > spec.max_value
    if too_low or too_high:
        low = number_text(spec.min_value) if spec.min_value is not None else ""
        high = number_text(spec.max_value) if spec.max_value is not None else ""
        if low and high:
            code = "catalog.spec_out_of_range"
        elif low:
            code = "catalog.spec_below_minimum"
        else:
            code = "catalog.spec_above_maximum"
        return None, _problem(spec.code, code, low=low, high=high, unit=spec.unit)
    return number_text(number), None


def boolean_value(raw: str) -> bool | None:
    """ "yes"/"no" and their Hindi forms as a bool; None for anything else."""
    word = raw.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _check_one(spec: ParameterSpec, raw: str) -> tuple[str | None, Problem | None]:
    if spec.kind == NUMBER:
        return _check_number(spec, raw)
    if spec.kind == CHOICE:
        if raw in spec.choices:
            return raw, None
        return None, _problem(spec.code, "catalog.spec_not_a_choice")
    if spec.kind == BOOLEAN:
        value = boolean_value(raw)
        if value is None:
            return None, _problem(spec.code, "catalog.spec_not_yes_no")
        return ("true" if value else "false"), None
    if len(raw) > MAX_TEXT_LENGTH:
        return None, _problem(spec.code, "catalog.spec_text_too_long", limit=str(MAX_TEXT_LENGTH))
    return raw, None


def check_specs(parameters: Sequence[ParameterSpec], values: Mapping[str, object]) -> SpecCheck:
    """CAT-2: a product's values against its category's template (CAT-1).
    Unknown parameters are refused; required ones must be present; each value
    must fit its parameter's kind. Blank optional values are dropped."""
    by_code = {spec.code: spec for spec in parameters}
    problems: list[Problem] = []
    cleaned: dict[str, str] = {}
    for code in sorted(set(values) - set(by_code)):
        problems.append(_problem(str(code), "catalog.spec_unknown"))
    for spec in parameters:
        raw_value = values.get(spec.code)
        raw = "" if raw_value is None else str(raw_value).strip()
        if not raw:
            if spec.is_required:
                problems.append(_problem(spec.code, "catalog.spec_required"))
            continue
        value, problem = _check_one(spec, raw)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            cleaned[spec.code] = value
    return SpecCheck(values=cleaned if not problems else {}, problems=problems)


def parameter_problems(
    *,
    code: str,
    name: str,
    kind: str,
    choices: Iterable[str],
    min_value: Decimal | None,
    max_value: Decimal | None,
) -> list[Problem]:
    """CAT-1: a template parameter has a code, a name and a kind; a choice
    parameter lists distinct values; a number's range is not inverted."""
    problems: list[Problem] = []
    if not (CATEGORY_CODE.fullmatch(code) and len(code) <= PARAMETER_CODE_MAX):
        problems.append(Problem("code", "catalog.bad_parameter_code", "CAT-1"))
    if not name.strip():
        problems.append(Problem("name", "catalog.name_required", "CAT-1"))
    if kind not in PARAMETER_KINDS:
        problems.append(Problem("kind", "catalog.bad_parameter_kind", "CAT-1"))
    values = [value.strip() for value in choices]
    if kind == CHOICE and (
        not values or any(not v for v in values) or len(set(values)) != len(values)
    ):
        problems.append(Problem("choices", "catalog.bad_choices", "CAT-1"))
    if kind == CHOICE and len(values) > MAX_CHOICES:
        problems.append(Problem("choices", "catalog.too_many_choices", "CAT-1"))
    if kind != CHOICE and values:
        problems.append(Problem("choices", "catalog.choices_only_for_choice", "CAT-1"))
    if min_value is not None and max_value is not None and min_value > max_value:
        problems.append(Problem("max_value", "catalog.range_inverted", "CAT-1"))
    if kind != NUMBER and (min_value is not None or max_value is not None):
        problems.append(Problem("min_value", "catalog.range_only_for_number", "CAT-1"))
    return problems


__all__ = [
    "FALSE_WORDS",
    "MAX_TEXT_LENGTH",
    "TEXT",
    "TRUE_WORDS",
    "ParameterSpec",
    "SpecCheck",
    "boolean_value",
    "check_specs",
    "number_text",
    "parameter_problems",
]
