"""dashboards: the public statistics (OPEN-2) and compliance (OPEN-3) pages
through HTTP at national scale (issue 8: ≤ 300 ms p95 with 10 million orders),
and the OCDS export rate (OPEN-1: ≥ 5,000 releases/s).

Ensures a PostgreSQL database (DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_dashboards, one per
`--orders` scale) holding `--orders` orders of history (`kraya seed --orders`,
which seeds a synthetic catalogue first), reused across runs; then brings the
rollups up to date (`insights_refresh`: a full rebuild the first time, timed,
incremental afterwards; `compliance_refresh`, the hourly payment-delay
rebuild, timed) and serves the site with gunicorn (sync workers).

Pages: every page of the `insights` URL namespace that takes no arguments
(the statistics, anonymous, as the public sees them), each for the latest FY
and for an older one, plus the districts of the largest state; and every page
of the `compliance` namespace (the ranking of the official's state or
ministry, and the official's department), for the same two FYs, signed in as
an official: a Primary User (`access.official_scope`) of an organisation
registered once (`organisation_register`) in the department with the largest
GMV. Each client signs in once through the login form and sends its session
cookie. `--clients` concurrent clients make `--requests` requests per page
after one warm-up request each. No page cache is used: each request runs the
page's rollup queries. Before serving, each page is also rendered once in
this process with its SQL captured: the queries per page, and any table with
a row per order a page reads (`pages_reading_per_order_tables`, issue 8
point 6: none may scan raw orders per request).

Reported: p50/p95/p99 per page and overall, `statistics_p95_ms`,
`compliance_p95_ms`, `worst_page_p95_ms`, the seed and rebuild times, and the
OCDS export figures of `bench/ocds_export.py`, run as a subprocess on its own
database on the same server (`kraya_bench_ocds`, `--ocds-releases` real
releases; the seeded order history has no audit events to publish).

Knobs: --orders N (default 10,000,000), --requests N (60 per page),
--clients N (2), --workers N (gunicorn workers, 2), --seed S,
--ocds-releases N (200,000; 0 skips the export). Quick check:
`script/bench dashboards --orders 100000 --requests 20 --ocds-releases 20000`.
Last line: one JSON object with `orders`, `p95_ms`, `ocds_releases_per_s`."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ORDERS = 10_000_000
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_dashboards"
OCDS_DATABASE = "kraya_bench_ocds"  # bench/ocds_export.py's, on the same server
OFFICIAL = "bench-dashboards-official"
PASSWORD = "Tiranga-Chart-7319!"  # not like the username (password validators)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench dashboards", description=__doc__)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ocds-releases", type=int, default=200_000)
    return parser.parse_args()


def ensure_database(orders: int) -> str:
    """The benchmark's PostgreSQL database, one per `--orders` scale."""
    suffix = "" if orders == DEFAULT_ORDERS else f"_{orders}"
    return harness.ensure_database(DEFAULT_DATABASE + suffix)


def prepare(orders: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from kraya.insights import synthetic
    from kraya.insights.compliance.services import compliance_refresh
    from kraya.insights.models import RefreshState
    from kraya.insights.services import insights_refresh

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    report = synthetic.seed_orders(orders=orders, seed=seed, say=print)
    if not report.already_seeded:
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        figures["seed_orders_per_s"] = report.rows_per_s
    state = RefreshState.objects.first()
    full = report.already_seeded is False or state is None or state.watermark is None
    started = time.perf_counter()
    refreshed = insights_refresh(full=full)
    figures["refresh_full" if full else "refresh_incremental"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "orders_read": refreshed.orders_read,
    }
    started = time.perf_counter()
    compliance = compliance_refresh()
    figures["compliance_refresh"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": compliance.rows,
    }
    return figures


def official() -> tuple[Any, int]:
    """The official the compliance pages are requested as, and their
    department: a Primary User (ROLE-1) of an organisation registered, once,
    in the department with the largest GMV; their pages in Hindi."""
    from django.db.models import Sum

    from kraya.accounts.models import BuyerUnit, User
    from kraya.accounts.services import organisation_register, user_set_language
    from kraya.insights.compliance import access
    from kraya.insights.models import BuyerRollup

    user = User.objects.filter(username=OFFICIAL).first()
    if user is None:
        largest = (
            BuyerRollup.objects.values("department_id")
            .annotate(gmv=Sum("gmv_paise"))
            .order_by("-gmv", "department_id")
            .first()
        )
        if largest is None:
            raise SystemExit("no department has orders: nothing to rank")
        department = BuyerUnit.objects.get(pk=largest["department_id"])
        _organisation, user = organisation_register(
            acting_user=None,
            parent=department,
            name="Bench dashboards compliance cell",
            code="BENCH-DASHBOARDS-CELL",
            primary_username=OFFICIAL,
            primary_full_name="Bench Compliance Officer",
            primary_email=f"{OFFICIAL}@example.in",
            primary_password=PASSWORD,
        )
        user = user_set_language(user=user, language="hi")
    scope = access.official_scope(user=user)
    if len(scope.department_ids) != 1:
        raise SystemExit(f"{OFFICIAL} should see one department, not {scope.department_ids}")
    return user, next(iter(scope.department_ids))


def pages() -> list[str]:
    """Every argument-free URL of the insights namespace, for two FYs, and the
    districts of the largest state."""
    from django.urls import NoReverseMatch, get_resolver, reverse

    from kraya.insights import selectors

    resolver = get_resolver()
    _prefix, namespaced = resolver.namespace_dict["insights"]
    names = sorted({name for name in namespaced.reverse_dict if isinstance(name, str)})
    years = selectors.financial_years()
    paths: list[str] = []
    for name in names:
        try:
            path = reverse(f"insights:{name}")
        except NoReverseMatch:
            continue
        paths += [path] + [f"{path}?fy={year}" for year in years[1:2]]
    states = selectors.state_totals(years[0]) if years else []
    if states:
        paths.append(
            reverse("insights:places") + "?" + urllib.parse.urlencode({"state": states[0].key})
        )
    return paths


def compliance_pages(department_id: int) -> list[str]:
    """Every page of the compliance namespace, for the same two FYs as the
    statistics: the ranking and the official's department."""
    from django.urls import get_resolver, reverse

    from kraya.insights import selectors

    _prefix, namespaced = get_resolver().namespace_dict["compliance"]
    names = {name for name in namespaced.reverse_dict if isinstance(name, str)}
    urls = {
        "ranking": reverse("compliance:ranking"),
        "department": reverse("compliance:department", args=[department_id]),
    }
    if names - set(urls):
        raise SystemExit(f"compliance pages not measured: {sorted(names - set(urls))}")
    years = selectors.financial_years()
    return [
        url + query for url in urls.values() for query in ["", *[f"?fy={y}" for y in years[1:2]]]
    ]


def page_queries(paths: list[str], signed_in: set[str], user: Any) -> dict[str, Any]:
    """Each page rendered once in this process with its SQL captured: the
    number of queries, and the tables with a row per order it reads (the
    orders app's, and the rollups' own `OrderFact`): none, every figure
    comes from the rollups."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    public = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="hi")
    official_client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="hi")
    official_client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    counts: dict[str, int] = {}
    reading: dict[str, list[str]] = {}
    for path in paths:
        client = official_client if path in signed_in else public
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} rendered in process")
        counts[path] = len(captured.captured_queries)
        tables = sorted(
            {
                table
                for query in captured.captured_queries
                for table in re.findall(r'"(orders_[a-z_]+|insights_orderfact)"', query["sql"])
            }
        )
        if tables:
            reading[path] = tables
    return {"queries_per_page": counts, "pages_reading_per_order_tables": reading}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(workers: int) -> tuple[int, subprocess.Popen[bytes]]:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "kraya.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    env = dict(os.environ, KRAYA_EMBEDDED="1", KRAYA_LOG_LEVEL="WARNING")
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return port, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "localhost", "Accept-Language": "hi"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    size = len(response.read())
    connection.close()
    return response.status, time.perf_counter() - started, size


def sign_in(port: int) -> str:
    """Sign in as the official through the login form (its CSRF token and
    cookie); the cookies to send afterwards (the session, the language)."""
    jar: dict[str, str] = {}

    def keep(response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})

    login = "/accounts/login/"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", login, headers={"Host": "localhost"})
    response = connection.getresponse()
    form = response.read().decode()
    keep(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if response.status != 200 or token is None:
        raise SystemExit(f"the login form did not load ({response.status})")
    body = urllib.parse.urlencode(
        {"username": OFFICIAL, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    connection.request(
        "POST",
        login,
        body=body,
        headers={
            "Host": "localhost",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://localhost{login}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in jar.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    keep(response)
    connection.close()
    if response.status != 302:
        raise SystemExit(f"signing in as {OFFICIAL} failed ({response.status})")
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def measure(
    port: int, paths: list[str], signed_in: set[str], requests: int, clients: int
) -> dict[str, list[float]]:
    """`requests` of each path from `clients` threads, each signed in once
    (the paths in `signed_in` carry its session; the others go anonymous)."""
    timings: dict[str, list[float]] = {path: [] for path in paths}
    failures: list[str] = []
    warm = sign_in(port)
    for path in paths:  # one warm-up each (imports, template compilation per worker)
        fetch(port, path, warm if path in signed_in else "")
    work = [path for _ in range(requests) for path in paths]
    lock = threading.Lock()

    def client() -> None:
        session = sign_in(port)
        while True:
            with lock:
                if not work:
                    return
                path = work.pop()
            status, seconds, _size = fetch(port, path, session if path in signed_in else "")
            with lock:
                timings[path].append(seconds)
                if status != 200:
                    failures.append(f"{path}: {status}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"pages failed: {failures[:5]}")
    return timings


def ocds_export(url: str, releases: int) -> dict[str, Any] | None:
    """bench/ocds_export.py on its own database on this server (created and
    filled with real releases the first time), its output passed through;
    its figures (its last line)."""
    if releases <= 0:
        return None
    database = urllib.parse.urlparse(url)._replace(path=f"/{OCDS_DATABASE}").geturl()
    command = [
        sys.executable,
        str(Path(__file__).resolve().parent / "ocds_export.py"),
        "--releases",
        str(releases),
    ]
    print(f"==> OCDS export: {' '.join(command[1:])} on {OCDS_DATABASE}", flush=True)
    env = dict(os.environ, DATABASE_URL=database)
    last = ""
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            last = line.strip() or last
            print(f"    {line.rstrip()}", flush=True)
    if process.returncode != 0:
        raise SystemExit(f"bench/ocds_export.py failed ({process.returncode})")
    figures: dict[str, Any] = json.loads(last)
    return figures


def main() -> None:
    options = arguments()
    url = ensure_database(options.orders)
    harness.setup_django()
    figures: dict[str, Any] = {"orders": options.orders, "database": harness.database_vendor()}
    figures.update(prepare(options.orders, options.seed))
    user, department_id = official()
    statistics = pages()
    compliance = compliance_pages(department_id)
    paths = statistics + compliance
    signed_in = set(compliance)
    figures.update(page_queries(paths, signed_in, user))
    port, process = serve(options.workers)
    try:
        timings = measure(port, paths, signed_in, options.requests, options.clients)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    every = [seconds for values in timings.values() for seconds in values]
    overall = harness.latency_summary(every)
    figures["pages"] = {path: harness.latency_summary(values) for path, values in timings.items()}
    figures["requests"] = len(every)
    figures["clients"] = options.clients
    figures["workers"] = options.workers
    figures["p50_ms"] = overall["p50_ms"]
    figures["p95_ms"] = overall["p95_ms"]
    figures["p99_ms"] = overall["p99_ms"]
    figures["worst_page_p95_ms"] = max(v["p95_ms"] for v in figures["pages"].values())
    for name, group in (("statistics", statistics), ("compliance", compliance)):
        summary = harness.latency_summary(s for path in group for s in timings[path])
        figures[f"{name}_p50_ms"] = summary["p50_ms"]
        figures[f"{name}_p95_ms"] = summary["p95_ms"]
    figures["official"] = {"username": OFFICIAL, "department_id": department_id}
    ocds = ocds_export(url, options.ocds_releases)
    figures["ocds_releases_per_s"] = ocds["ocds_releases_per_s"] if ocds else None
    if ocds is not None:
        figures["ocds"] = {
            key: ocds.get(key)
            for key in (
                "releases",
                "ocds_releases_per_s",
                "json_mb_per_s",
                "gzip_bytes_per_release",
                "export_vs_raw_sql",
                "export_peak_rss_mb",
                "publish_releases_per_s",
                "sample_valid",
            )
        }
        figures["ocds"]["database"] = OCDS_DATABASE
    figures["scale"] = harness.data_scale(
        [
            "orders.Order",
            "insights.OrderFact",
            "insights.BuyerRollup",
            "insights.PlaceRollup",
            "insights.CategoryRollup",
            "insights.MonthRollup",
            "insights_compliance.PaymentRollup",
            "accounts.BuyerUnit",
            "accounts.SellerFirm",
        ]
    )
    harness.report("dashboards", figures)


if __name__ == "__main__":
    main()
