"""Working days in Vietnam: weekends and public holidays (Tết included) are not counted.

The state's announced day-swaps (a Saturday worked to bridge a holiday, an extra day off) are not
known to the `holidays` package; callers pass them in (`extra_days_off`, `extra_working_days`).
"""

import datetime as dt
from collections.abc import Collection
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(
    day: dt.date, extra_days_off: Collection[dt.date] = (), extra_working_days: Collection[dt.date] = ()
) -> bool:
    if day in extra_working_days:
        return True
    if day in extra_days_off or day.weekday() >= 5:
        return False
    return day not in _public_holidays(day.year)


def add_working_days(
    start: dt.date, days: int, extra_days_off: Collection[dt.date] = (), extra_working_days: Collection[dt.date] = ()
) -> dt.date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current, left = start, days
    while left:
        current += dt.timedelta(days=1)
        if is_working_day(current, extra_days_off, extra_working_days):
            left -= 1
    return current
