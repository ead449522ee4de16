"""A person in the hall sends an opinion from a phone, gets the receipt with its QR code, and follows it."""

import re

import pytest

from doithoai.accounts.models import Organization
from doithoai.petitions.models import Petition
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import CommuneSet, DialogueFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = (
    "Đề nghị xã sớm sửa chữa đoạn đường từ cổng làng đến nhà văn hóa thôn Trung: mặt đường bong tróc, "
    "ổ gà sâu, trời mưa ngập nước, học sinh đi lại rất nguy hiểm."
)


@pytest.fixture
def hall():
    """A commune with its villages, and the conference whose QR code is printed in the hall."""
    commune = CommuneSet.create()
    for name in ("Thôn Trung", "Thôn Hạ", "Thôn Đình"):
        OrganizationFactory(unit=commune.unit, name=name, kind=Organization.Kind.VILLAGE)
    return DialogueFactory(unit=commune.unit, title="Hội nghị đối thoại trực tiếp tháng 6/2026")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_sends_an_opinion_and_follows_it_by_its_code(live_server, page_at, hall):
    page = page_at(PHONE)
    page.goto(f"{live_server.url}/gui-y-kien/?buoi={hall.pk}")
    assert "Hội nghị đối thoại trực tiếp tháng 6/2026" in page.locator("main").inner_text()
    assert no_sideways_scroll(page), "no sideways scrolling on the form"

    page.get_by_label("Phản ánh", exact=True).check()
    page.get_by_label("Nội dung ý kiến").fill(CONTENT)
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hồng Nhung")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Trung")
    page.get_by_label("Địa chỉ").fill("Số 8, ngõ Giếng")
    page.get_by_label("Tôi đồng ý").check()
    screenshot(page, "intake-phone")
    page.get_by_role("button", name="Gửi ý kiến").click()

    page.wait_for_url(re.compile(r"/tra-cuu/[A-Z0-9-]{16}/\?moi=1&k=[^&]+$"))
    petition = Petition.objects.get()
    assert (petition.channel, petition.dialogue_id, petition.kind) == ("qr_at_dialogue", hall.pk, "phan_anh")
    assert petition.content == CONTENT and petition.submitter_name == "Nguyễn Thị Hồng Nhung"
    receipt = page.locator(".receipt")
    assert "Đã tiếp nhận ý kiến của bạn" in receipt.inner_text()
    code = receipt.locator(".receipt-code")
    assert code.inner_text().strip() == petition.code
    box, outer = code.bounding_box(), receipt.bounding_box()
    assert box["x"] + box["width"] <= outer["x"] + outer["width"], "the code fits in the receipt"
    qr = receipt.get_by_role("img", name=re.compile("Mã QR"))
    assert qr.is_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle()), "the QR code loads"
    assert no_sideways_scroll(page), "no sideways scrolling on the receipt"
    screenshot(page, "receipt-phone")

    page.get_by_role("link", name="Xem trang theo dõi").click()
    page.wait_for_url(f"{live_server.url}/tra-cuu/{petition.code}/")
    main = page.locator("main").inner_text()
    assert "Đã tiếp nhận" in main and "không hiển thị nội dung bạn đã gửi" in main
    body = page.locator("body").inner_text()
    for private in ("Nguyễn Thị Hồng Nhung", "0912", "Số 8", "ổ gà sâu"):
        assert private not in body
    assert no_sideways_scroll(page)
    screenshot(page, "status-phone")
    assert not page.console_errors, page.console_errors


def test_the_form_on_a_wide_screen_and_its_errors(live_server, page_at, hall):
    page = page_at(DESKTOP)
    page.goto(f"{live_server.url}/gui-y-kien/")
    assert no_sideways_scroll(page)
    screenshot(page, "intake-desktop")
    page.get_by_label("Tố cáo", exact=True).check()
    page.get_by_label("Gửi ẩn danh").check()
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Xin nhập nội dung ý kiến." in main and "không được gửi ẩn danh" in main
    assert page.get_by_label("Tố cáo", exact=True).is_checked(), "what was chosen stays chosen"
    assert Petition.objects.count() == 0
    screenshot(page, "intake-desktop-errors")
    # The refused form comes back as 422, which Chromium reports; nothing else may be there.
    assert [e for e in page.console_errors if "status of 422" not in e] == [], page.console_errors
