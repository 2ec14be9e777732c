"""GET /api/v1/policy: public, the policy in force on a date with its sources."""

import datetime as dt

import pytest

from kraya.core import clock

URL = "/api/v1/policy"


@pytest.fixture
def api(client):
    return client


@pytest.mark.django_db
def test_policy_on_a_date_with_versions_and_sources(api):
    response = api.get(URL, {"on": "2024-08-08"})
    assert response.status_code == 200
    body = response.json()
    assert body["on"] == "2024-08-08"
    assert body["version"] == "2024-07-10"
    modes = body["sections"]["buying_modes"]
    assert modes["version"] == "2024-07-10"
    assert modes["effective_from"] == "2024-07-10"
    assert modes["rules"] == ["MODE-1", "MODE-3", "MODE-5"]
    assert "Rule 149" in modes["source"]
    assert modes["values"]["direct_purchase_max_paise"] == 5_000_000
    assert modes["values"]["l1_purchase_max_paise"] == 100_000_000
    revenue = body["sections"]["revenue"]
    assert revenue["provisional"] is True
    assert revenue["values"]["transaction_charge_percent"] == "0"


@pytest.mark.django_db
def test_policy_defaults_to_today_in_india(api):
    with clock.frozen_at(dt.datetime(2024, 8, 8, 18, 30, tzinfo=dt.UTC)):  # 9 Aug, 00:00 IST
        body = api.get(URL).json()
    assert body["on"] == "2024-08-09"
    assert body["version"] == "2024-08-09"
    assert body["sections"]["revenue"]["values"]["transaction_charge_percent"] == "0.30"


@pytest.mark.django_db
def test_policy_is_public_and_needs_no_token(api, django_user_model):
    # Anonymous works; a signed-in user sees the same.
    anonymous = api.get(URL, {"on": "2020-01-01"}).json()
    user = django_user_model.objects.create_user(username="reader", password="x-Long-Pass-1")
    api.force_login(user)
    assert api.get(URL, {"on": "2020-01-01"}).json() == anonymous


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "20240809", "2024-8-9", "2024-W01-1"])
def test_a_bad_date_is_a_422_json_error(api, bad):
    response = api.get(URL, {"on": bad})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation"
    assert error["fields"] == {"on": ["Enter a valid date (YYYY-MM-DD)."]}


@pytest.mark.django_db
def test_a_date_before_the_first_policy_is_a_422_json_error(api):
    response = api.get(URL, {"on": "2017-03-07"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "policy.not_in_force"
    assert "2017-03-08" in error["message"]
    assert error["fields"] == {"on": ["Enter a date on or after 2017-03-08."]}


@pytest.mark.django_db
def test_policy_is_in_the_openapi_document(api):
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/policy"]["get"]
    assert operation["tags"] == ["policy"]
    assert not operation.get("security")
