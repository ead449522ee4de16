"""Vietnamese date formats shared by pages and documents."""

import datetime as dt


def vietnamese_date(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2026", "ngày 24 tháng 4 năm 2026": HD 36 pads the day below 10 and the months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
