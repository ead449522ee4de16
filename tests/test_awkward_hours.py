"""Dates and times at the hours when Vietnam and UTC disagree on the day.

From 00:00 to 07:00 in Asia/Ho_Chi_Minh it is still the day before in UTC (00:30 on 1 January 2027 is 17:30 on
31 December 2026 UTC). Aware datetimes come back from the database, and from `timezone.now()`, in UTC: whatever
turns one into a day, a month, a year or a time that people read must convert it to local time first. Each test
freezes the clock at such an hour; the first group failed before their fix, the second guards rules computed in
the database (`__date`, `__year`), which Django evaluates in the current time zone.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doithoai.api.models import RateCounter
from doithoai.lib import clock
from doithoai.lib.dates import local_format
from doithoai.notifications.models import Notification
from doithoai.petitions import actions, queries, reminders
from doithoai.petitions.models import Attachment, IdentityView, Petition, attachment_path
from doithoai.plans import actions as plan_actions
from doithoai.plans import queries as plan_queries
from doithoai.plans.models import Dialogue, DialogueEvent
from tests import factories

pytestmark = pytest.mark.django_db

NEW_YEAR_0030 = "2027-01-01T00:30:00+07:00"  # 2026-12-31 17:30 UTC
DEC_1_0030 = "2026-12-01T00:30:00+07:00"  # 2026-11-30 17:30 UTC
MONDAY_0030 = "2026-12-07T00:30:00+07:00"  # Sunday 2026-12-06 17:30 UTC
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(instant: str):
    return time_machine.travel(instant, tick=False)


def stored(instance):
    """The row as read back from the database (its datetimes in UTC)."""
    return type(instance).objects.get(pk=instance.pk)


# ---------------------------------------------------------------- what read the UTC day before its fix


def test_the_receipt_tells_the_local_time_the_opinion_was_received(commune, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    with at(NEW_YEAR_0030):
        petition = actions.submit_petition(
            commune.unit,
            content="Đề nghị lắp đèn chiếu sáng ngõ xóm Bắc.",
            channel=Petition.Channel.RECEPTION,
            kind=Petition.Kind.KIEN_NGHI,
            name="Trần Thị Mẫu",
            phone="0987654321",
            email="mau@example.vn",
            address="Số 12, thôn Trung",
            by=coordinator,
        )
    receipt = Notification.objects.get(petition=petition, kind=Notification.Kind.RECEIPT, channel="email")
    assert "đã tiếp nhận ý kiến của bạn lúc 00:30 ngày 01/01/2027." in receipt.body


def test_history_identity_views_dialogue_events_and_rate_counters_read_in_local_time(commune, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    petition = factories.PetitionFactory(unit=commune.unit)
    dialogue = factories.DialogueFactory(unit=commune.unit, title="Giao ban quý IV")
    with at(NEW_YEAR_0030):
        now = clock.now()
        entry = factories.HistoryEntryFactory(petition=petition, at=now, action="receive")
        view = IdentityView.objects.create(petition=petition, user=coordinator, at=now)
        event = DialogueEvent.objects.create(dialogue=dialogue, at=now, action="invite")
        counter = RateCounter.objects.create(client="203.0.113.9", bucket="lookup", window=now.replace(second=0))
    assert str(stored(entry)) == "01/01/2027 00:30 receive"
    assert str(stored(view)).endswith(f"{petition.code} — 01/01/2027 00:30")
    assert str(stored(event)) == "Giao ban quý IV: invite (01/01/2027 00:30)"
    assert str(stored(counter)) == "203.0.113.9 lookup 01/01/2027 00:30: 0"


def test_an_attachment_is_filed_under_the_local_month_it_came_in(commune, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    with at(DEC_1_0030):
        petition = actions.submit_petition(
            commune.unit,
            content="Ảnh chụp đoạn mương bị sạt lở.",
            channel=Petition.Channel.RECEPTION,
            kind=Petition.Kind.PHAN_ANH,
            name="Trần Thị Mẫu",
            phone="0987654321",
            by=coordinator,
            attachments=[SimpleUploadedFile("muong.png", PNG, content_type="image/png")],
        )
    attachment = Attachment.objects.get(petition=petition)
    assert attachment.file.name.startswith("attachments/2026/12/")
    late_november = Attachment(uploaded_at=dt.datetime(2026, 11, 30, 16, 59, tzinfo=dt.UTC), extension=".png")
    assert attachment_path(late_november, "x.png").startswith("attachments/2026/11/")  # 23:59 on 30/11 in Vietnam


def test_a_dialogue_is_sorted_on_its_local_day(commune):
    early = factories.DialogueFactory(
        unit=commune.unit, starts_at=clock.local_datetime(dt.date(2026, 12, 1), 6, 30), tentative_month=None
    )
    assert plan_queries.sort_key(stored(early)) == dt.date(2026, 12, 1)  # 23:30 on 30/11 in UTC


def test_local_format_converts_aware_instants_and_leaves_naive_ones():
    assert local_format(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)) == "01/01/2027 00:30"
    assert local_format(dt.datetime(2026, 12, 31, 17, 30), "%H:%M") == "17:30"
    assert local_format(None) == ""


# ---------------------------------------------------------------- rules that hold at those hours (guards)


def test_the_demo_day_keeps_the_local_time_of_day(settings):
    settings.DEMO_TODAY = "2026-11-27"
    with at("2026-12-08T00:30:00+07:00"):  # 17:30 UTC on 7 December
        assert clock.today() == dt.date(2026, 11, 27)
        assert clock.now() == dt.datetime.fromisoformat("2026-11-27T00:30:00+07:00")


def test_a_deadline_is_overdue_from_local_midnight_not_from_utc_midnight(commune):
    petition = factories.PetitionFactory(
        unit=commune.unit, status=Petition.Status.ASSIGNED, deadline=dt.date(2026, 12, 7)
    )
    with at("2026-12-07T23:30:00+07:00"):
        assert not Petition.objects.all().overdue().exists()
        assert queries.summary_figures(Petition.objects.all())["overdue"] == 0
    with at("2026-12-08T00:30:00+07:00"):  # still 7 December in UTC
        assert list(Petition.objects.all().overdue()) == [petition]
        assert queries.summary_figures(Petition.objects.all())["overdue"] == 1


def test_the_morning_reminders_run_on_a_monday_at_00_30_though_it_is_sunday_in_utc(commune, user_with_role):
    officer = user_with_role("agency", commune.unit, commune.economy)
    officer.email = "kinhte@tanyen.example"
    officer.save()
    petition = factories.PetitionFactory(
        unit=commune.unit, status=Petition.Status.ASSIGNED, deadline=dt.date(2026, 12, 4)
    )
    factories.AssignmentFactory(petition=petition, lead=commune.economy, deadline=dt.date(2026, 12, 4))
    with at("2026-12-06T23:30:00+07:00"):  # Sunday in Vietnam: a day off, nothing is sent
        assert sum(reminders.run().values()) == 0
    with at(MONDAY_0030):
        queued = reminders.run()
    assert queued[Notification.Kind.OVERDUE] == 1
    overdue = Notification.objects.get(kind=Notification.Kind.OVERDUE)
    assert overdue.recipient == "kinhte@tanyen.example" and "hạn trả lời 04/12/2026" in overdue.body


def test_the_new_year_begins_at_local_midnight_on_the_public_home(client, commune):
    factories.PlanFactory(unit=commune.unit, year=2026, title="Kế hoạch năm cũ")
    factories.PlanFactory(unit=commune.unit, year=2027, title="Kế hoạch tiếp xúc, đối thoại năm 2027")
    with at(NEW_YEAR_0030):
        html = client.get("/xa/tan-yen/").content.decode()
    assert "Kế hoạch năm 2027" in html and "Kế hoạch tiếp xúc, đối thoại năm 2027" in html
    assert "Kế hoạch năm cũ" not in html


def test_reception_days_are_found_by_their_local_day_and_year_in_the_database(client, commune, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    with at("2026-12-20T09:00:00+07:00"):
        dawn = plan_actions.add_reception_day(
            commune.unit,
            starts_at=clock.local_datetime(dt.date(2027, 1, 1), 6, 30),
            ends_at=None,
            place="Phòng tiếp công dân",
            by=coordinator,
        )
        with pytest.raises(ValidationError, match="Ngày này đã có lịch tiếp công dân"):
            plan_actions.add_reception_day(
                commune.unit,
                starts_at=clock.local_datetime(dt.date(2027, 1, 1), 14),
                ends_at=None,
                place="Phòng tiếp công dân",
                by=coordinator,
            )
    assert stored(dawn).starts_at.date() == dt.date(2026, 12, 31)  # the day before, in UTC
    january = plan_queries.reception_days(commune.unit, dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    december = plan_queries.reception_days(commune.unit, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert list(january) == [dawn] and not december.exists()
    assert Dialogue.objects.filter(starts_at__year=2027).get() == dawn
    with at(NEW_YEAR_0030):
        client.force_login(coordinator)
        page = client.get("/can-bo/tiep-cong-dan/", {"nam": 2027}).content.decode()
        public = client.get("/xa/tan-yen/lich-tiep-cong-dan/").content.decode()
    assert 'id="thang-1"' in page and "Tháng 1/2027 mới có 1 ngày" in page
    assert "Tháng 1/2027" in public and "Hôm nay</span>" in public and "Đã qua" not in public  # the day itself


def test_the_public_reception_calendar_begins_with_the_local_month(client, commune):
    with at(DEC_1_0030):
        html = client.get("/xa/tan-yen/lich-tiep-cong-dan/").content.decode()
    assert html.index("Tháng 12/2026") < html.index("Tháng 1/2027")
    assert "Tháng 11/2026" not in html
