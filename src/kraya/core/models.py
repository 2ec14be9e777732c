from kraya.core.audit_models import AuditEvent

__all__ = ["AuditEvent"]
