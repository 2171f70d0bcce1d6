"""An SMS gateway for the fault-injection tests, loaded by worker subprocesses through SMS_GATEWAY: it takes a
few milliseconds like a real one (so a kill lands mid-send) and appends every send it receives to the file
FAULT_SMS_LOG, outside any transaction, as an external gateway would see them. It records in the database like
the development gateway (idempotent by notice id)."""

from __future__ import annotations

import os
import time

from govhall.notices.gateways import LogGateway


class SlowRecordingGateway(LogGateway):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        time.sleep(float(os.environ.get("FAULT_SMS_SECONDS", "0.005")))
        with open(os.environ["FAULT_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(idempotency_key + "\n")
        super().send(phone=phone, text=text, idempotency_key=idempotency_key)
