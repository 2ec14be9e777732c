"""The statistics tables, built once per request and shown two ways: as an
HTML table and as CSV (the same rows and columns; CSV carries the raw values:
counts, rupees with two decimals, shares in percent)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kraya.core.display import format_count
from kraya.core.money import format_rupees_words
from kraya.insights.selectors import Total


@dataclass(frozen=True, slots=True)
class Cell:
    raw: Any  # what the CSV carries
    text: str  # what the page shows


@dataclass
class Table:
    caption: str | Promise
    headers: list[str | Promise]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    note: str | Promise = ""

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([str(header) for header in self.headers])
        for row in self.rows:
            writer.writerow(["" if cell.raw is None else cell.raw for cell in row])
        return out.getvalue()


def text_cell(value: str) -> Cell:
    return Cell(value, value)


def count_cell(value: int) -> Cell:
    return Cell(value, format_count(value, language=get_language()))


def money_cell(paise: int) -> Cell:
    return Cell(
        f"{Decimal(paise).scaleb(-2):.2f}", format_rupees_words(paise, language=get_language())
    )


def share_cell(percent: float | None) -> Cell:
    return Cell(percent, "–" if percent is None else f"{percent:.1f} %")


def totals_table(
    caption: str | Promise,
    key_header: str | Promise,
    totals: Sequence[Total],
    *,
    key_text: Callable[[Total], str],
    shares: bool = False,
    note: str | Promise = "",
) -> Table:
    """Key, orders, GMV (and the MSE / SC-ST / women shares of GMV)."""
    headers: list[str | Promise] = [key_header, _("Orders"), _("GMV (₹)")]
    if shares:
        headers += [_("MSE share (%)"), _("SC/ST share (%)"), _("Women share (%)")]
    table = Table(caption=caption, headers=headers, note=note)
    table.numeric = [False] + [True] * (len(headers) - 1)
    for total in totals:
        row = [text_cell(key_text(total)), count_cell(total.orders), money_cell(total.gmv_paise)]
        if shares:
            row += [share_cell(total.share(s)) for s in ("MSE", "SC_ST", "WOMAN")]
        table.rows.append(row)
    return table
