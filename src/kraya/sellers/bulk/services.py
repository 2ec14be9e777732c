"""KYC-5: bulk registration of sellers from a CSV.

`import_batch_create` stores the upload as a QUEUED batch and queues the task;
`import_batch_run` (the task's body) checks the whole file first (a
file-level problem fails the batch and writes nothing else), then streams the
rows in chunks. Each chunk is one transaction: every row is fully checked
before anything is inserted, so good rows commit and bad rows change nothing.
Rows are registered with `bulk_create`, one audit event each (written in one
insert), and the progress counters move with the chunk, so a batch cut short
resumes from `processed_rows` and a DONE batch does nothing when run again."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import Membership, Role, SellerFirm, User
from kraya.accounts.services._common import Acting, require_operator
from kraya.core import audit, clock
from kraya.core.bulk import any_of, insert_rows
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.core.policy import policy_in_force
from kraya.core.tasks import enqueue
from kraya.sellers import rules
from kraya.sellers import tasks as seller_tasks
from kraya.sellers.bulk import reader
from kraya.sellers.bulk.signals import sellers_bulk_registered
from kraya.sellers.bulk.validate import Checked, CleanRow, RowError, check_row
from kraya.sellers.models import (
    BankAccount,
    ImportBatch,
    ImportRow,
    Registration,
    SellerOffice,
    SocialCategory,
)

CHUNK_ROWS = 1000
CHUNK_RETRIES = 3
OnRegistered = Callable[[list[SellerFirm]], None]


def max_bytes() -> int:
    return int(getattr(settings, "KRAYA_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "KRAYA_IMPORT_MAX_ROWS", 200_000))


@transaction.atomic
def import_batch_create(*, acting_user: Acting, upload: File, source: str) -> ImportBatch:
    """KYC-5: an operator uploads a CSV; it is registered in the background.
    A file over the size limit is not read: the batch is FAILED at once."""
    actor = require_operator(acting_user)
    if actor is None:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="accounts.not_operator"
        )
    source = " ".join(source.split())
    if not source:
        raise ValidationFailed(
            code="bulk.source_required", fields={"source": [_("Say where the list comes from.")]}
        )
    if len(source) > 200:
        raise ValidationFailed(
            code="bulk.source_too_long", fields={"source": [_("This is too long.")]}
        )
    size = upload.size or 0
    batch = ImportBatch(
        uploaded_by=actor.user,
        source=source,
        file_name=(upload.name or "upload.csv").rsplit("/", 1)[-1][:255],
        file_size=size,
    )
    if size > max_bytes():
        batch.status = ImportBatch.Status.FAILED
        batch.error_code = "bulk.too_large"
        batch.error_params = {"limit_mb": max_bytes() // (1024 * 1024)}
        batch.finished_at = clock.now()
    else:
        batch.content = upload.read()
    batch.save(force_insert=True)
    audit.record(
        actor=actor.user,
        action="sellers.import_batch.create",
        target=batch,
        payload={
            "source": batch.source,
            "file_name": batch.file_name,
            "file_size": size,
            "status": batch.status,
        },
    )
    if batch.status == ImportBatch.Status.QUEUED:
        enqueue(seller_tasks.import_batch_run_task, batch.pk)
    return batch


@transaction.atomic
def import_batch_resume(*, acting_user: Acting, batch: ImportBatch) -> ImportBatch:
    """KYC-5: queue a batch that is not finished again (its worker died, or the
    embedded server stopped); it goes on from its last committed chunk."""
    actor = require_operator(acting_user)
    if actor is None:
        raise PermissionDenied(
            _("Only a platform operator can do this."), code="accounts.not_operator"
        )
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch.pk)
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        raise Conflict(_("This import has already finished."), code="bulk.finished")
    audit.record(
        actor=actor.user,
        action="sellers.import_batch.resume",
        target=batch,
        payload={"processed_rows": batch.processed_rows},
    )
    enqueue(seller_tasks.import_batch_run_task, batch.pk)
    return batch


@dataclass
class _FileState:
    """What earlier rows of the same file decided (duplicates: the first wins)."""

    pan_rows: dict[str, int] = field(default_factory=dict)


def import_batch_run(*, batch_id: int, on_registered: OnRegistered | None = None) -> ImportBatch:
    """KYC-5: run (or resume) a batch. Safe to call again at any time."""
    batch = _start(batch_id)
    if batch.status != ImportBatch.Status.RUNNING:
        return batch
    content = bytes(ImportBatch.objects.values_list("content", flat=True).get(pk=batch_id))
    try:
        layout = reader.inspect(content, max_rows=max_rows())
    except reader.FileRejected as rejected:
        return _fail(batch_id, rejected)
    ImportBatch.objects.filter(pk=batch_id).update(total_rows=layout.total_rows)
    policy = policy_in_force()
    state = _FileState(
        pan_rows=dict(
            ImportRow.objects.filter(batch_id=batch_id)
            .exclude(outcome=ImportRow.Outcome.REJECTED)
            .values_list("pan", "number")
        )
    )
    done = batch.processed_rows
    for chunk in _chunks(reader.rows(content, layout), done):
        checked = [check_row(raw, kyc_policy=policy.kyc) for raw in chunk]
        _save_chunk(
            batch_id=batch_id,
            checked=checked,
            state=state,
            policy_version=policy.version,
            on_registered=on_registered,
        )
    return _finish(batch_id)


def _chunks(rows: Iterable[reader.RawRow], done: int) -> Iterator[list[reader.RawRow]]:
    chunk: list[reader.RawRow] = []
    for raw in rows:
        if raw.number <= done:
            continue
        chunk.append(raw)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@transaction.atomic
def _start(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch_id)
    if batch.status == ImportBatch.Status.QUEUED:
        batch.status = ImportBatch.Status.RUNNING
        batch.started_at = clock.now()
        batch.save(update_fields=["status", "started_at"])
    return batch


@transaction.atomic
def _fail(batch_id: int, rejected: reader.FileRejected) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch_id)
    batch.status = ImportBatch.Status.FAILED
    batch.error_code = rejected.code
    batch.error_params = {key: str(value) for key, value in rejected.params.items()}
    batch.finished_at = clock.now()
    batch.save(update_fields=["status", "error_code", "error_params", "finished_at"])
    audit.record(
        actor=batch.uploaded_by,
        action="sellers.import_batch.fail",
        target=batch,
        payload={"error": batch.error_code, "params": batch.error_params},
    )
    return batch


@transaction.atomic
def _finish(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch_id)
    if batch.status != ImportBatch.Status.RUNNING:
        return batch
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = clock.now()
    batch.save(update_fields=["status", "finished_at"])
    audit.record(
        actor=batch.uploaded_by,
        action="sellers.import_batch.done",
        target=batch,
        payload={
            "rows": batch.processed_rows,
            "registered": batch.registered,
            "already_registered": batch.already_registered,
            "rejected": batch.rejected,
        },
    )
    return batch


def _save_chunk(
    *,
    batch_id: int,
    checked: list[Checked],
    state: _FileState,
    policy_version: str,
    on_registered: OnRegistered | None,
) -> None:
    # A self-service registration committing the same PAN or GSTIN between
    # our check and our insert breaks a unique constraint: check again.
    for attempt in range(CHUNK_RETRIES):
        try:
            new_pans = _save_chunk_once(
                batch_id=batch_id,
                checked=checked,
                state=state,
                policy_version=policy_version,
                on_registered=on_registered,
            )
        except IntegrityError:
            if attempt == CHUNK_RETRIES - 1:
                raise
            continue
        state.pan_rows.update(new_pans)
        return


@transaction.atomic
def _save_chunk_once(
    *,
    batch_id: int,
    checked: list[Checked],
    state: _FileState,
    policy_version: str,
    on_registered: OnRegistered | None,
) -> dict[str, int]:
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch_id)
    checked = [row for row in checked if row.number > batch.processed_rows]
    if batch.status != ImportBatch.Status.RUNNING or not checked:
        return {}
    pans = {row.clean.pan for row in checked if row.clean}
    gstins = {row.clean.gstin for row in checked if row.clean and row.clean.gstin}
    firms_by_pan = dict(SellerFirm.objects.filter(pan__in=any_of(pans)).values_list("pan", "id"))
    gstins_taken = set(
        SellerOffice.objects.filter(gstin__in=any_of(gstins)).values_list("gstin", flat=True)
    )
    new_pans: dict[str, int] = {}
    gstin_rows: dict[str, int] = {}
    report: list[dict[str, Any]] = []
    to_register: list[CleanRow] = []
    for row in checked:
        outcome, errors, firm_id = _decide(
            row, state, new_pans, gstin_rows, firms_by_pan, gstins_taken
        )
        if row.clean and outcome != ImportRow.Outcome.REJECTED:
            new_pans[row.clean.pan] = row.number
            if row.clean.gstin:
                gstin_rows[row.clean.gstin] = row.number
        if outcome == ImportRow.Outcome.REGISTERED and row.clean:
            to_register.append(row.clean)
        report.append(
            {
                "batch_id": batch_id,
                "number": row.number,
                "outcome": outcome,
                "pan": row.pan[:10],
                "legal_name": row.legal_name[:200],
                "firm_id": firm_id,
                "errors": [{"field": e.field, "code": e.code, "params": e.params} for e in errors],
            }
        )
    registered = _register(batch, to_register, policy_version)
    for item in report:
        ids = registered.get(item["number"])
        if ids is not None:
            item["registration_id"], item["firm_id"] = ids
    insert_rows(ImportRow, report)
    counts = Counter(item["outcome"] for item in report)
    batch.processed_rows = checked[-1].number
    batch.registered += counts[ImportRow.Outcome.REGISTERED]
    batch.already_registered += counts[ImportRow.Outcome.ALREADY_REGISTERED]
    batch.rejected += counts[ImportRow.Outcome.REJECTED]
    batch.save(update_fields=["processed_rows", "registered", "already_registered", "rejected"])
    if registered:
        firm_ids = [firm_id for _registration_id, firm_id in registered.values()]
        firms = list(SellerFirm.objects.filter(pk__in=any_of(firm_ids)).order_by("pk"))
        if on_registered is not None:
            on_registered(firms)
        sellers_bulk_registered.send(sender=ImportBatch, batch=batch, firms=firms)
    return new_pans


def _decide(
    row: Checked,
    state: _FileState,
    new_pans: dict[str, int],
    gstin_rows: dict[str, int],
    firms_by_pan: dict[str | None, int],
    gstins_taken: set[str | None],
) -> tuple[str, list[RowError], int | None]:
    """KYC-5: registered, already registered (by PAN) or rejected with reasons."""
    if row.clean is None:
        return ImportRow.Outcome.REJECTED, row.errors, None
    pan = row.clean.pan
    earlier = state.pan_rows.get(pan) or new_pans.get(pan)
    if earlier:
        return (
            ImportRow.Outcome.REJECTED,
            [RowError("pan", "bulk.pan_repeated", {"row": earlier})],
            None,
        )
    if pan in firms_by_pan:
        return ImportRow.Outcome.ALREADY_REGISTERED, [], firms_by_pan[pan]
    gstin = row.clean.gstin
    if gstin and gstin in gstin_rows:
        error = RowError("gstin", "bulk.gstin_repeated", {"row": gstin_rows[gstin]})
        return ImportRow.Outcome.REJECTED, [error], None
    if gstin and gstin in gstins_taken:
        return ImportRow.Outcome.REJECTED, [RowError("gstin", "bulk.gstin_taken")], None
    return ImportRow.Outcome.REGISTERED, [], None


def _usernames(rows: list[CleanRow], batch_id: int) -> list[str]:
    """The admin login is the PAN in lower case (unless someone has it)."""
    wanted = [row.pan.lower() for row in rows]
    taken = set(User.objects.filter(username__in=any_of(wanted)).values_list("username", flat=True))
    return [
        name if name not in taken else f"{name}-{batch_id}-{row.number}"
        for name, row in zip(wanted, rows, strict=True)
    ]


def _register(
    batch: ImportBatch, rows: list[CleanRow], policy_version: str
) -> dict[int, tuple[int, int]]:
    """Firms, admin logins, registrations (SUBMITTED, BULK), offices, bank
    accounts and categories for checked rows, one insert per table.
    Returns row number → (registration id, firm id)."""
    if not rows:
        return {}
    now = clock.now()
    user_ids = insert_rows(
        User,
        [
            # No usable password: the seller sets one through "forgot password".
            {
                "username": username,
                "full_name": row.key_person_name,
                "email": row.email,
                "mobile": row.mobile,
                "password": "!" + secrets.token_urlsafe(30),
                "date_joined": now,
            }
            for row, username in zip(rows, _usernames(rows, batch.pk), strict=True)
        ],
    )
    firm_ids = insert_rows(
        SellerFirm,
        [
            {
                "name": row.legal_name,
                "pan": row.pan,
                "state": row.state,
                "district": row.district,
                "created_at": now,
            }
            for row in rows
        ],
    )
    insert_rows(
        Membership,
        [
            {
                "user_id": user_id,
                "role": Role.SELLER_ADMIN.value,
                "seller_firm_id": firm_id,
                "created_by_id": batch.uploaded_by_id,
                "created_at": now,
            }
            for user_id, firm_id in zip(user_ids, firm_ids, strict=True)
        ],
    )
    registration_ids = insert_rows(
        Registration,
        [
            _registration(row, firm_id, batch, policy_version, now)
            for row, firm_id in zip(rows, firm_ids, strict=True)
        ],
    )
    pairs = list(zip(rows, registration_ids, strict=True))
    insert_rows(
        SellerOffice,
        [
            {
                "registration_id": registration_id,
                "gstin": row.gstin,
                "state": row.state,
                "district": row.district,
                "pincode": row.pincode,
                "address": row.address,
                "is_head_office": True,
            }
            for row, registration_id in pairs
        ],
    )
    insert_rows(
        BankAccount,
        [
            {
                "registration_id": registration_id,
                "account_holder": row.legal_name,
                "account_number": row.bank_account,
                "ifsc": row.ifsc,
                "bank_name": row.bank_name,
            }
            for row, registration_id in pairs
        ],
    )
    evidence = str(_("Bulk import: %(source)s") % {"source": batch.source})[:300]
    insert_rows(
        SocialCategory,
        [
            {
                "registration_id": registration_id,
                "kind": segment,
                "reference": row.udyam_number if segment == rules.MSE else "",
                "mse_class": row.mse_class if segment == rules.MSE else "",
                "evidence_note": evidence,
            }
            for row, registration_id in pairs
            for segment in row.segments
        ],
    )
    audit.record_many(
        actor=batch.uploaded_by,
        action="sellers.registration.bulk_register",
        model=Registration,
        entries=[
            (
                registration_id,
                {
                    "batch_id": batch.pk,
                    "row": row.number,
                    "pan": row.pan,
                    "firm_id": firm_id,
                    "admin_user_id": user_id,
                    "caution_money_paise": row.caution_money_paise,
                    "caution_money_rule": row.caution_money_rule,
                },
            )
            for row, registration_id, firm_id, user_id in zip(
                rows, registration_ids, firm_ids, user_ids, strict=True
            )
        ],
    )
    return {
        row.number: (registration_id, firm_id)
        for row, registration_id, firm_id in zip(rows, registration_ids, firm_ids, strict=True)
    }


def _registration(
    row: CleanRow, firm_id: int, batch: ImportBatch, policy_version: str, now: Any
) -> dict[str, Any]:
    return {
        "applicant_id": None,
        "firm_id": firm_id,
        "status": Registration.Status.SUBMITTED.value,
        "channel": Registration.Channel.BULK.value,
        "legal_name": row.legal_name,
        "pan": row.pan,
        "constitution": row.constitution,
        "business_type": row.business_type,
        "annual_turnover_paise": row.turnover_paise,
        "state": row.state,
        "district": row.district,
        "pincode": row.pincode,
        "address": row.address,
        "email": row.email,
        "mobile": row.mobile,
        "key_person_name": row.key_person_name,
        "key_person_mobile": row.mobile,
        "key_person_email": row.email,
        "caution_money_paise": row.caution_money_paise,
        "caution_money_rule": row.caution_money_rule,
        "policy_version": policy_version,
        "source": batch.source[:200],
        "created_at": now,
        "updated_at": now,
        "submitted_at": now,
    }
