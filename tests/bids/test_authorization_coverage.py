"""Every bid page and every bids API operation has its authorization tests.

Each area's test module (`test_<area>_api.py`, `test_<area>_views.py`) lists
what it covers in `API_COVERED` (method, path as ninja registers it, e.g.
`("POST", "/api/v1/bids/{bid_id}/submission")`) and `PAGES_COVERED` (URL
names, e.g. `"bids:bid"`), and tests each with: anonymous (401 / sign-in
redirect), a user who may not see the object (404), one who sees it without
the role (403) and the right role (2xx), refused writes changing nothing.
This test fails when a page or operation is in no module's list, so nothing
ships without its row."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

import tests.bids
from kraya.api.main import api


def _modules() -> Iterator[object]:
    for info in pkgutil.iter_modules(tests.bids.__path__):
        if info.name.startswith("test_") and info.name != "test_authorization_coverage":
            yield importlib.import_module(f"tests.bids.{info.name}")


def _covered(name: str) -> set:
    found: set = set()
    for module in _modules():
        found |= set(getattr(module, name, set()))
    return found


def _bid_pages(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _bid_pages(pattern, namespace)
        elif isinstance(pattern, URLPattern) and prefix.startswith("bids:"):
            yield f"{prefix}{pattern.name}" if pattern.name else f"unnamed: {pattern.pattern}"


def _bid_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), f"/api/v1{path.removeprefix('/api/v1')}")
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/bids")
        for method in item
    }


def test_every_bid_page_has_its_authorization_tests() -> None:
    pages = set(_bid_pages(get_resolver()))
    covered = _covered("PAGES_COVERED")
    assert pages - covered == set(), "add these pages to a PAGES_COVERED with their tests"
    assert covered - pages == set(), "these PAGES_COVERED names are not pages"


def test_every_bids_api_operation_has_its_authorization_tests() -> None:
    operations = _bid_operations()
    covered = _covered("API_COVERED")
    assert operations - covered == set(), "add these operations to an API_COVERED with tests"
    assert covered - operations == set(), "these API_COVERED rows are not operations"
