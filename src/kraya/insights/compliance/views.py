"""Compliance pages (OPEN-3) for officials (`access`): the ranking of a
state's departments and one department's shares, offices, units without
users and off-portal purchases. Every table is also CSV
(`?table=<name>&format=csv`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from kraya.core.display import format_count
from kraya.core.pages import public_page
from kraya.insights import rules as stats
from kraya.insights import selectors as statistics
from kraya.insights.compliance import access, selectors
from kraya.insights.tables import Cell, Table, count_cell, money_cell, share_cell, text_cell


def _fy(request: HttpRequest) -> tuple[int, list[int]]:
    years = statistics.financial_years()
    current = statistics.current_fy()
    if current not in years:
        years = sorted([*years, current], reverse=True)
    try:
        asked = int(request.GET.get("fy", ""))
    except ValueError:
        asked = 0
    return (asked if asked in years else years[0]), years


def _met_cell(met: bool | None) -> Cell:
    if met is None:
        return Cell("", "–")
    return Cell("yes" if met else "no", _t("Met") if met else _t("Not met"))


def _share_headers(targets: selectors.Targets) -> list[str | Promise]:
    return [
        _("MSE share (%%) — target %(t)s %%") % {"t": targets.mse},
        _("SC/ST share (%%) — target %(t)s %%") % {"t": targets.sc_st},
        _("Women share (%%) — target %(t)s %%") % {"t": targets.women},
        _("MSE target"),
    ]


def _share_cells(line: selectors.Line, targets: selectors.Targets) -> list[Cell]:
    return [
        share_cell(line.share("MSE")),
        share_cell(line.share("SC_ST")),
        share_cell(line.share("WOMAN")),
        _met_cell(line.met("MSE", targets.mse)),
    ]


def _payment_headers() -> list[str | Promise]:
    return [
        _("Paid late"),
        _("Average days late"),
        _("Interest paid (₹)"),
        _("Overdue unpaid orders"),
        _("Interest owed (₹)"),
    ]


def _payment_cells(line: selectors.Line) -> list[Cell]:
    average = line.average_days_late
    return [
        count_cell(line.paid_late),
        Cell(average, "–" if average is None else f"{average:.1f}"),
        money_cell(line.interest_paid_paise),
        count_cell(line.overdue),
        money_cell(line.interest_owed_paise),
    ]


def _units_cell(line: selectors.Line) -> Cell:
    language = get_language()
    without = format_count(line.units_without_users, language=language)
    return Cell(
        line.units_without_users, f"{without} / {format_count(line.units, language=language)}"
    )


def _table(
    caption: str | Promise, headers: list[str | Promise], rows: Sequence[list[Cell]]
) -> Table:
    table = Table(caption=caption, headers=headers, rows=list(rows))
    table.numeric = [False] + [True] * (len(headers) - 1)
    return table


def _respond(
    request: HttpRequest,
    template: str,
    tables: dict[str, Table],
    context: dict[str, Any],
    *,
    filename: str,
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in tables:
            raise Http404()
        response = HttpResponse(tables[name].csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kraya-{filename}-{name}.csv"'
        return response
    links = {}
    for name in tables:
        query = request.GET.copy()
        query["table"], query["format"] = name, "csv"
        links[name] = query.urlencode()
    context["tables"] = [(tables[name], links[name]) for name in tables]
    context["refreshed"] = selectors.last_refreshed()
    return render(request, template, context)


@login_required
@public_page
def ranking(request: HttpRequest) -> HttpResponse:
    """The departments of a state or ministry, ranked by MSE share."""
    scope = access.official_scope(user=request.user)  # type: ignore[arg-type]
    roots = access.roots_for(scope=scope)
    fy, years = _fy(request)
    root = next((r for r in roots if str(r.pk) == request.GET.get("root", "")), None)
    root = root or (roots[0] if roots else None)
    targets = selectors.targets(fy)
    tables: dict[str, Table] = {}
    lines: list[selectors.Line] = []
    if root is not None:
        lines = selectors.department_ranking(root=root, fy=fy)
        headers: list[str | Promise] = [
            _("Rank"),
            _("Department"),
            _("Orders"),
            _("GMV (₹)"),
            *_share_headers(targets),
            _("Off-portal purchases"),
            _("Off-portal value (₹)"),
            _("Units without users"),
            *_payment_headers(),
        ]
        rows = [
            [
                Cell(rank, format_count(rank, language=get_language())),
                text_cell(line.label),
                count_cell(line.orders),
                money_cell(line.gmv_paise),
                *_share_cells(line, targets),
                count_cell(line.off_portal),
                money_cell(line.off_portal_paise),
                _units_cell(line),
                *_payment_cells(line),
            ]
            for rank, line in enumerate(lines, start=1)
        ]
        caption = _("Departments of %(root)s, FY %(fy)s") % {
            "root": root.display_name,
            "fy": stats.fy_label(fy),
        }
        tables["ranking"] = _table(caption, headers, rows)
        tables["ranking"].numeric[1] = False
    links = [(line.key, line.label) for line in lines if scope.sees_department(line.key)]
    return _respond(
        request,
        "compliance/ranking.html",
        tables,
        {
            "title": _("Compliance: departments ranked"),
            "fy": fy,
            "years": [(year, stats.fy_label(year)) for year in years],
            "roots": roots,
            "root": root,
            "targets": targets,
            "department_links": links,
        },
        filename=f"compliance-{stats.fy_label(fy)}",
    )


@login_required
@public_page
def department(request: HttpRequest, department_id: int) -> HttpResponse:
    """One department: shares by FY, its offices, units without users and
    off-portal purchase reports (MODE-6)."""
    scope = access.official_scope(user=request.user)  # type: ignore[arg-type]
    unit = access.department_get(scope=scope, department_id=department_id)
    fy, years = _fy(request)
    targets = selectors.targets(fy)
    language = get_language()
    tables: dict[str, Table] = {}
    tables["years"] = _table(
        _("Shares by financial year"),
        [_("Financial year"), _("Orders"), _("GMV (₹)"), *_share_headers(targets)],
        [
            [
                text_cell(stats.fy_label(line.key)),
                count_cell(line.orders),
                money_cell(line.gmv_paise),
                *_share_cells(line, selectors.targets(line.key)),
            ]
            for line in selectors.department_years(department=unit)
        ],
    )
    tables["offices"] = _table(
        _("Offices, FY %(fy)s") % {"fy": stats.fy_label(fy)},
        [
            _("Office"),
            _("Orders"),
            _("GMV (₹)"),
            *_share_headers(targets),
            _("Off-portal purchases"),
            _("Off-portal value (₹)"),
            *_payment_headers(),
        ],
        [
            [
                text_cell(line.label or _t("Not known")),
                count_cell(line.orders),
                money_cell(line.gmv_paise),
                *_share_cells(line, targets),
                count_cell(line.off_portal),
                money_cell(line.off_portal_paise),
                *_payment_cells(line),
            ]
            for line in selectors.department_offices(department=unit, fy=fy)
        ],
    )
    tables["without_users"] = _table(
        _("Organisations and offices without active users"),
        [_("Unit"), _("Level"), _("District")],
        [
            [
                text_cell(u.display_name),
                text_cell(str(u.get_level_display())),
                text_cell(u.district),
            ]
            for u in selectors.units_without_users(department=unit)
        ],
    )
    tables["without_users"].numeric = [False, False, False]
    limit = None if request.GET.get("format") == "csv" else selectors.OFF_PORTAL_SHOWN
    shown, total = selectors.off_portal_reports(department=unit, fy=fy, limit=limit)
    tables["off_portal"] = _table(
        _("Purchases outside the portal (MODE-6), FY %(fy)s") % {"fy": stats.fy_label(fy)},
        [_("Report"), _("Date"), _("Office"), _("Item"), _("Reason"), _("Value (₹)")],
        [
            [
                text_cell(report.report_id),
                Cell(report.on.isoformat(), report.on.isoformat()),
                text_cell(report.office.display_name),
                text_cell(report.item),
                Cell(report.reason, str(report.get_reason_display())),
                money_cell(report.estimated_value_paise),
            ]
            for report in shown
        ],
    )
    tables["off_portal"].numeric = [False] * 5 + [True]
    if total > len(shown):
        tables["off_portal"].note = _(
            "The latest %(count)s reports; the CSV has all %(total)s."
        ) % {
            "count": selectors.OFF_PORTAL_SHOWN,
            "total": format_count(total, language=language),
        }
    return _respond(
        request,
        "compliance/department.html",
        tables,
        {
            "title": unit.display_name,
            "department": unit,
            "fy": fy,
            "years": [(year, stats.fy_label(year)) for year in years],
            "targets": targets,
        },
        filename=f"compliance-{unit.pk}-{stats.fy_label(fy)}",
    )


app_name = "compliance"
urlpatterns = [
    path("", ranking, name="ranking"),
    path("departments/<int:department_id>/", department, name="department"),
]
