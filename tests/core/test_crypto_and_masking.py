import logging

import pytest

from govhall.core import crypto
from govhall.core.masking import PersonalDataLogFilter, mask_id_number, mask_phone, mask_text


def test_sm4_round_trip_and_random_nonce(settings):
    a, b = crypto.encrypt("330523199003150012"), crypto.encrypt("330523199003150012")
    assert a != b
    assert b"330523" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "330523199003150012"


def test_lookup_hash_is_keyed_and_normalised(settings):
    assert crypto.lookup_hash("33052319900315001x") == crypto.lookup_hash("33052319900315001X ")
    before = crypto.lookup_hash("13905720001")
    settings.FIELD_ENCRYPTION_KEY = "another-key-for-this-test-only"
    assert crypto.lookup_hash("13905720001") != before


def test_masks():
    assert mask_id_number("330523199003150012") == "330523********0012"
    assert mask_phone("13905720001") == "139****0001"
    assert mask_id_number("") == ""


def test_mask_text_finds_numbers_in_free_text():
    text = "申请人 330523199003150012 电话13905720001，订单 123456"
    assert mask_text(text) == "申请人 330523********0012 电话139****0001，订单 123456"


def test_log_filter_masks_records():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "login %s from %s", ("330523199003150012", "13905720001"), None
    )
    PersonalDataLogFilter().filter(record)
    assert record.getMessage() == "login 330523********0012 from 139****0001"


def test_log_filter_masks_tracebacks():
    try:
        raise ValueError("bad id 330523199003150012")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    PersonalDataLogFilter().filter(record)
    assert "330523199003150012" not in record.exc_text and "330523********0012" in record.exc_text


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("电话 +86 139 0572 0001", "0572"),
        ("电话+8613905720001", "0572"),
        ("电话 86-139-0572-0001", "0572"),
        ("电话 139-0572-0001", "0572"),
        ("电话 139 0572 0001 谢谢", "0572"),
        ("电话１３９０５７２０００１", "０５７２"),
        ("证件ID330523199003150012号", "19900315"),
        ("证件 330523 19900315 0012", "19900315"),
        ("证件３３０５２３１９９００３１５００１Ｘ", "１９９００３１５"),
        ("user=abc13905720001xyz", "0572"),
    ],
)
def test_mask_text_finds_numbers_however_they_are_written(text, hidden):
    masked = mask_text(text)
    assert (
        hidden not in masked
        and hidden.translate(str.maketrans("０１２３４５６７８９", "0123456789")) not in masked
    )
    assert "****" in masked


def test_mask_text_leaves_other_numbers():
    assert mask_text("订单 123456，金额 100.00 元，2026-11-18") == "订单 123456，金额 100.00 元，2026-11-18"
