from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "kraya.core"
    label = "core"

    def ready(self) -> None:
        # Load and validate policy/*.toml once, at startup: a malformed file
        # stops the process with the file and key, not a later request.
        from kraya.core.policy import PolicyFileError, default_book

        try:
            default_book()
        except PolicyFileError as error:
            raise ImproperlyConfigured(f"Policy: {error}") from error
