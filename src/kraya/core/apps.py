from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "kraya.core"
    label = "core"

    def ready(self) -> None:
        # OPEN-5's Celery task lives beside the checkpoints it seals.
        from kraya.core import audit_proofs  # noqa: F401

        # Outbox handlers and Celery tasks register themselves when their
        # module is imported: import every app's `handlers` and `tasks` now,
        # so each process (web, worker, `kraya outbox_dispatch`) knows every
        # kind before it dispatches one (`kraya.core.outbox`).
        autodiscover_modules("handlers", "tasks")

        # Load and validate policy/*.toml once, at startup: a malformed file
        # stops the process with the file and key, not a later request.
        from kraya.core.policy import PolicyFileError, default_book

        try:
            default_book()
        except PolicyFileError as error:
            raise ImproperlyConfigured(f"Policy: {error}") from error
