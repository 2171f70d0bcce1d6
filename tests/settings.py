"""The suite's settings: GovHall's own, with the suite's keys (DEBUG stays off, as in production, which refuses
the development keys) and fast password hashing. Set in the environment before the settings are read, so
subprocesses the tests start (workers, the WSGI check) inherit them."""

import os

os.environ.setdefault("GOVHALL_FAST_PASSWORD_HASHING", "1")
os.environ.setdefault("SECRET_KEY", "govhall-test-suite-signing-key-not-for-any-installation-2026")
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
)

from govhall.config.settings import *  # noqa: F403
