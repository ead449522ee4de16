"""The announcement of a dialogue: the 7-day rule, the portal text, the radio script and the broadcast slots."""

import datetime as dt
import json
import re
import unicodedata

import pytest

from doithoai.accounts.models import Organization
from doithoai.lib.clock import local_datetime
from doithoai.plans import announcing
from doithoai.plans.announcing import (
    broadcast_schedule,
    number_words,
    portal_text,
    radio_script,
    spoken,
    spoken_date,
    spoken_time,
)
from doithoai.plans.models import AgendaItem, Dialogue
from tests import factories

Kind = Dialogue.Kind


def dialogue_at(day: dt.date, hour: int = 8, minute: int = 0, kind: str = Kind.CONFERENCE) -> Dialogue:
    """An unsaved dialogue starting at a local wall time (the rule needs no database)."""
    return Dialogue(kind=kind, title="Hội nghị", starts_at=local_datetime(day, hour, minute))


# ---------------------------------------------------------------- the 7-day rule


def test_last_publication_day_is_seven_calendar_days_before_the_start():
    assert dialogue_at(dt.date(2026, 6, 12)).last_announcement_day == dt.date(2026, 6, 5)


def test_business_dialogue_has_the_same_rule():
    assert dialogue_at(dt.date(2026, 10, 16), kind=Kind.BUSINESS).last_announcement_day == dt.date(2026, 10, 9)


@pytest.mark.parametrize("kind", [Kind.REGULAR, Kind.RECEPTION, Kind.AD_HOC])
def test_kinds_without_the_rule_have_no_last_day(kind):
    dialogue = dialogue_at(dt.date(2026, 6, 12), kind=kind)
    assert dialogue.last_announcement_day is None
    assert dialogue.announcement_days_left(dt.date(2026, 6, 1)) is None
    assert not dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 11), 9))


def test_tentative_month_has_no_last_day():
    dialogue = Dialogue(kind=Kind.CONFERENCE, title="Hội nghị", tentative_month=dt.date(2026, 6, 1))
    assert dialogue.last_announcement_day is None
    assert dialogue.announcement_days_left(dt.date(2026, 5, 1)) is None
    assert not dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 30), 9))


def test_publishing_exactly_seven_days_before_is_on_time():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    assert not dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 5), 9))


def test_publishing_six_days_before_is_late():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    assert dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 6), 9))


def test_23_59_local_on_the_last_day_is_on_time_and_midnight_is_late():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    assert not dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 5), 23, 59))
    assert dialogue.announcement_is_late(local_datetime(dt.date(2026, 6, 6), 0, 0))


def test_the_midnight_boundary_is_local_not_utc():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    # 17:30 UTC on the 5th is 00:30 on the 6th in Hà Nội: late, although the UTC date is still the last day.
    assert dialogue.announcement_is_late(dt.datetime(2026, 6, 5, 17, 30, tzinfo=dt.UTC))
    # 16:59 UTC on the 5th is 23:59 local: on time.
    assert not dialogue.announcement_is_late(dt.datetime(2026, 6, 5, 16, 59, tzinfo=dt.UTC))


def test_an_early_local_start_counts_from_its_local_date_not_its_utc_date():
    # 06:30 in Hà Nội is 23:30 UTC of the previous day; 07:00 is exactly midnight UTC of the same day.
    early = dialogue_at(dt.date(2026, 6, 12), hour=6, minute=30)
    assert early.starts_at.astimezone(dt.UTC).date() == dt.date(2026, 6, 11)
    assert early.last_announcement_day == dt.date(2026, 6, 5)
    assert not early.announcement_is_late(local_datetime(dt.date(2026, 6, 5), 23, 59))
    seven = dialogue_at(dt.date(2026, 6, 12), hour=7)
    assert seven.starts_at.astimezone(dt.UTC) == dt.datetime(2026, 6, 12, 0, 0, tzinfo=dt.UTC)
    assert seven.last_announcement_day == dt.date(2026, 6, 5)


def test_rule_crosses_the_end_of_a_month():
    assert dialogue_at(dt.date(2026, 7, 3)).last_announcement_day == dt.date(2026, 6, 26)
    assert dialogue_at(dt.date(2026, 3, 5)).last_announcement_day == dt.date(2026, 2, 26)


def test_rule_crosses_the_end_of_a_year():
    dialogue = dialogue_at(dt.date(2027, 1, 5))
    assert dialogue.last_announcement_day == dt.date(2026, 12, 29)
    assert not dialogue.announcement_is_late(local_datetime(dt.date(2026, 12, 29), 23, 59))
    assert dialogue.announcement_is_late(local_datetime(dt.date(2026, 12, 30), 0, 0))


def test_days_left_counts_calendar_days_and_goes_negative():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    assert dialogue.announcement_days_left(dt.date(2026, 6, 1)) == 4
    assert dialogue.announcement_days_left(dt.date(2026, 6, 5)) == 0
    assert dialogue.announcement_days_left(dt.date(2026, 6, 7)) == -2


def test_days_left_defaults_to_the_demo_aware_today(frozen_demo_now):
    dialogue = dialogue_at(dt.date(2026, 12, 10))  # last day 3/12; demo today 27/11/2026
    assert dialogue.announcement_days_left() == 6


# ---------------------------------------------------------------- numbers, dates and times in words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (30, "ba mươi"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (2005, "hai nghìn không trăm linh năm"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (2100, "hai nghìn một trăm"),
        (9999, "chín nghìn chín trăm chín mươi chín"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
    ],
)
def test_number_words(number, words):
    assert number_words(number) == words


def test_every_number_up_to_9999_has_words_without_digits_or_double_spaces():
    for number in range(10000):
        words = number_words(number)
        assert words and not re.search(r"\d|  ", words), number
        # "mốt" and "lăm" only ever come after a ten.
        assert not re.search(r"(^|linh |trăm |nghìn )(mốt|lăm)", words), (number, words)


def test_spoken_date_and_time():
    assert spoken_date(dt.date(2026, 6, 12), weekday=True) == (
        "thứ Sáu, ngày mười hai tháng Sáu năm hai nghìn không trăm hai mươi sáu"
    )
    assert spoken_date(dt.date(2026, 4, 5)) == "ngày mồng năm tháng Tư năm hai nghìn không trăm hai mươi sáu"
    assert spoken_time(dt.time(8, 0)) == "tám giờ sáng"
    assert spoken_time(dt.time(7, 30)) == "bảy giờ ba mươi phút sáng"
    assert spoken_time(dt.time(14, 0)) == "hai giờ chiều"


def test_spoken_expands_abbreviations_dates_numbers_and_drops_urls():
    text = spoken("Theo KH số 67-KH/ĐU, UBND và HĐND&UBND xã; xem https://tanyen.gov.vn ngày 12/6/2026, 15 thôn.")
    assert "UBND" not in text and "HĐND" not in text and "http" not in text and "/" not in text
    assert "Ủy ban nhân dân" in text and "Hội đồng nhân dân và Ủy ban nhân dân" in text
    assert "ngày mười hai tháng Sáu năm hai nghìn không trăm hai mươi sáu" in text
    assert "mười lăm thôn" in text
    assert "Kế hoạch số sáu mươi bảy" in text


def test_spoken_reads_roman_numerals_of_quarters():
    assert spoken("Giao ban quý III và quý IV với Ủy ban MTTQ") == (
        "Giao ban quý ba và quý bốn với Ủy ban Mặt trận Tổ quốc Việt Nam"
    )


# ---------------------------------------------------------------- the texts


@pytest.fixture
def conference(commune):
    chair = factories.PostFactory(person__unit=commune.unit, person__full_name="Nguyễn Viết Toàn")
    dialogue = factories.DialogueFactory(
        unit=commune.unit,
        title="Hội nghị tiếp xúc, đối thoại trực tiếp của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã với Nhân dân",
        audience="Cán bộ, đoàn viên, hội viên của MTTQ, các tổ chức CT-XH và Nhân dân xã",
        content="Thông báo tình hình KT-XH năm 2026; nghe ý kiến về TTHC, BHYT và 12 tuyến đường",
        starts_at=local_datetime(dt.date(2026, 6, 12), 8),
        ends_at=local_datetime(dt.date(2026, 6, 12), 11, 30),
        chair_post=chair,
        status=Dialogue.Status.SCHEDULED,
    )
    steps = [
        ("Tuyên bố lý do, giới thiệu đại biểu", "Đại diện lãnh đạo Văn phòng Đảng ủy"),
        ("Thông báo nội dung, phương pháp tiếp xúc đối thoại", "Đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã"),
        ("Các đại biểu phát biểu ý kiến", ""),
        ("Chủ trì kết luận", "Chủ trì hội nghị"),
    ]
    for position, (title, presenter) in enumerate(steps, start=1):
        AgendaItem.objects.create(dialogue=dialogue, position=position, title=title, presenter=presenter)
    Organization.objects.create(
        unit=commune.unit, name="Văn phòng Đảng ủy", kind=Organization.Kind.PARTY_BODY, phone="0204 3866 123"
    )
    return dialogue


@pytest.mark.django_db
def test_portal_text_has_title_time_place_agenda_and_how_to_take_part(conference):
    text = portal_text(conference, base_url="https://doithoai.tanyen.gov.vn/")
    lines = text.splitlines()
    assert lines[0] == "THÔNG BÁO"
    assert lines[1].startswith("Về việc tổ chức hội nghị tiếp xúc, đối thoại trực tiếp")
    assert "Đảng ủy xã Tân Yên tổ chức" in text
    assert "vào lúc 8 giờ 00 phút, thứ Sáu, ngày 12/6/2026" in text
    assert "11 giờ 30 phút" in text
    assert "Phòng họp tầng 3 - Nhà Hội thảo xã" in text
    assert "đồng chí Nguyễn Viết Toàn" in text
    assert "Thành phần tham dự: Cán bộ, đoàn viên, hội viên của MTTQ" in text
    assert "Nội dung: Thông báo tình hình" in text
    assert "   1. Tuyên bố lý do, giới thiệu đại biểu (Đại diện lãnh đạo Văn phòng Đảng ủy)." in text
    assert "   4. Chủ trì kết luận (Chủ trì hội nghị)." in text
    assert f"https://doithoai.tanyen.gov.vn/doi-thoai/{conference.pk}/" in text
    assert "https://doithoai.tanyen.gov.vn/xa/tan-yen/gui-y-kien/" in text
    assert "đăng ký trực tiếp tại Văn phòng Đảng ủy xã" in text
    assert "mã QR" in text
    assert "Mặt trận Tổ quốc Việt Nam" in text
    assert "Gọi điện thoại đến Văn phòng Đảng ủy xã (số 0204 3866 123)" in text
    assert "<" not in text and ">" not in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.django_db
def test_portal_text_without_base_url_has_no_link(conference):
    text = portal_text(conference)
    assert "http" not in text
    assert "Trang thông tin điện tử của xã" in text


@pytest.mark.django_db
def test_portal_text_of_a_tentative_dialogue_says_the_month(commune):
    dialogue = factories.DialogueFactory(unit=commune.unit, tentative_month=dt.date(2026, 10, 1))
    text = portal_text(dialogue)
    assert "dự kiến trong tháng 10/2026" in text
    assert "Chương trình" not in text  # no agenda yet


@pytest.mark.django_db
def test_portal_text_is_nfc_even_from_decomposed_input(commune):
    dialogue = factories.DialogueFactory(
        unit=commune.unit,
        title=unicodedata.normalize("NFD", "Đối thoại với doanh nghiệp"),
        starts_at=local_datetime(dt.date(2026, 10, 16), 14),
    )
    text = portal_text(dialogue)
    assert unicodedata.is_normalized("NFC", text)
    assert "Về việc tổ chức đối thoại với doanh nghiệp" in text


TABLE_ABBREVIATIONS = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(announcing.ABBREVIATIONS, key=len, reverse=True)) + r")(?!\w)"
)


@pytest.mark.django_db
def test_radio_script_has_no_abbreviation_no_url_and_speaks_numbers(conference):
    script = radio_script(conference)
    assert not TABLE_ABBREVIATIONS.search(script), TABLE_ABBREVIATIONS.search(script)
    # No run of capitals at all, except "QR" of the hall's code.
    assert set(re.findall(r"[A-ZĐ]{2,}", script)) <= {"QR"}
    assert "http" not in script and "www" not in script and "/" not in script
    assert not re.search(r"\d", script)
    assert "Trang thông tin điện tử của xã" in script
    assert "Hội đồng nhân dân" in script and "Mặt trận Tổ quốc Việt Nam" in script
    assert "Đảng ủy xã" in script
    assert "tám giờ sáng thứ Sáu, ngày mười hai tháng Sáu năm hai nghìn không trăm hai mươi sáu" in script
    assert "mười hai tuyến đường" in script
    assert "không hai không bốn, ba tám sáu, sáu một hai ba" in script
    assert unicodedata.is_normalized("NFC", script)


@pytest.mark.django_db
def test_radio_script_opens_with_a_greeting_and_closes_with_time_and_place(conference):
    script = radio_script(conference)
    paragraphs = script.split("\n\n")
    assert paragraphs[0].startswith("Kính thưa toàn thể Nhân dân")
    closing = "\n".join(paragraphs[-2:])
    assert "Một lần nữa" in closing
    assert "tám giờ sáng thứ Sáu" in closing
    assert "Phòng họp tầng ba - Nhà Hội thảo xã" in closing
    assert "Thứ nhất: tuyên bố lý do" in script and "Thứ tư: chủ trì kết luận" in script


@pytest.mark.django_db
def test_radio_script_sentences_are_short(conference):
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", radio_script(conference)) if s]
    assert max(len(s.split()) for s in sentences) <= 40


# ---------------------------------------------------------------- the broadcast schedule


def test_broadcast_schedule_runs_morning_and_afternoon_up_to_the_morning_of_the_day():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    slots = broadcast_schedule(dialogue, dt.date(2026, 6, 10))
    assert slots == [
        {"date": "2026-06-10", "time": "06:00", "label": "Buổi sáng"},
        {"date": "2026-06-10", "time": "17:00", "label": "Buổi chiều"},
        {"date": "2026-06-11", "time": "06:00", "label": "Buổi sáng"},
        {"date": "2026-06-11", "time": "17:00", "label": "Buổi chiều"},
        {"date": "2026-06-12", "time": "06:00", "label": "Buổi sáng"},
    ]
    assert json.loads(json.dumps(slots)) == slots


def test_broadcast_schedule_over_seven_days_has_fifteen_slots():
    dialogue = dialogue_at(dt.date(2026, 6, 12))
    slots = broadcast_schedule(dialogue, dt.date(2026, 6, 5))
    assert len(slots) == 7 * 2 + 1
    assert slots[0]["date"] == "2026-06-05" and slots[-1] == {
        "date": "2026-06-12",
        "time": "06:00",
        "label": "Buổi sáng",
    }


def test_broadcast_schedule_starting_on_the_day_is_only_its_morning():
    slots = broadcast_schedule(dialogue_at(dt.date(2026, 6, 12)), dt.date(2026, 6, 12))
    assert slots == [{"date": "2026-06-12", "time": "06:00", "label": "Buổi sáng"}]


def test_broadcast_schedule_of_an_evening_dialogue_has_no_afternoon_slot_on_the_day():
    slots = broadcast_schedule(dialogue_at(dt.date(2026, 6, 12), hour=19), dt.date(2026, 6, 12))
    assert [s["time"] for s in slots] == ["06:00"]


def test_broadcast_schedule_crosses_the_end_of_the_year():
    slots = broadcast_schedule(dialogue_at(dt.date(2027, 1, 1)), dt.date(2026, 12, 31))
    assert [s["date"] for s in slots] == ["2026-12-31", "2026-12-31", "2027-01-01"]


def test_broadcast_schedule_is_empty_after_the_dialogue_or_without_a_start():
    assert broadcast_schedule(dialogue_at(dt.date(2026, 6, 12)), dt.date(2026, 6, 13)) == []
    tentative = Dialogue(kind=Kind.CONFERENCE, title="Hội nghị", tentative_month=dt.date(2026, 6, 1))
    assert broadcast_schedule(tentative, dt.date(2026, 6, 1)) == []
