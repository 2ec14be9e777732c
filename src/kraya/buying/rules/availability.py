"""MODE-6: mandatory use of the portal. An office that buys outside it
records an availability report with a unique id and a reason.

The report id is `AR-<office code>-<YYYYMMDD>-<NNNN>`, e.g.
`AR-UP-DGMH-20241215-0007`: the office's code (upper case letters and digits
in hyphen-joined parts, as buyer units are coded, at most 32 characters), the
report's date in IST and the office's sequence number for that day, at least
four digits (wider past 9999, never with extra leading zeros). We chose it
over a ULID because people read these ids off paper and say them on the
phone, and because the id alone tells an auditor which office and day a
report belongs to, which is how MODE-6 reports are rolled up per department;
a ULID is unique without a counter but says nothing. Uniqueness comes from
the service: one sequence per office and day, under a unique constraint. An
id always parses back to its parts (the last two hyphen-separated parts are
the date and the sequence; everything between `AR-` and them is the office)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kraya.buying.rules.common import BuyingError, Decision, parse_ymd, ymd
from kraya.core.receipts import DecisionReceipt

NOT_AVAILABLE = "NOT_AVAILABLE"
SPEC_NOT_MET = "SPEC_NOT_MET"
DELIVERY_NOT_POSSIBLE = "DELIVERY_NOT_POSSIBLE"
URGENT_EMERGENCY = "URGENT_EMERGENCY"
OTHER = "OTHER"
REASONS = (NOT_AVAILABLE, SPEC_NOT_MET, DELIVERY_NOT_POSSIBLE, URGENT_EMERGENCY, OTHER)

OFFICE_CODE_MAX = 32
_OFFICE_CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_REPORT_ID = re.compile(r"AR-(?P<office>[A-Z0-9]+(?:-[A-Z0-9]+)*)-(?P<day>\d{8})-(?P<seq>\d{4,})")


@dataclass(frozen=True, slots=True)
class ReportId:
    """The parts of an availability report id."""

    office_code: str
    on: dt.date
    sequence: int

    def __str__(self) -> str:
        return f"AR-{self.office_code}-{ymd(self.on)}-{self.sequence:04d}"


def _office_code(office_code: str) -> str:
    code = office_code.strip().upper()
    if len(code) > OFFICE_CODE_MAX or not _OFFICE_CODE.fullmatch(code):
        raise BuyingError(
            "buying.bad_office_code",
            "office_code",
            f"an office code is letters and digits in hyphen-joined parts: {office_code!r}",
        )
    return code


def availability_report_id(office_code: str, on: dt.date, sequence: int) -> str:
    """MODE-6: the id of an office's `sequence`-th report (from 1) on `on`."""
    if type(sequence) is not int or sequence < 1:
        raise BuyingError("buying.bad_sequence", "sequence", "the sequence starts at 1")
    return str(ReportId(_office_code(office_code), on, sequence))


def parse_availability_report_id(report_id: str) -> ReportId:
    """MODE-6: the parts of a report id; `BuyingError("buying.bad_report_id")`
    unless it is exactly what `availability_report_id` makes."""
    found = _REPORT_ID.fullmatch(report_id)
    problem = BuyingError(
        "buying.bad_report_id",
        "report_id",
        f"not a report id like AR-UP-DGMH-20241215-0007: {report_id!r}",
    )
    if not found or len(found["office"]) > OFFICE_CODE_MAX:
        raise problem
    try:
        on = parse_ymd(found["day"])
    except ValueError:
        raise problem from None
    parsed = ReportId(found["office"], on, int(found["seq"]))
    if parsed.sequence < 1 or str(parsed) != report_id:
        raise problem  # sequence 0000, or padded wider than needed (00012)
    return parsed


def availability_report_id_valid(report_id: str) -> bool:
    """MODE-6: whether `report_id` is a well-formed report id."""
    try:
        parse_availability_report_id(report_id)
    except BuyingError:
        return False
    return True


def availability_report(
    *, office_code: str, on: dt.date, sequence: int, reason: str, text: str = ""
) -> Decision:
    """MODE-6: record an off-portal purchase: a known reason code, and for
    OTHER a written explanation (for the other codes the text is optional).
    Allowed: the receipt carries the report id to store."""
    report_id = availability_report_id(office_code, on, sequence)
    explanation = " ".join(text.split())
    if reason not in REASONS:
        code = "buying.unknown_reason"
    elif reason == OTHER and not explanation:
        code = "buying.reason_text_required"
    else:
        code = ""
    allowed = not code
    receipt = DecisionReceipt(
        kind="buying.availability",
        rules=("MODE-6",),
        policy=(),
        inputs={
            "office_code": _office_code(office_code),
            "on": on.isoformat(),
            "sequence": sequence,
            "reason": reason,
            "text": explanation,
        },
        outcome={"allowed": allowed, "report_id": report_id if allowed else None},
        message="buying.availability.recorded" if allowed else code,
        params={"report_id": report_id, "reason": reason},
    )
    return Decision(allowed=allowed, rule="MODE-6", code=code, receipt=receipt)
