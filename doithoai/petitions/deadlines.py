"""Answer deadlines in working days: the unit's rule for the kind and jurisdiction, counted past weekends,
Vietnamese public holidays (Tết included) and the state's day-swaps (CalendarDay)."""

import contextlib
import contextvars
import datetime as dt

from doithoai.lib import workdays
from doithoai.petitions.models import CalendarDay, DeadlineRule

# Defaults when a unit has set nothing (no national number exists for commune-level recommendations:
# these are starting points the unit changes in the admin).
DEFAULT_WORKING_DAYS = {
    ("khieu_nai", ""): 30,
    ("to_cao", ""): 30,
    ("", "higher"): 30,
    ("cau_hoi", ""): 10,
    ("gop_y", ""): 10,
    ("", ""): 15,
}


# Inside `read_once()`: each unit's rules and the state's calendar are read from the database once.
_remembered: contextvars.ContextVar[dict | None] = contextvars.ContextVar("deadline_memo", default=None)


@contextlib.contextmanager
def read_once():
    """For a batch of intakes (an imported list of 10,000 rows): read the rules and the calendar once, not per row.
    Only for a short block in which neither changes."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _unit_rules(unit) -> dict[tuple[str, str], int]:
    memo = _remembered.get()
    key = ("rules", unit.pk)
    if memo is not None and key in memo:
        return memo[key]
    rules = {(r.kind, r.jurisdiction): r.working_days for r in DeadlineRule.objects.filter(unit=unit)}
    if memo is not None:
        memo[key] = rules
    return rules


def working_days_for(unit, kind: str, jurisdiction: str) -> int:
    """The most specific rule: kind and jurisdiction, then kind, then jurisdiction, then the unit's default."""
    rules = _unit_rules(unit)
    for key in ((kind, jurisdiction), (kind, ""), ("", jurisdiction), ("", "")):
        if key in rules:
            return rules[key]
    for key in ((kind, jurisdiction), (kind, ""), ("", jurisdiction), ("", "")):
        if key in DEFAULT_WORKING_DAYS:
            return DEFAULT_WORKING_DAYS[key]
    return 15


def calendar_exceptions(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    """(extra days off, extra working days) announced by the state between two dates."""
    memo = _remembered.get()
    if memo is None:
        rows = CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_working_day")
    else:
        if "calendar" not in memo:
            memo["calendar"] = list(CalendarDay.objects.values_list("day", "is_working_day"))
        rows = [(d, working) for d, working in memo["calendar"] if start <= d <= end]
    return {d for d, working in rows if not working}, {d for d, working in rows if working}


def add_working_days(start: dt.date, days: int) -> dt.date:
    off, working = calendar_exceptions(start, start + dt.timedelta(days=days * 3 + 30))
    return workdays.add_working_days(start, days, off, working)


def deadline_for(unit, kind: str, jurisdiction: str, start: dt.date) -> dt.date:
    return add_working_days(start, working_days_for(unit, kind, jurisdiction))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    off, working = calendar_exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if workdays.is_working_day(day, off, working):
            count += 1
    return count
