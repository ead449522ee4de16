"""Working days in Vietnam (DESIGN.md §3): weekends, public holidays with Tết, and announced day-swaps excluded."""

import datetime as dt

import holidays
import pytest

from doithoai.lib.workdays import add_working_days, is_working_day

D = dt.date


def _counted_days(start: dt.date, end: dt.date, days_off: set[dt.date]) -> int:
    """Working days in (start, end], counted by hand."""
    day, count = start, 0
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in days_off:
            count += 1
    return count


def test_a_weekend_is_skipped():
    friday = D(2026, 3, 13)
    assert add_working_days(friday, 1) == D(2026, 3, 16)  # Monday
    assert add_working_days(friday, 5) == D(2026, 3, 20)
    assert add_working_days(D(2026, 3, 14), 1) == D(2026, 3, 16)  # from a Saturday


def test_ten_working_days_are_two_calendar_weeks_in_an_ordinary_month():
    assert add_working_days(D(2026, 3, 9), 10) == D(2026, 3, 23)


def test_tet_2026_is_skipped_with_the_dates_the_holidays_package_knows():
    vn = holidays.country_holidays("VN", years=2026)
    tet = {day for day, name in vn.items() if "Lunar New Year" in name}
    assert len(tet) >= 4
    assert min(tet) > D(2026, 2, 13) and max(tet) < D(2026, 2, 23)  # all within the week after 13/02
    last_day_before = D(2026, 2, 13)  # Friday before Tết Bính Ngọ

    first = add_working_days(last_day_before, 1)
    tenth = add_working_days(last_day_before, 10)

    following = (last_day_before + dt.timedelta(days=n) for n in range(1, 30))
    assert first == next(day for day in following if day.weekday() < 5 and day not in tet)
    assert _counted_days(last_day_before, tenth, tet) == 10
    assert tenth - last_day_before > dt.timedelta(days=14)  # Tết cost at least 4 extra calendar days


def test_tet_2026_moves_one_working_day_after_the_friday_to_the_monday_after_tet():
    # holidays 0.108: 16–20/02/2026 (Monday to Friday) are Tết days off.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_reunification_day_and_labour_day_are_skipped():
    wednesday = D(2026, 4, 29)
    assert not is_working_day(D(2026, 4, 30)) and not is_working_day(D(2026, 5, 1))
    assert add_working_days(wednesday, 1) == D(2026, 5, 4)  # Thu 30/4, Fri 1/5, then the weekend


def test_national_day_is_skipped():
    assert not is_working_day(D(2026, 9, 2))
    result = add_working_days(D(2026, 8, 28), 1)  # a Friday
    assert result > D(2026, 9, 2)
    assert result == D(2026, 9, 3)  # 31/8 (swapped day), 1/9 and 2/9 are off in 2026


def test_new_years_day_is_skipped_across_the_turn_of_the_year():
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)


def test_an_extra_day_off_announced_by_the_state_is_skipped():
    friday = D(2026, 1, 2)
    assert add_working_days(friday, 1) == D(2026, 1, 5)
    assert add_working_days(friday, 1, extra_days_off={D(2026, 1, 5)}) == D(2026, 1, 6)


def test_a_saturday_worked_in_a_day_swap_counts():
    friday, saturday = D(2026, 1, 9), D(2026, 1, 10)
    assert add_working_days(friday, 1) == D(2026, 1, 12)
    assert add_working_days(friday, 1, extra_working_days={saturday}) == saturday
    assert add_working_days(friday, 2, extra_working_days={saturday}) == D(2026, 1, 12)


def test_a_day_swap_moves_a_working_day_to_a_saturday():
    """The usual swap: a Monday becomes a day off, and the Saturday after is worked instead."""
    monday_off, saturday_worked = D(2026, 3, 2), D(2026, 3, 7)
    swap = {"extra_days_off": [monday_off], "extra_working_days": [saturday_worked]}
    assert add_working_days(D(2026, 2, 27), 1, **swap) == D(2026, 3, 3)
    assert add_working_days(D(2026, 3, 6), 1, **swap) == saturday_worked
    assert add_working_days(D(2026, 2, 27), 5, **swap) == saturday_worked  # still five days a week


def test_zero_working_days_is_the_start_day_itself():
    assert add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 17)
    assert add_working_days(D(2026, 3, 14), 0) == D(2026, 3, 14)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 13), -1)


@pytest.mark.parametrize("days", [1, 5, 15, 30, 60])
def test_the_result_is_a_working_day_exactly_that_many_working_days_later(days):
    start = D(2026, 1, 20)
    off = set(holidays.country_holidays("VN", years=2026))
    result = add_working_days(start, days)
    assert is_working_day(result)
    assert _counted_days(start, result, off) == days
