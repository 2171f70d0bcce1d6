"""The application form's values: dates and numbers no one can mean (year 9999, year 1, NaN, 1e400) are
refused with the field named, never stored."""

import pytest

from govhall.catalogue.forms import FormField, clean_form
from govhall.core.errors import ValidationFailed

DATE = FormField(name="start", label="开业日期", type="date", required=True)
NUMBER = FormField(name="area", label="经营面积", type="number", required=True)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30", "2026-1-5", "NaN", "1e400", ""])
def test_impossible_dates_are_refused(value):
    with pytest.raises(ValidationFailed) as refused:
        clean_form([DATE], {"start": value})
    assert refused.value.field == "form.start" and "开业日期" in refused.value.message


@pytest.mark.parametrize("value", ["NaN", "nan", "1e400", "-1e400", "inf", 1e13, "十"])
def test_impossible_numbers_are_refused(value):
    with pytest.raises(ValidationFailed) as refused:
        clean_form([NUMBER], {"area": value})
    assert refused.value.field == "form.area"


def test_ordinary_values_pass():
    assert clean_form([DATE, NUMBER], {"start": "2026-11-18", "area": "120.5"}) == {
        "start": "2026-11-18",
        "area": 120.5,
    }
