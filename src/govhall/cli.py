"""The `govhall` console command: Django's management entry point with GovHall's settings.

Every manage.py command works (`govhall migrate`, `govhall createsuperuser`), plus GovHall's own:
`govhall demo`, `govhall worker`, `govhall seed --demo`, `govhall token USERNAME`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
