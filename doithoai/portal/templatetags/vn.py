"""Vietnamese formatting for templates: "08:00, thứ Năm 17/12/2026", "tháng 12/2026"."""

import datetime as dt

from django import template
from django.utils import timezone

from doithoai.lib import text
from doithoai.lib.dates import vietnamese_date

register = template.Library()

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _day(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """A date as it is; a datetime in local time (Asia/Ho_Chi_Minh)."""
    return _local(value) if isinstance(value, dt.datetime) else value


@register.filter
def vn_weekday(value: dt.date | dt.datetime | None) -> str:
    """ "thứ Năm" (Monday is "thứ Hai", Sunday "Chủ nhật")."""
    if not value:
        return ""
    return WEEKDAYS[_day(value).weekday()]


@register.filter
def vn_day(value: dt.date | dt.datetime | None) -> str:
    """Weekday and date: "thứ Năm 17/12/2026"."""
    if not value:
        return ""
    value = _day(value)
    return f"{WEEKDAYS[value.weekday()]} {value:%d/%m/%Y}"


@register.filter
def vn_datetime(value: dt.datetime | None) -> str:
    """Time, weekday and date in local time (Asia/Ho_Chi_Minh): "08:00, thứ Năm 17/12/2026"."""
    if not value:
        return ""
    local = _local(value)
    return f"{local:%H:%M}, {vn_day(local)}"


@register.filter
def vn_month(value: dt.date | dt.datetime | None) -> str:
    """The month: "tháng 12/2026"."""
    if not value:
        return ""
    value = _day(value)
    return f"tháng {value.month}/{value.year}"


@register.filter
def vn_long_date(value: dt.date | None) -> str:
    """The date as in the place-and-date line of a document: "ngày 05 tháng 02 năm 2026"."""
    if not value:
        return ""
    return vietnamese_date(value)


@register.filter
def dialogue_when(dialogue) -> str:
    """The dialogue's time, or its tentative month: "Dự kiến tháng 12/2026"."""
    if dialogue.starts_at:
        return vn_datetime(dialogue.starts_at)
    if dialogue.tentative_month:
        return f"Dự kiến {vn_month(dialogue.tentative_month)}"
    return "Chưa xác định thời gian"


@register.filter
def first_publication(dialogue) -> dt.datetime | None:
    """When the dialogue was first announced (uses the prefetched published announcements)."""
    from doithoai.plans.queries import first_publication as first

    return first(dialogue)


@register.filter
def get_item(mapping, key):
    """A dictionary look-up by a variable key: `last_days|get_item:d.pk`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def local_date(value: dt.datetime | None) -> dt.date | None:
    """The local (Asia/Ho_Chi_Minh) date of an aware datetime."""
    if not value:
        return None
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


@register.filter
def vn_filesize(size: int | None) -> str:
    """A file's size as Vietnamese writes it, number and unit kept together: "850 KB", "2,4 MB", "10 MB", "900 byte"."""
    if size is None or size < 0:
        return ""
    if size < 1024:
        return f"{size}\xa0byte"
    if (kilobytes := max(1, round(size / 1024))) < 1024:
        return f"{kilobytes}\xa0KB"
    megabytes = f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
    return f"{megabytes}\xa0MB"


register.filter("lower_first", text.lower_first)  # a title inside a sentence, never `|lower`
