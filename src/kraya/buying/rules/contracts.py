"""ORD-1 and ORD-2 as far as buying decides them: the sanction before an
order, the contract's terms and its number.

The contract number is `KRY-<YYYYMMDD>-<NNNNNN>`, e.g. `KRY-20241215-000123`:
the order's date in IST and the portal-wide sequence number for that day, at
least six digits (wider past 999,999, never with extra leading zeros). The
date first makes numbers sort in time and tells a reader when the contract
was made, as GeM's `GEMC-…` numbers do not; a day's sequence fits the
portal's volume in six digits and the service takes it from one counter per
day under a unique constraint. A number always parses back to its parts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kraya.buying.rules.common import BuyingError, Decision, parse_ymd, require_paise, ymd
from kraya.core.receipts import DecisionReceipt

ATC = "ATC"
CATEGORY = "CATEGORY"
GENERAL = "GENERAL"
# ORD-1: the first source that has a clause decides it.
TERM_PRECEDENCE = (ATC, CATEGORY, GENERAL)

_CONTRACT_NUMBER = re.compile(r"KRY-(?P<day>\d{8})-(?P<seq>\d{6,})")


# --- ORD-2: sanction -------------------------------------------------------------------


def sanction_check(order_total_paise: int, blocked_paise: int) -> Decision:
    """ORD-2: an order is placed only when the funds blocked for it cover its
    total (exactly the total is enough). No funds blocked at all is
    `buying.sanction_missing`; too little is `buying.sanction_insufficient`."""
    require_paise(order_total_paise, "order_total_paise", positive=True)
    require_paise(blocked_paise, "blocked_paise")
    if blocked_paise == 0:
        code = "buying.sanction_missing"
    elif blocked_paise < order_total_paise:
        code = "buying.sanction_insufficient"
    else:
        code = ""
    allowed = not code
    receipt = DecisionReceipt(
        kind="buying.sanction",
        rules=("ORD-2",),
        policy=(),
        inputs={"order_total_paise": order_total_paise, "blocked_paise": blocked_paise},
        outcome={"allowed": allowed},
        message="buying.sanction_ok" if allowed else code,
        params={
            "order_total_paise": order_total_paise,
            "blocked_paise": blocked_paise,
            "shortfall_paise": max(order_total_paise - blocked_paise, 0),
        },
    )
    return Decision(allowed=allowed, rule="ORD-2", code=code, receipt=receipt)


# --- ORD-1: terms ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One clause of a contract and the source that decided it."""

    clause: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class ContractTerms:
    terms: tuple[Term, ...]
    receipt: DecisionReceipt

    def text_of(self, clause: str) -> str:
        return next(term.text for term in self.terms if term.clause == clause)


def _checked_terms(terms: Mapping[str, str], source: str) -> dict[str, str]:
    for clause, text in terms.items():
        if not isinstance(clause, str) or not clause.strip():
            raise BuyingError("buying.blank_clause", source, "every term needs a clause key")
        if not isinstance(text, str) or not text.strip():
            # A blank text would silently drop a clause a lower source sets.
            raise BuyingError("buying.blank_term", source, f"clause {clause!r} has no text")
    return dict(terms)


def contract_terms(
    atc: Mapping[str, str],
    category_terms: Mapping[str, str],
    general_terms: Mapping[str, str],
) -> ContractTerms:
    """ORD-1: per clause key, the bid's or buyer's additional terms (ATC)
    override the category's terms, which override the general terms. Clauses
    keep the general terms' order, then the category's new clauses, then the
    ATC's, each in the order given."""
    by_source = {
        ATC: _checked_terms(atc, ATC),
        CATEGORY: _checked_terms(category_terms, CATEGORY),
        GENERAL: _checked_terms(general_terms, GENERAL),
    }
    clauses = list(dict.fromkeys([*by_source[GENERAL], *by_source[CATEGORY], *by_source[ATC]]))
    terms = tuple(
        next(
            Term(clause, by_source[source][clause], source)
            for source in TERM_PRECEDENCE
            if clause in by_source[source]
        )
        for clause in clauses
    )
    receipt = DecisionReceipt(
        kind="buying.terms",
        rules=("ORD-1",),
        policy=(),
        inputs={
            "atc": by_source[ATC],
            "category": by_source[CATEGORY],
            "general": by_source[GENERAL],
        },
        outcome={"terms": [[t.clause, t.source] for t in terms]},
        message="buying.terms",
        params={
            source.lower(): sum(t.source == source for t in terms) for source in TERM_PRECEDENCE
        },
    )
    return ContractTerms(terms=terms, receipt=receipt)


# --- ORD-1: contract number ---------------------------------------------------------------


def contract_number(on: dt.date, sequence: int) -> str:
    """ORD-1: the number of the day's `sequence`-th contract (from 1)."""
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise BuyingError("buying.bad_date", "on", "a contract number takes the IST date")
    if type(sequence) is not int or sequence < 1:
        raise BuyingError("buying.bad_sequence", "sequence", "the sequence starts at 1")
    return f"KRY-{ymd(on)}-{sequence:06d}"


def parse_contract_number(number: str) -> tuple[dt.date, int]:
    """ORD-1: the date and sequence of a contract number;
    `BuyingError("buying.bad_contract_number")` unless `contract_number` made it."""
    found = _CONTRACT_NUMBER.fullmatch(number)
    problem = BuyingError(
        "buying.bad_contract_number",
        "number",
        f"not a contract number like KRY-20241215-000123: {number!r}",
    )
    if not found:
        raise problem
    try:
        on = parse_ymd(found["day"])
    except ValueError:
        raise problem from None
    sequence = int(found["seq"])
    if sequence < 1 or contract_number(on, sequence) != number:
        raise problem
    return on, sequence


def contract_number_valid(number: str) -> bool:
    """ORD-1: whether `number` is a well-formed contract number."""
    try:
        parse_contract_number(number)
    except BuyingError:
        return False
    return True
