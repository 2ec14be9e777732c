"""The project API: OpenAPI 3.1, the docs page under the CSP, root and health.

The docs page is also driven in a real browser: tests/browser/test_api_docs.py."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from jsonschema import Draft202012Validator

OPENAPI = "/api/v1/openapi.json"
DOCS = "/api/v1/docs"


@pytest.fixture
def schema(client) -> dict:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def walk(node, path=()):
    """Every (path, key, value) in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def test_openapi_is_3_1_with_the_expected_paths(schema):
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Kraya API"
    assert schema["info"]["version"] == "1"
    assert "Idempotency-Key" in schema["info"]["description"]
    assert {"/api/v1/health", "/api/v1/accounts/me", "/api/v1/policy"} <= set(schema["paths"])
    assert "security" not in schema["paths"]["/api/v1/health"]["get"]  # public


def test_openapi_uses_json_schema_2020_12_not_3_0_dialect(schema):
    for component in schema["components"]["schemas"].values():
        Draft202012Validator.check_schema(component)
    for path, key, value in walk(schema):
        # 3.0-only spellings: a 3.1 document says `type: [..., "null"]` / anyOf
        # and numeric exclusive bounds.
        assert key != "nullable", path
        if key in {"exclusiveMinimum", "exclusiveMaximum"}:
            assert not isinstance(value, bool), path


def test_openapi_references_resolve(schema):
    refs = {value for _path, key, value in walk(schema) if key == "$ref"}
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schema["components"]["schemas"], ref


def test_openapi_operations_are_unique_and_answer(schema):
    operation_ids = [
        operation["operationId"] for item in schema["paths"].values() for operation in item.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    for item in schema["paths"].values():
        for operation in item.values():
            assert "200" in operation["responses"] or "201" in operation["responses"]


def test_openapi_security_schemes_are_token_and_session(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "kr_..."}
    assert schemes["SessionAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    me = schema["paths"]["/api/v1/accounts/me"]["get"]
    assert me["security"] == [{"ApiTokenAuth": []}, {"SessionAuth": []}]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id")

    def handle_data(self, data):
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


def test_docs_page_needs_nothing_the_csp_forbids(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    parser = _Tags()
    parser.feed(response.content.decode())
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    # Executable scripts come from our own static files; the one inline block
    # is JSON data, which the CSP does not govern.
    assert [a["src"] for a in scripts if a.get("src")] == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert [a.get("type") for a in scripts if not a.get("src")] == ["application/json"]
    assert not any(tag == "style" or "style" in attrs for tag, attrs in parser.tags)
    assert not any(
        str(value).startswith(("http:", "https:", "//"))
        for _tag, attrs in parser.tags
        for name, value in attrs.items()
        if name in {"src", "href"}
    )
    for url in [a["src"] for a in scripts if a.get("src")] + ["/static/ninja/swagger-ui.css"]:
        assert finders.find(url.removeprefix("/static/")), url
        assert client.get(url).status_code == 200
    settings = json.loads(parser.data["swagger-settings"])
    assert settings["url"] == OPENAPI
    body = next(attrs for tag, attrs in parser.tags if tag == "body")
    assert body["data-api-csrf"] == "true"
    assert body["data-csrf-token"]


def test_root_points_to_the_docs(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "title": "Kraya API",
        "version": "1",
        "openapi": OPENAPI,
        "docs": DOCS,
    }


@pytest.mark.django_db
def test_health_is_public_and_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
