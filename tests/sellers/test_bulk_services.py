"""KYC-5: bulk registration from a CSV — outcomes per row, idempotent
re-upload, no partial rows, duplicates, attribution hook, audit, resume."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kraya.accounts.models import Membership, Role, SellerFirm, User
from kraya.core import audit
from kraya.core.errors import PermissionDenied, ValidationFailed
from kraya.sellers.bulk import sample, services
from kraya.sellers.bulk.signals import sellers_bulk_registered
from kraya.sellers.models import (
    BankAccount,
    ImportBatch,
    ImportRow,
    Registration,
    SellerOffice,
    SocialCategory,
)
from tests.factories import audit_actions_since, audit_head, make_operator

pytestmark = pytest.mark.django_db

Outcome = ImportRow.Outcome


def upload(operator, data: bytes, *, capture, source: str = "Aligarh workshop 2026-11-20"):
    with capture(execute=True):
        batch = services.import_batch_create(
            acting_user=operator,
            upload=SimpleUploadedFile("sellers.csv", data, content_type="text/csv"),
            source=source,
        )
    batch.refresh_from_db()
    return batch


def outcomes(batch) -> dict[int, str]:
    return dict(batch.rows.values_list("number", "outcome"))


@pytest.fixture
def operator(db):
    return make_operator()


def test_good_rows_are_registered_with_everything_a_registration_needs(
    operator, django_capture_on_commit_callbacks
):
    rows = [sample.sample_row(n, salt=1) for n in range(1, 6)]
    rows[0] |= {
        "segments": "MSE;WOMAN",
        "udyam_number": "UDYAM-UP-01-0012345",
        "mse_class": "MICRO",
    }
    rows[0] |= {"business_type": "MANUFACTURER", "annual_turnover": "4500000"}
    batch = upload(operator, sample.csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert (batch.status, batch.total_rows, batch.processed_rows) == ("DONE", 5, 5)
    assert (batch.registered, batch.already_registered, batch.rejected) == (5, 0, 0)
    registration = Registration.objects.get(pan=rows[0]["pan"])
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.channel == Registration.Channel.BULK
    assert registration.source == "Aligarh workshop 2026-11-20"
    assert registration.applicant is None
    assert registration.import_row.batch == batch
    assert registration.annual_turnover_paise == 45_00_000_00
    # KYC-6: a woman-owned MSE manufacturer is exempt.
    assert registration.caution_money_paise == 0
    assert registration.caution_money_rule == "KYC-6 exempt: woman_owned_mse"
    firm = registration.firm
    assert (firm.name, firm.pan, firm.state) == (
        rows[0]["legal_name"],
        rows[0]["pan"],
        rows[0]["state"],
    )
    admin = Membership.objects.get(seller_firm=firm, role=Role.SELLER_ADMIN).user
    assert admin.username == rows[0]["pan"].lower()
    assert not admin.has_usable_password()
    office = SellerOffice.objects.get(registration=registration)
    assert office.is_head_office and office.gstin == (rows[0]["gstin"] or None)
    assert BankAccount.objects.get(registration=registration).ifsc == rows[0]["ifsc"]
    categories = SocialCategory.objects.filter(registration=registration)
    assert sorted(categories.values_list("kind", "reference", "mse_class")) == [
        ("MSE", "UDYAM-UP-01-0012345", "MICRO"),
        ("WOMAN", "", ""),
    ]


def test_reupload_of_the_same_file_registers_nothing_twice(
    operator, django_capture_on_commit_callbacks
):
    data = sample.csv_bytes(sample.sample_row(n, salt=2) for n in range(1, 4))
    upload(operator, data, capture=django_capture_on_commit_callbacks)
    firms = SellerFirm.objects.count()
    again = upload(operator, data, capture=django_capture_on_commit_callbacks)
    assert (again.registered, again.already_registered, again.rejected) == (0, 3, 0)
    assert SellerFirm.objects.count() == firms
    assert set(outcomes(again).values()) == {Outcome.ALREADY_REGISTERED}
    assert all(again.rows.values_list("firm_id", flat=True))


def test_a_bad_row_in_a_chunk_changes_nothing_and_good_rows_commit(
    operator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK_ROWS", 3)
    rows = [sample.sample_row(n, salt=3) for n in range(1, 7)]
    rows[1]["ifsc"] = "SBIN1234567"
    rows[4]["pan"] = "ABC"
    before = Registration.objects.count()
    batch = upload(operator, sample.csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert outcomes(batch) == {
        1: Outcome.REGISTERED,
        2: Outcome.REJECTED,
        3: Outcome.REGISTERED,
        4: Outcome.REGISTERED,
        5: Outcome.REJECTED,
        6: Outcome.REGISTERED,
    }
    assert Registration.objects.count() == before + 4
    assert not Registration.objects.filter(pan=rows[1]["pan"]).exists()
    assert not User.objects.filter(username=rows[1]["pan"].lower()).exists()
    assert batch.rows.get(number=2).errors == [
        {"field": "ifsc", "code": "kyc.ifsc_invalid", "params": {}}
    ]
    assert batch.rows.get(number=5).errors[0]["field"] == "pan"


def test_duplicates_in_one_file_the_first_wins(
    operator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    first = sample.sample_row(1, salt=4)
    second = sample.sample_row(2, salt=4)
    rows = [first, second, dict(first), second | {"legal_name": "Changed"}]
    batch = upload(operator, sample.csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert outcomes(batch) == {
        1: Outcome.REGISTERED,
        2: Outcome.REGISTERED,
        3: Outcome.REJECTED,
        4: Outcome.REJECTED,
    }
    assert batch.rows.get(number=3).errors == [
        {"field": "pan", "code": "bulk.pan_repeated", "params": {"row": 1}}
    ]
    assert batch.rows.get(number=4).errors[0]["params"] == {"row": 2}
    assert Registration.objects.filter(pan=second["pan"]).get().legal_name == second["legal_name"]


def test_a_gstin_taken_by_another_seller_is_rejected(operator, django_capture_on_commit_callbacks):
    row = sample.sample_row(1, salt=5)
    assert row["gstin"]
    upload(operator, sample.csv_bytes([row]), capture=django_capture_on_commit_callbacks)
    SellerFirm.objects.filter(pan=row["pan"]).update(pan="ZZZPZ9999Z")
    batch = upload(operator, sample.csv_bytes([row]), capture=django_capture_on_commit_callbacks)
    assert outcomes(batch) == {1: Outcome.REJECTED}
    assert batch.rows.get().errors == [{"field": "gstin", "code": "bulk.gstin_taken", "params": {}}]


def test_attribution_hook_and_signal_get_the_chunks_firms_inside_its_transaction(operator):
    data = sample.csv_bytes(sample.sample_row(n, salt=6) for n in range(1, 4))
    received: list[list[SellerFirm]] = []
    signalled: list[tuple[int, int]] = []

    def listener(sender, batch, firms, **kwargs):
        signalled.append((batch.pk, len(firms)))

    batch = ImportBatch.objects.create(
        uploaded_by=operator, source="Samvad Patna", file_name="b.csv", content=data
    )
    sellers_bulk_registered.connect(listener)
    try:
        services.import_batch_run(batch_id=batch.pk, on_registered=received.append)
    finally:
        sellers_bulk_registered.disconnect(listener)
    assert [sorted(f.pan for f in firms) for firms in received] == [
        sorted(sample.sample_row(n, salt=6)["pan"] for n in range(1, 4))
    ]
    assert all(firm.pk for firm in received[0])
    assert signalled == [(batch.pk, 3)]


def test_one_audit_event_per_registered_firm_and_the_chain_stays_valid(
    operator, django_capture_on_commit_callbacks
):
    head = audit_head()
    rows = [sample.sample_row(n, salt=7) for n in range(1, 4)] + [{"pan": "bad"}]
    batch = upload(operator, sample.csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert audit_actions_since(head) == [
        "sellers.import_batch.create",
        "sellers.registration.bulk_register",
        "sellers.registration.bulk_register",
        "sellers.registration.bulk_register",
        "sellers.import_batch.done",
    ]
    assert audit.verify().ok
    assert batch.rejected == 1


def test_a_finished_batch_does_nothing_when_run_again(operator, django_capture_on_commit_callbacks):
    data = sample.csv_bytes(sample.sample_row(n, salt=8) for n in range(1, 3))
    batch = upload(operator, data, capture=django_capture_on_commit_callbacks)
    head = audit_head()
    services.import_batch_run(batch_id=batch.pk)
    assert audit_head() == head
    assert ImportRow.objects.filter(batch=batch).count() == 2


def test_a_running_batch_cut_short_resumes_from_its_processed_rows(
    operator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    rows = [sample.sample_row(n, salt=9) for n in range(1, 6)]
    rows.append(dict(rows[0]))  # row 6 repeats row 1, which ran before the cut
    batch = ImportBatch.objects.create(
        uploaded_by=operator, source="NRLM list", file_name="s.csv", content=sample.csv_bytes(rows)
    )
    calls = 0

    def die_after_first_chunk(firms):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        services.import_batch_run(batch_id=batch.pk, on_registered=die_after_first_chunk)
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.registered) == ("RUNNING", 2, 2)
    services.import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.registered, batch.rejected) == (
        "DONE",
        6,
        5,
        1,
    )
    assert batch.rows.get(number=6).errors[0]["code"] == "bulk.pan_repeated"


def test_only_operators_upload(world, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        upload(world.seller_admin, b"x", capture=django_capture_on_commit_callbacks)
    assert not ImportBatch.objects.exists()


def test_the_source_label_is_required(operator, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationFailed) as info:
        upload(operator, b"x", source="  ", capture=django_capture_on_commit_callbacks)
    assert set(info.value.fields) == {"source"}
    assert not ImportBatch.objects.exists()


def test_progress_counts_move_with_each_chunk(operator, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    rows = [sample.sample_row(n, salt=10) for n in range(1, 6)]
    batch = ImportBatch.objects.create(
        uploaded_by=operator, source="Camp", file_name="c.csv", content=sample.csv_bytes(rows)
    )
    seen: list[tuple[str, int, int]] = []

    def progress(firms):
        current = ImportBatch.objects.defer("content").get(pk=batch.pk)
        seen.append((current.status, current.total_rows, current.processed_rows))

    services.import_batch_run(batch_id=batch.pk, on_registered=progress)
    assert seen == [("RUNNING", 5, 2), ("RUNNING", 5, 4), ("RUNNING", 5, 5)]
