"""Writes for sellers: the registration workflow (KYC-1..6).

Every service is keyword-only, runs in one transaction, checks who is acting,
applies the pure rules of `rules.py` and appends one audit event. Refusals
raise `kraya.core.errors` exceptions with stable codes and change nothing.
`checks` holds the per-step field checks the bulk import reuses (KYC-5)."""

from kraya.sellers.services.registration import (
    EDITABLE,
    registration_reject,
    registration_save_step,
    registration_start,
    registration_submit,
    registration_verify,
)

__all__ = [
    "EDITABLE",
    "registration_reject",
    "registration_save_step",
    "registration_start",
    "registration_submit",
    "registration_verify",
]
