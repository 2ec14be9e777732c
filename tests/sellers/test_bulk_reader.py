"""KYC-5: the CSV template and every kind of bad file — a clear file-level
error and nothing written but the FAILED batch."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kraya.accounts.models import SellerFirm, User
from kraya.core.policy import policy_in_force
from kraya.sellers.bulk import reader, sample, services
from kraya.sellers.bulk.columns import COLUMNS, template_csv
from kraya.sellers.bulk.validate import check_row, neutralise
from kraya.sellers.models import ImportBatch, ImportRow, Registration
from tests.factories import audit_actions_since, audit_head, make_operator

KYC = policy_in_force().kyc


def check_all(data: bytes):
    layout = reader.inspect(data, max_rows=1000)
    return layout, [check_row(raw, kyc_policy=KYC) for raw in reader.rows(data, layout)]


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_template_has_a_bom_headers_in_its_language_and_a_valid_example(lang):
    data = template_csv(lang)
    assert data.startswith(codecs.BOM_UTF8)
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[0] == ("वैधानिक नाम" if lang == "hi" else "Legal name")
    layout, checked = check_all(data)
    assert layout.total_rows == 1
    assert layout.header_language == lang
    assert [row.errors for row in checked] == [[]]
    assert checked[0].clean is not None and checked[0].clean.pan == "AAAPL1234C"


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_filled_template_round_trip_in_both_header_languages(lang):
    rows = [sample.sample_row(n) for n in range(1, 4)]
    _, checked = check_all(sample.csv_bytes(rows, lang=lang))
    assert [row.clean.pan for row in checked if row.clean] == [row["pan"] for row in rows]


def test_headers_match_whatever_the_case_and_spacing():
    header = ",".join(f"  {column.en.upper()} " for column in COLUMNS)
    row = ",".join(sample.sample_row(1)[column.key] for column in COLUMNS)
    _, checked = check_all(f"{header}\n{row}\n".encode())
    assert checked[0].errors == []


def test_utf16_with_a_bom_is_decoded():
    text = sample.csv_bytes([sample.sample_row(3)], lang="hi").decode("utf-8-sig")
    _, checked = check_all(text.encode("utf-16"))
    assert checked[0].clean is not None
    assert checked[0].clean.legal_name == sample.sample_row(3)["legal_name"]
    assert any("\u0900" <= char <= "\u097f" for char in checked[0].clean.legal_name)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "bulk.empty"),
        (b"  \r\n", "bulk.empty"),
        ("Legal name,PAN,Städte\n".encode("latin-1"), "bulk.encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "bulk.binary"),
        (b"Legal name,PAN\n", "bulk.missing_headers"),
        (b"Legal name,PAN,Colour\n", "bulk.unknown_headers"),
    ],
)
def test_bad_files_are_refused_with_a_code(data, code):
    with pytest.raises(reader.FileRejected) as info:
        reader.inspect(data, max_rows=10)
    assert info.value.code == code


def test_headers_only_is_no_rows():
    with pytest.raises(reader.FileRejected) as info:
        reader.inspect(template_csv("en").split(b"\r\n")[0] + b"\r\n", max_rows=10)
    assert info.value.code == "bulk.no_rows"


def test_repeated_and_too_many_columns():
    header = [column.en for column in COLUMNS]
    with pytest.raises(reader.FileRejected) as info:
        reader.inspect(",".join([*header, "PAN"]).encode() + b"\n", max_rows=10)
    assert (info.value.code, info.value.params) == ("bulk.repeated_headers", {"headers": "pan"})
    with pytest.raises(reader.FileRejected) as info:
        reader.inspect(",".join(header + [""] * 40).encode() + b"\n", max_rows=10)
    assert info.value.code == "bulk.too_many_columns"


def test_too_many_rows_is_refused_before_anything_is_parsed_further():
    data = sample.csv_bytes(sample.sample_row(n) for n in range(1, 6))
    with pytest.raises(reader.FileRejected) as info:
        reader.inspect(data, max_rows=4)
    assert (info.value.code, info.value.params) == ("bulk.too_many_rows", {"limit": 4})


def test_the_message_of_a_file_error_is_in_the_users_language():
    with translation.override("en"):
        message = reader.file_error_message("bulk.too_many_rows", {"limit": 4})
    assert message == "The file has more than 4 rows. Split it into smaller files."


def test_a_row_with_more_cells_than_headers_is_rejected():
    text = sample.csv_bytes([sample.sample_row(1)]).decode("utf-8-sig").rstrip() + ",surplus\r\n"
    _, checked = check_all(text.encode())
    assert [e.code for e in checked[0].errors] == ["bulk.extra_cells"]


def test_formula_cells_are_refused_and_neutralised_for_export():
    row = sample.sample_row(1) | {"legal_name": "=1+1", "key_person_name": "@SUM(A1)"}
    _, checked = check_all(sample.csv_bytes([row]))
    assert {(e.field, e.code) for e in checked[0].errors} == {
        ("legal_name", "bulk.formula"),
        ("key_person_name", "bulk.formula"),
    }
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-5") == "'-5"
    assert neutralise("Ganga") == "Ganga"


def test_segments_business_type_turnover_and_mobile_forms_are_understood():
    row = sample.sample_row(1) | {
        "segments": "mse, sc/st",
        "udyam_number": "UDYAM-UP-09-0012345",
        "mse_class": "small",
        "business_type": "सेवा प्रदाता",
        "annual_turnover": "₹1,00,00,000.50",
        "mobile": "+91 98765 43210",
    }
    _, checked = check_all(sample.csv_bytes([row]))
    clean = checked[0].clean
    assert clean is not None, checked[0].errors
    assert clean.segments == ["MSE", "SC_ST"]
    assert clean.business_type == "SERVICE_PROVIDER"
    assert clean.turnover_paise == 1_00_00_000_50
    assert clean.mobile == "9876543210"
    assert clean.mse_class == "SMALL"
    # KYC-6: ₹1 crore (and 50 paise) is the second slab, but an SC/ST-owned MSE is exempt.
    assert clean.caution_money_paise == 0


def test_kyc3_a_trader_mse_gets_no_caution_money_exemption():
    row = sample.sample_row(1) | {
        "segments": "MSE;WOMAN",
        "udyam_number": "UDYAM-UP-09-0012345",
        "mse_class": "MICRO",
        "business_type": "TRADER",
        "annual_turnover": "",
    }
    _, checked = check_all(sample.csv_bytes([row]))
    assert checked[0].clean is not None
    assert checked[0].clean.caution_money_paise == 5_000_00


def test_gstin_must_carry_the_pan_and_the_state():
    row = sample.sample_row(1)
    row |= {"gstin": sample.gstin_for(row["pan"], state_code="10"), "state": "Uttar Pradesh"}
    _, checked = check_all(sample.csv_bytes([row]))
    assert [(e.field, e.code) for e in checked[0].errors] == [("gstin", "kyc.gstin_state_mismatch")]


# --- through the service: a file-level error writes only the FAILED batch --------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("Name;Pan\nx;y\n".encode("latin-1"), "bulk.unknown_headers"),
        ("Legal name,PAN,Köln\n".encode("latin-1"), "bulk.encoding"),
        (b"", "bulk.empty"),
    ],
)
def test_a_bad_file_fails_the_batch_and_writes_nothing_else(
    data, code, django_capture_on_commit_callbacks
):
    operator = make_operator()
    head = audit_head()
    users = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_batch_create(
            acting_user=operator, upload=SimpleUploadedFile("x.csv", data), source="Camp"
        )
    batch.refresh_from_db()
    assert (batch.status, batch.error_code) == ("FAILED", code)
    assert audit_actions_since(head) == ["sellers.import_batch.create", "sellers.import_batch.fail"]
    assert not ImportRow.objects.exists()
    assert not Registration.objects.exists()
    assert User.objects.count() == users
    assert SellerFirm.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_not_even_read(settings, django_capture_on_commit_callbacks):
    settings.KRAYA_IMPORT_MAX_BYTES = 1024
    operator = make_operator()
    data = sample.csv_bytes(sample.sample_row(n) for n in range(1, 40))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = services.import_batch_create(
            acting_user=operator, upload=SimpleUploadedFile("big.csv", data), source="Camp"
        )
    assert callbacks == []
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.error_code, bytes(batch.content)) == (
        "FAILED",
        "bulk.too_large",
        b"",
    )
    assert batch.file_size == len(data)
