"""Every error is project JSON with a translated message; bad input is never a 500."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import row_counts

from kraya.api import errors
from kraya.core.audit_models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.probe")]

NOTES = "/probe/v1/notes"
PLAIN_NOTES = "/probe/v1/plain-notes"
NOTE = {"title": "Chairs", "email": "a@example.in", "quantity": 2}


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def in_hindi(message: str) -> str:
    with translation.override("hi"):
        translated = translation.gettext(message)
    assert translated != message, f"no Hindi for {message!r}"
    return translated


@pytest.fixture
def buyer_client(person_client):
    return person_client


# --- field-level validation ---------------------------------------------------------


def test_fields_are_keyed_by_client_field_name(buyer_client):
    response = buyer_client.post(
        NOTES,
        data={"title": "", "email": "not-an-email", "quantity": 0, "lines": [{"quantity": "x"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "validation",
        "message": "Some fields need attention.",
        "fields": {
            "title": ["Enter at least 1 characters."],
            "email": ["Enter a valid email address."],
            "quantity": ["Ensure this value is greater than or equal to 1."],
            "lines.0.quantity": ["Enter a whole number."],
        },
    }


def test_missing_fields_and_wrong_types(buyer_client):
    response = buyer_client.post(
        NOTES,
        data={"title": 5, "due": "tomorrow", "lines": "many"},
        content_type="application/json",
    )
    assert error_of(response)["fields"] == {
        "title": ["Enter text."],
        "email": ["This field is required."],
        "quantity": ["This field is required."],
        "due": ["Enter a valid date."],
        "lines": ["Enter a list of values."],
    }


def test_query_parameters_are_keyed_by_name(client):
    response = client.get("/probe/v1/search?q=" + "x" * 51 + "&page=two")
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "q": ["Enter at most 50 characters."],
        "page": ["Enter a whole number."],
    }


def test_messages_follow_accept_language(client):
    response = client.get("/probe/v1/search", headers={"Accept-Language": "hi"})
    assert response.status_code == 422
    assert response["Content-Language"] == "hi"
    assert error_of(response)["fields"] == {"q": [in_hindi("This field is required.")]}


def test_messages_follow_the_users_language(person):
    person.preferred_language = "hi"
    person.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(person)
    response = client.post(NOTES, data={**NOTE, "email": "nope"}, content_type="application/json")
    assert error_of(response)["fields"] == {"email": [in_hindi("Enter a valid email address.")]}


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            {"type": "string_too_long", "loc": ("body", "name"), "ctx": {"max_length": 3}},
            "Enter at most 3 characters.",
        ),
        (
            {"type": "less_than_equal", "loc": ("body", "n"), "ctx": {"le": 9}},
            "Ensure this value is less than or equal to 9.",
        ),
        (
            {"type": "value_error", "loc": ("body", "n"), "ctx": {"error": "Too early."}},
            "Too early.",
        ),
        ({"type": "string_too_long", "loc": ("body", "n"), "ctx": {}}, "Enter a valid value."),
        ({"type": "something_new", "loc": ("body", "n")}, "Enter a valid value."),
    ],
)
def test_field_message(error, message):
    assert errors.field_message(error) == message


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("body", "email"), "email"),
        (("query", "limit"), "limit"),
        (("body", "lines", 0, "quantity"), "lines.0.quantity"),
        (("body",), "__all__"),
        ((), "__all__"),
    ],
)
def test_field_name(loc, name):
    assert errors.field_name(loc) == name


# --- each exception type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "code", "message"),
    [
        ("domain", 404, "probe.missing", "Not found."),
        ("http404", 404, "not_found", "Not found."),
        ("does_not_exist", 404, "not_found", "Not found."),
        ("object_does_not_exist", 404, "not_found", "Not found."),
        ("permission_denied", 403, "auth.forbidden", "You are not allowed to do this."),
        ("http_error", 409, "conflict", "This conflicts with the current state."),
    ],
)
def test_exceptions_become_json(client, kind, status, code, message):
    response = client.get(f"/probe/v1/raise/{kind}")
    assert response.status_code == status
    assert error_of(response) == {"code": code, "message": message, "fields": {}}


def test_domain_error_fields_are_kept(buyer_client):
    response = buyer_client.post(
        "/probe/v1/notes/refused", data=NOTE, content_type="application/json"
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "probe.refused"


def test_unknown_path_is_json_404(client):
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert error_of(response) == {
        "code": "method_not_allowed",
        "message": "This method is not allowed here.",
        "fields": {},
    }


# --- malformed requests ----------------------------------------------------------------


def test_malformed_json_is_400(buyer_client):
    response = buyer_client.post(
        NOTES, data=b'{"title": "Chairs",', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
        "fields": {},
    }


def test_bad_utf8_is_400(buyer_client):
    response = buyer_client.post(
        NOTES, data=b'{"title": "\xff\xfe"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_too_large_body_is_413(buyer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({**NOTE, "title": "x" * 2000})
    response = buyer_client.post(NOTES, data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_too_large"


def test_form_encoded_body_is_400(buyer_client):
    response = buyer_client.post(
        NOTES, data="title=Chairs&quantity=2", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_multipart_body_is_refused(buyer_client):
    response = buyer_client.post(NOTES, data={"title": "Chairs", "quantity": "2"})
    assert response.status_code in {400, 415}
    assert error_of(response)["code"] in {"bad_request", "unsupported_media_type"}


@pytest.mark.parametrize(
    "body",
    [b"[]", b"[1, 2]", b'"text"', b"42", b"null", b"true", b"NaN", b"{}", b'{"title": {"$ne": 1}}'],
)
def test_json_of_the_wrong_shape_is_422(buyer_client, body):
    response = buyer_client.post(NOTES, data=body, content_type="application/json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"


def test_huge_strings_are_refused(buyer_client):
    response = buyer_client.post(
        NOTES, data={**NOTE, "title": "x" * 100_000}, content_type="application/json"
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"title": ["Enter at most 100 characters."]}


def test_number_too_big_for_the_database_is_400_and_changes_nothing(buyer_client):
    before = AuditEvent.objects.count()
    response = buyer_client.post(
        "/probe/v1/counters", data={"value": 10**30}, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "bad_request",
        "message": "A value is too large or out of range.",
        "fields": {},
    }
    assert AuditEvent.objects.count() == before


# --- fuzzing: no 500, nothing written ------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "email", "quantity", "due", "lines", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)
fuzz_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@fuzz_settings
@given(body=json_values)
def test_fuzz_json_bodies(buyer_client, body):
    before = AuditEvent.objects.count()
    for path in (NOTES, PLAIN_NOTES):
        response = buyer_client.post(path, data=json.dumps(body), content_type="application/json")
        assert response.status_code in {201, 422}, response.content
        if response.status_code == 422:
            error_of(response)
    if not (isinstance(body, dict) and body.get("email") and body.get("title")):
        assert AuditEvent.objects.count() == before


@fuzz_settings
@given(
    raw=st.binary(max_size=400),
    content_type=st.sampled_from(
        [
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
            "",
        ]
    ),
)
def test_fuzz_raw_bytes(buyer_client, raw, content_type):
    before = AuditEvent.objects.count()
    response = buyer_client.post(PLAIN_NOTES, data=raw, content_type=content_type)
    assert response.status_code in {400, 413, 415, 422}, response.content
    error_of(response)
    assert AuditEvent.objects.count() == before


@fuzz_settings
@given(query=st.text(max_size=200), cursor=st.text(max_size=300), limit=st.text(max_size=30))
def test_fuzz_query_strings(buyer_client, query, cursor, limit):
    response = buyer_client.get("/probe/v1/search", {"q": query, "page": limit})
    assert response.status_code in {200, 422}
    response = buyer_client.get("/probe/v1/events", {"cursor": cursor, "limit": limit})
    assert response.status_code in {200, 422}
    if response.status_code == 422:
        assert error_of(response)["code"] in {"validation", "pagination.bad_cursor"}


# --- fuzzing the project's own endpoints ------------------------------------------------

user_like = st.fixed_dictionaries(
    {},
    optional={
        "username": st.text(max_size=200) | st.integers(),
        "full_name": st.text(max_size=250),
        "email": st.text(max_size=300) | st.none(),
        "mobile": st.text(max_size=30) | st.integers(),
        "password": st.text(max_size=200),
        "roles": st.lists(st.sampled_from(["BUYER", "CONSIGNEE", "PRIMARY", "x", ""]), max_size=5)
        | st.text(max_size=5),
        "unit": st.integers() | st.text(max_size=5) | st.none(),
        "successor": st.integers() | st.text(max_size=5),
        "membership": st.integers(min_value=-(2**70), max_value=2**70) | st.none(),
        "name": st.text(max_size=150),
        "expires_in_days": st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
        "language": st.text(max_size=12),
    },
)


@fuzz_settings
@given(body=user_like | json_values, target=st.sampled_from(["users", "hand-over", "tokens", "me"]))
def test_fuzz_project_endpoints(world, body, target):
    client = Client()
    client.force_login(world.primary)
    organisation = world.organisation.pk
    method, path = {
        "users": ("post", f"/api/v1/accounts/organisations/{organisation}/users"),
        "hand-over": ("post", f"/api/v1/accounts/organisations/{organisation}/hand-over"),
        "tokens": ("post", "/api/v1/accounts/tokens"),
        "me": ("patch", "/api/v1/accounts/me/language"),
    }[target]
    before = row_counts()
    response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error_of(response)
        assert row_counts() == before


@fuzz_settings
@given(
    on=st.text(max_size=40),
    segment=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s)
    | st.integers().map(str),
)
def test_fuzz_project_query_and_path_values(person_client, on, segment):
    response = person_client.get("/api/v1/policy", {"on": on})
    assert response.status_code in {200, 422}
    response = person_client.get(f"/api/v1/accounts/organisations/{quote(segment, safe='')}/users")
    assert response.status_code in {404, 422}, response.content
    error_of(response)
