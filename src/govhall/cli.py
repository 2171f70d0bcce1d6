"""The `govhall` console command: Django's management entry point with GovHall's settings.

Every manage.py command works (`govhall migrate`, `govhall createsuperuser`), plus GovHall's own:
`govhall demo`, `govhall worker`, `govhall seed --demo`, `govhall token USERNAME`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    if sys.argv[1:2] == ["demo"]:  # the demo runs like production: with this machine's own random keys
        from govhall.config.keys import default_var_dir, ensure_local_keys

        ensure_local_keys(default_var_dir())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
