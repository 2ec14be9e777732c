"""What every buying rule shares: the modes and their strictness, the error
for malformed inputs, and the yes/no decision with its receipt."""

from __future__ import annotations

import datetime as dt

from kraya.core.receipts import Decision as Decision  # re-exported: the rules' yes/no

# The buying modes (GFR 149), from the laxest to the strictest. MODE-4: a
# stricter mode may always be used instead of a laxer one, never the reverse.
DIRECT = "DIRECT"
L1 = "L1"
BID = "BID"
MODES = (DIRECT, L1, BID)
_STRICTNESS = {mode: rank for rank, mode in enumerate(MODES)}

POLICY_SECTION = "buying_modes"


def strictness(mode: str) -> int:
    """0 for DIRECT, 1 for L1, 2 for BID; a `BuyingError` for anything else."""
    try:
        return _STRICTNESS[mode]
    except KeyError:
        raise BuyingError("buying.unknown_mode", "mode", f"no buying mode {mode!r}") from None


class BuyingError(ValueError):
    """An input no buying rule can decide on (a negative total, a malformed id):
    a programming or parsing error, unlike a refusal, which is a `Decision`.
    `code` is stable, `field` names the input, `message` is plain English."""

    def __init__(self, code: str, field: str, message: str) -> None:
        self.code = code
        self.field = field
        self.message = message
        super().__init__(f"{code} ({field}): {message}")


def require_paise(value: int, field: str, *, positive: bool = False) -> int:
    """Money inputs are integer paise (never bool or float), not negative,
    and, where `positive`, above zero."""
    if type(value) is not int:
        raise BuyingError(
            "buying.paise_not_integer", field, f"{field} must be integer paise, not {value!r}"
        )
    if value < 0 or (positive and value == 0):
        limit = "above zero" if positive else "zero or more"
        raise BuyingError("buying.paise_out_of_range", field, f"{field} must be {limit}")
    return value


def ymd(on: dt.date) -> str:
    """`20241215`: the date part of report ids and contract numbers (four-digit
    year always, unlike `strftime("%Y")` on some platforms)."""
    return f"{on.year:04d}{on.month:02d}{on.day:02d}"


def parse_ymd(text: str) -> dt.date:
    """The date `ymd` wrote; `ValueError` for anything that is not a real date."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise ValueError(f"not a YYYYMMDD date: {text!r}")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
