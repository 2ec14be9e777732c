"""The sellers API: what each operation answers (every role × endpoint is in
tests/api/test_authorization_matrix.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kraya.accounts.models import User
from kraya.sellers import services
from kraya.sellers.models import Registration
from tests.sellers.kyc_examples import (
    BANK_STEP,
    DECLARATION_STEP,
    KEY_PERSON_STEP,
    categories_step,
    firm_step,
    gstin_for,
    new_pan,
    offices_step,
    submitted,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sellers"


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _put(client: Client, path: str, body: Any) -> Any:
    return client.put(f"{BASE}{path}", body, content_type="application/json")


def _post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json")


def _applicant(name: str = "asha") -> User:
    return User.objects.create_user(username=name, password="x", email=f"{name}@example.in")


def test_register_step_by_step_then_operator_verifies(world) -> None:
    applicant = _applicant()
    client = _client(applicant)
    started = _post(client, "/registrations")
    assert started.status_code == 201
    registration_id = started.json()["id"]
    assert started.json()["status"] == "DRAFT" and started.json()["bank_account"] is None
    # Starting again resumes the same draft.
    assert _post(client, "/registrations").json()["id"] == registration_id
    pan = new_pan("C")
    steps = {
        "firm": firm_step(pan.lower(), annual_turnover_paise=20 * 1_00_00_000_00),
        "offices": offices_step(pan),
        "bank": BANK_STEP,
        "key_person": KEY_PERSON_STEP,
        "categories": categories_step("MSE", "GI"),
        "declaration": DECLARATION_STEP,
    }
    for step, body in steps.items():
        response = _put(client, f"/registrations/{registration_id}/steps/{step}", body)
        assert response.status_code == 200, (step, response.json())
        assert response.json()["current_step"] == step
    mine = client.get(f"{BASE}/registrations/mine").json()
    assert (mine["pan"], mine["constitution"]) == (pan, "COMPANY")
    assert mine["offices"][0]["gstin"] == gstin_for(pan)
    assert mine["bank_account"] == {
        "account_holder": "Varanasi Handloom Udyog",
        "account_number_last4": "7890",
        "ifsc": "SBIN0001234",
        "bank_name": "State Bank of India",
    }
    assert mine["aadhaar_masked"] == "XXXX XXXX 2346"
    assert {c["kind"] for c in mine["categories"]} == {"MSE", "GI"}
    done = _post(client, f"/registrations/{registration_id}/submit")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["caution_money_paise"]) == ("SUBMITTED", 25_000_00)
    assert done.json()["firm_id"] is not None
    verified = _post(_client(world.operator), f"/registrations/{registration_id}/verify")
    assert verified.json()["status"] == "VERIFIED"
    assert all(c["verified"] for c in verified.json()["categories"])


def test_field_errors_are_keyed_by_field() -> None:
    applicant = _applicant()
    client = _client(applicant)
    registration_id = _post(client, "/registrations").json()["id"]
    pan = new_pan()
    _put(client, f"/registrations/{registration_id}/steps/firm", firm_step(pan))
    response = _put(
        client, f"/registrations/{registration_id}/steps/offices", offices_step(new_pan())
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "kyc.gstin_pan_mismatch"
    assert response.json()["error"]["fields"] == {
        "offices.0.gstin": ["This GSTIN belongs to another PAN than the firm's."]
    }
    bad_schema = _put(
        client,
        f"/registrations/{registration_id}/steps/firm",
        {**firm_step(pan), "business_type": "SHOP"},
    )
    assert bad_schema.status_code == 422
    assert "business_type" in bad_schema.json()["error"]["fields"]


def test_submit_incomplete_is_422_with_missing_steps() -> None:
    client = _client(_applicant())
    registration_id = _post(client, "/registrations").json()["id"]
    response = _post(client, f"/registrations/{registration_id}/submit")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {
        "firm",
        "offices",
        "bank",
        "key_person",
        "declaration",
    }


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {"offices": "many"},
        {"offices": [{"gstin": "x" * 5000, "state": "Goa"}]},
    ],
)
def test_bad_input_is_422_never_500(body: Any) -> None:
    applicant = _applicant()
    client = _client(applicant)
    registration_id = _post(client, "/registrations").json()["id"]
    payload = body if isinstance(body, str) else json.dumps(body)
    response = client.put(
        f"{BASE}/registrations/{registration_id}/steps/offices",
        payload,
        content_type="application/json",
    )
    assert response.status_code in {400, 422}
    assert "error" in response.json()


def test_unknown_step_and_registration_are_404() -> None:
    client = _client(_applicant())
    registration_id = _post(client, "/registrations").json()["id"]
    assert _put(client, f"/registrations/{registration_id}/steps/payment", {}).status_code == 404
    assert client.get(f"{BASE}/registrations/999999").status_code == 404
    assert _client(_applicant("other")).get(f"{BASE}/registrations/mine").status_code == 404


def test_reject_with_reason(world) -> None:
    registration = submitted(_applicant())
    client = _client(world.operator)
    empty = _post(client, f"/registrations/{registration.pk}/reject", {"reason": "  "})
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "sellers.reason_required")
    response = _post(
        client, f"/registrations/{registration.pk}/reject", {"reason": "Blurred PAN card"}
    )
    assert (response.json()["status"], response.json()["rejection_reason"]) == (
        "REJECTED",
        "Blurred PAN card",
    )


# --- the directory -----------------------------------------------------------------------


def _seller(name: str, **kwargs: Any) -> Registration:
    return submitted(_applicant(name), legal_name=f"{name.title()} Traders", **kwargs)


def test_directory_filters_and_pages(world) -> None:
    asha = _seller("asha", segments=("MSE", "WOMAN"))
    bina = _seller("bina", segments=("SHG",), district="Gorakhpur", business_type="TRADER")
    _seller("chitra", state="Bihar", district="Patna", segments=("ARTISAN",))
    services.registration_verify(acting_user=world.operator, registration=bina)
    services.registration_start(applicant=_applicant("drafty"))  # drafts are not listed
    client = _client(world.operator)

    def names(query: str) -> list[str]:
        response = client.get(f"{BASE}/directory?{query}")
        assert response.status_code == 200, response.json()
        return [item["legal_name"] for item in response.json()["items"]]

    assert names("") == ["Chitra Traders", "Bina Traders", "Asha Traders"]
    assert names("state=Uttar%20Pradesh") == ["Bina Traders", "Asha Traders"]
    assert names("district=gorakhpur") == ["Bina Traders"]
    assert names("segment=WOMAN") == ["Asha Traders"]
    assert names("category=MICRO") == ["Asha Traders"]
    assert names("status=VERIFIED") == ["Bina Traders"]
    assert names("business_type=TRADER") == ["Bina Traders"]
    assert names("q=chit") == ["Chitra Traders"]
    assert names(f"q={asha.pan.lower()}") == ["Asha Traders"]
    first = client.get(f"{BASE}/directory?limit=2").json()
    assert [item["segments"] for item in first["items"]] == [["ARTISAN"], ["SHG"]]
    second = client.get(f"{BASE}/directory?limit=2&cursor={first['next_cursor']}").json()
    assert [item["legal_name"] for item in second["items"]] == ["Asha Traders"]
    assert second["items"][0]["segments"] == ["MSE", "WOMAN"]
    assert second["next_cursor"] is None
    bad = client.get(f"{BASE}/directory?segment=ROYAL")
    assert bad.status_code == 422


def test_directory_page_reads_in_constant_queries(world) -> None:
    for name in ("asha", "bina", "chitra", "devi"):
        _seller(name, segments=("MSE", "WOMAN"))
    client = _client(world.operator)
    client.get(f"{BASE}/directory")  # warm the session and auth
    with CaptureQueriesContext(connection) as small:
        client.get(f"{BASE}/directory?limit=1")
    with CaptureQueriesContext(connection) as large:
        client.get(f"{BASE}/directory?limit=4")
    assert len(small) == len(large)


# --- the public KYC check --------------------------------------------------------------


def test_kyc_check_reports_each_field() -> None:
    gstin = gstin_for("AAPFU0939F", "38")
    response = _client().get(
        f"{BASE}/kyc/check?pan=aapfu0939f&gstin={gstin}&ifsc=SBIN0001234&udyam=UDYAM-UP-09-0012345"
    )
    assert response.status_code == 200
    fields = response.json()["fields"]
    assert fields["pan"] == {
        "valid": True,
        "value": "AAPFU0939F",
        "code": "",
        "message": "",
        "details": {"constitution": "FIRM_LLP"},
    }
    assert fields["gstin"]["details"] == {"state": "Ladakh", "pan": "AAPFU0939F"}
    assert fields["ifsc"]["details"] == {"bank": "State Bank of India"}
    assert fields["udyam"]["valid"] is True


def test_kyc_check_failures() -> None:
    response = _client().get(
        f"{BASE}/kyc/check?pan=AAPFU0940F&gstin=27AAPFU0939F1ZV&ifsc=SBIN1&udyam=UDYAM-XX-09-0012345"
    )
    fields = response.json()["fields"]
    assert (fields["pan"]["valid"], fields["gstin"]["code"]) == (True, "kyc.gstin_pan_mismatch")
    assert fields["ifsc"]["code"] == "kyc.ifsc_invalid"
    assert fields["udyam"]["code"] == "kyc.udyam_state_unknown"
    checksum = _client().get(f"{BASE}/kyc/check?gstin=27AAPFU0939F1ZW").json()["fields"]
    assert checksum["gstin"]["code"] == "kyc.gstin_checksum"
    nothing = _client().get(f"{BASE}/kyc/check")
    assert (nothing.status_code, nothing.json()["error"]["code"]) == (
        422,
        "sellers.nothing_to_check",
    )
