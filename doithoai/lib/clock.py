"""The time of the product: the real clock, or the demo's configured "today" (DOITHOAI_TODAY)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    """The current aware datetime; in a demo with a fixed day, that day at the current time of day."""
    current = timezone.now()
    if settings.DEMO_TODAY:
        day = dt.date.fromisoformat(settings.DEMO_TODAY)
        local = timezone.localtime(current)
        return local.replace(year=day.year, month=day.month, day=day.day)
    return current


def today() -> dt.date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return timezone.localdate(now())


def local_datetime(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime at the given local (Asia/Ho_Chi_Minh) wall time."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))
