"""KYC-5: the bulk registration pages and API — upload, progress, report,
template and report downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kraya.sellers.bulk import sample
from kraya.sellers.bulk.columns import template_csv
from kraya.sellers.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(world) -> Client:
    client = Client()
    client.force_login(world.operator, backend="django.contrib.auth.backends.ModelBackend")
    return client


def rows_with_one_bad() -> list[dict[str, str]]:
    rows = [sample.sample_row(n, salt=20) for n in range(1, 4)]
    rows[2]["ifsc"] = "NOT-AN-IFSC"
    return rows


def post_upload(browser, data: bytes, capture, *, source="Aligarh workshop 2026-11-20"):
    with capture(execute=True):
        return browser.post(
            reverse("sellers:bulk_upload"),
            {"file": SimpleUploadedFile("s.csv", data), "source": source},
        )


def test_upload_page_runs_the_import_and_the_batch_page_shows_the_report(
    browser, django_capture_on_commit_callbacks
):
    response = post_upload(
        browser, sample.csv_bytes(rows_with_one_bad()), django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:bulk_batch", args=[batch.pk])
    page = browser.get(response["Location"])
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert '<progress id="progress" max="100" value="100"' in html
    assert 'id="count-registered">2<' in html
    assert 'id="count-rejected">1<' in html
    assert "IFSC: Enter a valid 11-character IFSC, like SBIN0001234." in html
    assert "Forgot your password?" in html
    rejected_only = browser.get(response["Location"] + "?outcome=REJECTED").content.decode()
    assert rejected_only.count("<td>3</td>") == 1 and "<td>1</td>" not in rejected_only


def test_reasons_are_in_hindi_for_a_hindi_reader(browser, django_capture_on_commit_callbacks):
    post_upload(browser, sample.csv_bytes(rows_with_one_bad()), django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    browser.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    html = browser.get(reverse("sellers:bulk_batch", args=[batch.pk])).content.decode()
    assert '<html lang="hi">' in html
    assert "आईएफएससी:" in html  # the column named in Hindi


def test_a_queued_batch_page_refreshes_itself_and_shows_progress(browser, world):
    batch = ImportBatch.objects.create(
        uploaded_by=world.operator,
        source="Camp",
        file_name="c.csv",
        content=b"",
        status=ImportBatch.Status.RUNNING,
        total_rows=200,
        processed_rows=50,
    )
    html = browser.get(reverse("sellers:bulk_batch", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="progress" max="100" value="25"' in html
    assert "50 of 200 rows checked" in html


def test_a_refused_file_shows_its_reason_and_registered_nothing(
    browser, django_capture_on_commit_callbacks
):
    response = post_upload(browser, b"Name,Colour\nx,y\n", django_capture_on_commit_callbacks)
    html = browser.get(response["Location"]).content.decode()
    assert "Unknown column headers: Name, Colour." in html
    assert "Nothing was registered." in html
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_the_upload_form_needs_a_file_and_a_source(browser):
    response = browser.post(reverse("sellers:bulk_upload"), {"source": ""})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    assert response.context["form"].errors.keys() == {"file", "source"}


@pytest.mark.parametrize(
    ("lang", "first"), [("en", "Legal name"), ("hi", "वैधानिक नाम"), ("xx", "Legal name")]
)
def test_template_download(browser, lang, first):
    response = browser.get(reverse("sellers:bulk_template") + f"?lang={lang}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").startswith(first + ",")


def test_template_round_trip_download_fill_upload_in_hindi(
    browser, django_capture_on_commit_callbacks
):
    template = browser.get(reverse("sellers:bulk_template") + "?lang=hi").content
    filled = (
        template + sample.csv_bytes([sample.sample_row(1, salt=21)], bom=False).split(b"\r\n", 1)[1]
    )
    post_upload(browser, filled, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.registered, batch.rejected) == ("DONE", 2, 0)


def test_report_csv_neutralises_formulas(browser, django_capture_on_commit_callbacks):
    rows = [sample.sample_row(1, salt=22) | {"legal_name": "=cmd|' /C calc'!A0"}]
    post_upload(browser, sample.csv_bytes(rows), django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    response = browser.get(reverse("sellers:bulk_report", args=[batch.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Row", "Outcome", "PAN", "Legal name", "Reasons"]
    assert lines[1][:4] == ["1", "Rejected", rows[0]["pan"], "'=cmd|' /C calc'!A0"]
    assert lines[1][4] == "Legal name: A cell cannot start with =, +, - or @."


# --- the API ---------------------------------------------------------------------------------


def test_api_upload_status_and_rows(browser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/api/v1/sellers/imports",
            {
                "file": SimpleUploadedFile("s.csv", sample.csv_bytes(rows_with_one_bad())),
                "source": "NRLM list, Patna",
            },
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["source"]) == ("QUEUED", "NRLM list, Patna")
    status = browser.get(f"/api/v1/sellers/imports/{body['id']}").json()
    assert {key: status[key] for key in ("status", "total_rows", "processed_rows", "percent")} == {
        "status": "DONE",
        "total_rows": 3,
        "processed_rows": 3,
        "percent": 100,
    }
    assert (status["registered"], status["already_registered"], status["rejected"]) == (2, 0, 1)
    rows = browser.get(f"/api/v1/sellers/imports/{body['id']}/rows?outcome=REJECTED").json()
    assert rows["next_cursor"] is None
    assert [(row["number"], row["outcome"]) for row in rows["items"]] == [(3, "REJECTED")]
    assert rows["items"][0]["reasons"] == [
        {
            "field": "ifsc",
            "code": "kyc.ifsc_invalid",
            "message": "Enter a valid 11-character IFSC, like SBIN0001234.",
        }
    ]
    every = browser.get(f"/api/v1/sellers/imports/{body['id']}/rows").json()["items"]
    assert [row["outcome"] for row in every] == ["REGISTERED", "REGISTERED", "REJECTED"]
    assert all(row["registration_id"] for row in every[:2])


def test_api_refuses_a_bad_outcome_filter_and_a_missing_file(browser, world):
    batch = ImportBatch.objects.create(uploaded_by=world.operator, source="x", file_name="x.csv")
    assert browser.get(f"/api/v1/sellers/imports/{batch.pk}/rows?outcome=MAYBE").status_code == 422
    assert browser.get("/api/v1/sellers/imports/999999").status_code == 404
    assert browser.post("/api/v1/sellers/imports", {"source": "x"}).status_code == 422
    assert (
        browser.post(
            "/api/v1/sellers/imports",
            {"file": SimpleUploadedFile("s.csv", template_csv("en")), "source": ""},
        ).status_code
        == 422
    )


def test_resume_queues_an_unfinished_batch_again_and_it_finishes(
    browser, world, django_capture_on_commit_callbacks
):
    rows = [sample.sample_row(n, salt=23) for n in range(1, 4)]
    batch = ImportBatch.objects.create(
        uploaded_by=world.operator,
        source="Camp",
        file_name="c.csv",
        content=sample.csv_bytes(rows),
        status=ImportBatch.Status.RUNNING,
    )
    url = reverse("sellers:bulk_batch", args=[batch.pk])
    assert "Resume the import" in browser.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(url).status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.registered) == ("DONE", 3)
    html = browser.get(url).content.decode()
    assert "Resume the import" not in html
    response = browser.post(url, follow=True)
    assert "This import has already finished." in response.content.decode()
