"""`kraya`: the project's command. It is Django's manage.py (every management
command, plus ours: `kraya demo`, `kraya audit verify`, ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kraya.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kraya", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
