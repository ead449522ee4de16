import datetime as dt

from django.utils import timezone

from doithoai.plans.models import Dialogue
from doithoai.portal.templatetags import vn


def test_times_are_shown_in_local_time_with_the_vietnamese_weekday():
    moment = dt.datetime(2026, 12, 18, 1, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Ho_Chi_Minh
    assert vn.vn_datetime(moment) == "08:00, thứ Sáu 18/12/2026"
    assert vn.vn_weekday(dt.date(2026, 12, 20)) == "Chủ nhật"


def test_a_late_evening_utc_time_is_the_next_local_day():
    moment = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 06:30 on 1/12 in Vietnam
    assert vn.vn_day(moment) == "thứ Ba 01/12/2026"
    assert vn.local_date(moment) == dt.date(2026, 12, 1)
    assert vn.vn_month(moment) == "tháng 12/2026"


def test_a_dialogue_with_only_a_month_says_it_is_tentative():
    assert vn.dialogue_when(Dialogue(tentative_month=dt.date(2026, 6, 1))) == "Dự kiến tháng 6/2026"
    dated = Dialogue(starts_at=timezone.make_aware(dt.datetime(2026, 6, 19, 8, 0)))
    assert vn.dialogue_when(dated) == "08:00, thứ Sáu 19/06/2026"


def test_document_dates_pad_the_day_and_the_first_two_months():
    assert vn.vn_long_date(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert vn.vn_long_date(dt.date(2026, 4, 24)) == "ngày 24 tháng 4 năm 2026"
    assert vn.vn_long_date(None) == ""
