"""Vietnamese date formats shared by pages and documents."""

import datetime as dt

from django.utils import timezone


def vietnamese_date(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2026", "ngày 24 tháng 4 năm 2026": HD 36 pads the day below 10 and the months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def local_format(moment: dt.datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """An instant written as people in the commune read it, in Asia/Ho_Chi_Minh ("" for none).

    Aware datetimes come back from the database (and from `timezone.now()`) in UTC: formatted as they are, what
    happened at 00:30 on 1 January would read "17:30 31/12" of the year before."""
    if moment is None:
        return ""
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime(fmt)
