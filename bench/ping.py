"""ping: the request path with (nearly) nothing behind it.

BENCH_REQUESTS (default 2000) GET requests to /api/v1/health (the home page
when the API has no health endpoint) through Django's WSGI handler, in this
process and one at a time, so the figure is Django + middleware + one view,
without a network or a server in front. Every response must be 200."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

WARMUP = 50


def pick_path() -> str:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/health")
    except Resolver404:
        return "/"
    return "/api/v1/health"


def make_request(application: Callable[..., Any], path: str) -> Callable[[], int]:
    def request() -> int:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "HTTP_ACCEPT": "*/*",
            "wsgi.input": io.BytesIO(b""),
        }
        setup_testing_defaults(environ)
        status: list[str] = []

        def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(line)
            return lambda data: None

        body = application(environ, start_response)
        try:
            for _chunk in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        code = int(status[0].split(" ", 1)[0])
        if code != 200:
            raise SystemExit(f"GET {path} answered {status[0]}")
        return code

    return request


def main() -> None:
    harness.setup_django()
    from django.core.wsgi import get_wsgi_application

    count = harness.env_int("BENCH_REQUESTS", 2000)
    path = pick_path()
    request = make_request(get_wsgi_application(), path)
    for _ in range(WARMUP):
        request()
    durations, elapsed = harness.time_each(request, count=count)
    harness.report(
        "ping",
        {
            "path": path,
            "database": harness.database_vendor(),
            "data_scale": harness.data_scale(
                ["accounts.User", "accounts.BuyerUnit", "catalog.Offer", "core.AuditEvent"]
            ),
            "requests": count,
            "concurrency": 1,
            "elapsed_s": round(elapsed, 3),
            "throughput_rps": round(count / elapsed, 1),
            **harness.latency_summary(durations),
            "peak_rss_mb": harness.peak_rss_mb(),
        },
    )


if __name__ == "__main__":
    main()
