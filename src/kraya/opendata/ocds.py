"""OCDS 1.1 mechanics, pure (no Django): amounts, dates, exact JSON, and the
merge that compiles a record's releases into its compiled release.

Amounts are JSON numbers in rupees made from integer paise through
`Decimal`, never a float: 123456 paise is written `1234.56` exactly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

VERSION = "1.1"
CURRENCY = "INR"
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
_encode_string = json.encoder.encode_basestring


def rupees(paise: int) -> Decimal:
    """Integer paise as exact rupees (123456 -> Decimal('1234.56'))."""
    if type(paise) is not int:
        raise TypeError("amounts are integer paise")
    return (
        (Decimal(paise) / 100).quantize(Decimal("0.01")) if paise % 100 else Decimal(paise // 100)
    )


def value(paise: int) -> dict[str, Any]:
    """An OCDS Value in INR."""
    return {"amount": rupees(paise), "currency": CURRENCY}


def timestamp(moment: dt.datetime) -> str:
    """An aware instant as an OCDS date-time, in UTC (`2026-11-02T04:30:00Z`)."""
    if moment.tzinfo is None:
        raise ValueError("OCDS dates are aware instants")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def end_of_day(day: dt.date) -> str:
    """A date-only deadline (an IST calendar day) as the last second of that
    day in IST, the moment it is missed after."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=IST).isoformat()


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def dumps(data: Any) -> str:
    """Compact JSON, Decimals written as exact numbers, keys in insertion order."""
    return "".join(_chunks(data))


def _chunks(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        yield "{"
        first = True
        for key, item in data.items():
            if not first:
                yield ","
            first = False
            yield _encode_string(str(key))
            yield ":"
            yield from _chunks(item)
        yield "}"
    elif isinstance(data, list | tuple):
        yield "["
        for index, item in enumerate(data):
            if index:
                yield ","
            yield from _chunks(item)
        yield "]"
    elif isinstance(data, str):
        yield _encode_string(data)
    elif data is True:
        yield "true"
    elif data is False:
        yield "false"
    elif data is None:
        yield "null"
    elif isinstance(data, int):
        yield str(data)
    elif isinstance(data, Decimal):
        if not data.is_finite():
            raise ValueError("OCDS numbers are finite")
        yield format(data, "f")
    else:
        raise TypeError(f"not OCDS JSON: {type(data).__name__}")


def loads(text: str) -> Any:
    """Parse stored OCDS JSON keeping amounts exact (Decimal, not float)."""
    return json.loads(text, parse_float=Decimal)


# --- compiling (OCDS merging) ---------------------------------------------------------------


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def merge(base: Any, release: Any) -> Any:
    """OCDS merge of one release into the compiled state: objects merge field
    by field, arrays of objects with `id` merge item by item on `id`, any
    other value (strings, numbers, arrays of codes) is replaced, and `null`
    removes the field."""
    if isinstance(base, dict) and isinstance(release, dict):
        merged = dict(base)
        for key, item in release.items():
            if item is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], item)
            else:
                merged[key] = merge({}, item) if isinstance(item, dict) else item
        return merged
    if isinstance(base, list) and isinstance(release, list) and _identified(release):
        if not _identified(base) and base:
            return release
        merged_items = {str(item["id"]): item for item in base}
        for item in release:
            key = str(item["id"])
            merged_items[key] = merge(merged_items[key], item) if key in merged_items else item
        return list(merged_items.values())
    return release


def compile_releases(releases: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The compiled release of one process's releases, in date order."""
    compiled: dict[str, Any] | None = None
    for release in releases:
        compiled = compile_into(compiled, release)
    return compiled


def compile_into(compiled: dict[str, Any] | None, release: dict[str, Any]) -> dict[str, Any]:
    """`compiled` with one more release merged in (tag `compiled`, the
    release's date, an id of its own)."""
    body = {k: v for k, v in release.items() if k not in ("id", "tag", "date")}
    merged = merge(compiled or {}, body)
    merged["id"] = f"{release['ocid']}-compiled"
    merged["date"] = release["date"]
    merged["tag"] = ["compiled"]
    ordered = {key: merged[key] for key in ("ocid", "id", "date", "tag", "initiationType")}
    ordered.update((k, v) for k, v in merged.items() if k not in ordered)
    return ordered


def party_roles_union(release: dict[str, Any], compiled: dict[str, Any] | None) -> dict[str, Any]:
    """`roles` is an array of codes, so a later release's list would replace
    an earlier one when compiled: each party is published with every role it
    has had in the process so far."""
    known = {party["id"]: party.get("roles", []) for party in (compiled or {}).get("parties", [])}
    for party in release.get("parties", []):
        roles = list(known.get(party["id"], []))
        roles += [role for role in party.get("roles", []) if role not in roles]
        party["roles"] = roles
    return release


def package_text(
    *,
    kind: str,
    uri: str,
    published_date: str,
    publisher: dict[str, Any],
    items: Iterable[str],
    extra: dict[str, Any] | None = None,
) -> Iterator[str]:
    """A release or record package (`kind` is "releases" or "records") whose
    items are already-serialised JSON texts, streamed in pieces."""
    head = {
        "uri": uri,
        "version": VERSION,
        "publisher": publisher,
        "publishedDate": published_date,
        **(extra or {}),
    }
    opening = dumps(head)
    yield opening[:-1] + f',"{kind}":['
    for index, item in enumerate(items):
        yield ("," if index else "") + item
    yield "]}"
