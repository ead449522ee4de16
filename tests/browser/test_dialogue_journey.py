"""A dialogue from a month to the hall: the Party Office dates two conferences, the service centre announces one
in time and the other late (with its reason, kept as evidence), and a citizen registers to speak from a phone."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from doithoai.accounts.models import User
from doithoai.demo.loader import load_demo
from doithoai.lib.clock import local_datetime
from doithoai.plans import actions
from doithoai.plans.models import Announcement, Dialogue, PlanTask, SpeakerRequest
from tests.browser.conftest import PHONE, log_in, no_unexpected_errors, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NOW = local_datetime(dt.date(2026, 12, 1), 9, 0)  # a Tuesday morning
LATE_REASON = "Lịch hội nghị được Thường trực Đảng ủy quyết định bổ sung ngày 30/11/2026."
SUMMARY = "Đề nghị xã sớm cứng hóa đường nội đồng từ Thôn Trung ra khu sản xuất lúa hàng hóa."


def schedule(office, base: str, dialogue: Dialogue, day: str, start: str, end: str, place: str) -> None:
    office.goto(f"{base}/can-bo/buoi/{dialogue.pk}/")
    panel = office.locator("#schedule")
    panel.get_by_label("Ngày tổ chức").fill(day)
    panel.get_by_label("Giờ bắt đầu").fill(start)
    panel.get_by_label("Giờ kết thúc").fill(end)
    panel.get_by_label("Địa điểm").fill(place)
    panel.get_by_role("button", name="Lưu thời gian, địa điểm").click()
    expect(office.locator(".page-header .badge")).to_have_text("Đã lên lịch")


def test_schedule_announce_on_time_and_late_then_a_citizen_registers(live_server, page_at, tmp_path):
    with time_machine.travel(NOW, tick=True):
        load_demo(today=dt.date(2026, 11, 27))
        base = live_server.url
        office_user = User.objects.get(username="vanphong")
        plan = Dialogue.objects.get(kind="business").plan
        month = dt.date(2026, 12, 1)
        in_time = actions.create_dialogue(
            plan.unit,
            plan=plan,
            kind="conference",
            title="Hội nghị đối thoại về đường giao thông nội đồng",
            tentative_month=month,
            by=office_user,
        )
        hurried = actions.create_dialogue(
            plan.unit,
            plan=plan,
            kind="conference",
            title="Hội nghị đối thoại về môi trường chăn nuôi",
            tentative_month=month,
            by=office_user,
        )
        PlanTask.objects.create(
            plan=plan,
            organization=plan.unit.organizations.get(name="Trung tâm Cung ứng dịch vụ sự nghiệp công"),
            dialogue=in_time,
            section="III.3",
            purpose="announce",
            title="Thông báo trước 07 ngày",
            due_on=dt.date(2026, 12, 12),
        )

        # 1. The Party Office turns "tháng 12/2026" into a date, time and place for both.
        office = log_in(page_at, base, "vanphong")
        schedule(office, base, in_time, "2026-12-19", "08:00", "11:00", "Phòng họp tầng 3 - Nhà Hội thảo xã")
        expect(office.locator(".dlg-status")).to_contain_text("Hạn đăng thông báo chậm nhất")
        expect(office.locator(".dlg-status")).to_contain_text("12/12/2026")
        schedule(office, base, hurried, "2026-12-05", "14:00", "17:00", "Nhà văn hóa Thôn Hạ")
        expect(office.locator(".dlg-status")).to_contain_text("đã quá hạn")
        no_unexpected_errors(office)

        # 2. The service centre sees both on its list, the late one first, and announces the first in time.
        centre = log_in(page_at, base, "trungtam")
        expect(centre.locator(".announce-due")).to_contain_text("Hội nghị đối thoại về môi trường chăn nuôi")
        centre.goto(base + "/can-bo/thong-bao/")
        rows = centre.locator("section[aria-labelledby=can-dang-h] tbody tr")
        expect(rows.first).to_contain_text("Hội nghị đối thoại về môi trường chăn nuôi")
        expect(rows.first).to_contain_text("quá hạn")
        centre.goto(f"{base}/can-bo/buoi/{in_time.pk}/thong-bao/")
        portal_text = centre.get_by_label("Nội dung đăng Cổng thông tin")
        expect(portal_text).to_contain_text("Phòng họp tầng 3 - Nhà Hội thảo xã")
        expect(centre.get_by_label("Bài đọc trên Đài truyền thanh")).to_contain_text("tháng Mười Hai")
        screenshot(centre, "dialogue-journey-" + "thong-bao-dung-han")
        centre.get_by_role("button", name="Đăng thông báo", exact=True).click()
        expect(centre.locator("main .badge-done")).to_have_text("Đúng hạn")
        announced = Announcement.objects.get(dialogue=in_time)
        assert announced.published_at is not None and not announced.is_late
        assert announced.last_allowed_on == dt.date(2026, 12, 12)
        assert PlanTask.objects.get(dialogue=in_time, purpose="announce").done_at is not None
        centre.get_by_role("link", name=re.compile("Bài đọc cho phát thanh viên")).click()
        expect(centre.locator("main")).to_contain_text("Kính thưa")
        screenshot(centre, "dialogue-journey-" + "bai-doc-phat-thanh")

        # 3. The second one is already late: it cannot go out without a reason, which is kept.
        centre.goto(f"{base}/can-bo/buoi/{hurried.pk}/thong-bao/")
        expect(centre.locator("main")).to_contain_text("ghi nhận là đăng muộn")
        centre.get_by_role("button", name="Đăng thông báo (muộn)").click()
        expect(centre.locator("#soan .errorlist")).to_contain_text("xin ghi lý do (được lưu làm căn cứ)")
        assert not Announcement.objects.filter(dialogue=hurried, published_at__isnull=False).exists()
        centre.get_by_label("Lý do đăng muộn").fill(LATE_REASON)
        centre.get_by_role("button", name="Đăng thông báo (muộn)").click()
        expect(centre.locator("main .badge-late")).to_have_text("Đăng muộn 3 ngày")
        late = Announcement.objects.get(dialogue=hurried, published_at__isnull=False)
        assert late.is_late and late.late_reason == LATE_REASON and late.last_allowed_on == dt.date(2026, 11, 28)
        screenshot(centre, "dialogue-journey-" + "thong-bao-muon")
        no_unexpected_errors(centre)

        # 4. A citizen finds the dialogue on a phone and registers to speak.
        phone = page_at(PHONE)
        phone.goto(base + "/doi-thoai/")
        phone.get_by_role("link", name="Hội nghị đối thoại về đường giao thông nội đồng").first.click()
        expect(phone.locator("main")).to_contain_text("Phòng họp tầng 3 - Nhà Hội thảo xã")
        phone.get_by_role("link", name="Đăng ký phát biểu").first.click()
        phone.get_by_label("Họ và tên").fill("Nguyễn Thị Hòa")
        phone.get_by_label("Điện thoại (không bắt buộc)").fill("0976 330 158")
        phone.get_by_label("Hoặc ghi tên nhóm, tổ chức").fill("Chi hội Nông dân Thôn Trung")
        phone.get_by_label("Tóm tắt nội dung phát biểu").fill(SUMMARY)
        phone.get_by_role("button", name="Đăng ký phát biểu").click()
        expect(phone.locator("main")).to_contain_text("Xin đánh dấu")  # consent is required
        phone.get_by_label(re.compile("Tôi đồng ý")).check()
        phone.get_by_role("button", name="Đăng ký phát biểu").click()
        expect(phone.get_by_role("heading", name="Bạn đã đăng ký phát biểu")).to_be_visible()
        expect(phone.locator(".speaker-number")).to_have_text("1")
        screenshot(phone, "dialogue-journey-" + "dang-ky-phat-bieu")
        no_unexpected_errors(phone)
        speaker = SpeakerRequest.objects.get(dialogue=in_time)
        assert (speaker.name, speaker.phone, speaker.summary) == ("Nguyễn Thị Hòa", "0976330158", SUMMARY)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # 5. The Party Office sees the request in the dialogue's queue.
        office.goto(f"{base}/can-bo/buoi/{in_time.pk}/phat-bieu/")
        expect(office.locator("#hang-doi")).to_contain_text("Nguyễn Thị Hòa")
