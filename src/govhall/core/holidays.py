"""The statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision), for years whose official arrangement
is not published yet.

The holidays themselves are fixed by the regulation: 元旦 1 day, 春节 4 days (除夕 to 正月初三), 清明节 1,
劳动节 2 (1–2 May), 端午节 1, 中秋节 1, 国庆节 3 (1–3 October). The lunar dates and the solar term come
from ``lunar-python``. What the State Council decides each year — 调休 weekends and make-up days — cannot
be predicted and is left out: an estimated year is Monday–Friday less these days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar

FIXED_HOLIDAYS = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)
SPRING_FESTIVAL_DAYS = 4  # 除夕, 初一, 初二, 初三


def _solar(lunar: Lunar) -> dt.date:
    solar = lunar.getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every statutory holiday of ``year`` with its name (weekends included: they are days off anyway)."""
    days = {dt.date(year, month, day): name for month, day, name in FIXED_HOLIDAYS}
    new_year = Lunar.fromYmd(year, 1, 1)
    eve = _solar(new_year.next(-1))  # 除夕: the last day of the 12th lunar month, the 29th or the 30th
    for offset in range(SPRING_FESTIVAL_DAYS):
        days[eve + dt.timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[_solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days.setdefault(_solar(Lunar.fromYmd(year, 8, 15)), "中秋节")  # may fall on 国庆 (2028-10-03)
    return days
