"""Public statistics pages (OPEN-2): no sign-in, Hindi and English, one
server-rendered SVG chart and one table per page, the table also as CSV
(`?format=csv`). Every figure comes from the rollups (`selectors`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from babel.dates import format_date
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kraya.core.display import babel_locale, format_count, state_name
from kraya.core.money import format_rupees_words
from kraya.insights import rules, selectors
from kraya.insights.services import refresh as counts
from kraya.insights.tables import Table, count_cell, totals_table
from kraya.orders.models import Order
from kraya.sellers.models import Segment

CATEGORY_ROWS_SHOWN = 100
CHART_BARS = 12
ORGANISATIONS_SHOWN = 50


def _fy(request: HttpRequest) -> tuple[int, list[int]]:
    """The FY asked for (`?fy=2024`) if it has data, else the latest with data."""
    years = selectors.financial_years()
    try:
        asked = int(request.GET.get("fy", ""))
    except ValueError:
        asked = 0
    if asked in years:
        return asked, years
    return (years[0] if years else selectors.current_fy()), years


def _month_label(month: int) -> str:
    year, number = divmod(month, 100)
    return format_date(dt.date(year, number, 1), "MMM y", locale=babel_locale(get_language()))


def _chart(
    title: str | Promise, items: Sequence[tuple[str, int]], *, money: bool = True
) -> dict[str, Any]:
    language = get_language()
    shown = list(items)[:CHART_BARS]

    def text(value: int) -> str:
        return (
            format_rupees_words(value, language=language)
            if money
            else format_count(value, language=language)
        )

    chart = rules.bar_chart(
        [(label, value, text(value)) for label, value in shown],
        max_text=text(max((v for _l, v in shown), default=0)),
    )
    return {"title": title, "chart": chart}


def _respond(
    request: HttpRequest,
    *,
    name: str,
    title: str | Promise,
    table: Table,
    chart: dict[str, Any] | None = None,
    fy: int | None = None,
    years: list[int] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
        suffix = f"-{rules.fy_label(fy)}" if fy is not None else ""
        response["Content-Disposition"] = f'attachment; filename="kraya-{name}{suffix}.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        "page": name,
        "title": title,
        "table": table,
        "chart": chart,
        "fy": fy,
        "fy_label": rules.fy_label(fy) if fy is not None else "",
        "years": [(year, rules.fy_label(year)) for year in years or []],
        "csv_query": query.urlencode(),
        "refreshed": selectors.last_refreshed(),
        "sections": SECTIONS,
        **(extra or {}),
    }
    return render(request, f"insights/{name}.html", context)


def _mode_label(mode: object) -> str:
    return str(dict(Order.Mode.choices).get(str(mode), mode))


def _segment_label(segment: str) -> str:
    return str(dict(Segment.choices).get(segment, segment))


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    language = get_language()
    by_fy = selectors.fy_totals()
    this_fy = next((t for t in by_fy if t.key == fy), selectors.Total(key=fy))
    heads = selectors.headcounts()
    table = totals_table(
        _("GMV and orders by financial year"),
        _("Financial year"),
        by_fy,
        key_text=lambda t: rules.fy_label(int(str(t.key))),
    )
    chart = _chart(
        _("GMV by financial year"), [(rules.fy_label(int(str(t.key))), t.gmv_paise) for t in by_fy]
    )
    headline = [
        (
            _("GMV in FY %(fy)s") % {"fy": rules.fy_label(fy)},
            format_rupees_words(this_fy.gmv_paise, language=language),
        ),
        (
            _("Orders in FY %(fy)s") % {"fy": rules.fy_label(fy)},
            format_count(this_fy.orders, language=language),
        ),
        (
            _("GMV since the start"),
            format_rupees_words(sum(t.gmv_paise for t in by_fy), language=language),
        ),
        (_("Sellers"), format_count(heads.get((counts.SELLERS, ""), 0), language=language)),
        (
            _("MSE sellers"),
            format_count(heads.get((counts.SELLERS_BY_SEGMENT, "MSE"), 0), language=language),
        ),
        (
            _("Buyer organisations"),
            format_count(heads.get((counts.BUYER_ORGANISATIONS, ""), 0), language=language),
        ),
        (_("Products"), format_count(heads.get((counts.PRODUCTS, ""), 0), language=language)),
        (_("Services"), format_count(heads.get((counts.SERVICES, ""), 0), language=language)),
    ]
    return _respond(
        request,
        name="overview",
        title=_("Marketplace statistics"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
        extra={"headline": headline},
    )


@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    months = selectors.month_totals(fy)
    table = totals_table(
        _("GMV and orders by month, FY %(fy)s") % {"fy": rules.fy_label(fy)},
        _("Month"),
        months,
        key_text=lambda t: _month_label(int(str(t.key))),
    )
    chart = _chart(
        _("GMV by month, FY %(fy)s") % {"fy": rules.fy_label(fy)},
        [(_month_label(int(str(t.key))), t.gmv_paise) for t in months],
    )
    modes = [
        (
            _mode_label(t.key),
            format_count(t.orders, language=get_language()),
            format_rupees_words(t.gmv_paise, language=get_language()),
        )
        for t in selectors.mode_totals(fy)
    ]
    return _respond(
        request,
        name="orders",
        title=_("Orders and GMV by month"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
        extra={"modes": modes},
    )


@require_GET
def places(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    language = get_language()
    state = request.GET.get("state", "").strip()
    if state:
        totals = selectors.district_totals(fy, state)
        caption = _("GMV by district of %(state)s, FY %(fy)s") % {
            "state": state_name(state, language=language),
            "fy": rules.fy_label(fy),
        }
        header = _("District")
    else:
        totals = selectors.state_totals(fy)
        caption = _("GMV by state, FY %(fy)s") % {"fy": rules.fy_label(fy)}
        header = _("State")

    def place(total: selectors.Total) -> str:
        name = str(total.key) or _t("Not known")
        return name if state else state_name(name, language=language)

    table = totals_table(caption, header, totals, key_text=place, shares=True)
    chart = _chart(caption, [(place(t), t.gmv_paise) for t in totals])
    links = [] if state else [(str(t.key), place(t)) for t in totals if t.key]
    return _respond(
        request,
        name="places",
        title=_("GMV by state and district"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
        extra={"state": state, "state_links": links},
    )


@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    totals = selectors.department_totals(fy)

    def name(total: selectors.Total) -> str:
        return total.label or _t("Not under a department")

    caption = _("GMV by buying department, FY %(fy)s") % {"fy": rules.fy_label(fy)}
    table = totals_table(caption, _("Department"), totals, key_text=name, shares=True)
    chart = _chart(caption, [(name(t), t.gmv_paise) for t in totals])
    return _respond(
        request,
        name="departments",
        title=_("GMV by department"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
    )


@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    totals = selectors.category_totals(fy)

    def name(total: selectors.Total) -> str:
        return total.label or _t("Bid contracts without a catalogue category")

    caption = _("GMV by category, FY %(fy)s") % {"fy": rules.fy_label(fy)}
    table = totals_table(caption, _("Category"), totals, key_text=name)
    shown = len(table.rows) > CATEGORY_ROWS_SHOWN and request.GET.get("format") != "csv"
    if shown:
        table.note = _("The %(count)s largest categories; the CSV has all %(total)s.") % {
            "count": CATEGORY_ROWS_SHOWN,
            "total": format_count(len(table.rows), language=get_language()),
        }
        table.rows = table.rows[:CATEGORY_ROWS_SHOWN]
    chart = _chart(caption, [(name(t), t.gmv_paise) for t in totals])
    return _respond(
        request,
        name="categories",
        title=_("GMV by category"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
    )


@require_GET
def sellers(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    heads = selectors.headcounts()
    by_segment = selectors.segment_totals(fy)
    table = totals_table(
        _("Sellers and their orders by segment, FY %(fy)s") % {"fy": rules.fy_label(fy)},
        _("Segment"),
        [by_segment[s] for s in rules.SEGMENTS],
        key_text=lambda t: _segment_label(str(t.key)),
        note=_("A seller in two segments counts in both."),
    )
    table.headers.insert(1, _("Sellers"))
    table.numeric.insert(1, True)
    for row, segment in zip(table.rows, rules.SEGMENTS, strict=True):
        row.insert(1, count_cell(heads.get((counts.SELLERS_BY_SEGMENT, segment), 0)))
    chart = _chart(
        _("Sellers by segment"),
        [(_segment_label(s), heads.get((counts.SELLERS_BY_SEGMENT, s), 0)) for s in rules.SEGMENTS],
        money=False,
    )
    return _respond(
        request,
        name="sellers",
        title=_("Sellers by segment"),
        table=table,
        chart=chart,
        fy=fy,
        years=years,
        extra={"sellers_total": heads.get((counts.SELLERS, ""), 0)},
    )


@require_GET
def buyers(request: HttpRequest) -> HttpResponse:
    fy, years = _fy(request)
    language = get_language()
    heads = selectors.headcounts()
    figures = [
        (label, format_count(heads.get((name, ""), 0), language=language))
        for label, name in (
            (_("Buyer organisations"), counts.BUYER_ORGANISATIONS),
            (_("Primary users"), counts.PRIMARY_USERS),
            (_("Secondary users (buyers, consignees, paying authorities)"), counts.SECONDARY_USERS),
        )
    ]
    table = totals_table(
        _("The largest buyer organisations, FY %(fy)s") % {"fy": rules.fy_label(fy)},
        _("Organisation"),
        selectors.organisation_totals(fy, limit=ORGANISATIONS_SHOWN),
        key_text=lambda t: t.label or _t("Not known"),
        shares=True,
    )
    return _respond(
        request,
        name="buyers",
        title=_("Buyer organisations and users"),
        table=table,
        fy=fy,
        years=years,
        extra={"figures": figures},
    )


SECTIONS = (
    ("insights:overview", _("Overview")),
    ("insights:orders", _("By month")),
    ("insights:places", _("By state")),
    ("insights:departments", _("By department")),
    ("insights:categories", _("By category")),
    ("insights:sellers", _("Sellers")),
    ("insights:buyers", _("Buyers")),
)

urlpatterns = [
    path("", overview, name="overview"),
    path("orders/", orders, name="orders"),
    path("places/", places, name="places"),
    path("departments/", departments, name="departments"),
    path("categories/", categories, name="categories"),
    path("sellers/", sellers, name="sellers"),
    path("buyers/", buyers, name="buyers"),
]
