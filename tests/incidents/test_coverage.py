"""Every incident page and API operation has its authorization tests
(anonymous, other organisation, wrong role, right role) in this package:
`test_views.py` and `test_api.py` list what they cover. This test fails when
a page or operation is added without its row (INC-1, INC-2)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from kraya.api.main import api
from tests.incidents import test_api, test_views


def _pages(resolver: URLResolver, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found |= _pages(pattern, namespace)
        elif isinstance(pattern, URLPattern) and prefix == "incidents:":
            found.add(f"{prefix}{pattern.name}")
    return found


def test_inc1_inc2_every_incident_page_has_its_authorization_tests() -> None:
    assert _pages(get_resolver()) == test_views.PAGES_COVERED


def test_inc1_inc2_every_incident_operation_has_its_authorization_tests() -> None:
    paths = api.get_openapi_schema()["paths"]
    operations = {
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith("/api/v1/incidents")
        for method in item
    }
    assert operations == test_api.API_COVERED
