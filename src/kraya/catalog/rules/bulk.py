"""CAT-2: bulk price and stock updates by CSV, parsed without Django.

Columns `offer_id`, `price`, `mrp`, `stock` (Hindi headers too); prices in
rupees with up to two decimals ("1,250.50", "₹999"). Every row is judged on
its own; a row's problems are listed with their column."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from kraya.catalog.rules.base import MAX_PRICE_PAISE, MAX_STOCK, Problem, offer_price_decision

MAX_ROWS = 5000
MAX_BYTES = 2_000_000

# Header spellings → column; compared case-folded, spaces and underscores ignored.
HEADERS: dict[str, str] = {
    "offerid": "offer_id",
    "offer": "offer_id",
    "ऑफ़रआईडी": "offer_id",
    "ऑफरआईडी": "offer_id",
    "ऑफ़रसंख्या": "offer_id",
    "price": "price",
    "मूल्य": "price",
    "कीमत": "price",
    "mrp": "mrp",
    "एमआरपी": "mrp",
    "अधिकतमखुदरामूल्य": "mrp",
    "stock": "stock",
    "स्टॉक": "stock",
    "भंडार": "stock",
}
COLUMNS = ("offer_id", "price", "mrp", "stock")
MAX_ID = 2**63  # a database id is a signed 64-bit integer
_RUPEES = re.compile(r"(\d+)(?:\.(\d{1,2}))?")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its line number, the values it sets, its problems."""

    line: int
    offer_id: int | None
    price_paise: int | None
    mrp_paise: int | None
    stock: int | None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CsvSheet:
    rows: list[CsvRow]
    problems: list[Problem]  # of the file itself (headers, size)


def rupees_to_paise(text: str) -> int | None:
    """ "₹1,250.5" → 125050; None for anything that is not an amount."""
    cleaned = text.strip().removeprefix("₹").replace(",", "").strip()
    match = _RUPEES.fullmatch(cleaned)
    if match is None or len(match.group(1)) > 16:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def _header(name: str) -> str | None:
    key = re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff").casefold())
    return HEADERS.get(key)


def _parse_row(line: int, values: dict[str, str]) -> CsvRow:
    problems: list[Problem] = []
    offer_text = values.get("offer_id", "").strip()
    offer_id = int(offer_text) if offer_text.isdigit() and offer_text.isascii() else None
    if offer_id is not None and not 0 < offer_id < MAX_ID:
        offer_id = None
    if offer_id is None:
        problems.append(Problem("offer_id", "catalog.csv_bad_offer_id", "CAT-2"))
    amounts: dict[str, int | None] = {}
    for column in ("price", "mrp"):
        text = values.get(column, "").strip()
        amounts[column] = rupees_to_paise(text) if text else None
        amount = amounts[column]
        if text and (amount is None or not 0 < amount <= MAX_PRICE_PAISE):
            problems.append(Problem(column, "catalog.csv_bad_amount", "CAT-2"))
            amounts[column] = None
    stock_text = values.get("stock", "").strip()
    stock = int(stock_text) if stock_text.isdigit() and stock_text.isascii() else None
    if stock_text and (stock is None or stock > MAX_STOCK):
        problems.append(Problem("stock", "catalog.stock_out_of_range", "CAT-2"))
        stock = None
    if not (values.get("price", "").strip() or values.get("mrp", "").strip() or stock_text):
        problems.append(Problem("price", "catalog.csv_nothing_to_change", "CAT-2"))
    price, mrp = amounts["price"], amounts["mrp"]
    if price is not None and mrp is not None:
        decision = offer_price_decision(price_paise=price, mrp_paise=mrp)
        if not decision.allowed:
            problems.append(Problem("price", decision.code, decision.rule))
    return CsvRow(line, offer_id, price, mrp, stock, problems)


def parse_sheet(content: bytes) -> CsvSheet:
    """Parse a price/stock CSV (UTF-8, with or without BOM). Duplicate
    offers are refused on every row after the first."""
    if len(content) > MAX_BYTES:
        return CsvSheet([], [Problem("file", "catalog.csv_too_large", "CAT-2")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return CsvSheet([], [Problem("file", "catalog.csv_not_utf8", "CAT-2")])
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [_header(name) for name in header or []]
    if "offer_id" not in columns or not {"price", "mrp", "stock"} & set(columns):
        return CsvSheet([], [Problem("file", "catalog.csv_bad_headers", "CAT-2")])
    rows: list[CsvRow] = []
    seen: set[int] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            return CsvSheet([], [Problem("file", "catalog.csv_too_many_rows", "CAT-2")])
        values = {
            column: cell for column, cell in zip(columns, cells, strict=False) if column is not None
        }
        row = _parse_row(line, values)
        if row.offer_id is not None:
            if row.offer_id in seen:
                row.problems.append(Problem("offer_id", "catalog.csv_duplicate_offer", "CAT-2"))
            seen.add(row.offer_id)
        rows.append(row)
    return CsvSheet(rows, [])
