from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core.audit_models import AuditCheckpoint, AuditEvent

__all__ = ["AuditCheckpoint", "AuditEvent", "OutboxMessage"]


class OutboxMessage(models.Model):
    """One unit of follow-up work (a notification, a task), written in the
    same transaction as the change that causes it (`kraya.core.outbox`), so
    it exists if and only if that change committed."""

    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    # Idempotency: a second emit with the same key is ignored.
    key = models.CharField(_("key"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created at"))
    available_at = models.DateTimeField(_("available at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    # A dispatcher's claim: until then no other dispatcher takes the message;
    # after it (the claimer died) the message is due again.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The dispatcher's scan: pending messages by due time.
            models.Index(
                fields=["available_at", "id"],
                name="core_outbox_pending",
                condition=Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
