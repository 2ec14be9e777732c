"""Seller registration (DOMAIN §3, KYC-1..6): the KYC record of one seller
firm from draft to verified, its offices, bank account and social categories.

Workflows live in `services.py`; the choices reuse the plain constants of
`rules.py` so the pure rules and the database speak the same codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.sellers import rules


class Constitution(models.TextChoices):
    """KYC-1: the PAN's fourth character gives the constitution."""

    PROPRIETORSHIP = rules.PROPRIETORSHIP, _("Proprietorship")
    FIRM_LLP = rules.FIRM_LLP, _("Firm or LLP")
    COMPANY = rules.COMPANY, _("Company")
    TRUST = rules.TRUST, _("Trust")
    ASSOCIATION = rules.ASSOCIATION, _("Association of persons")
    BODY_OF_INDIVIDUALS = rules.BODY_OF_INDIVIDUALS, _("Body of individuals")
    GOVERNMENT = rules.GOVERNMENT, _("Government")
    HUF = rules.HUF, _("Hindu undivided family")
    LOCAL_AUTHORITY = rules.LOCAL_AUTHORITY, _("Local authority")
    ARTIFICIAL_JURIDICAL_PERSON = (
        rules.ARTIFICIAL_JURIDICAL_PERSON,
        _("Artificial juridical person"),
    )


class BusinessType(models.TextChoices):
    MANUFACTURER = rules.MANUFACTURER, _("Manufacturer")
    TRADER = rules.TRADER, _("Trader")
    SERVICE_PROVIDER = rules.SERVICE_PROVIDER, _("Service provider")


class Segment(models.TextChoices):
    """KYC-3: social and size categories."""

    MSE = rules.MSE, _("Micro or small enterprise (MSE)")
    STARTUP = rules.STARTUP, _("DPIIT startup")
    WOMAN = rules.WOMAN, _("Woman-owned")
    SC_ST = rules.SC_ST, _("SC/ST-owned")
    ARTISAN = rules.ARTISAN, _("Artisan")
    WEAVER = rules.WEAVER, _("Weaver")
    SHG = rules.SHG, _("Self-help group")
    TRIBAL = rules.TRIBAL, _("Tribal entrepreneur")
    GI = rules.GI, _("GI-tagged producer")


class MseClass(models.TextChoices):
    MICRO = rules.MICRO, _("Micro")
    SMALL = rules.SMALL, _("Small")
    MEDIUM = rules.MEDIUM, _("Medium")


class Registration(models.Model):
    """The KYC record of one seller firm, from draft to verified."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        SUBMITTED = "SUBMITTED", _("Submitted")
        VERIFIED = "VERIFIED", _("Verified")
        REJECTED = "REJECTED", _("Rejected")

    class Channel(models.TextChoices):
        """KYC-5: self-service, assisted or bulk."""

        SELF = "SELF", _("Self-service")
        ASSISTED = "ASSISTED", _("Assisted")
        BULK = "BULK", _("Bulk")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seller_registrations",
        verbose_name=_("applicant"),
    )
    firm = models.OneToOneField(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration",
        verbose_name=_("seller firm"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.SELF
    )
    # KYC-1: the firm.
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    pan = models.CharField(_("PAN"), max_length=10, blank=True, db_index=True)
    constitution = models.CharField(
        _("constitution"), max_length=32, choices=Constitution.choices, blank=True
    )
    business_type = models.CharField(
        _("business type"), max_length=24, choices=BusinessType.choices, blank=True
    )
    year_established = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    # Null means the firm has no turnover yet (KYC-6: the lowest slab).
    annual_turnover_paise = models.BigIntegerField(_("annual turnover"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    pincode = models.CharField(_("PIN code"), max_length=6, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    # The key person. Only the masked Aadhaar is stored, never the number.
    key_person_name = models.CharField(_("key person"), max_length=200, blank=True)
    key_person_designation = models.CharField(_("designation"), max_length=100, blank=True)
    key_person_mobile = models.CharField(_("key person's mobile"), max_length=20, blank=True)
    key_person_email = models.EmailField(_("key person's email"), blank=True)
    aadhaar_masked = models.CharField(_("Aadhaar (masked)"), max_length=14, blank=True)
    # KYC-4: land-border declaration.
    land_border_country = models.BooleanField(
        _("from a country sharing a land border with India"), default=False
    )
    land_border_registration_number = models.CharField(
        _("land-border registration number"), max_length=64, blank=True
    )
    land_border_registration_valid_until = models.DateField(
        _("land-border registration valid until"), null=True, blank=True
    )
    # KYC-6: the decision receipt.
    caution_money_paise = models.BigIntegerField(_("caution money"), null=True, blank=True)
    caution_money_rule = models.CharField(_("caution money rule"), max_length=100, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=32, blank=True)
    current_step = models.CharField(_("last completed step"), max_length=16, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, default="self")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)

    class Meta:
        verbose_name = _("seller registration")
        verbose_name_plural = _("seller registrations")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "state", "district"], name="sellers_reg_status_place"),
            models.Index(fields=["state", "district"], name="sellers_reg_place"),
            models.Index(fields=["applicant", "status"], name="sellers_reg_applicant"),
        ]

    def __str__(self) -> str:
        return self.legal_name or self.pan or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name


class SellerOffice(models.Model):
    """KYC-1: an office location; its GSTIN embeds the firm's PAN and the
    office's state code. A seller without GSTIN has none (KYC-2)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="offices")
    gstin = models.CharField(_("GSTIN"), max_length=15, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    pincode = models.CharField(_("PIN code"), max_length=6, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_head_office = models.BooleanField(_("head office"), default=False)

    class Meta:
        verbose_name = _("seller office")
        verbose_name_plural = _("seller offices")
        ordering = ["-is_head_office", "id"]

    def __str__(self) -> str:
        return self.gstin or self.state


class BankAccount(models.Model):
    """KYC-1: the bank account caution money and payments go through."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="bank_account"
    )
    account_holder = models.CharField(_("account holder"), max_length=200)
    account_number = models.CharField(_("account number"), max_length=18)
    ifsc = models.CharField(_("IFSC"), max_length=11)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return f"{self.ifsc} {self.account_number[-4:]}"


class SocialCategory(models.Model):
    """KYC-3: one social or size category of a registration, with evidence."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField(_("segment"), max_length=16, choices=Segment.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    mse_class = models.CharField(_("MSE class"), max_length=8, choices=MseClass.choices, blank=True)
    evidence_note = models.CharField(_("evidence"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        verbose_name = _("social category")
        verbose_name_plural = _("social categories")
        ordering = ["registration", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind"], name="sellers_category_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind=rules.MSE) | Q(mse_class=""),
                name="sellers_category_mse_class_only_for_mse",
            ),
        ]
        indexes = [models.Index(fields=["kind", "registration"], name="sellers_cat_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}".strip()


class ImportBatch(models.Model):
    """KYC-5: one uploaded CSV of sellers to register in bulk, and its progress.

    The file is kept with the batch so that any worker can run it and a
    batch cut short resumes from `processed_rows` (see `sellers.bulk`)."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Queued")
        RUNNING = "RUNNING", _("Running")
        DONE = "DONE", _("Done")
        FAILED = "FAILED", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    source = models.CharField(_("source"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    content = models.BinaryField(editable=False, default=bytes)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error_code = models.CharField(_("error"), max_length=64, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    registered = models.PositiveIntegerField(_("registered"), default=0)
    already_registered = models.PositiveIntegerField(_("already registered"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    policy_version = models.CharField(_("policy version"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk import")
        verbose_name_plural = _("bulk imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.file_name})"


class ImportRow(models.Model):
    """KYC-5: what became of one row of a bulk import (the per-row report)."""

    class Outcome(models.TextChoices):
        REGISTERED = "REGISTERED", _("Registered")
        ALREADY_REGISTERED = "ALREADY_REGISTERED", _("Already registered")
        REJECTED = "REJECTED", _("Rejected")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    pan = models.CharField(_("PAN"), max_length=10, blank=True)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    registration = models.OneToOneField(
        Registration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_row",
    )
    firm = models.ForeignKey(
        "accounts.SellerFirm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Field-level reasons: [{"field", "code", "params"}], worded when shown.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("bulk import row")
        verbose_name_plural = _("bulk import rows")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="sellers_import_row_once")
        ]
        indexes = [
            models.Index(fields=["batch", "outcome", "number"], name="sellers_importrow_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number} {self.outcome}"
