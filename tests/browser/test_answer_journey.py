"""One opinion from the phone to an answer and back: the citizen sends it, the coordinator classifies and assigns it,
Phòng Kinh tế answers with its document, the chair approves, the coordinator publishes, and the citizen, not
satisfied, sends it back to the coordinator, who finds it "Đã phân loại" with the old answer kept."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from doithoai.demo.loader import load_demo
from doithoai.lib import clock
from doithoai.petitions.models import Answer, Assignment, HistoryEntry, Petition
from tests.browser.conftest import PHONE, log_in, no_unexpected_errors, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CONTENT = (
    "Đề nghị xã sửa đèn chiếu sáng trên đường liên thôn từ Thôn Trung sang Thôn Hạ: đã hỏng hơn một tháng, "
    "buổi tối người đi chợ sớm và học sinh đi học thêm về rất nguy hiểm."
)
SUMMARY = "Người dân Thôn Trung đề nghị sửa đèn chiếu sáng hỏng trên đường liên thôn Trung – Hạ."
INSTRUCTIONS = "Phòng Kinh tế kiểm tra hiện trường, phối hợp điện lực sửa chữa và trả lời người dân."
ANSWER = (
    "Phòng Kinh tế đã kiểm tra hiện trường ngày 25/11: 6 bóng đèn hỏng do chập nguồn. "
    "Điện lực sẽ thay thế xong trước ngày 15/12/2026."
)
DOCUMENT_NUMBER = "88/UBND-KT"
REASON = "Đến nay đèn vẫn chưa sáng, đề nghị xã kiểm tra lại tiến độ sửa chữa."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_opinion_is_answered_published_rated_and_reopened(live_server, page_at, tmp_path):
    load_demo(today=dt.date(2026, 11, 27))
    base = live_server.url
    today = clock.today()
    deadline = today + dt.timedelta(days=15)

    # 1. The citizen sends the opinion from a phone and keeps the code.
    phone = page_at(PHONE)
    phone.goto(base + "/gui-y-kien/")
    phone.get_by_label("Kiến nghị", exact=True).check()
    phone.get_by_label("Nội dung ý kiến").fill(CONTENT)
    phone.get_by_label("Họ và tên").fill("Trần Văn Đức")
    phone.get_by_label("Điện thoại").fill("0987 654 321")
    phone.get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Trung")
    phone.get_by_label("Tôi đồng ý").check()
    phone.get_by_role("button", name="Gửi ý kiến").click()
    phone.wait_for_url(re.compile(r"/tra-cuu/[A-Z0-9-]{16}/\?moi=1&k=[^&]+$"))
    code = phone.locator(".receipt-code").inner_text().strip()
    petition = Petition.objects.get(code=code)
    assert (petition.status, petition.kind, petition.content) == ("received", "kien_nghi", CONTENT)
    no_unexpected_errors(phone)

    # 2. The coordinator finds it among the new ones, classifies it, writes the summary and assigns it.
    office = log_in(page_at, base, "vanphong")
    office.goto(base + "/can-bo/y-kien/")
    office.get_by_role("link", name="Mới tiếp nhận").click()
    expect(office.get_by_role("link", name="Mới tiếp nhận")).to_have_attribute("aria-current", "page")
    filters = office.locator("details.inbox-filters")
    if filters.get_attribute("open") is None:  # a tab is a filter: the panel may already be open
        filters.locator("summary").click()
    office.get_by_label("Tìm kiếm").fill(code)
    office.get_by_role("button", name="Lọc").click()
    results = office.locator("#ket-qua")
    expect(results).to_contain_text("1 ý kiến phù hợp bộ lọc")
    expect(results).to_contain_text("Đã tiếp nhận")
    # Screenshots come after the htmx swaps of a page: Playwright hides the caret with an inline style and
    # leaves style="" on the inputs, which htmx's settling copies back (a CSP report that is the test's own).
    screenshot(office, "journey-inbox-search")
    results.get_by_role("link", name=code).click()
    office.wait_for_url(f"{base}/can-bo/y-kien/{petition.pk}/")
    detail = office.locator("#y-kien-chi-tiet")
    expect(detail).to_contain_text("Trần Văn Đức")  # a kiến nghị: the coordinator sees who sent it
    expect(detail).to_contain_text("Người dân thấy: Đã tiếp nhận")

    classify = office.locator("#thao-tac-classify")
    classify.get_by_label("Lĩnh vực").select_option(label="Điện, nước, hạ tầng")
    classify.get_by_label("Loại").select_option(label="Phản ánh")
    classify.get_by_label("Thẩm quyền").select_option(label="Thuộc thẩm quyền của xã")
    classify.get_by_role("button", name="Lưu phân loại").click()
    expect(detail).to_contain_text("Đã phân loại ý kiến.")
    expect(detail.locator(".detail-status .badge")).to_have_text("Đã phân loại")
    petition.refresh_from_db()
    assert (petition.status, petition.kind, petition.jurisdiction) == ("classified", "phan_anh", "commune")
    assert petition.topic.name == "Điện, nước, hạ tầng"

    summary = office.locator("#thao-tac-summary")
    summary.get_by_label("Tóm tắt công khai").fill(SUMMARY)
    summary.get_by_role("button", name="Lưu tóm tắt").click()
    expect(detail).to_contain_text("Đã lưu tóm tắt công khai.")
    petition.refresh_from_db()
    assert petition.public_summary == SUMMARY

    assign = office.locator("#thao-tac-assign")
    assign.get_by_label("Cơ quan chủ trì").select_option(label="Phòng Kinh tế")
    assign.get_by_label("Hạn xử lý").fill(deadline.isoformat())
    assign.get_by_label("Ý kiến chỉ đạo").fill(INSTRUCTIONS)
    assign.get_by_role("button", name="Giao xử lý").click()
    expect(detail).to_contain_text("Đã giao xử lý.")
    expect(detail.locator(".detail-status .badge")).to_have_text("Đã giao xử lý")
    expect(detail.locator(".detail-assignment")).to_contain_text("Phòng Kinh tế")
    expect(detail.locator(".detail-assignment")).to_contain_text(INSTRUCTIONS)
    petition.refresh_from_db()
    assignment = Assignment.objects.get(petition=petition, is_current=True)
    assert (petition.status, assignment.lead.name, assignment.deadline) == ("assigned", "Phòng Kinh tế", deadline)
    assert assignment.status == "assigned"
    screenshot(office, "journey-detail-assigned")
    no_unexpected_errors(office)

    # 3. Phòng Kinh tế takes it on and answers with its document.
    agency = log_in(page_at, base, "phongkinhte")
    agency.goto(base + "/can-bo/co-quan/")
    agency.get_by_role("link", name=code).click()
    agency.wait_for_url(f"{base}/can-bo/co-quan/viec/{assignment.pk}/")
    main = agency.locator("main")
    expect(main).to_contain_text(CONTENT)
    expect(main).to_contain_text(INSTRUCTIONS)
    expect(main).to_contain_text(deadline.strftime("%d/%m/%Y"))
    assert "Trần Văn Đức" not in main.inner_text() and "0987" not in main.inner_text()
    agency.get_by_role("button", name="Nhận xử lý").click()
    expect(main).to_contain_text("Đã nhận xử lý. Xin trả lời trước hạn.")
    expect(agency.get_by_role("button", name="Nhận xử lý")).to_have_count(0)
    assignment.refresh_from_db()
    assert assignment.status == "accepted"

    pdf = tmp_path / "88-UBND-KT.pdf"
    pdf.write_bytes(PDF)
    agency.get_by_label("Nội dung trả lời, giải trình").fill(ANSWER)
    agency.get_by_label("Số văn bản").fill(DOCUMENT_NUMBER)
    agency.get_by_label("Ngày văn bản").fill(today.isoformat())
    agency.get_by_label("Tệp văn bản").set_input_files(str(pdf))
    screenshot(agency, "journey-agency-answer-form")
    agency.get_by_role("button", name="Gửi trả lời").click()
    expect(main).to_contain_text("Đã ghi trả lời; trả lời đang chờ Thường trực duyệt.")
    sent = agency.locator("section", has=agency.get_by_role("heading", name="Trả lời đã gửi"))
    expect(sent).to_contain_text(ANSWER)
    expect(sent).to_contain_text(f"Văn bản số {DOCUMENT_NUMBER} ngày {today:%d/%m/%Y}")
    expect(sent).to_contain_text("đang chờ duyệt")
    expect(agency.locator(".page-header .badge")).to_have_text("Đã trả lời")
    expect(agency.get_by_role("button", name="Gửi trả lời")).to_have_count(0)
    screenshot(agency, "journey-agency-answered")
    petition.refresh_from_db()
    answer = Answer.objects.get(petition=petition, is_current=True)
    assert petition.status == "answer_pending"
    assert (answer.text, answer.document_number, answer.document_date) == (ANSWER, DOCUMENT_NUMBER, today)
    assert answer.organization.name == "Phòng Kinh tế" and answer.approved_at is None
    assert answer.document_file.name, "the PDF is stored with the answer"
    with answer.document_file.open("rb") as stored:
        assert stored.read() == PDF
    no_unexpected_errors(agency)

    # 4. The chair reads the answer and approves it.
    chair = log_in(page_at, base, "bithu")
    chair.goto(f"{base}/can-bo/y-kien/{petition.pk}/")
    chair_detail = chair.locator("#y-kien-chi-tiet")
    expect(chair_detail.locator(".detail-status .badge")).to_have_text("Chờ duyệt trả lời")
    approve = chair.locator("#thao-tac-approve")
    expect(approve).to_contain_text(ANSWER)
    expect(approve.get_by_label("Nội dung trả lời công khai")).to_have_value(ANSWER)
    expect(chair_detail.locator(".detail-answer")).to_contain_text(
        f"Số {DOCUMENT_NUMBER} ngày {today:%d/%m/%Y} — tải tệp văn bản"
    )
    with chair.expect_download() as download:  # the chair reads the document the agency attached
        chair_detail.get_by_role("link", name="tải tệp văn bản").click()
    assert download.value.suggested_filename.endswith(".pdf")
    approve.get_by_role("button", name="Duyệt").click()
    expect(chair_detail).to_contain_text("Đã duyệt nội dung trả lời.")
    expect(chair_detail.locator(".detail-status .badge")).to_have_text("Đã trả lời")
    screenshot(chair, "journey-chair-approved")
    petition.refresh_from_db()
    answer.refresh_from_db()
    assert petition.status == "answered" and answer.approved_at is not None
    assert answer.approved_by.username == "bithu" and answer.public_text == ANSWER
    no_unexpected_errors(chair)

    # 5. The coordinator publishes it.
    office.reload()
    publish = office.locator("#thao-tac-publish")
    expect(publish).to_contain_text(SUMMARY)
    expect(publish).to_contain_text(ANSWER)
    publish.get_by_role("button", name="Công khai").click()
    expect(detail).to_contain_text("Đã công khai kết quả trả lời.")
    expect(detail.locator(".detail-status .badge")).to_have_text("Đã hoàn thành")
    expect(detail).to_contain_text("Người dân thấy: Đã hoàn thành")
    petition.refresh_from_db()
    answer.refresh_from_db()
    assert petition.status == "closed" and petition.is_public and answer.published_at is not None
    no_unexpected_errors(office)

    # 6. The citizen reads the answer on the phone and is not satisfied.
    phone.goto(f"{base}/tra-cuu/{code}/")
    status = phone.locator("main")
    expect(status.locator(".status-now")).to_have_text("Đã hoàn thành")
    expect(status).to_contain_text(SUMMARY)
    expect(status.locator(".answer")).to_contain_text(ANSWER)
    expect(status.locator(".answer")).to_contain_text(f"Số {DOCUMENT_NUMBER} ngày {today:%d/%m/%Y}")
    assert "Trần Văn Đức" not in status.inner_text() and "0987" not in status.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(phone, "journey-status-answered-phone")
    phone.get_by_label("Nếu chưa hài lòng, xin cho biết lý do").fill(REASON)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Chưa hài lòng").click()
    # Back on the status page (the browser keeps the form's #danh-gia across the redirect).
    assert phone.url.split("#")[0] == f"{base}/tra-cuu/{code}/"
    expect(status).to_contain_text("Ý kiến đã được chuyển lại Văn phòng Đảng ủy xã để xem xét thêm.")
    expect(status.locator(".status-now")).to_have_text("Đang xem xét")
    expect(phone.get_by_role("button", name="Chưa hài lòng")).to_have_count(0)
    expect(status.locator(".timeline")).to_contain_text("Chưa hài lòng")
    assert REASON not in status.inner_text(), "the reason stays out of the public page"
    screenshot(phone, "journey-status-reopened-phone")
    petition.refresh_from_db()
    answer.refresh_from_db()
    assert (petition.status, petition.is_public) == ("classified", False)
    assert (answer.satisfaction, answer.satisfaction_reason, answer.is_current) == ("unsatisfied", REASON, False)
    assert not Assignment.objects.filter(petition=petition, is_current=True).exists()
    assert HistoryEntry.objects.filter(petition=petition, action="reopen").exists()
    no_unexpected_errors(phone)

    # 7. The coordinator finds it back to classify again, the old answer and the rating kept.
    office.reload()
    expect(detail.locator(".detail-status .badge")).to_have_text("Đã phân loại")
    expect(detail).to_contain_text("Người dân thấy: Đang xem xét")
    answers = detail.locator("section", has=office.get_by_role("heading", name="Trả lời", exact=True))
    expect(answers).to_contain_text("Trả lời trước đây")
    expect(answers.locator(".detail-earlier")).to_contain_text(ANSWER)
    expect(answers.locator(".detail-earlier")).to_contain_text(f"Chưa hài lòng: {REASON}")
    history = detail.locator(".detail-history")
    for step in (
        "Phân loại",
        "Giao xử lý",
        "Nhận xử lý",
        "Ghi trả lời",
        "Duyệt trả lời",
        "Công khai",
        "Người gửi đánh giá",
        "Mở lại xem xét",
    ):
        expect(history).to_contain_text(step)
    expect(office.locator("#thao-tac-assign")).to_be_visible()
    screenshot(office, "journey-detail-reopened")
    no_unexpected_errors(office)
