"""What the publisher stores (OPEN-1): one OCDS release per audit event that
changes a contracting process, the compiled record of each process, and the
publisher's watermark (how far through the audit log it has read).

Releases and records are stored as their serialised JSON (exact decimal
amounts), so the feed, the API and the export stream them without
re-encoding."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class Release(models.Model):
    """One OCDS release. `source_seq` is the audit event it was made from:
    the feed's position (audit `seq` order is commit order, see
    `kraya.opendata.services.publish`)."""

    source_seq = models.BigIntegerField(_("audit event"), unique=True)
    ocid = models.CharField(_("OCID"), max_length=100)
    release_id = models.CharField(_("release id"), max_length=140, unique=True)
    date = models.DateTimeField(_("date"))
    tags = models.JSONField(_("tags"), default=list)
    data = models.TextField(_("release JSON"))
    published_at = models.DateTimeField(_("published at"), default=clock.now)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["source_seq"]
        indexes = [models.Index(fields=["ocid", "source_seq"], name="ocds_release_ocid_seq")]

    def __str__(self) -> str:
        return self.release_id


class Record(models.Model):
    """One contracting process: its compiled release as of `last_seq`, the
    source event of its newest release (the records feed pages by it)."""

    ocid = models.CharField(_("OCID"), max_length=100, unique=True)
    compiled = models.TextField(_("compiled release JSON"))
    last_seq = models.BigIntegerField(_("last audit event"), unique=True)
    release_count = models.PositiveIntegerField(_("releases"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("OCDS record")
        verbose_name_plural = _("OCDS records")
        ordering = ["last_seq"]

    def __str__(self) -> str:
        return self.ocid


class Watermark(models.Model):
    """The publisher's progress: every audit event up to `seq` has been read
    and its release (if any) stored, in the transaction that wrote this row.
    One row per advancing batch; the feed serves up to the newest watermark
    at least `KRAYA_OCDS_FEED_DELAY_SECONDS` old. Old rows are pruned."""

    seq = models.BigIntegerField(_("audit event"), unique=True)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        verbose_name = _("OCDS watermark")
        verbose_name_plural = _("OCDS watermarks")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["at"], name="ocds_watermark_at")]

    def __str__(self) -> str:
        return f"{self.seq} at {self.at}"
